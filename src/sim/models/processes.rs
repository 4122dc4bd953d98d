//! The `processes` model: a pool of worker processes, like
//! `ProcessPoolExecutor(workers).map(task, names)` (lesson 7).
//!
//! Each process is a separate desk: its own interpreter, memory and GIL, so CPU work runs
//! in parallel up to the core count. The price is visible: every worker boots first
//! (start method cost), and each task's arguments and result are pickled across.

use super::descriptor::{Code, DefaultWorkers, Descriptor, Measure, Phrases, Shape};
use super::pool::Pool;
use super::worker::{Worker, PROCESS_SETTINGS};
use crate::sim::budget::Load;
use crate::sim::error::ScenarioError;
use crate::sim::machine::Machine;
use crate::sim::model::{ModelId, ModelParams, PROCESS_RESERVED, PROCESS_RESIDENT};
use crate::sim::plan::Plan;
use crate::sim::trace::{LaneKind, Trace};

/// Everything the app asks about `processes`.
pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    id: ModelId::Processes,
    title: "Processes",
    label: "Processes",
    shape: Shape::ProcessPool,
    settings: PROCESS_SETTINGS,
    default_workers: DefaultWorkers::PerCore,
    default_overhead_pct: 0.0,
    phrases: Phrases {
        task_start: "{lane} starts task {task} at its own desk: a separate interpreter with its own memory and GIL.",
        compute: "{task} computes for {d} on {lane}.",
        io_wait: "{task} waits {d} for I/O on {lane}.",
    },
    code: Code {
        imports: "import time\nfrom concurrent.futures import ProcessPoolExecutor",
        is_async: false,
        offload_cpu: false,
        main: "if __name__ == \"__main__\":\n    with ProcessPoolExecutor() as pool:\n        for task in [{calls}]:\n            pool.submit(task)",
    },
    measure: Measure::Pool {
        locked: false,
        fresh: true,
    },
    run,
    load,
};

fn load(_plan: &Plan, params: &ModelParams) -> Load {
    Load {
        threads: params.workers,
        gil_threads: 1,
        processes: params.workers,
        pickle_per_cpu_step: false,
        lanes: params.workers,
    }
}

/// Runs `plan` on a process pool.
fn run(plan: &Plan, params: &ModelParams) -> Result<Trace, ScenarioError> {
    let mut m = Machine::new(plan, params);
    for i in 0..params.workers {
        let proc = m.add_proc(true);
        let lane = m.add_lane(LaneKind::Process, format!("process {}", i + 1), Some(proc));
        m.add_thread(proc, lane);
    }
    m.add_cores();
    let mut pool = Pool::new(&mut m, vec![Worker::process(); params.workers]);
    m.run(&mut pool)?;
    let n = params.workers as u64;
    Ok(m.finish(n * PROCESS_RESERVED.0, n * PROCESS_RESIDENT.0))
}

#[cfg(test)]
mod tests {
    use crate::sim::{simulate, ModelConfig, ModelId, Scenario, StartMethod, Step, Task};

    #[test]
    fn processes_pay_startup_and_pickling() {
        let tasks = (0..4)
            .map(|i| Task::new(&format!("T{i}"), vec![Step::cpu(100.0)]).payload_kb(6000.0, 0.0))
            .collect();
        let s = Scenario::new(tasks, vec![]);
        let cfg = ModelConfig::new(ModelId::Processes)
            .workers(4)
            .cores(4)
            .start_method(StartMethod::Fork);
        let t = simulate(&s, &cfg).unwrap();
        // 6 ms fork + 100 ms pickling (6 MB at 60 MB/s) + 100 ms of work, all four in parallel.
        assert_eq!(t.stats.makespan.0, 206_000);
    }
}
