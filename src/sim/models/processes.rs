//! The `processes` model: a pool of worker processes, like
//! `ProcessPoolExecutor(workers).map(task, names)` (lesson 7).
//!
//! Each process is a separate desk: its own interpreter, memory and GIL, so CPU work runs
//! in parallel up to the core count. The price is visible: every worker boots first
//! (start method cost, after the fork server's own start for `forkserver`), the parent
//! pickles each chunk of tasks (`chunksize`) one after another and pays a dispatch cost per
//! chunk (`feeder.rs`), and each worker unpickles its arguments and pickles its result back.

use super::descriptor::Setting;
use super::descriptor::{Code, DefaultWorkers, Descriptor, Measure, Phrases, Shape};
use super::feeder::{Fed, Feeder};
use super::pool::{arrivals, Arrival};
use super::worker::{Chunk, Turn, Worker};
use crate::sim::budget::Load;
use crate::sim::error::ScenarioError;
use crate::sim::ids::{TaskId, ThreadId};
use crate::sim::machine::{Action, Driver, Machine};
use crate::sim::model::{ModelId, ModelParams, PROCESS_RESERVED, PROCESS_RESIDENT};
use crate::sim::plan::Plan;
use crate::sim::trace::{EventKind, LaneKind, Trace};

/// Everything the app asks about `processes`.
pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    id: ModelId::Processes,
    title: "Processes",
    label: "Processes",
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
        threads: params.workers + 1,
        gil_threads: 1,
        processes: params.workers,
        pickle_per_cpu_step: false,
        lanes: params.workers + 1,
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
    let parent = m.add_proc(true);
    let lane = m.add_lane(LaneKind::Thread, "main: feeder".to_string(), Some(parent));
    let feeder = m.add_thread(parent, lane);
    m.add_cores();
    let mut pool = ProcessPool {
        workers: vec![Worker::process(); params.workers],
        feeder: Feeder::new(feeder, params.workers, params.server_start),
        arrivals: arrivals(plan, params.chunksize),
        done: 0,
    };
    pool.arrive(&mut m, 0);
    m.run(&mut pool)?;
    let n = params.workers as u64;
    Ok(m.finish(n * PROCESS_RESERVED.0, n * PROCESS_RESIDENT.0))
}

/// `ProcessPoolExecutor(workers).map(task, names, chunksize=N)`: worker `i` is thread `i`,
/// the parent's feeder is the last thread.
struct ProcessPool {
    workers: Vec<Worker>,
    feeder: Feeder,
    /// The chunks, in the order they are submitted, with when.
    arrivals: Vec<Arrival>,
    /// Tasks finished so far.
    done: usize,
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
                if a.at > crate::sim::time::Micros::ZERO {
                    m.emit(
                        EventKind::TaskSubmit,
                        Some(TaskId::new(t)),
                        None,
                        None,
                        None,
                    );
                }
            }
            let first = !self.feeder.workers_may_start();
            self.feeder.submit(m, chunk);
            if first {
                self.wake_fresh(m);
            }
            i += 1;
        }
    }

    /// Lets the workers that have not started start, once they may.
    fn wake_fresh(&mut self, m: &mut Machine) {
        if !self.feeder.workers_may_start() {
            return;
        }
        for (i, w) in self.workers.iter().enumerate() {
            if w.is_fresh() {
                m.unpark(ThreadId::new(i));
            }
        }
    }

    /// Wakes one free worker for a chunk in the call queue.
    fn wake_free(&mut self, m: &mut Machine) {
        for (i, w) in self.workers.iter().enumerate() {
            if w.is_free() && m.unpark(ThreadId::new(i)) {
                break;
            }
        }
    }

    /// The tasks of `chunk` are done now.
    fn finish(&mut self, m: &mut Machine, chunk: &Chunk, lane: Option<crate::sim::ids::LaneId>) {
        for t in chunk.tasks.clone() {
            m.finish_task(TaskId::new(t), lane);
        }
        self.done += chunk.len();
    }

    fn feeder_next(&mut self, m: &mut Machine) -> Action {
        let lane = Some(m.lane_of(self.feeder.thread()));
        loop {
            match self.feeder.next(m) {
                Fed::Act(action) => return action,
                Fed::ServerUp => self.wake_fresh(m),
                Fed::Queued => self.wake_free(m),
                Fed::Received(chunk) => self.finish(m, &chunk, lane),
            }
        }
    }
}

impl Driver for ProcessPool {
    fn next(&mut self, m: &mut Machine, t: ThreadId) -> Action {
        if t == self.feeder.thread() {
            return self.feeder_next(m);
        }
        let lane = Some(m.lane_of(t));
        let park = Action::Park {
            state: None,
            announce: None,
        };
        loop {
            let worker = &mut self.workers[t.index()];
            if worker.is_fresh() && !self.feeder.workers_may_start() {
                return park;
            }
            match worker.next(m, t) {
                Turn::Act(action) => return action,
                Turn::TaskDone(_) => unreachable!("a process finishes whole chunks"),
                Turn::ChunkDone(chunk) => {
                    if let Some(lane) = lane {
                        m.set_lane(lane, None);
                    }
                    if chunk.carries(m.plan, false) {
                        self.feeder.returned(m, chunk);
                    } else {
                        self.finish(m, &chunk, lane);
                    }
                }
                Turn::Free => {
                    let Some(chunk) = self.feeder.take(m) else {
                        return park;
                    };
                    for t in chunk.tasks.clone() {
                        let popped = m.board.pop_ready();
                        debug_assert_eq!(popped, Some(TaskId::new(t)));
                    }
                    self.workers[t.index()].take(m, chunk);
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
