//! The `sync` model: plain sequential code. One thread in one process runs the tasks one
//! after another, each to completion: `for name in names: task(name)`.
//!
//! Every wait is a `time.sleep` or a blocking call, so nothing overlaps: the makespan is
//! the sum of every step (lesson 1: three 2-second waits take 6 s).

use super::machine::Machine;
use super::pool::Pool;
use super::scenario::ScenarioError;
use super::trace::{LaneKind, Trace};
use super::validate::{Params, Plan};

/// Runs `plan` as plain sequential code.
pub(crate) fn run(plan: &Plan, params: &Params) -> Result<Trace, ScenarioError> {
    let mut m = Machine::new(plan, params);
    let proc = m.add_proc(true);
    let lane = m
        .rec
        .add_lane(LaneKind::Thread, "main thread".to_string(), Some(proc));
    m.add_thread(proc, lane);
    m.add_cores();
    let mut pool = Pool::new(&mut m, 1, false);
    m.run(&mut pool)?;
    // Plain code adds no concurrency machinery: no extra threads, tasks or processes.
    Ok(m.finish(0, 0))
}

#[cfg(test)]
mod tests {
    use crate::sim::{simulate, ModelConfig, ModelId, Scenario, Step, Task};

    #[test]
    fn sync_adds_every_step() {
        let tasks = vec![
            Task::new("A", vec![Step::cpu(10.0), Step::await_io(20.0)]),
            Task::new("B", vec![Step::blocking_io(30.0), Step::native_cpu(5.0)]),
        ];
        let s = Scenario::new(tasks, vec![]);
        let trace = simulate(&s, &ModelConfig::new(ModelId::Sync)).unwrap();
        assert_eq!(trace.stats.makespan.0, 65_000);
        assert_eq!(trace.stats.task_latency[0].0, 30_000);
    }
}
