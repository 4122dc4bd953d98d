//! The process pool behind an event loop (`loop.run_in_executor(pool, fn)`): the loop sends
//! single CPU steps as jobs; the parent's feeder thread, in the loop's own process and so
//! sharing its GIL, pickles each job's arguments into the call queue and unpickles each
//! result (`feeder.rs`); worker processes start at the first job (after the fork server
//! where there is one), take jobs first in, first out, unpickle them and pickle results.

use super::feeder::{Fed, Feeder};
use super::worker::{Chunk, Turn, Worker};
use crate::sim::ids::{StepId, TaskId, ThreadId};
use crate::sim::machine::{Action, Machine};
use crate::sim::time::Micros;

/// What a pool thread does next, or the job whose result is in.
pub(crate) enum Outcome {
    Act(Action),
    Done(TaskId),
}

/// The pool: worker `i` is machine thread `first + i`; the feeder has its own thread.
pub(crate) struct Executor {
    first: usize,
    workers: Vec<Worker>,
    feeder: Feeder,
}

impl Executor {
    /// A pool of `n` worker processes on threads `first..first + n`, fed by thread `feeder`
    /// of the loop's process; `server_start` is the fork server's start-up, if any.
    pub fn new(first: ThreadId, n: usize, feeder: ThreadId, server_start: Micros) -> Executor {
        Executor {
            first: first.index(),
            workers: vec![Worker::process(); n],
            feeder: Feeder::new(feeder, n, server_start),
        }
    }

    /// True if `t` is one of the pool's threads (a worker or the feeder).
    pub fn owns(&self, t: ThreadId) -> bool {
        t == self.feeder.thread()
            || (self.first..self.first + self.workers.len()).contains(&t.index())
    }

    /// Sends step `step` of `task` to the pool.
    pub fn submit(&mut self, m: &mut Machine, task: TaskId, step: StepId) {
        let first = !self.feeder.workers_may_start();
        self.feeder.submit(m, Chunk::step(task, step));
        if first {
            self.wake_fresh(m);
        }
    }

    fn wake_fresh(&mut self, m: &mut Machine) {
        if !self.feeder.workers_may_start() {
            return;
        }
        for (i, w) in self.workers.iter().enumerate() {
            if w.is_fresh() {
                m.unpark(ThreadId::new(self.first + i));
            }
        }
    }

    fn wake_free(&mut self, m: &mut Machine) {
        for (i, w) in self.workers.iter().enumerate() {
            if w.is_free() && m.unpark(ThreadId::new(self.first + i)) {
                break;
            }
        }
    }

    /// What pool thread `t` does next.
    pub fn next(&mut self, m: &mut Machine, t: ThreadId) -> Outcome {
        if t == self.feeder.thread() {
            loop {
                match self.feeder.next(m) {
                    Fed::Act(action) => return Outcome::Act(action),
                    Fed::ServerUp => self.wake_fresh(m),
                    Fed::Queued => self.wake_free(m),
                    Fed::Received(chunk) => return Outcome::Done(chunk.first()),
                }
            }
        }
        let park = Outcome::Act(Action::Park {
            state: None,
            announce: None,
        });
        let lane = m.lane_of(t);
        loop {
            let worker = &mut self.workers[t.index() - self.first];
            if worker.is_fresh() && !self.feeder.workers_may_start() {
                return park;
            }
            match worker.next(m, t) {
                Turn::Act(action) => return Outcome::Act(action),
                Turn::TaskDone(_) => unreachable!("a process finishes chunks"),
                Turn::ChunkDone(chunk) => {
                    m.set_lane(lane, None);
                    if chunk.carries(m.plan, false) {
                        self.feeder.returned(m, chunk);
                    } else {
                        return Outcome::Done(chunk.first());
                    }
                }
                Turn::Free => {
                    let Some(chunk) = self.feeder.take(m) else {
                        return park;
                    };
                    self.workers[t.index() - self.first].take(m, chunk);
                }
            }
        }
    }
}
