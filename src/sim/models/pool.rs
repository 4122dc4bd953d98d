//! The pool driver behind `sync`, `threads`, `threads-nogil` and `processes`: each worker
//! takes the next task from one queue (FIFO) and runs all its steps (see `worker.rs`).

use super::worker::{Turn, Worker};
use crate::sim::ids::{StepId, ThreadId};
use crate::sim::machine::{Action, Driver, Machine};
use crate::sim::trace::EventKind;

/// A pool of workers sharing one task queue; worker `i` is thread `i`.
pub(crate) struct Pool {
    workers: Vec<Worker>,
}

impl Pool {
    /// A pool of `workers`, one per machine thread, created in thread order. Every task is
    /// queued at time zero.
    pub fn new(m: &mut Machine, workers: Vec<Worker>) -> Pool {
        for t in 0..m.plan.tasks.len() {
            m.board.push_ready(crate::sim::ids::TaskId::new(t));
        }
        Pool { workers }
    }
}

impl Driver for Pool {
    fn next(&mut self, m: &mut Machine, t: ThreadId) -> Action {
        let lane = Some(m.lane_of(t));
        let worker = &mut self.workers[t.index()];
        loop {
            match worker.next(m, t) {
                Turn::Act(action) => return action,
                Turn::Done(task) => {
                    // The thread is done with it: its lane shows nothing until the next task.
                    if let Some(lane) = lane {
                        m.set_lane(lane, None);
                    }
                    m.finish_task(task, lane);
                }
                Turn::Free => {
                    let Some(task) = m.board.pop_ready() else {
                        return Action::Exit;
                    };
                    worker.take(task, 0..m.plan.tasks[task.index()].steps.len());
                    m.emit(
                        EventKind::TaskStart,
                        Some(task),
                        lane,
                        Some(StepId::new(0)),
                        None,
                    );
                }
            }
        }
    }

    fn timer(&mut self, _m: &mut Machine, _token: usize) {}
}
