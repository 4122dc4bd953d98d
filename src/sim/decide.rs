//! The decision explorer's map (`?view=decide`): for a grid of workloads, from 1 to 10,000
//! concurrent tasks (log scale) and from 0% to 100% of each task's time spent on the CPU,
//! which model finishes first, simulated on the learner's cores and Python, with each
//! winner's memory; and the regions of the decision table's four rules (LESSONS.md 14), so
//! that the map and the table can be compared (and are, by a native test over the grid).
//!
//! Each cell's workload is `workload(tasks, cpu)`: every task waits on I/O for its share of
//! one second, then computes for the rest. The candidates are threads (one per task, as a
//! program retrofitted with `threading` does), asyncio, processes (one per core, `map` with
//! a `chunksize` spreading the calls over four per worker), asyncio sending each task's CPU
//! part to a process per core (`hybrid`, lesson 13) and, when asked, interpreters. Where
//! models finish within `TIE` of each other the simpler one is the choice, in the order
//! threads, asyncio, interpreters, processes, hybrid: the table's own reasoning ("easy
//! retrofit of sync code"). A run too slow to simulate (thousands of threads contending for
//! the GIL) is bounded instead: under one GIL no run is shorter than its Python work.

use super::error::ScenarioError;
use super::model::{ModelConfig, ModelId};
use super::python::Python;
use super::scenario::{Scenario, Step, Task};
use super::time::Micros;
use super::{estimate, simulate_stats, Stats};

/// The map's columns: concurrent tasks, on a log scale.
pub const TASKS: [u32; 9] = [1, 3, 10, 30, 100, 300, 1_000, 3_000, 10_000];
/// The map's rows: the percentage of each task's time spent computing in Python. Finer at
/// the bottom, where a little CPU work in each of thousands of tasks already adds up.
pub const CPU_PCT: [u32; 9] = [0, 1, 2, 5, 10, 25, 50, 75, 100];
/// One task's length: its wait and its work together.
pub const TASK_MS: f64 = 1000.0;
/// Models finishing within this share of the fastest count as tied (the simpler wins).
pub const TIE: f64 = 0.10;
/// The most GIL wake-ups a cell's threads are simulated with. Each waiting thread wakes
/// every switch interval, as CPython's do, so hundreds of threads with Python to run cost
/// the simulation millions of wake-ups; past this the cell gives their bound instead (no
/// faster than their Python work one thread at a time), which the map marks.
pub const MAX_CELL_WAKES: u64 = 20_000;

/// What the learner chose for the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    /// Cores of the simulated machine.
    pub cores: u32,
    /// The CPython.
    pub python: Python,
    /// Subinterpreters take part (3.12 and later).
    pub interpreters: bool,
    /// Each task's CPU work is native code that releases the GIL (NumPy's long loops).
    pub native: bool,
}

impl Default for Choice {
    fn default() -> Self {
        Choice {
            cores: 4,
            python: Python::default(),
            interpreters: false,
            native: false,
        }
    }
}

/// How one model did on one cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Simulated: its makespan and memory.
    Ran {
        makespan: Micros,
        reserved: u64,
        resident: u64,
    },
    /// Not simulated (the reason), but it takes at least this long.
    AtLeast(Micros, String),
}

impl Outcome {
    /// Its makespan, or the bound.
    pub fn time(&self) -> Micros {
        match self {
            Outcome::Ran { makespan, .. } => *makespan,
            Outcome::AtLeast(t, _) => *t,
        }
    }
}

/// One cell of the map.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub tasks: u32,
    pub cpu_pct: u32,
    /// Every candidate, in the order `candidates` gives.
    pub results: Vec<(ModelId, Outcome)>,
    /// The choice: the fastest, or the simplest within `TIE` of it.
    pub best: ModelId,
    /// The fastest, which may differ from `best` by less than `TIE`.
    pub fastest: ModelId,
    /// A model that was only bounded might tie with `best` (its bound is within `TIE`), so
    /// the simpler one might be the choice: the map marks the cell.
    pub uncertain: bool,
}

impl Cell {
    /// The outcome of `model`, if it was a candidate.
    pub fn of(&self, model: ModelId) -> Option<&Outcome> {
        self.results
            .iter()
            .find(|(m, _)| *m == model)
            .map(|(_, o)| o)
    }
}

/// The whole map: rows of `CPU_PCT`, each with a cell per `TASKS`.
#[derive(Clone, Debug, PartialEq)]
pub struct Map {
    pub choice: Choice,
    pub cells: Vec<Cell>,
}

impl Map {
    /// The cell at `tasks` and `cpu_pct`, if they are on the grid.
    pub fn cell(&self, tasks: u32, cpu_pct: u32) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| c.tasks == tasks && c.cpu_pct == cpu_pct)
    }
}

/// The threads of `choice`'s build: without a GIL on a free-threaded one (3.13t, 3.14t).
pub fn threads(choice: Choice) -> ModelId {
    if choice.python.free_threaded() {
        ModelId::ThreadsNogil
    } else {
        ModelId::Threads
    }
}

/// The models compared, simplest first.
pub fn candidates(choice: Choice) -> Vec<ModelId> {
    let mut all = vec![threads(choice), ModelId::Asyncio];
    if choice.interpreters && choice.python.interpreter_start().is_some() {
        all.push(ModelId::Interpreters);
    }
    all.push(ModelId::Processes);
    all.push(ModelId::Hybrid);
    all
}

/// The workload of a cell: `tasks` tasks, each waiting `100 - cpu_pct`% of `TASK_MS` on
/// I/O and then computing the rest (in native code if `native`), compared under every
/// candidate, as a scenario a lesson can open.
pub fn workload(tasks: u32, cpu_pct: u32, choice: Choice) -> Scenario {
    let cpu = TASK_MS * f64::from(cpu_pct.min(100)) / 100.0;
    let wait = TASK_MS - cpu;
    let mut steps = Vec::new();
    if wait > 0.0 {
        steps.push(Step::await_io(wait));
    }
    if cpu > 0.0 {
        steps.push(if choice.native {
            Step::native_cpu(cpu)
        } else {
            Step::cpu(cpu)
        });
    }
    let width = tasks.to_string().len();
    let list = (0..tasks)
        .map(|i| Task::new(&format!("t{:0width$}", i + 1), steps.clone()))
        .collect();
    let models = candidates(choice)
        .into_iter()
        .map(|id| config(id, tasks, choice))
        .collect();
    Scenario::new(list, models).python(choice.python)
}

/// The workload of a cell as a lesson opens it: the candidates whose whole run (every event,
/// for the player) fits the memory budget; thousands of threads contending for the GIL do
/// not, and are left out (the map says why). Asyncio always fits.
pub fn openable(tasks: u32, cpu_pct: u32, choice: Choice) -> Scenario {
    let mut s = workload(
        tasks.clamp(1, TASKS[TASKS.len() - 1]),
        cpu_pct.min(100),
        choice,
    );
    let all = std::mem::take(&mut s.models);
    s.models = all
        .into_iter()
        .filter(|m| super::fits(&s, m).is_ok())
        .collect();
    s
}

/// How each candidate is set up for `tasks` tasks.
fn config(id: ModelId, tasks: u32, choice: Choice) -> ModelConfig {
    let c = ModelConfig::new(id).cores(choice.cores);
    match id {
        // One thread per task, as `threading.Thread` per job or a pool sized to the work.
        ModelId::Threads | ModelId::ThreadsNogil => c.workers(tasks),
        // A worker per core; past a thousand tasks, `map(..., chunksize=n)` sends four
        // chunks to each worker (below, one call each costs ~0.1 ms, nothing beside 1 s).
        ModelId::Processes => c.workers(choice.cores).chunksize(if tasks <= 1_000 {
            1
        } else {
            tasks.div_ceil(4 * choice.cores)
        }),
        ModelId::Interpreters => c.workers(choice.cores.min(tasks)),
        // The event loop waits; `run_in_executor` sends each task's CPU part to a process
        // per core.
        ModelId::Hybrid => c.workers(choice.cores),
        _ => c,
    }
}

/// The least time the threads can take: every task waits first, all at once at best, and
/// then all of their Python runs one thread at a time under the GIL (native code, which
/// releases it, on every core at once).
fn gil_bound(tasks: u32, cpu_pct: u32, choice: Choice) -> Micros {
    let cpu = TASK_MS * f64::from(cpu_pct) / 100.0;
    let lanes = if choice.native {
        f64::from(choice.cores.clamp(1, tasks.max(1)))
    } else {
        1.0
    };
    Micros::from_ms(TASK_MS - cpu + cpu * f64::from(tasks) / lanes)
}

/// Runs one cell. Threads whose GIL storm is too slow to simulate, or a run past the
/// event limit, are bounded instead.
pub fn cell(tasks: u32, cpu_pct: u32, choice: Choice) -> Result<Cell, ScenarioError> {
    let scenario = workload(tasks, cpu_pct, choice);
    let mut results = Vec::new();
    for m in &scenario.models {
        let contended = m.id == ModelId::Threads
            && estimate(&scenario, m).is_ok_and(|e| e.gil_wakes > MAX_CELL_WAKES);
        if contended {
            let why = format!("{tasks} threads contending for the GIL: not simulated, bounded");
            let bound = gil_bound(tasks, cpu_pct, choice);
            results.push((m.id, Outcome::AtLeast(bound, why)));
            continue;
        }
        let outcome = match simulate_stats(&scenario, m) {
            Ok(Stats {
                makespan,
                memory_reserved,
                memory_resident,
                ..
            }) => Outcome::Ran {
                makespan,
                reserved: memory_reserved,
                resident: memory_resident,
            },
            // Thousands of threads contending for the GIL: too slow to simulate, and no
            // faster than their Python work done one after another.
            Err(e) if m.id == threads(choice) => {
                Outcome::AtLeast(gil_bound(tasks, cpu_pct, choice), e.to_string())
            }
            Err(e) => return Err(e),
        };
        results.push((m.id, outcome));
    }
    let ran = |o: &Outcome| matches!(o, Outcome::Ran { .. });
    let least = results
        .iter()
        .map(|(_, o)| o.time())
        .min()
        .unwrap_or(Micros::ZERO);
    let limit = least.0 as f64 * (1.0 + TIE);
    // Only a simulated model is chosen (asyncio always is): a bound is not a time.
    let fastest = results
        .iter()
        .filter(|(_, o)| ran(o))
        .min_by_key(|(_, o)| o.time())
        .map(|(m, _)| *m)
        .expect("a simulated candidate");
    // The simplest whose time is within the tie of the least.
    let best = results
        .iter()
        .find(|(_, o)| ran(o) && o.time().0 as f64 <= limit)
        .map_or(fastest, |(m, _)| *m);
    let best_time = cell_time(&results, best);
    // A bound near the choice might tie with it: the cell is uncertain.
    let uncertain = results
        .iter()
        .any(|(_, o)| !ran(o) && o.time().0 as f64 <= best_time.0 as f64 * (1.0 + TIE));
    Ok(Cell {
        tasks,
        cpu_pct,
        results,
        best,
        fastest,
        uncertain,
    })
}

/// The time of `model` among `results`.
fn cell_time(results: &[(ModelId, Outcome)], model: ModelId) -> Micros {
    results
        .iter()
        .find(|(m, _)| *m == model)
        .map_or(Micros::ZERO, |(_, o)| o.time())
}

/// The whole map for `choice`.
pub fn map(choice: Choice) -> Result<Map, ScenarioError> {
    let mut cells = Vec::with_capacity(TASKS.len() * CPU_PCT.len());
    for &cpu in &CPU_PCT {
        for &tasks in &TASKS {
            cells.push(cell(tasks, cpu, choice)?);
        }
    }
    Ok(Map { choice, cells })
}

/// One rule of the decision table (LESSONS.md 14), with its region on the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The workload, in the table's words.
    pub workload: &'static str,
    /// The table's tool.
    pub tool: &'static str,
    /// Why, in the table's words.
    pub why: &'static str,
    /// The models that stand for the tool on the map (multiprocessing: a process pool,
    /// alone or behind an event loop).
    pub models: &'static [ModelId],
    /// The region: tasks from, to (inclusive), and the CPU share from, to.
    pub tasks: (u32, u32),
    pub cpu_pct: (u32, u32),
    /// The rule is about native code: its region is on the map of native CPU work.
    pub native: bool,
}

impl Rule {
    /// True if the cell (`tasks`, `cpu_pct`) of a map with native work `native` is inside.
    pub fn covers(&self, tasks: u32, cpu_pct: u32, native: bool) -> bool {
        self.native == native
            && (self.tasks.0..=self.tasks.1).contains(&tasks)
            && (self.cpu_pct.0..=self.cpu_pct.1).contains(&cpu_pct)
    }
}

/// The decision table's four rules. "I/O-bound" is a task that computes next to nothing
/// (0%): with thousands of tasks, even 1% each adds up to more CPU work than waiting. "CPU-
/// bound" is at least half of each task's time, with work for two or more cores.
pub const RULES: [Rule; 4] = [
    Rule {
        workload: "CPU-bound",
        tool: "multiprocessing",
        why: "separate processes bypass the GIL: real multi-core parallelism",
        models: &[ModelId::Processes, ModelId::Hybrid],
        tasks: (3, 10_000),
        cpu_pct: (50, 100),
        native: false,
    },
    Rule {
        workload: "I/O-bound, tens to hundreds",
        tool: "threading",
        why: "easy retrofit of sync code; GIL released while waiting",
        models: &[ModelId::Threads],
        tasks: (10, 300),
        cpu_pct: (0, 0),
        native: false,
    },
    Rule {
        workload: "I/O-bound, thousands+",
        tool: "asyncio",
        why: "one thread, tiny per-task cost; needs async libraries throughout",
        models: &[ModelId::Asyncio],
        tasks: (3_000, 10_000),
        cpu_pct: (0, 0),
        native: false,
    },
    Rule {
        workload: "numeric, vectorisable",
        tool: "NumPy / native code",
        why: "the hot loop runs in C without the GIL",
        models: &[ModelId::Threads],
        tasks: (3, 300),
        cpu_pct: (50, 100),
        native: true,
    },
];
