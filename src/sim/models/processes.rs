//! The `processes` model: a pool of worker processes, like
//! `ProcessPoolExecutor(workers).map(task, names)` (lesson 7).
//!
//! Each process is a separate desk: its own interpreter, memory and GIL, so CPU work runs
//! in parallel up to the core count. The price is visible: every worker boots first
//! (start method cost, after the fork server's own start for `forkserver`), the parent
//! pickles each chunk of tasks (`chunksize`) one after another and pays a dispatch cost per
//! chunk (`feeder.rs`), and each worker unpickles its arguments and pickles its result back.

use super::descriptor::{
    Code, DefaultWorkers, Descriptor, LoopPool, Measure, Phrases, Setting, Shape,
};
use super::executor::{Executor, Outcome};
use super::feeder::Across;
use super::pool::{arrivals, Arrival};
use crate::sim::budget::Load;
use crate::sim::error::ScenarioError;
use crate::sim::ids::{TaskId, ThreadId};
use crate::sim::machine::{Action, Driver, Machine};
use crate::sim::model::{ModelId, ModelParams, PROCESS_RESERVED, PROCESS_RESIDENT};
use crate::sim::plan::Plan;
use crate::sim::time::Micros;
use crate::sim::trace::{EventKind, LaneKind, Trace};

/// Everything the app asks about `processes`.
pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    id: ModelId::Processes,
    title: "Processes",
    label: "Processes",
    short: "Processes",
    shape: Shape::ProcessPool,
    settings: &[
        Setting::Workers,
        Setting::Cores,
        Setting::StartMethod,
        Setting::PickleRate,
        Setting::Startup,
        Setting::Chunksize,
    ],
    default_workers: DefaultWorkers::PerCore,
    phrases: Phrases {
        task_start: "{lane} starts task {task} at its own desk: a separate interpreter with its own memory and GIL.",
        compute: "{task} computes for {d} on {lane}.",
        io_wait: "{task} waits {d} for I/O on {lane}.",
    },
    code: Code {
        imports: "import time\nfrom concurrent.futures import ProcessPoolExecutor",
        is_async: false,
        sends: LoopPool::None,
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
        threads: params.workers + 1,
        gil_threads: 1,
        processes: params.workers,
        pickle_per_cpu_step: false,
        lanes: params.workers + 1,
        helpers: 1,
        offloads: false,
    }
}

/// Runs `plan` on a process pool.
fn run(plan: &Plan, params: &ModelParams) -> Result<Trace, ScenarioError> {
    let n = params.workers as u64;
    let layout = Desks {
        kind: LaneKind::Process,
        name: "process",
        workers: params.workers,
        main: "main: feeder",
        across: Across::Pipe,
        chunksize: params.chunksize,
        memory: (n * PROCESS_RESERVED.0, n * PROCESS_RESIDENT.0),
    };
    run_desks(plan, params, &layout)
}

/// What a pool of workers with interpreters of their own is made of: what `processes` and
/// `interpreters` differ in.
pub(super) struct Desks {
    /// The workers' lanes.
    pub kind: LaneKind,
    /// A worker's name on its lane ("process" gives "process 1").
    pub name: &'static str,
    /// How many workers.
    pub workers: usize,
    /// The parent thread's lane, which pickles the calls and unpickles the results.
    pub main: &'static str,
    /// How calls cross to the workers.
    pub across: Across,
    /// Tasks per call.
    pub chunksize: usize,
    /// Reserved and resident memory of the whole pool.
    pub memory: (u64, u64),
}

/// Runs `plan` on a pool of workers that each have their own interpreter and GIL.
pub(super) fn run_desks(
    plan: &Plan,
    params: &ModelParams,
    desks: &Desks,
) -> Result<Trace, ScenarioError> {
    let mut m = Machine::new(plan, params);
    for i in 0..desks.workers {
        let proc = m.add_proc(true);
        let lane = m.add_lane(desks.kind, format!("{} {}", desks.name, i + 1), Some(proc));
        m.add_thread(proc, lane);
    }
    let parent = m.add_proc(true);
    let lane = m.add_lane(LaneKind::Thread, desks.main.to_string(), Some(parent));
    let feeder = m.add_thread(parent, lane);
    m.add_cores();
    let exec = Executor::new(
        ThreadId::new(0),
        desks.workers,
        feeder,
        params.server_start,
        true,
        desks.across,
    );
    let mut pool = ProcessPool {
        exec,
        arrivals: arrivals(plan, desks.chunksize),
    };
    pool.arrive(&mut m, 0);
    m.run(&mut pool)?;
    Ok(m.finish(desks.memory.0, desks.memory.1))
}

/// `ProcessPoolExecutor(workers).map(task, names, chunksize=N)`: worker `i` is thread `i`,
/// the parent's feeder is the last thread.
struct ProcessPool {
    exec: Executor,
    /// The chunks, in the order they are submitted, with when.
    arrivals: Vec<Arrival>,
}

impl ProcessPool {
    /// Submits the chunks due now from `from` on, and sets a timer for the next later one.
    fn arrive(&mut self, m: &mut Machine, from: usize) {
        let mut i = from;
        while let Some(a) = self.arrivals.get(i) {
            if a.at > m.now {
                m.timer(a.at, i);
                break;
            }
            let chunk = a.chunk.clone();
            for t in chunk.tasks.clone() {
                m.board.push_ready(TaskId::new(t));
                if a.at > Micros::ZERO {
                    m.emit(
                        EventKind::TaskSubmit,
                        Some(TaskId::new(t)),
                        None,
                        None,
                        None,
                    );
                }
            }
            self.exec.submit(m, chunk);
            i += 1;
        }
    }
}

impl Driver for ProcessPool {
    fn next(&mut self, m: &mut Machine, t: ThreadId) -> Action {
        let lane = Some(m.lane_of(t));
        loop {
            match self.exec.next(m, t) {
                Outcome::Act(action) => return action,
                // The chunk's results are in the parent: its tasks are done now.
                Outcome::Done(chunk) => {
                    for task in chunk.tasks {
                        m.finish_task(TaskId::new(task), lane);
                    }
                }
            }
        }
    }

    fn timer(&mut self, m: &mut Machine, token: usize) {
        self.arrive(m, token);
    }
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
        // The four workers fork (2 ms) on the four cores while the parent waits for one;
        // then the parent pickles the four 6 MB argument lists one after another (105 us of
        // dispatch and 13.7 ms at 437 MB/s each, 55.3 ms in all); each worker unpickles its
        // list (40.8 ms at 147 MB/s) and computes 100 ms. The last task ends at
        // 2 + 55.3 + 40.8 + 100 ms.
        assert_eq!(t.stats.makespan.0, 2_000 + 55_340 + 40_816 + 100_000);
        let lat = &t.stats.task_latency;
        assert!(
            lat.windows(2).all(|w| w[1].0 - w[0].0 == 13_835),
            "the parent pickles one list after another: {lat:?}"
        );
    }
}
