//! What the rest of the app asks about a model, in one place per model: its names, the
//! shape of its picture, the settings that apply, how its settings resolve to `ModelParams`,
//! the sentences that differ between models, how its Python is written and how the browser
//! measures it for real. Each model file exports one `Descriptor`; nothing outside the
//! model files matches on a model id to learn these things.

use crate::sim::budget::{Estimate, Load};
use crate::sim::error::ScenarioError;
use crate::sim::model::{self, ModelConfig, ModelId, ModelParams, StartMethod};
use crate::sim::plan::{count, number, Plan, MAX_CORES, MAX_PROCESSES, MAX_TASKS, MAX_THREADS};
use crate::sim::python::{Os, Runtime, TaskFactory};
use crate::sim::time::Micros;
use crate::sim::trace::Trace;

/// Everything about one model that is not its simulation loop.
pub struct Descriptor {
    /// The stable id.
    pub id: ModelId,
    /// A short heading: "asyncio event loop".
    pub title: &'static str,
    /// The name on a results row or panel: "asyncio (one event loop)".
    pub label: &'static str,
    /// The name where a panel is narrow (a scene's heading, a phone's strip): "asyncio".
    pub short: &'static str,
    /// How its picture is drawn.
    pub shape: Shape,
    /// The settings a learner may change, in the editor's order.
    pub settings: &'static [Setting],
    /// Pool size when the scenario gives none.
    pub default_workers: DefaultWorkers,
    /// The sentences that differ between models.
    pub phrases: Phrases,
    /// How the workload is written in Python for this model.
    pub code: Code,
    /// How the browser reproduces it for real.
    pub measure: Measure,
    /// Runs a plan (the simulation loop, in the model's file).
    pub(crate) run: fn(&Plan, &ModelParams) -> Result<Trace, ScenarioError>,
    /// How the model loads the machine, for the memory estimate.
    pub(crate) load: fn(&Plan, &ModelParams) -> Load,
}

/// The picture a model draws above its timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One thread doing one thing at a time (drawn like a loop with no switching).
    Sequential,
    /// An event loop with its ready queue and I/O waiters, and what it sends work to.
    EventLoop { pool: LoopPool },
    /// Threads of one interpreter, sharing a GIL or not.
    ThreadPool { gil: bool },
    /// Worker processes, each with its own interpreter and GIL.
    ProcessPool,
    /// Worker threads of one process, each running its own interpreter with its own GIL.
    InterpreterPool,
}

/// What an event loop sends work to, if anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoopPool {
    /// Nothing: every step runs on the loop's thread.
    None,
    /// CPU steps go to a process pool (`run_in_executor(ProcessPoolExecutor)`).
    Processes,
    /// Blocking calls and CPU steps go to worker threads (`asyncio.to_thread`).
    Threads,
}

impl Shape {
    /// True for models that run an asyncio event loop.
    pub fn has_loop(self) -> bool {
        matches!(self, Shape::EventLoop { .. })
    }
}

/// A setting of `ModelConfig` that a model reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    /// `workers`: pool size.
    Workers,
    /// `cores`: cores of the machine.
    Cores,
    /// `switch_interval_ms`: the GIL's switch interval.
    SwitchInterval,
    /// `start_method`: how processes start.
    StartMethod,
    /// `pickle_mb_per_s`: pickling throughput.
    PickleRate,
    /// `nogil_overhead_pct`: free-threaded slowdown.
    NogilOverhead,
    /// `startup_ms`: measured start-up of one process.
    Startup,
    /// `chunksize`: tasks a process pool sends at once.
    Chunksize,
    /// `semaphore`: permits of the `asyncio.Semaphore` around each task's body.
    Semaphore,
}

/// Where a pool's default size comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultWorkers {
    /// One thread (sync, asyncio).
    One,
    /// One thread per task (`ThreadPoolExecutor` sized to the work).
    PerTask,
    /// One process per core (`ProcessPoolExecutor()` uses `os.cpu_count()`).
    PerCore,
    /// `ThreadPoolExecutor()`'s own default, `min(32, os.cpu_count() + 4)`.
    ThreadPoolDefault,
}

/// Sentence templates for the events whose wording depends on the model. `{task}`, `{lane}`
/// and `{d}` (the step's length) are filled in by `narrate`.
#[derive(Clone, Copy, Debug)]
pub struct Phrases {
    /// A task begins.
    pub task_start: &'static str,
    /// A Python step begins on a thread or process (not on the loop thread).
    pub compute: &'static str,
    /// A thread waits for I/O.
    pub io_wait: &'static str,
}

/// How the scenario is written in Python for this model.
#[derive(Clone, Copy, Debug)]
pub struct Code {
    /// The import lines.
    pub imports: &'static str,
    /// Tasks are `async def` coroutines.
    pub is_async: bool,
    /// What the program sends away from the loop: see `LoopPool` (`None` for every model
    /// without a loop).
    pub sends: LoopPool,
    /// The program's last lines: `{calls}` is the task functions, `{awaits}` their calls.
    pub main: &'static str,
}

/// How the browser measures the model for real (see `bench::plan`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Not measured, with the reason shown in the results table.
    Unmeasured(&'static str),
    /// One worker runs every task one after another.
    Sequential,
    /// One worker interleaves the tasks at their waits, like an event loop.
    Cooperative,
    /// A pool of workers; `locked` workers take turns with a shared lock (the GIL);
    /// `fresh` workers are started for the run and their start-up counts (processes).
    Pool { locked: bool, fresh: bool },
}

impl Descriptor {
    /// The pool size when the scenario gives none.
    pub fn default_workers(&self, tasks: usize, cores: usize) -> usize {
        match self.default_workers {
            DefaultWorkers::One => 1,
            DefaultWorkers::PerTask => tasks.min(MAX_THREADS as usize),
            DefaultWorkers::PerCore => cores,
            DefaultWorkers::ThreadPoolDefault => (cores + 4).min(32),
        }
    }

    /// True if the model reads `setting`.
    pub fn uses(&self, setting: Setting) -> bool {
        self.settings.contains(&setting)
    }

    /// Validates `config` (found at `path`, like `models[1]`) for a scenario of `tasks`
    /// tasks, and fills in this model's defaults.
    pub fn resolve(
        &self,
        config: &ModelConfig,
        tasks: usize,
        runtime: Runtime,
        path: &str,
    ) -> Result<ModelParams, ScenarioError> {
        let cores = count(
            config.cores.unwrap_or(model::DEFAULT_CORES),
            1,
            MAX_CORES,
            format!("{path}.cores"),
        )?;
        let max_workers = match self.shape {
            Shape::ProcessPool
            | Shape::EventLoop {
                pool: LoopPool::Processes,
            } => MAX_PROCESSES,
            _ => MAX_THREADS,
        };
        let workers = count(
            config
                .workers
                .unwrap_or(self.default_workers(tasks, cores) as u32),
            1,
            max_workers,
            format!("{path}.workers"),
        )?;
        let switch_ms = number(
            config
                .switch_interval_ms
                .unwrap_or(model::DEFAULT_SWITCH_INTERVAL_MS),
            0.05,
            1000.0,
            || format!("{path}.switch_interval_ms"),
        )?;
        let pickle = match config.pickle_mb_per_s {
            Some(mb) => model::PickleRates::fixed(
                number(mb, 0.01, 100_000.0, || format!("{path}.pickle_mb_per_s"))? * 1e6,
            ),
            None => model::PickleRates::MEASURED,
        };
        let chunksize = count(
            config.chunksize.unwrap_or(1),
            1,
            MAX_TASKS as u32,
            format!("{path}.chunksize"),
        )?;
        let overhead = number(
            config
                .nogil_overhead_pct
                .unwrap_or_else(|| runtime.python.nogil_overhead_pct()),
            0.0,
            1000.0,
            || format!("{path}.nogil_overhead_pct"),
        )?;
        // Only a build without the GIL pays the per-bytecode overhead.
        let cpu_permille = if self.uses(Setting::NogilOverhead) {
            1000 + (overhead * 10.0).round() as u64
        } else {
            1000
        };
        let method = config
            .start_method
            .unwrap_or_else(|| runtime.default_start_method());
        // Windows has no fork(): neither fork nor forkserver starts a process there.
        if runtime.os == Os::Windows
            && method != StartMethod::Spawn
            && self.uses(Setting::StartMethod)
        {
            return Err(ScenarioError::new(
                format!("{path}.start_method"),
                format!(
                    "{:?} is not available on Windows; use \"spawn\"",
                    method.as_str()
                ),
            ));
        }
        // A measured start-up ("Use my machine") stands for everything a worker costs to start.
        // An interpreter pool needs interpreters with their own GIL (3.12+).
        let interpreter = match (self.shape, runtime.python.interpreter_start()) {
            (Shape::InterpreterPool, None) => {
                return Err(ScenarioError::new(
                    format!("{path}.id"),
                    format!(
                        "Python {} has no interpreters with their own GIL (3.12 and later do; \
                         InterpreterPoolExecutor is 3.14)",
                        runtime.python
                    ),
                ))
            }
            (Shape::InterpreterPool, Some(start)) => Some(start),
            _ => None,
        };
        let (startup, server_start) = match (config.startup_ms, interpreter) {
            (Some(ms), _) => (
                Micros::from_ms(number(ms, 0.0, 60_000.0, || format!("{path}.startup_ms"))?),
                Micros::ZERO,
            ),
            (None, Some(start)) => (start, Micros::ZERO),
            (None, None) => (method.startup(), method.server_start()),
        };
        Ok(ModelParams {
            id: self.id,
            workers,
            cores,
            switch: Micros::from_ms(switch_ms),
            startup,
            server_start,
            pickle,
            chunksize,
            cpu_permille,
            semaphore: match config.semaphore {
                Some(n) if self.uses(Setting::Semaphore) => {
                    Some(count(n, 1, MAX_TASKS as u32, format!("{path}.semaphore"))?)
                }
                _ => None,
            },
            stats_only: false,
            eager_tasks: runtime.tasks == TaskFactory::Eager,
            task_group: runtime.python.has_task_group(),
        })
    }

    /// The run's expected size.
    pub(crate) fn estimate(&self, plan: &Plan, params: &ModelParams) -> Estimate {
        crate::sim::budget::estimate(plan, params, (self.load)(plan, params))
    }
}
