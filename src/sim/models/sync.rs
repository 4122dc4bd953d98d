//! The `sync` model: plain sequential code. One thread in one process runs the tasks one
//! after another, each to completion: `for name in names: task(name)`.
//!
//! Every wait is a `time.sleep` or a blocking call, so nothing overlaps: the makespan is
//! the sum of every step (lesson 1: three 2-second waits take 6 s).

use super::descriptor::{
    Code, DefaultWorkers, Descriptor, LoopPool, Measure, Phrases, Setting, Shape,
};
use super::pool::Pool;
use super::worker::Worker;
use crate::sim::budget::Load;
use crate::sim::error::ScenarioError;
use crate::sim::machine::Machine;
use crate::sim::model::{ModelId, ModelParams};
use crate::sim::plan::Plan;
use crate::sim::trace::{LaneKind, Trace};

/// Everything the app asks about `sync`.
pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    id: ModelId::Sync,
    title: "Plain sequential code",
    label: "Sync (one after another)",
    short: "Sync",
    shape: Shape::Sequential,
    settings: &[Setting::Cores],
    default_workers: DefaultWorkers::One,
    phrases: Phrases {
        task_start: "Task {task} starts; the others wait their turn, one thing at a time.",
        compute: "{task} computes for {d} on {lane}.",
        io_wait: "{task} waits {d} for I/O; nothing else can happen meanwhile.",
    },
    code: Code {
        imports: "import time",
        is_async: false,
        sends: LoopPool::None,
        main: "for task in [{calls}]:\n    task()                         # one after another",
    },
    measure: Measure::Sequential,
    run,
    load,
};

fn load(_plan: &Plan, _params: &ModelParams) -> Load {
    Load {
        threads: 1,
        gil_threads: 1,
        processes: 0,
        pickle_per_cpu_step: false,
        lanes: 1,
        helpers: 0,
        offloads: false,
    }
}

/// Runs `plan` as plain sequential code.
fn run(plan: &Plan, params: &ModelParams) -> Result<Trace, ScenarioError> {
    let mut m = Machine::new(plan, params);
    let proc = m.add_proc(true);
    let lane = m.add_lane(LaneKind::Thread, "main thread".to_string(), Some(proc));
    m.add_thread(proc, lane);
    m.add_cores();
    let mut pool = Pool::new(&mut m, vec![Worker::main()]).stopping_on_raise();
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
        // Every wait ends WAKE_UP_LATE (110 us) late.
        assert_eq!(trace.stats.makespan.0, 65_220);
        assert_eq!(trace.stats.task_latency[0].0, 30_110);
    }
}
