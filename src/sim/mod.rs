//! The pure simulation core: turns a `Scenario` and a `ModelConfig` into a `Trace`.
//!
//! Architecture invariants:
//! - Std and serde only. No clock, no threads, no files, no randomness: the same scenario
//!   gives a byte-identical trace on every machine, natively and in the browser.
//! - Time is integer microseconds (`Micros`); the event queue breaks ties by sequence.
//! - One model per file behind one signature (`run(plan, params) -> Result<Trace, _>`), all
//!   on the same simulated machine (`machine.rs`, with `gil.rs` and `cores.rs`).
//! - One flat event stream; narration is written as events happen, statistics are totalled
//!   at the end, and the ASCII timeline (`timeline.rs`) only reads the trace.

mod cores;
mod engine;
mod event_loop;
mod gil;
mod hybrid;
pub mod lessons;
mod machine;
mod model;
mod narrate;
mod pool;
mod processes;
mod record;
mod scenario;
mod sync;
mod threads;
mod time;
pub mod timeline;
mod trace;
mod validate;

pub use model::{
    ModelConfig, ModelId, StartMethod, DEFAULT_CORES, DEFAULT_NOGIL_OVERHEAD_PCT,
    DEFAULT_PICKLE_MB_PER_S, DEFAULT_START_METHOD, DEFAULT_SWITCH_INTERVAL_MS, GIL_HANDOFF,
    OS_QUANTUM, PROCESS_RESERVED, PROCESS_RESIDENT, TASK_RESIDENT, THREAD_RESERVED,
    THREAD_RESIDENT,
};
pub use scenario::{Scenario, ScenarioError, Step, StepKind, Task};
pub use time::{Bytes, Micros};
pub use trace::{
    Event, EventKind, Lane, LaneKind, Segment, Snapshot, State, Stats, Trace, SNAPSHOT_CAP,
};
pub use validate::{
    MAX_CORES, MAX_EVENTS, MAX_JSON_BYTES, MAX_NAME_CHARS, MAX_PAYLOAD_KB, MAX_PROCESSES,
    MAX_STEPS_PER_TASK, MAX_STEP_MS, MAX_TASKS, MAX_THREADS, MAX_TOTAL_STEPS,
};

/// Simulates `scenario` under `model`. Validates both first; the error names the field.
pub fn simulate(scenario: &Scenario, model: &ModelConfig) -> Result<Trace, ScenarioError> {
    let plan = validate::plan(scenario)?;
    let params = validate::params(model, plan.tasks.len(), "model")?;
    validate::budget(&plan, &params)?;
    match model.id {
        ModelId::Sync => sync::run(&plan, &params),
        ModelId::Asyncio => event_loop::run(&plan, &params),
        ModelId::Hybrid => hybrid::run(&plan, &params),
        ModelId::Threads => threads::run(&plan, &params, true),
        ModelId::ThreadsNogil => threads::run(&plan, &params, false),
        ModelId::Processes => processes::run(&plan, &params),
    }
}

/// Simulates `scenario` under each of its models (or every model, if it lists none).
pub fn simulate_all(scenario: &Scenario) -> Result<Vec<Trace>, ScenarioError> {
    scenario.validate()?;
    scenario
        .model_configs()
        .iter()
        .map(|m| simulate(scenario, m))
        .collect()
}
