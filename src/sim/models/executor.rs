//! A pool of worker processes with its parent's feeder (`concurrent.futures.ProcessPoolExecutor`),
//! shared by `processes` (whole tasks, in chunks) and `hybrid` (single CPU steps the loop sends
//! with `run_in_executor`): worker processes start at the first submit (after the fork server
//! where there is one), take chunks first in, first out, unpickle them, run them and pickle
//! results back; the feeder (`feeder.rs`) pickles chunks into the call queue and unpickles
//! results in the parent.

use super::feeder::{Across, Fed, Feeder};
use super::worker::{Chunk, Turn, Worker};
use crate::sim::ids::{TaskId, ThreadId};
use crate::sim::machine::{Action, Machine};
use crate::sim::time::Micros;

/// What a pool thread does next, or the chunk whose results are in.
pub(crate) enum Outcome {
    Act(Action),
    Done(Chunk),
}

/// The pool: worker `i` is machine thread `first + i`; the feeder has its own thread.
pub(crate) struct Executor {
    first: usize,
    workers: Vec<Worker>,
    feeder: Feeder,
    /// The chunks' tasks wait in the board's ready queue until a worker takes them (a pool
    /// of whole tasks); a loop's steps are not on it.
    on_board: bool,
}

impl Executor {
    /// A pool of `n` worker processes (or interpreters) on threads `first..first + n`, fed
    /// by thread `feeder` `across` a pipe or a queue; `server_start` is the fork server's
    /// start-up, if any.
    pub fn new(
        first: ThreadId,
        n: usize,
        feeder: ThreadId,
        server_start: Micros,
        on_board: bool,
        across: Across,
    ) -> Executor {
        Executor {
            first: first.index(),
            workers: vec![Worker::process(); n],
            feeder: Feeder::new(feeder, n, server_start, across),
            on_board,
        }
    }

    /// True if `t` is one of the pool's threads (a worker or the feeder).
    pub fn owns(&self, t: ThreadId) -> bool {
        t == self.feeder.thread()
            || (self.first..self.first + self.workers.len()).contains(&t.index())
    }

    /// Sends `chunk` to the pool; the first submit starts the worker processes.
    pub fn submit(&mut self, m: &mut Machine, chunk: Chunk) {
        let first = !self.feeder.workers_may_start();
        self.feeder.submit(m, chunk);
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

    /// Drops `task`'s call if the feeder has not yet put it in the call queue: until then its
    /// future is pending and `cancel()` succeeds (`_add_call_item_to_queue` marks it running
    /// as it queues it). True if it was dropped.
    pub fn cancel(&mut self, task: TaskId) -> bool {
        self.feeder.cancel(task)
    }

    /// What pool thread `t` does next.
    pub fn next(&mut self, m: &mut Machine, t: ThreadId) -> Outcome {
        if t == self.feeder.thread() {
            loop {
                match self.feeder.next(m) {
                    Fed::Act(action) => return Outcome::Act(action),
                    Fed::ServerUp => self.wake_fresh(m),
                    Fed::Queued => self.wake_free(m),
                    Fed::Received(chunk) => return Outcome::Done(chunk),
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
                        return Outcome::Done(chunk);
                    }
                }
                Turn::Free => {
                    let Some(chunk) = self.feeder.take(m) else {
                        return park;
                    };
                    if self.on_board {
                        for task in chunk.tasks.clone() {
                            let popped = m.board.pop_ready();
                            debug_assert_eq!(popped, Some(TaskId::new(task)));
                        }
                    }
                    self.workers[t.index() - self.first].take(m, chunk);
                }
            }
        }
    }
}
