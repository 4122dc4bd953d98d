//! What real measurements found, as plain data the app's state holds and native tests build:
//! a lesson measured (`Report`), the learner's machine (`HostProfile`) and the worker's status.
//! The browser side that produces them is `runner` and `client` (wasm only).

use super::plan::Spread;
use crate::sim::ModelId;

/// One model measured for real.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelResult {
    pub model: ModelId,
    /// Min, median and max over the repeats, converted back to model milliseconds.
    pub spread: Option<Spread>,
    /// Why it was not measured, if it was not.
    pub note: Option<&'static str>,
}

/// A lesson measured for real.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Real ms per model ms.
    pub scale: f64,
    /// True if blocking waits used `Atomics.wait`; false for a busy wait.
    pub atomics: bool,
    pub models: Vec<ModelResult>,
}

/// The learner's machine as the machine check found it (the host the app runs on).
#[derive(Clone, Debug, PartialEq)]
pub struct HostProfile {
    pub hardware_concurrency: u32,
    pub isolated: bool,
    pub timer_resolution_ms: f64,
    /// How much faster `workers` workers finished the same CPU job each than one did alone.
    pub speedup: f64,
    pub workers: usize,
    /// Mean time from creating a worker to its "ready".
    pub startup_ms: f64,
}

/// What the page knows about its measurement worker.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerStatus {
    /// Nothing has needed a worker yet, so none was loaded (see `client::probe_on_first_use`).
    NotStarted,
    Starting,
    /// The worker answered a ping; `round_trip_ms` is the time from post to answer.
    Ready {
        round_trip_ms: f64,
    },
    /// Workers cannot run here (blocked by policy, `file://`, an old browser, or no answer).
    Unavailable {
        reason: String,
    },
}
