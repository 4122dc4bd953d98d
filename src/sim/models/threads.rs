//! The `threads` model: a pool of OS threads in one process sharing one GIL, like
//! `ThreadPoolExecutor(workers).map(task, names)`. Only the holder runs Python; waits and
//! native code release it (lessons 5, 6, 11, 12). All threads share one desk: one process,
//! one memory. `free_threaded.rs` runs the same pool without a GIL.

use super::descriptor::{
    Code, DefaultWorkers, Descriptor, LoopPool, Measure, Phrases, Setting, Shape,
};
use super::pool::Pool;
use super::worker::Worker;
use crate::sim::budget::Load;
use crate::sim::error::ScenarioError;
use crate::sim::machine::Machine;
use crate::sim::model::{ModelId, ModelParams, THREAD_RESERVED, THREAD_RESIDENT};
use crate::sim::plan::Plan;
use crate::sim::trace::{LaneKind, Trace};

/// Everything the app asks about `threads`.
pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    id: ModelId::Threads,
    title: "Threads (with the GIL)",
    label: "Threads (with the GIL)",
    short: "Threads + GIL",
    shape: Shape::ThreadPool { gil: true },
    settings: &[Setting::Workers, Setting::Cores, Setting::SwitchInterval],
    default_workers: DefaultWorkers::PerTask,
    phrases: Phrases {
        task_start: "{lane} picks task {task} from the to-do lists; all threads share one desk (memory).",
        compute: "{task} runs Python for {d} on {lane}; only the thread holding the GIL may do that.",
        io_wait: "{task} waits {d} for I/O on {lane}; waiting releases the GIL, so other threads can run.",
    },
    code: Code {
        imports: "import time\nfrom concurrent.futures import ThreadPoolExecutor",
        is_async: false,
        sends: LoopPool::None,
        main: "with ThreadPoolExecutor() as pool:\n    for task in [{calls}]:\n        pool.submit(task)",
    },
    measure: Measure::Pool {
        locked: true,
        fresh: false,
    },
    run: |plan, params| run_pool(plan, params, true),
    load: |plan, params| load_pool(plan, params, true),
};

/// A pool never starts more threads than it has tasks for.
fn threads(plan: &Plan, params: &ModelParams) -> usize {
    params.workers.min(plan.tasks.len())
}

/// How a thread pool loads the machine; `gil` is false for a free-threaded build, where no
/// thread ever waits for a GIL.
pub(crate) fn load_pool(plan: &Plan, params: &ModelParams, gil: bool) -> Load {
    let n = threads(plan, params);
    Load {
        threads: n,
        gil_threads: if gil { n } else { 0 },
        processes: 0,
        pickle_per_cpu_step: false,
        lanes: n,
        helpers: 0,
        offloads: false,
    }
}

/// Runs `plan` on a thread pool; `gil` is false for a free-threaded build.
pub(crate) fn run_pool(
    plan: &Plan,
    params: &ModelParams,
    gil: bool,
) -> Result<Trace, ScenarioError> {
    let mut m = Machine::new(plan, params);
    let proc = m.add_proc(gil);
    let workers = threads(plan, params);
    for i in 0..workers {
        let lane = m.add_lane(LaneKind::Thread, format!("thread {}", i + 1), Some(proc));
        m.add_thread(proc, lane);
    }
    m.add_cores();
    let mut pool = Pool::new(&mut m, vec![Worker::thread(); workers]);
    m.run(&mut pool)?;
    let n = workers as u64;
    Ok(m.finish(n * THREAD_RESERVED.0, n * THREAD_RESIDENT.0))
}

#[cfg(test)]
mod tests {
    use crate::sim::{simulate, ModelConfig, ModelId, Scenario, Step, Task};

    fn cpu_tasks(n: usize, ms: f64) -> Scenario {
        let tasks = (0..n)
            .map(|i| Task::new(&format!("T{i}"), vec![Step::cpu(ms)]))
            .collect();
        Scenario::new(tasks, vec![])
    }

    #[test]
    fn gil_serialises_python() {
        let t = simulate(&cpu_tasks(4, 100.0), &ModelConfig::new(ModelId::Threads)).unwrap();
        assert!(t.stats.makespan.0 >= 400_000, "{}", t.stats.makespan);
        assert!(t.stats.makespan.0 < 420_000, "{}", t.stats.makespan);
    }

    #[test]
    fn nogil_runs_in_parallel_up_to_cores() {
        let cfg = ModelConfig::new(ModelId::ThreadsNogil).cores(2);
        let t = simulate(&cpu_tasks(4, 100.0), &cfg).unwrap();
        // Four tasks of 110 ms (10% overhead) on two cores, the second core busy from when
        // the program has started the second thread (110 us each, one after another).
        assert_eq!(t.stats.makespan.0, 220_000 + 2 * 110);
    }
}
