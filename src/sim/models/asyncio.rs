//! The `asyncio` model: one event loop on one thread, `asyncio.run(gather(...))` (lessons
//! 1-4, 10). The loop itself is `event_loop.rs`, shared with `hybrid`.

use super::descriptor::{Code, DefaultWorkers, Descriptor, LoopPool, Measure, Setting, Shape};
use super::event_loop::{Loop, LOOP_PHRASES};
use crate::sim::budget::Load;
use crate::sim::error::ScenarioError;
use crate::sim::machine::Machine;
use crate::sim::model::{ModelId, ModelParams, TASK_RESIDENT};
use crate::sim::plan::Plan;
use crate::sim::trace::Trace;

/// Everything the app asks about `asyncio`.
pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    id: ModelId::Asyncio,
    title: "asyncio event loop",
    label: "asyncio (one event loop)",
    short: "asyncio",
    shape: Shape::EventLoop {
        pool: LoopPool::None,
    },
    settings: &[Setting::Cores, Setting::Semaphore],
    default_workers: DefaultWorkers::One,
    phrases: LOOP_PHRASES,
    code: Code {
        imports: "import asyncio\nimport time",
        is_async: true,
        sends: LoopPool::None,
        main: "async def main():\n    await asyncio.gather({awaits})\n\nasyncio.run(main())",
    },
    measure: Measure::Cooperative,
    run,
    load,
};

fn load(plan: &Plan, _params: &ModelParams) -> Load {
    Load {
        threads: 1,
        gil_threads: 1,
        processes: 0,
        pickle_per_cpu_step: false,
        lanes: 1 + plan.tasks.len(),
        helpers: 0,
        offloads: false,
    }
}

/// Runs `plan` on one asyncio event loop.
fn run(plan: &Plan, params: &ModelParams) -> Result<Trace, ScenarioError> {
    let mut m = Machine::new(plan, params);
    let (mut driver, _) = Loop::new(&mut m);
    m.add_cores();
    m.run(&mut driver)?;
    // One thread (already there for any Python program) plus ~1.5 KB per task (lesson 10).
    let tasks = plan.tasks.len() as u64 * TASK_RESIDENT.0;
    Ok(m.finish(tasks, tasks))
}
