//! The `processes` model: a pool of worker processes, like
//! `ProcessPoolExecutor(workers).map(task, names)` (lesson 7).
//!
//! Each process is a separate desk: its own interpreter, memory and GIL, so CPU work runs
//! in parallel up to the core count. The price is visible: every worker boots first
//! (start method cost), and each task's arguments and result are pickled across.

use super::machine::Machine;
use super::model::{PROCESS_RESERVED, PROCESS_RESIDENT};
use super::pool::Pool;
use super::scenario::ScenarioError;
use super::trace::{LaneKind, Trace};
use super::validate::{Params, Plan};

/// Runs `plan` on a process pool.
pub(crate) fn run(plan: &Plan, params: &Params) -> Result<Trace, ScenarioError> {
    let mut m = Machine::new(plan, params);
    for i in 0..params.workers {
        let proc = m.add_proc(true);
        let lane = m
            .rec
            .add_lane(LaneKind::Process, format!("process {}", i + 1), Some(proc));
        m.add_thread(proc, lane);
    }
    m.add_cores();
    let mut pool = Pool::new(&mut m, params.workers, true);
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
