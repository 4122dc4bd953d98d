//! The `threads` and `threads-nogil` models: a pool of OS threads in one process, like
//! `ThreadPoolExecutor(workers).map(task, names)`.
//!
//! With the GIL (`threads`) only the holder runs Python; waits and native code release it
//! (lessons 5, 6, 11, 12). In a free-threaded build (`threads-nogil`) there is no GIL:
//! Python runs in parallel up to the core count, each bytecode a little slower
//! (`nogil_overhead_pct`). All threads share one desk: one process, one memory.

use super::machine::Machine;
use super::model::{THREAD_RESERVED, THREAD_RESIDENT};
use super::pool::Pool;
use super::scenario::ScenarioError;
use super::trace::{LaneKind, Trace};
use super::validate::{Params, Plan};

/// Runs `plan` on a thread pool; `gil` is false for the free-threaded build.
pub(crate) fn run(plan: &Plan, params: &Params, gil: bool) -> Result<Trace, ScenarioError> {
    let mut m = Machine::new(plan, params);
    let proc = m.add_proc(gil);
    // A pool never starts more threads than it has tasks for.
    let workers = params.workers.min(plan.tasks.len());
    for i in 0..workers {
        let lane = m
            .rec
            .add_lane(LaneKind::Thread, format!("thread {}", i + 1), Some(proc));
        m.add_thread(proc, lane);
    }
    m.add_cores();
    let mut pool = Pool::new(&mut m, workers, false);
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
        // Four tasks of 110 ms (10% overhead) on two cores.
        assert_eq!(t.stats.makespan.0, 220_000);
    }
}
