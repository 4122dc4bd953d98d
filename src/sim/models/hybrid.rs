//! The `hybrid` model (lesson 13): an asyncio front with a process pool behind it. CPU
//! steps go to the pool with `loop.run_in_executor(pool, fn)`; the coroutine awaits the
//! future, so the loop stays free for I/O. Blocking calls still freeze the loop.

use super::descriptor::{Code, DefaultWorkers, Descriptor, LoopPool, Measure, Setting, Shape};
use super::event_loop::{Loop, LOOP_PHRASES};
use super::executor::Executor;
use super::feeder::Across;
use crate::sim::budget::Load;
use crate::sim::error::ScenarioError;
use crate::sim::ids::ThreadId;
use crate::sim::machine::Machine;
use crate::sim::model::{ModelId, ModelParams, PROCESS_RESERVED, PROCESS_RESIDENT, TASK_RESIDENT};
use crate::sim::plan::Plan;
use crate::sim::trace::{LaneKind, Trace};

/// Everything the app asks about `hybrid`.
pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    id: ModelId::Hybrid,
    title: "asyncio + process pool",
    label: "asyncio + process pool",
    short: "asyncio + pool",
    shape: Shape::EventLoop {
        pool: LoopPool::Processes,
    },
    settings: &[
        Setting::Workers,
        Setting::Cores,
        Setting::StartMethod,
        Setting::PickleRate,
        Setting::Startup,
        Setting::Semaphore,
    ],
    default_workers: DefaultWorkers::PerCore,
    phrases: LOOP_PHRASES,
    code: Code {
        imports: "import asyncio\nimport time\nfrom concurrent.futures import ProcessPoolExecutor",
        is_async: true,
        sends: LoopPool::Processes,
        main: "async def main():\n    global loop, pool\n    loop = asyncio.get_running_loop()\n    with ProcessPoolExecutor() as pool:\n        await asyncio.gather({awaits})\n\nasyncio.run(main())",
    },
    measure: Measure::Unmeasured("not measured: see asyncio and processes"),
    run,
    load,
};

fn load(plan: &Plan, params: &ModelParams) -> Load {
    Load {
        threads: 2 + params.workers,
        // The feeder shares the loop's GIL only while it pickles: no switch storms.
        gil_threads: 1,
        processes: params.workers,
        pickle_per_cpu_step: true,
        lanes: 2 + plan.tasks.len() + params.workers,
        // The loop thread and the feeder: the loop sends its CPU work to the workers.
        helpers: 2,
        offloads: false,
    }
}

/// Runs `plan` on an event loop with a process pool for CPU steps.
fn run(plan: &Plan, params: &ModelParams) -> Result<Trace, ScenarioError> {
    let mut m = Machine::new(plan, params);
    let (driver, main) = Loop::new(&mut m);
    let first = ThreadId::new(m.thread_count());
    for i in 0..params.workers {
        let proc = m.add_proc(true);
        let label = format!("pool process {}", i + 1);
        let lane = m.add_lane(LaneKind::Process, label, Some(proc));
        m.add_thread(proc, lane);
    }
    // The pool's feeder is a thread of the loop's own process: it shares the loop's GIL.
    let lane = m.add_lane(LaneKind::Thread, "main: feeder".to_string(), Some(main));
    let feeder = m.add_helper_thread(main, lane);
    let exec = Executor::new(
        first,
        params.workers,
        feeder,
        params.server_start,
        false,
        Across::Pipe,
    );
    let mut driver = driver.with_executor(exec);
    m.add_cores();
    m.run(&mut driver)?;
    let tasks = plan.tasks.len() as u64 * TASK_RESIDENT.0;
    let procs = params.workers as u64;
    Ok(m.finish(
        tasks + procs * PROCESS_RESERVED.0,
        tasks + procs * PROCESS_RESIDENT.0,
    ))
}
