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
    /// An event loop that hands blocking calls and CPU work to worker threads
    /// (`asyncio.to_thread`); their Python shares the loop's GIL.
    ToThread,
    /// A pool of threads in one process, each running its own subinterpreter with its own
    /// GIL (`InterpreterPoolExecutor`, 3.14; per-interpreter GIL since 3.12).
    Interpreters,
}

impl ModelId {
    /// Every model, in the order the UI and the CLI list them.
    pub const ALL: [ModelId; 8] = [
        ModelId::Sync,
        ModelId::Asyncio,
        ModelId::ToThread,
        ModelId::Hybrid,
        ModelId::Threads,
        ModelId::ThreadsNogil,
        ModelId::Interpreters,
        ModelId::Processes,
    ];

    /// The stable id: "sync", "asyncio", "to-thread", "hybrid", "threads", "threads-nogil",
    /// "interpreters", "processes".
    pub fn as_str(self) -> &'static str {
        match self {
            ModelId::Sync => "sync",
            ModelId::Asyncio => "asyncio",
            ModelId::Hybrid => "hybrid",
            ModelId::Threads => "threads",
            ModelId::ThreadsNogil => "threads-nogil",
            ModelId::Processes => "processes",
            ModelId::Interpreters => "interpreters",
            ModelId::ToThread => "to-thread",
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
    /// Start-up cost per process: `get_context(m).Process(target=noop)` start+join, after
    /// one warm-up, measured on CPython 3.9-3.13 on this machine kind
    /// (`calibration/measured.json`, cases `process_start_*_ms`): fork 1.8-2.6 ms (median
    /// of the medians 2.0), forkserver 8.5-22 ms (15.8), spawn 34-63 ms (50.5). LESSONS.md
    /// (lesson 7) measured a larger program elsewhere: fork ~6, forkserver ~10-30, spawn
    /// ~90-120 ms; start-up grows with what the parent has imported.
    pub fn startup(self) -> Micros {
        match self {
            StartMethod::Fork => Micros(2_000),
            StartMethod::Forkserver => Micros(16_000),
            StartMethod::Spawn => Micros(50_000),
        }
    }

    /// What the program pays once before its first worker can start: the fork server's
    /// own start, only for `forkserver`. Measured as the first `ProcessPoolExecutor(2)` over
    /// a second one, each in a fresh interpreter: medians 29-48 ms on CPython 3.9-3.13 here
    /// (`forkserver_server_start_ms`, median of the medians 37.4 ms); LESSONS.md lesson 15
    /// says ~35-50 ms, more when the main module imports more.
    pub fn server_start(self) -> Micros {
        match self {
            StartMethod::Forkserver => Micros(37_000),
            StartMethod::Fork | StartMethod::Spawn => Micros::ZERO,
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

/// What a task's pickled payload holds: pickling and unpickling speeds differ by data
/// (`calibration/measured.json`, cases `pickle_*` and `unpickle_*`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PayloadKind {
    /// A list of Python ints (`list(range(n))`, the usual numeric job).
    #[default]
    Ints,
    /// A list of short strings (words, records, lines of text).
    Strings,
}

impl PayloadKind {
    /// Every kind, in the editor's order.
    pub const ALL: [PayloadKind; 2] = [PayloadKind::Ints, PayloadKind::Strings];

    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PayloadKind::Ints => "ints",
            PayloadKind::Strings => "strings",
        }
    }

    pub(crate) fn is_default(&self) -> bool {
        *self == PayloadKind::Ints
    }
}

/// Cores of the simulated machine unless a model says otherwise.
pub const DEFAULT_CORES: u32 = 4;
/// `sys.getswitchinterval()` default (lesson 11): 5 ms.
pub const DEFAULT_SWITCH_INTERVAL_MS: f64 = 5.0;
// The free-threaded build's slowdown and the default start method depend on the version and
// the OS: `sim::python::Runtime`.
/// The OS time slice used when more threads want to run than there are cores.
pub const OS_QUANTUM: Micros = Micros(10_000);
/// Dead time while the GIL changes hands (the woken thread's wake-up), which grows with long
/// switch intervals as caches go cold. Timed directly between two CPU-bound threads (the
/// other thread's last stamp to this one's first) on CPython 3.9-3.13 on this machine kind
/// (`calibration/measured.json`, cases `gil_handoff_us_switch_*`, `direct_gap_us_median`):
/// 1.6-4.6 us at a 0.1 ms interval (median 1.9), 1.6-32 us at 1 ms (median 1.7) and 9.5-31 us
/// at 5 ms (median 11.8). Modelled as 1.7 us, plus 2.5 us per ms of interval beyond 1 ms,
/// rounded to whole microseconds: 2 us up to 1 ms, 12 us at 5 ms.
pub fn gil_handoff(switch: Micros) -> Micros {
    let ns = 1_700 + 5 * switch.0.saturating_sub(1_000) / 2;
    Micros(((ns + 500) / 1_000).max(1))
}

/// Start-up of a pool thread (or `threading.Thread`) after `before` others were started: the
/// program starts its threads one after another, and each start grows with the threads
/// started so far (the kernel maps one more stack, the scheduler tracks one more thread).
/// Measured on CPython 3.9-3.13 on this machine kind (`calibration/measured.json`, medians
/// per interpreter): starting 100 threads that each sleep 1 s took 100-132 us a thread
/// (`thread_start_us_100_sleepers`), and 10,000 such threads took 2.0-3.2 s to start,
/// 3.0-4.2 s until all had slept and joined (`threads_10000_sleep_1s_ms`). Modelled as 110 us
/// plus 28 ns per thread started before, fitted to those runs (in which most earlier threads
/// were still alive): 2.5 s for 10,000. (An empty thread started and joined alone,
/// `thread_start_join_us`, took 66-127 us.)
pub fn thread_start(before: usize) -> Micros {
    let ns = 110_000 + 28 * before as u64;
    Micros((ns + 500) / 1_000)
}

/// What a process pool's parent spends per chunk of work sent (`submit` or `map`'s
/// chunks): the work item, the call queue, the feeder thread and the result's return.
/// A warm two-worker pool mapped 20,000 no-ops in 72-114 us per task with `chunksize=1`
/// (median of the medians 105.6) and 1.0-1.4 us per task with `chunksize=100` (1.12) on
/// CPython 3.9-3.13 on this machine kind (`calibration/measured.json`, cases
/// `pool_dispatch_us_per_task_chunksize_*`): about 105 us per chunk and 70 ns per task.
pub const DISPATCH_PER_CHUNK_NS: u64 = 105_000;
/// See `DISPATCH_PER_CHUNK_NS`: the part that grows with the tasks in a chunk.
pub const DISPATCH_PER_TASK_NS: u64 = 70;

/// What the parent spends sending one chunk of `tasks` tasks, in whole microseconds.
pub fn dispatch(tasks: usize) -> Micros {
    Micros((DISPATCH_PER_CHUNK_NS + DISPATCH_PER_TASK_NS * tasks as u64 + 500) / 1_000)
}

/// `ProcessPoolExecutor` keeps at most this many chunks more than it has workers pickled in
/// its call queue (`EXTRA_QUEUED_CALLS` in `concurrent/futures/process.py`).
pub const EXTRA_QUEUED_CALLS: usize = 1;

/// How late the OS wakes a sleeping thread or fires a timer: `time.sleep(0.001)` lasted
/// 1.07-1.16 ms on CPython 3.9-3.13 on this machine kind (calibration/measured.json, case
/// `sleep_1ms_actual_us`: medians 1069-1158 us), about 110 us more than asked, on Linux the
/// timer slack and the wake-up. Every wait in a scenario is a timer or an I/O wake-up.
pub const WAKE_UP_LATE: Micros = Micros(110);

/// The event loop's own work for each step of a task (starting it, or resuming it after an
/// await), in nanoseconds: creating and running 10,000 tasks that each await `sleep(0)` once
/// took 5.2-9.0 us per task on CPython 3.9-3.13 on this machine kind (median of the
/// medians 5.46 us; 3.9 and 3.10 about 8.8, 3.11+ about 5.3; `calibration/measured.json`,
/// case `asyncio_task_overhead_us`), about 2.7 us a step. The loop pays it between tasks,
/// carrying fractions of a microsecond over.
pub const LOOP_STEP_NS: u64 = 2_730;

/// What a task's first step costs the loop under `asyncio.eager_task_factory` (3.12+): the
/// task runs inside `create_task`, so its first step skips `call_soon` and a turn of the
/// loop. 10,000 tasks each awaiting `sleep(0)` once, created eagerly and lazily in the same
/// runs, took 6.07 against 6.74 us a task on 3.12.1 and 5.20 against 5.96 on 3.13.0 here
/// (`calibration/measured.json`, case `asyncio_eager_task_overhead_us`, its `lazy_median_us`):
/// 10-13% less, about 0.6 us of the 5.46 us a lazy task costs (`LOOP_STEP_NS`). Tasks that
/// never await save more (2.6x in a test run here, "2x to 5x" in What's New in 3.12); these
/// lessons' tasks all await.
pub const EAGER_FIRST_STEP_NS: u64 = LOOP_STEP_NS - 620;

/// What the loop spends on an await that sets a timer (`call_later`, the timer heap, the
/// future), beyond a bare `sleep(0)` step: 10,000 gathered `asyncio.sleep(0.5)` took
/// 604-620 ms (median 617.9) on CPython 3.9-3.13 here (`asyncio_gather_10000_sleeps_ms`), so
/// 11.8 us per task, 6.3 us more than two bare steps.
pub const LOOP_TIMER_NS: u64 = 6_300;

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
/// Memory per subinterpreter with its own GIL, after its worker's first imports: 3.9-4.0 MB
/// resident each on CPython 3.12-3.13 here (`interpreter_resident_kb`, medians 3927 and
/// 4045 KB), so 4 MB: its own modules and objects, in the one process.
pub const INTERPRETER_RESIDENT: Bytes = Bytes(4_000_000);
/// Address space per interpreter worker: its thread's stack (`THREAD_RESERVED`) and the
/// interpreter's ~4.7 MB (`interpreter_resident_kb`'s `virtual_kb`, 3.9-4.9 MB on 3.13).
pub const INTERPRETER_RESERVED: Bytes = Bytes(THREAD_RESERVED.0 + 4_700_000);

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
    /// One pickling throughput in MB/s for every payload and both directions, overriding
    /// the measured rates; used by `processes` and `hybrid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickle_mb_per_s: Option<f64>,
    /// Extra cost of Python bytecode in a free-threaded build, in percent (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nogil_overhead_pct: Option<f64>,
    /// Start-up cost of one worker process in ms, overriding the start method's figure
    /// ("Use my machine" sets it from a measured Web Worker start-up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup_ms: Option<f64>,
    /// Tasks sent to a worker process at once (`pool.map(fn, items, chunksize=N)`, default
    /// 1), used by `processes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunksize: Option<u32>,
    /// Each task's body runs under `async with asyncio.Semaphore(N)`: at most N at once
    /// past it, the others wait for a permit. Used by the event-loop models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub semaphore: Option<u32>,
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
            chunksize: None,
            semaphore: None,
        }
    }

    /// Runs each task's body under `asyncio.Semaphore(n)`.
    pub fn semaphore(mut self, n: u32) -> ModelConfig {
        self.semaphore = Some(n);
        self
    }

    /// Sets the number of tasks a process pool sends at once.
    pub fn chunksize(mut self, n: u32) -> ModelConfig {
        self.chunksize = Some(n);
        self
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

/// Pickling and unpickling speeds, in bytes per second, for each kind of payload.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PickleRates {
    /// `pickle.dumps` of a list of ints, and `pickle.loads` of it.
    pub ints: (f64, f64),
    /// The same for a list of short strings.
    pub strings: (f64, f64),
}

impl PickleRates {
    /// Measured on CPython 3.9-3.13 on this machine kind (`calibration/measured.json`,
    /// default protocol, decimal MB of pickled bytes; median of the interpreters' medians):
    /// `list(range(1_000_000))` pickles at 272-485 MB/s (437) and unpickles at 96-171 MB/s
    /// (147); 200,000 distinct 10-character strings pickle at 69-107 MB/s (93) and unpickle
    /// at 138-207 MB/s (154). Unpickling ints is about 3x slower than pickling them; strings
    /// unpickle faster than they pickle.
    pub const MEASURED: PickleRates = PickleRates {
        ints: (437e6, 147e6),
        strings: (93e6, 154e6),
    };

    /// One rate for every kind and both directions (the `pickle_mb_per_s` override).
    pub fn fixed(bytes_per_s: f64) -> PickleRates {
        PickleRates {
            ints: (bytes_per_s, bytes_per_s),
            strings: (bytes_per_s, bytes_per_s),
        }
    }

    fn of(&self, kind: PayloadKind) -> (f64, f64) {
        match kind {
            PayloadKind::Ints => self.ints,
            PayloadKind::Strings => self.strings,
        }
    }
}

/// Which way a payload is being serialised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pickling {
    /// `pickle.dumps`, on the side that sends.
    Dump,
    /// `pickle.loads`, on the side that receives.
    Load,
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
    /// What the program pays once before its first worker process starts (the fork server).
    pub server_start: Micros,
    /// Pickling and unpickling speeds.
    pub pickle: PickleRates,
    /// Tasks per chunk a process pool sends at once (`map`'s `chunksize`).
    pub chunksize: usize,
    /// Cost of one microsecond of Python bytecode, in thousandths (1000 = normal speed).
    pub cpu_permille: u64,
    /// The permits of `asyncio.Semaphore(N)` around each task's body, if any.
    pub semaphore: Option<usize>,
    /// Keep only the statistics: no events, snapshots or segments are stored
    /// (`sim::simulate_stats`, for the decision explorer's many runs).
    pub stats_only: bool,
    /// `asyncio.eager_task_factory` creates the tasks (event-loop models, 3.12+).
    pub eager_tasks: bool,
    /// The version has `asyncio.TaskGroup` (3.11+): what narration says cancels the other
    /// tasks when one raises.
    pub task_group: bool,
}

impl ModelParams {
    /// How long pickling (or unpickling) `bytes` of `kind` takes; zero bytes cost nothing.
    pub fn pickle_time(&self, bytes: Bytes, kind: PayloadKind, way: Pickling) -> Micros {
        let (dump, load) = self.pickle.of(kind);
        let rate = match way {
            Pickling::Dump => dump,
            Pickling::Load => load,
        };
        Micros((bytes.0 as f64 * 1e6 / rate).round() as u64)
    }
}
