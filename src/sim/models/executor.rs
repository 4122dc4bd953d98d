//! The process pool behind an event loop (`loop.run_in_executor(pool, fn)`): the loop sends
//! single CPU steps as jobs; workers boot in parallel while the loop runs, take jobs first
//! in, first out, and pickle each job's arguments over and its result back.

use super::worker::{Turn, Worker};
use crate::sim::ids::{StepId, TaskId, ThreadId};
use crate::sim::machine::{Action, Machine};
use std::collections::VecDeque;

/// What a pool worker does next, or the job it just finished.
pub(crate) enum Outcome {
    Act(Action),
    Done(TaskId),
}

/// The pool: worker `i` is machine thread `first + i`.
pub(crate) struct Executor {
    first: usize,
    workers: Vec<Worker>,
    jobs: VecDeque<(TaskId, StepId)>,
}

impl Executor {
    /// A pool of `n` worker processes on threads `first..first + n`.
    pub fn new(first: ThreadId, n: usize) -> Executor {
        Executor {
            first: first.index(),
            workers: vec![Worker::process(); n],
            jobs: VecDeque::new(),
        }
    }

    /// True if `t` is one of the pool's workers.
    pub fn owns(&self, t: ThreadId) -> bool {
        (self.first..self.first + self.workers.len()).contains(&t.index())
    }

    /// Queues step `step` of `task` and wakes one free worker to take it (a free worker
    /// already woken will take an earlier job).
    pub fn submit(&mut self, m: &mut Machine, task: TaskId, step: StepId) {
        self.jobs.push_back((task, step));
        for (i, w) in self.workers.iter().enumerate() {
            if w.is_free() && m.unpark(ThreadId::new(self.first + i)) {
                break;
            }
        }
    }

    /// What worker thread `t` does next.
    pub fn next(&mut self, m: &mut Machine, t: ThreadId) -> Outcome {
        let worker = &mut self.workers[t.index() - self.first];
        loop {
            match worker.next(m, t) {
                Turn::Act(action) => return Outcome::Act(action),
                Turn::Done(task) => return Outcome::Done(task),
                Turn::Free => {
                    let Some((task, step)) = self.jobs.pop_front() else {
                        return Outcome::Act(Action::Park {
                            state: None,
                            announce: None,
                        });
                    };
                    worker.take(task, step.index()..step.index() + 1);
                }
            }
        }
    }
}
