//! The thread-pool driver behind `sync`, `threads` and `threads-nogil`: each worker takes
//! the next task from one queue (FIFO) and runs all its steps (see `worker.rs`). Tasks are
//! submitted at their start times; a pool's threads are started one after another by the
//! program (`thread_start`, growing with the threads started before). Also the arrival schedule every pool shares.

use super::worker::{Chunk, Turn, Worker};
use crate::sim::ids::ThreadId;
use crate::sim::machine::{Action, Driver, Machine};
use crate::sim::model::thread_start;
use crate::sim::plan::Plan;
use crate::sim::time::Micros;
use crate::sim::trace::EventKind;

/// Work submitted at one moment: a chunk of tasks that arrive together.
#[derive(Clone, Debug)]
pub(crate) struct Arrival {
    pub at: Micros,
    pub chunk: Chunk,
}

/// The order in which tasks are submitted: by start time, then list order, with consecutive
/// tasks submitted at the same moment grouped into chunks of at most `chunksize`.
pub(crate) fn arrivals(plan: &Plan, chunksize: usize) -> Vec<Arrival> {
    let mut order: Vec<usize> = (0..plan.tasks.len()).collect();
    order.sort_by_key(|&i| (plan.tasks[i].start, i));
    let mut out: Vec<Arrival> = Vec::new();
    for i in order {
        let at = plan.tasks[i].start;
        match out.last_mut() {
            Some(a) if a.at == at && a.chunk.tasks.end == i && a.chunk.len() < chunksize => {
                a.chunk.tasks.end += 1;
            }
            _ => out.push(Arrival {
                at,
                chunk: Chunk::tasks(i..i + 1),
            }),
        }
    }
    out
}

/// A pool of workers sharing one task queue; worker `i` is thread `i`.
pub(crate) struct Pool {
    workers: Vec<Worker>,
    arrivals: Vec<Arrival>,
    /// Arrivals submitted so far.
    arrived: usize,
    /// A pool with a thread for every task runs each task on its own thread: the threads
    /// are still being started when the first ones finish, so none is reused (measured:
    /// `ThreadPoolExecutor(10_000)` over 10,000 one-second sleeps took 3.0-3.9 s, as long as
    /// one `threading.Thread` per task).
    one_each: bool,
    /// Plain code: an exception nothing catches ends the program (`sync`).
    stops_on_raise: bool,
}

/// Timer tokens from here on start pool threads; below it, they submit arrivals.
const THREAD_TOKENS: usize = 1 << 30;

impl Pool {
    /// A pool of `workers`, one per machine thread, created in thread order. The tasks due
    /// at time zero are queued at once; pool threads are started one after another.
    pub fn new(m: &mut Machine, workers: Vec<Worker>) -> Pool {
        let mut started = Micros::ZERO;
        for (i, w) in workers.iter().enumerate() {
            if w.is_fresh() {
                started += thread_start(i);
                m.timer(started, THREAD_TOKENS + i);
            }
        }
        let one_each = workers.len() > 1 && workers.len() >= m.plan.tasks.len();
        let mut pool = Pool {
            workers,
            arrivals: arrivals(m.plan, 1),
            arrived: 0,
            one_each,
            stops_on_raise: false,
        };
        pool.arrive(m);
        pool
    }

    /// Plain code: a task's exception stops the whole program, so the tasks after it never
    /// run (a pool's other threads, by contrast, cannot be stopped and run on).
    pub fn stopping_on_raise(mut self) -> Pool {
        self.stops_on_raise = true;
        self
    }

    /// Submits the tasks due now, and sets a timer for the next later one.
    fn arrive(&mut self, m: &mut Machine) {
        while let Some(a) = self.arrivals.get(self.arrived) {
            if a.at > m.now {
                m.timer(a.at, self.arrived);
                return;
            }
            let task = a.chunk.first();
            let late = a.at > Micros::ZERO;
            m.board.push_ready(task);
            self.arrived += 1;
            if late {
                m.emit(EventKind::TaskSubmit, Some(task), None, None, None);
                for (i, w) in self.workers.iter().enumerate() {
                    if w.is_free() && m.unpark(ThreadId::new(i)) {
                        break;
                    }
                }
            }
        }
    }
}

impl Driver for Pool {
    fn next(&mut self, m: &mut Machine, t: ThreadId) -> Action {
        let lane = Some(m.lane_of(t));
        let worker = &mut self.workers[t.index()];
        loop {
            match worker.next(m, t) {
                Turn::Act(action) => return action,
                Turn::TaskDone(task) => {
                    // The thread is done with it: its lane shows nothing until the next task.
                    if let Some(lane) = lane {
                        m.set_lane(lane, None);
                    }
                    let stops = self.stops_on_raise && m.plan.tasks[task.index()].raises;
                    if stops {
                        // Nothing catches it: what is queued or still to come never runs.
                        m.drop_timers();
                        while m.board.pop_ready().is_some() {}
                        self.arrived = self.arrivals.len();
                    }
                    m.finish_task(task, lane);
                    if stops {
                        return Action::Exit;
                    }
                    if self.one_each {
                        return Action::Exit;
                    }
                }
                Turn::ChunkDone(_) => unreachable!("threads finish tasks, not chunks"),
                Turn::Free => {
                    let Some(task) = m.board.pop_ready() else {
                        // More tasks are still to be submitted: wait for them.
                        if self.arrived < self.arrivals.len() {
                            return Action::Park {
                                state: None,
                                announce: None,
                            };
                        }
                        return Action::Exit;
                    };
                    worker.take(m, Chunk::tasks(task.index()..task.index() + 1));
                }
            }
        }
    }

    fn timer(&mut self, m: &mut Machine, token: usize) {
        if token >= THREAD_TOKENS {
            // The program has started this thread: it takes work from now on.
            m.unpark(ThreadId::new(token - THREAD_TOKENS));
        } else {
            self.arrive(m);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{arrivals, Arrival};
    use crate::sim::ids::TaskId;

    fn ids(a: &Arrival) -> Vec<TaskId> {
        a.chunk.tasks.clone().map(TaskId::new).collect()
    }
    use crate::sim::{Scenario, Step, Task};

    #[test]
    fn tasks_arrive_by_start_time_in_chunks_of_consecutive_tasks() {
        let task = |name: &str, at: f64| Task::new(name, vec![Step::cpu(1.0)]).start_ms(at);
        let s = Scenario::new(
            vec![
                task("A", 0.0),
                task("B", 0.0),
                task("C", 0.0),
                task("D", 5.0),
                task("E", 0.0),
            ],
            vec![],
        );
        let plan = crate::sim::plan::compile(&s).unwrap();
        let got: Vec<(u64, Vec<TaskId>)> = arrivals(&plan, 2)
            .iter()
            .map(|a| (a.at.0, ids(a)))
            .collect();
        let t = TaskId::new;
        assert_eq!(
            got,
            vec![
                (0, vec![t(0), t(1)]),
                (0, vec![t(2)]),
                (0, vec![t(4)]),
                (5_000, vec![t(3)]),
            ]
        );
    }
}
