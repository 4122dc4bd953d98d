//! The pure simulation core: turns a `Scenario` and a `ModelConfig` into a `Trace`.
//!
//! Architecture invariants:
//! - Std and serde only. No clock, no threads, no files, no randomness: the same scenario
//!   gives a byte-identical trace on every machine, natively and in the browser.
//! - Time is integer microseconds (`Micros`); the event queue breaks ties by sequence.
//! - One file per model (`models/`), each with its run function and a `Descriptor` that the
//!   rest of the app asks instead of matching on model ids.
//! - The machine (`machine/`) is made of parts with private state (GIL, cores, board,
//!   recorder) that none of them imports the machine to use.
//! - One flat event stream; each event is recorded after it is applied, with the snapshot
//!   of the state right after it. Narration (`narrate.rs`), the ASCII timeline
//!   (`timeline.rs`) and the consistency checker (`check.rs`) only read the trace.
//! - Bounded memory (`budget.rs`): a run is estimated before it starts and refused, with a
//!   message, if it would not fit; no import cycles between the files of `sim`.

mod budget;
pub mod check;
pub mod decide;
mod error;
mod ids;
pub mod lessons;
mod machine;
pub mod memory;
mod model;
pub mod models;
pub mod narrate;
mod plan;
pub mod python;
pub mod race;
mod rng;
mod scenario;
mod snapshot;
mod time;
pub mod timeline;
mod trace;
mod validate;

pub use budget::{Estimate, MAX_EVENTS, MAX_GIL_WAKES, MEMORY_BUDGET, RUN_BUDGET};
pub use error::ScenarioError;
pub use ids::{CoreId, LaneId, ProcId, StepId, TaskId, ThreadId};
pub use model::{
    dispatch, gil_handoff, thread_start, ModelConfig, ModelId, ModelParams, PickleRates, Pickling,
    StartMethod, DEFAULT_CORES, DEFAULT_SEED, DEFAULT_SWITCH_INTERVAL_MS, DISPATCH_PER_CHUNK_NS,
    DISPATCH_PER_TASK_NS, EAGER_FIRST_STEP_NS, EXTRA_QUEUED_CALLS, INTERPRETER_RESERVED,
    INTERPRETER_RESIDENT, LOOP_STEP_NS, LOOP_TIMER_NS, OS_QUANTUM, PROCESS_RESERVED,
    PROCESS_RESIDENT, TASK_RESIDENT, THREAD_RESERVED, THREAD_RESIDENT, WAKE_UP_LATE,
};
pub use models::descriptor::{Descriptor, LoopPool, Measure, Setting, Shape};
pub use plan::{
    MAX_CORES, MAX_JSON_BYTES, MAX_NAME_CHARS, MAX_PAYLOAD_KB, MAX_PROCESSES, MAX_STEPS_PER_TASK,
    MAX_STEP_MS, MAX_TASKS, MAX_THREADS, MAX_TOTAL_STEPS,
};
pub use python::{Os, Python, Runtime, SwitchPoints, TaskFactory, INTERPRETER_START_RANGE};
pub use scenario::{PayloadKind, Scenario, Step, StepKind, Task};
pub use snapshot::{LaneState, Snapshot, Snapshots, SNAPSHOT_CAP};
pub use time::{grouped, Bytes, Micros};
pub use trace::{Event, EventKind, Lane, LaneKind, Outcome, Segment, State, Stats, Trace};

/// Simulates `scenario` under `model`. Validates both first (the error names the field),
/// then refuses at once a run too large to fit in memory.
pub fn simulate(scenario: &Scenario, model: &ModelConfig) -> Result<Trace, ScenarioError> {
    let plan = plan::compile(scenario)?;
    let params = validate::params(model, plan.tasks.len(), scenario.runtime(), "model")?;
    let d = models::descriptor(model.id);
    budget::check(d.estimate(&plan, &params), &params)?;
    (d.run)(&plan, &params)
}

/// The statistics of `scenario` run under `model`, with nothing else kept: no events,
/// snapshots or segments, so no memory budget applies (the limits on events and GIL wakes,
/// which bound the time, do). The decision explorer's many runs use it.
pub fn simulate_stats(scenario: &Scenario, model: &ModelConfig) -> Result<Stats, ScenarioError> {
    let plan = plan::compile(scenario)?;
    let mut params = validate::params(model, plan.tasks.len(), scenario.runtime(), "model")?;
    params.stats_only = true;
    let d = models::descriptor(model.id);
    budget::check_time(d.estimate(&plan, &params), &params)?;
    Ok((d.run)(&plan, &params)?.stats)
}

/// How many seeds `spread` runs: enough for the range CPython shows across runs (the
/// calibration cases run 9 times).
pub const SPREAD_SEEDS: u64 = 20;
/// The most events a varying run may have to be repeated across seeds (19 more runs of
/// 20,000 events take about 0.1 s natively and 0.4 s in a browser).
pub const SPREAD_MAX_EVENTS: usize = 20_000;

/// The range of a run that depends on its seed, across `SPREAD_SEEDS` seeds (the scenario's
/// own first): where CPython varies from run to run, the app shows this range, not one
/// number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spread {
    /// How many runs the range covers.
    pub runs: usize,
    /// The shortest and longest makespan.
    pub makespan: (Micros, Micros),
    /// Per task, the shortest and longest latency.
    pub task_latency: Vec<(Micros, Micros)>,
    /// What the range is across.
    pub across: Across,
}

/// What a run's range is taken across.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Across {
    /// Seeds: which GIL waiter the OS wakes (`runs` seeds).
    Seeds,
    /// The published figures for one interpreter worker's start-up, from the first to the
    /// second (`INTERPRETER_START_RANGE`): they disagree, so the run is shown across them.
    Startup(Micros, Micros),
}

impl Spread {
    /// True if the range `(lo, hi)` is wide enough to matter: 2% or more, about what
    /// CPython's steady figures move between runs.
    pub fn wide((lo, hi): (Micros, Micros)) -> bool {
        hi > lo && (hi.0 - lo.0) * 50 >= hi.0
    }

    /// Takes in one more run.
    fn widen(&mut self, t: &Trace) {
        let widen = |r: &mut (Micros, Micros), x: Micros| *r = (r.0.min(x), r.1.max(x));
        widen(&mut self.makespan, t.stats.makespan);
        for (r, &l) in self.task_latency.iter_mut().zip(&t.stats.task_latency) {
            widen(r, l);
        }
        self.runs += 1;
    }

    /// True if some of its ranges is wide enough to matter.
    pub fn matters(&self) -> bool {
        Spread::wide(self.makespan) || self.task_latency.iter().copied().any(Spread::wide)
    }
}

/// The range across seeds of `trace`, the run of `scenario` under `model`, or `None` if the
/// run does not depend on its seed (`Trace::varies`), is too large to repeat
/// (`SPREAD_MAX_EVENTS`), or varies too little to matter (`Spread::matters`).
pub fn spread(
    scenario: &Scenario,
    model: &ModelConfig,
    trace: &Trace,
) -> Result<Option<Spread>, ScenarioError> {
    if models::descriptor(model.id).shape == Shape::InterpreterPool && model.startup_ms.is_none() {
        return startup_spread(scenario, model, trace);
    }
    if !trace.varies || trace.events.len() > SPREAD_MAX_EVENTS {
        return Ok(None);
    }
    let first = scenario.seed.unwrap_or(DEFAULT_SEED);
    let mut s = Spread {
        runs: 1,
        makespan: (trace.stats.makespan, trace.stats.makespan),
        task_latency: trace.stats.task_latency.iter().map(|&l| (l, l)).collect(),
        across: Across::Seeds,
    };
    for k in 1..SPREAD_SEEDS {
        let other = scenario.clone().seed(first.wrapping_add(k));
        // A seed whose run passes a limit the first did not ends the range where it is.
        let Ok(t) = simulate(&other, model) else {
            break;
        };
        s.widen(&t);
    }
    Ok(s.matters().then_some(s))
}

/// The range of an interpreter pool's run across the published start-up figures
/// (`INTERPRETER_START_RANGE`), its own version's figure included.
fn startup_spread(
    scenario: &Scenario,
    model: &ModelConfig,
    trace: &Trace,
) -> Result<Option<Spread>, ScenarioError> {
    let (lo, hi) = INTERPRETER_START_RANGE;
    let mut s = Spread {
        runs: 1,
        makespan: (trace.stats.makespan, trace.stats.makespan),
        task_latency: trace.stats.task_latency.iter().map(|&l| (l, l)).collect(),
        across: Across::Startup(lo, hi),
    };
    for start in [lo, hi] {
        let mut other = model.clone();
        other.startup_ms = Some(start.as_ms_f64());
        // A start-up that passes a limit the first run did not ends the range where it is.
        let Ok(t) = simulate(scenario, &other) else {
            break;
        };
        s.widen(&t);
    }
    Ok(s.matters().then_some(s))
}

/// Simulates `scenario` under each of its models (or every model, if it lists none). Every
/// run is estimated before any is simulated, so a scenario too large under one model is
/// refused at once.
pub fn simulate_all(scenario: &Scenario) -> Result<Vec<Trace>, ScenarioError> {
    scenario.validate()?;
    let models = scenario.model_configs();
    for m in &models {
        fits(scenario, m)?;
    }
    models.iter().map(|m| simulate(scenario, m)).collect()
}

/// Checks, without simulating, that `scenario` under `model` is valid and fits the budget.
pub fn fits(scenario: &Scenario, model: &ModelConfig) -> Result<(), ScenarioError> {
    let plan = plan::compile(scenario)?;
    let params = validate::params(model, plan.tasks.len(), scenario.runtime(), "model")?;
    budget::check(
        models::descriptor(model.id).estimate(&plan, &params),
        &params,
    )
}

/// The expected size of `scenario` under `model`, or why it cannot run.
pub fn estimate(scenario: &Scenario, model: &ModelConfig) -> Result<Estimate, ScenarioError> {
    let plan = plan::compile(scenario)?;
    let params = validate::params(model, plan.tasks.len(), scenario.runtime(), "model")?;
    Ok(models::descriptor(model.id).estimate(&plan, &params))
}
