//! The messages that cross between the page and the measurement worker, as JSON strings.
//!
//! Strings keep the boundary simple and inspectable in the browser's devtools; every message is
//! tagged so that an unknown one is reported instead of being misread.

use serde::{Deserialize, Serialize};

use super::plan::WorkerPlan;

/// The first message a worker sends. The page must not post work before it arrives, because a
/// worker that is still loading its wasm drops messages.
pub const READY: &str = r#"{"kind":"ready"}"#;

/// What the page asks of a worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToWorker {
    /// A round trip with no work, to prove the pipeline and measure message latency.
    Ping { id: u32 },
    /// Run the CPU kernel for `iterations` rounds and report how long it took.
    Spin { id: u32, iterations: u64 },
    /// Find how many kernel rounds take one real millisecond here.
    Calibrate { id: u32 },
    /// Run a plan. `chunk_iterations` is one switch interval of Python under the lock;
    /// `atomics` says a blocking wait may use `Atomics.wait` (cross-origin isolated pages).
    Run {
        id: u32,
        plan: WorkerPlan,
        chunk_iterations: u64,
        atomics: bool,
    },
    /// The page's lock arbiter hands this worker the lock it asked for.
    Granted,
}

/// What a worker answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FromWorker {
    Ready,
    Pong {
        id: u32,
    },
    Spun {
        id: u32,
        elapsed_ms: f64,
        checksum: u64,
    },
    Calibrated {
        id: u32,
        iterations_per_ms: f64,
    },
    /// The worker wants the shared lock (the GIL) to run a slice of Python.
    Acquire,
    /// The worker gives the lock back.
    Release,
    /// The plan has run; `elapsed_ms` is by the worker's own clock.
    Done {
        id: u32,
        elapsed_ms: f64,
    },
    /// The worker could not understand a message; `detail` says why.
    Error {
        detail: String,
    },
}

impl ToWorker {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a ToWorker always serialises")
    }

    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("bad message to worker: {e}"))
    }
}

impl FromWorker {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a FromWorker always serialises")
    }

    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("bad message from worker: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_constant_matches_the_enum() {
        assert_eq!(FromWorker::Ready.to_json(), READY);
        assert_eq!(FromWorker::from_json(READY), Ok(FromWorker::Ready));
    }

    #[test]
    fn messages_round_trip() {
        let spin = ToWorker::Spin {
            id: 7,
            iterations: 1_000,
        };
        assert_eq!(ToWorker::from_json(&spin.to_json()), Ok(spin));
        let spun = FromWorker::Spun {
            id: 7,
            elapsed_ms: 1.5,
            checksum: 3,
        };
        assert_eq!(FromWorker::from_json(&spun.to_json()), Ok(spun));
    }

    #[test]
    fn a_run_round_trips_with_its_plan() {
        use super::super::plan::{Mode, Op, WorkTask};
        let run = ToWorker::Run {
            id: 3,
            plan: WorkerPlan {
                mode: Mode::Locked,
                tasks: vec![WorkTask {
                    ops: vec![Op::Python { iterations: 10 }, Op::Timer { ms: 2.5 }],
                    send_bytes: 0,
                    recv_bytes: 8,
                }],
            },
            chunk_iterations: 100,
            atomics: false,
        };
        assert_eq!(ToWorker::from_json(&run.to_json()), Ok(run));
        assert_eq!(
            FromWorker::from_json(r#"{"kind":"acquire"}"#),
            Ok(FromWorker::Acquire)
        );
    }

    #[test]
    fn unknown_messages_are_errors_not_guesses() {
        assert!(ToWorker::from_json(r#"{"kind":"format_disk"}"#).is_err());
        assert!(ToWorker::from_json("not json").is_err());
    }
}
