//! Model ids, model settings as written (`ModelConfig`) and as resolved (`ModelParams`), and
//! the documented constants every model uses.
//!
//! Each constant cites the lesson in `LESSONS.md` it comes from, so a reader can check the
//! simulation against what real CPython was measured to do.

use super::error::ScenarioError;
use super::time::{Bytes, Micros};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The execution models, with stable ids used in share links, JSON and the CLI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelId {
    /// One thread runs the tasks one after another.
    Sync,
    /// One event loop (one thread) switches tasks at every `await`.
    Asyncio,
    /// An event loop that sends CPU steps to a process pool with `run_in_executor`.
    Hybrid,
    /// A pool of OS threads in one process, sharing one GIL.
    Threads,
    /// A pool of OS threads in a free-threaded build: no GIL.
    ThreadsNogil,
    /// A pool of worker processes, each with its own interpreter and GIL.
    Processes,
}

impl ModelId {
    /// Every model, in the order the UI and the CLI list them.
    pub const ALL: [ModelId; 6] = [
        ModelId::Sync,
        ModelId::Asyncio,
        ModelId::Hybrid,
        ModelId::Threads,
        ModelId::ThreadsNogil,
        ModelId::Processes,
    ];

    /// The stable id: "sync", "asyncio", "hybrid", "threads", "threads-nogil", "processes".
    pub fn as_str(self) -> &'static str {
        match self {
            ModelId::Sync => "sync",
            ModelId::Asyncio => "asyncio",
            ModelId::Hybrid => "hybrid",
            ModelId::Threads => "threads",
            ModelId::ThreadsNogil => "threads-nogil",
            ModelId::Processes => "processes",
        }
    }
}

impl fmt::Display for ModelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ModelId {
    type Err = ScenarioError;
    fn from_str(s: &str) -> Result<ModelId, ScenarioError> {
        ModelId::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                let ids: Vec<&str> = ModelId::ALL.iter().map(|m| m.as_str()).collect();
                ScenarioError::new(
                    "model",
                    format!("unknown model id {s:?}; expected one of {}", ids.join(", ")),
                )
            })
    }
}

/// How `multiprocessing` starts a worker process (lesson 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StartMethod {
    /// Copy the parent with `fork()`: cheapest (the Linux default before Python 3.14).
    Fork,
    /// Fork from a small server process (the Linux default from Python 3.14).
    Forkserver,
    /// Start a fresh interpreter (the default on Windows and macOS).
    Spawn,
}

impl StartMethod {
    /// Start-up cost per process. Lesson 7 measured start+join: fork ~6 ms,
    /// forkserver ~10-30 ms, spawn ~90-120 ms; we take a point inside each range.
    pub fn startup(self) -> Micros {
        match self {
            StartMethod::Fork => Micros(6_000),
            StartMethod::Forkserver => Micros(20_000),
            StartMethod::Spawn => Micros(100_000),
        }
    }

    /// The Python spelling, as passed to `multiprocessing.get_context`.
    pub fn as_str(self) -> &'static str {
        match self {
            StartMethod::Fork => "fork",
            StartMethod::Forkserver => "forkserver",
            StartMethod::Spawn => "spawn",
        }
    }
}

/// Cores of the simulated machine unless a model says otherwise.
pub const DEFAULT_CORES: u32 = 4;
/// `sys.getswitchinterval()` default (lesson 11): 5 ms.
pub const DEFAULT_SWITCH_INTERVAL_MS: f64 = 5.0;
/// Pickling throughput: lesson 7 measured ~5 MB each way in ~170 ms, i.e. roughly 60 MB/s.
pub const DEFAULT_PICKLE_MB_PER_S: f64 = 60.0;
/// Single-thread slowdown of a free-threaded build: roughly 5-10% in CPython 3.14 (lesson 12).
pub const DEFAULT_NOGIL_OVERHEAD_PCT: f64 = 10.0;
/// Default start method: forkserver, the Linux default since Python 3.14 (lesson 7).
pub const DEFAULT_START_METHOD: StartMethod = StartMethod::Forkserver;
/// The OS time slice used when more threads want to run than there are cores.
pub const OS_QUANTUM: Micros = Micros(10_000);
/// Dead time while the GIL changes hands (the woken thread's wake-up), which grows with the
/// switch interval as caches go cold: measured between two CPU-bound threads on CPython
/// 3.9-3.13 on this machine kind, 1.3-2.5 us at a 0.1-1 ms interval and 3.5-7 us at 5 ms
/// (issue 13; `calibration/measured.json`, cases `gil_handoff_us_switch_*`). Modelled as
/// 1.5 us + 0.7 us per ms of switch interval, rounded to whole microseconds (at least 1).
pub fn gil_handoff(switch: Micros) -> Micros {
    let ns = 1_500 + 700 * switch.0 / 1_000;
    Micros(((ns + 500) / 1_000).max(1))
}

/// How late the OS wakes a sleeping thread or fires a timer: `time.sleep(0.001)` lasted
/// 1.07-1.16 ms on CPython 3.9-3.13 on this machine kind (calibration/measured.json, case
/// `sleep_1ms_actual_us`: medians 1069-1158 us), about 110 us more than asked, on Linux the
/// timer slack and the wake-up. Every wait in a scenario is a timer or an I/O wake-up.
pub const WAKE_UP_LATE: Micros = Micros(110);

/// The event loop's own work for each step of a task (starting it, or resuming it after an
/// await): creating and running 10,000 tasks of two steps each took 4.8-14.5 us per task on
/// CPython 3.9-3.13 on this machine kind (calibration/measured.json, case
/// `asyncio_task_overhead_us`; 3.12: 6.1 us), about 3 us a step.
pub const LOOP_STEP: Micros = Micros(3);

/// The seed of runs where CPython varies (which waiter the OS wakes), unless a scenario
/// gives its own.
pub const DEFAULT_SEED: u64 = 0;

/// Memory per OS thread (lesson 10): an 8 MB stack reserved, 8.5 MB of address space in all.
pub const THREAD_RESERVED: Bytes = Bytes(8_500_000);
/// Memory per OS thread actually resident at first (lesson 10): about 14 KB.
pub const THREAD_RESIDENT: Bytes = Bytes(14_000);
/// Memory per asyncio task (lesson 10): 10,000 tasks added ~14 MB, so about 1.5 KB each.
pub const TASK_RESIDENT: Bytes = Bytes(1_500);
/// Memory per worker process (lesson 10: "a whole interpreter, tens of MB"): we count
/// ~10 MB resident and ~30 MB of address space reserved.
pub const PROCESS_RESIDENT: Bytes = Bytes(10_000_000);
/// See `PROCESS_RESIDENT`.
pub const PROCESS_RESERVED: Bytes = Bytes(30_000_000);

/// One model with its parameters. Absent fields take the documented defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// Which model.
    pub id: ModelId,
    /// Pool size: threads for `threads`/`threads-nogil` (default: one per task),
    /// processes for `processes`/`hybrid` (default: the number of cores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers: Option<u32>,
    /// Cores of the machine (default 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cores: Option<u32>,
    /// GIL switch interval in ms (default 5), used by `threads`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switch_interval_ms: Option<f64>,
    /// Process start method (default forkserver), used by `processes` and `hybrid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_method: Option<StartMethod>,
    /// Pickling throughput in MB/s (default 60), used by `processes` and `hybrid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickle_mb_per_s: Option<f64>,
    /// Extra cost of Python bytecode in a free-threaded build, in percent (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nogil_overhead_pct: Option<f64>,
    /// Start-up cost of one worker process in ms, overriding the start method's figure
    /// ("Use my machine" sets it from a measured Web Worker start-up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup_ms: Option<f64>,
}

impl ModelConfig {
    /// A model with every parameter at its default.
    pub fn new(id: ModelId) -> ModelConfig {
        ModelConfig {
            id,
            workers: None,
            cores: None,
            switch_interval_ms: None,
            start_method: None,
            pickle_mb_per_s: None,
            nogil_overhead_pct: None,
            startup_ms: None,
        }
    }

    /// Sets the pool size.
    pub fn workers(mut self, n: u32) -> ModelConfig {
        self.workers = Some(n);
        self
    }

    /// Sets the number of cores.
    pub fn cores(mut self, n: u32) -> ModelConfig {
        self.cores = Some(n);
        self
    }

    /// Sets the process start method.
    pub fn start_method(mut self, m: StartMethod) -> ModelConfig {
        self.start_method = Some(m);
        self
    }

    /// Sets the GIL switch interval in ms.
    pub fn switch_interval_ms(mut self, ms: f64) -> ModelConfig {
        self.switch_interval_ms = Some(ms);
        self
    }
}

/// One model's settings, validated, with defaults filled in by its descriptor's `resolve`.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelParams {
    /// Which model.
    pub id: ModelId,
    /// Pool size (threads or processes; 1 for sync and asyncio).
    pub workers: usize,
    /// Cores of the simulated machine.
    pub cores: usize,
    /// The GIL's switch interval.
    pub switch: Micros,
    /// Start-up of one worker process.
    pub startup: Micros,
    /// Pickling throughput, in bytes per second.
    pub pickle_bytes_per_s: f64,
    /// Cost of one microsecond of Python bytecode, in thousandths (1000 = normal speed).
    pub cpu_permille: u64,
}

impl ModelParams {
    /// How long pickling `bytes` takes one way; zero bytes cost nothing.
    pub fn pickle_time(&self, bytes: Bytes) -> Micros {
        Micros((bytes.0 as f64 * 1e6 / self.pickle_bytes_per_s).round() as u64)
    }
}
