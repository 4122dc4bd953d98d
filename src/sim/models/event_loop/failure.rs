//! What an event loop does when one of its tasks raises (`Task::raises`), as CPython 3.9-3.13
//! do it. The exception reaches what cancels the other tasks through done callbacks, which
//! `call_soon` puts at the back of the ready queue, so every task already queued runs its step
//! first:
//! - a `TaskGroup` (3.11+): one hop, its `_on_task_done`, which cancels every other task (and
//!   at once, inside `create_task`, for a task the eager factory ran to its end there, so the
//!   tasks `main()` had not yet created never are: `create_task` refuses a group shutting down);
//! - `gather` (before 3.11): two hops, gather's callback then `main()`, which raises out of
//!   `asyncio.run`; that cancels every task still alive (`_cancel_all_tasks`). With the pool
//!   in `with ProcessPoolExecutor()` around `gather` (`hybrid`), leaving the block first runs
//!   `shutdown(wait=True)`: the loop is blocked until every call submitted, queued ones
//!   included, has run.
//!
//! A cancelled task ends at its await one loop step later. A call it handed to a pool is
//! dropped if no worker has taken it and otherwise runs on (a thread or process cannot be
//! stopped); the program ends once none is left. Checked against real runs on 3.9 and 3.12
//! here: a task woken in the same turn as the failure runs on (1,000 sleepers, one raising:
//! 426 finished), a task taking the failed one's semaphore permit runs its blocking call.

use super::{Loop, LOOP_THREAD};
use crate::sim::ids::TaskId;
use crate::sim::machine::{Action, Machine};
use crate::sim::model::LOOP_STEP_NS;
use crate::sim::trace::{EventKind, State};

/// Where the exception is on its way to what cancels the other tasks.
pub(super) struct Failure {
    /// The first task that raised (others that raise later join its exception group).
    raised: TaskId,
    /// Ready-queue entries that run before the exception's next hop.
    wait: usize,
    /// Hops still to go: one for a `TaskGroup`, two for `gather` then `main()`.
    hops: u8,
    stage: Stage,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// On its way.
    Travelling,
    /// `main()` left `with ProcessPoolExecutor()`: the loop waits for every call to run.
    Draining,
    /// The others are cancelled.
    Cancelled,
}

impl Loop {
    /// Task `c` raised. `inside_create` says it ran to its end inside `create_task` (the
    /// eager factory), where a `TaskGroup` hears of it at once.
    pub(super) fn fail(&mut self, m: &mut Machine, c: TaskId, inside_create: bool) {
        let group = m.params.task_group;
        self.failure = Some(Failure {
            raised: c,
            wait: if group && inside_create {
                0
            } else {
                m.board.ready_len()
            },
            hops: if group { 1 } else { 2 },
            stage: Stage::Travelling,
        });
    }

    /// A task was taken from the ready queue: one fewer runs before the exception moves on.
    pub(super) fn popped(&mut self) {
        if let Some(f) = self.failure.as_mut() {
            if f.stage == Stage::Travelling {
                f.wait = f.wait.saturating_sub(1);
            }
        }
    }

    /// Moves the exception on when its turn has come; while a pool is being shut down, what
    /// the blocked loop thread does.
    pub(super) fn on_failure(&mut self, m: &mut Machine) -> Option<Action> {
        loop {
            let f = self.failure.as_mut()?;
            match f.stage {
                Stage::Travelling if f.wait == 0 => {
                    f.hops -= 1;
                    if f.hops > 0 {
                        // gather's callback wakes `main()`, behind what is queued now.
                        f.wait = m.board.ready_len();
                        self.debt_ns += LOOP_STEP_NS;
                        continue;
                    }
                    let raised = f.raised;
                    let drains = !m.params.task_group && self.exec.is_some();
                    if drains && self.coros.iter().any(|c| c.away) {
                        self.drain(m);
                    } else {
                        self.cancel_all(m, raised);
                    }
                }
                Stage::Draining if self.orphans == 0 => {
                    let raised = f.raised;
                    m.board.set_loop_busy(false);
                    self.cancel_all(m, raised);
                }
                Stage::Draining => {
                    m.board.set_loop_busy(true);
                    return Some(Action::Park {
                        state: Some(State::Blocked),
                        announce: None,
                    });
                }
                Stage::Travelling | Stage::Cancelled => return None,
            }
        }
    }

    /// `main()` raises out of `with ProcessPoolExecutor()`: `shutdown(wait=True)` blocks the
    /// loop until every call submitted has run; no task is cancelled yet.
    fn drain(&mut self, m: &mut Machine) {
        for i in 0..self.coros.len() {
            if std::mem::take(&mut self.coros[i].away) {
                self.orphan(m, TaskId::new(i));
            }
        }
        if let Some(f) = self.failure.as_mut() {
            f.stage = Stage::Draining;
        }
        m.board.set_loop_busy(true);
        m.set_lane(self.loop_lane, Some((State::Blocked, None)));
        m.emit(
            EventKind::ShutdownWait,
            None,
            Some(self.loop_lane),
            None,
            None,
        );
    }

    /// The call of `task` runs on for nothing: the program waits for it.
    fn orphan(&mut self, m: &mut Machine, task: TaskId) {
        self.coros[task.index()].orphan = true;
        self.orphans += 1;
        m.board.io_forget(task);
        m.set_orphaned(task, true);
    }

    /// An orphaned call returned: its result is dropped; the last one frees the loop.
    pub(super) fn orphan_returned(&mut self, m: &mut Machine, task: TaskId) {
        self.coros[task.index()].orphan = false;
        self.orphans -= 1;
        m.set_orphaned(task, false);
        if self.orphans == 0 {
            m.unpark(LOOP_THREAD);
        }
    }

    /// Every other task is cancelled; what `main()` had not created never is.
    fn cancel_all(&mut self, m: &mut Machine, raised: TaskId) {
        if let Some(f) = self.failure.as_mut() {
            f.stage = Stage::Cancelled;
        }
        // Nothing scheduled happens any more: wake-ups give way to the cancellation, and
        // later `create_task` calls are never reached.
        m.drop_timers();
        // One turn of the loop runs the code that cancels them.
        self.debt_ns += LOOP_STEP_NS;
        let mut unborn = Vec::new();
        for i in 0..self.coros.len() {
            let task = TaskId::new(i);
            if task == raised || m.is_finished(task) || self.coros[i].cancelled {
                continue;
            }
            self.coros[i].cancelled = true;
            if !self.coros[i].created {
                unborn.push(task);
                self.done += 1;
                continue;
            }
            if let Some(key) = self.coros[i].io.take() {
                m.board.io_remove(key);
            }
            if std::mem::take(&mut self.coros[i].away) {
                let dropped = self.exec.as_mut().is_some_and(|exec| exec.cancel(task));
                if !dropped {
                    self.orphan(m, task);
                }
            }
            if let Some(p) = self.permits.as_mut() {
                if let Some(at) = p.waiting.iter().position(|&w| w == task) {
                    p.waiting.remove(at);
                }
            }
            if !std::mem::replace(&mut self.coros[i].queued, true) {
                m.board.push_ready(task);
            }
            self.show(m, task, Some(State::Ready));
            m.emit(
                EventKind::Cancel,
                Some(task),
                Some(self.task_lane(task)),
                None,
                None,
            );
        }
        if !unborn.is_empty() {
            let mut gone = vec![false; self.coros.len()];
            for t in &unborn {
                gone[t.index()] = true;
            }
            m.board.retain_ready(|t| !gone[t.index()]);
        }
        m.unpark(LOOP_THREAD);
    }
}
