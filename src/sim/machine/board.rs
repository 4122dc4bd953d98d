//! The queues a snapshot shows, as a part with private state: the ready queue (the loop's,
//! or a pool's work queue), the tasks waiting for I/O, and whether the loop thread is busy
//! with something that cannot yield.

use crate::sim::ids::TaskId;
use crate::sim::snapshot::SNAPSHOT_CAP;
use crate::sim::time::Micros;
use std::collections::{BTreeSet, VecDeque};

/// A handle to remove an I/O waiter again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct IoKey(Micros, u64, TaskId);

/// The queues shown in snapshots.
#[derive(Default)]
pub(crate) struct Board {
    ready: VecDeque<TaskId>,
    /// Keyed by (wake time, sequence, task) so the soonest come first.
    io: BTreeSet<IoKey>,
    io_seq: u64,
    loop_busy: bool,
}

impl Board {
    /// Puts `task` at the end of the ready queue.
    pub fn push_ready(&mut self, task: TaskId) {
        self.ready.push_back(task);
    }

    /// Takes the task at the front of the ready queue.
    pub fn pop_ready(&mut self) -> Option<TaskId> {
        self.ready.pop_front()
    }

    /// How many tasks are in the ready queue.
    pub fn ready_len(&self) -> usize {
        self.ready.len()
    }

    /// Keeps in the ready queue only the tasks `keep` accepts, in their order.
    pub fn retain_ready(&mut self, keep: impl FnMut(&TaskId) -> bool) {
        self.ready.retain(keep);
    }

    /// Records that `task` waits for I/O until `until`.
    pub fn io_add(&mut self, task: TaskId, until: Micros) -> IoKey {
        self.io_seq += 1;
        let key = IoKey(until, self.io_seq, task);
        self.io.insert(key);
        key
    }

    /// Records that an I/O wait is over.
    pub fn io_remove(&mut self, key: IoKey) {
        self.io.remove(&key);
    }

    /// Forgets every I/O wait of `task`: it was cancelled, and a call of its that a thread
    /// still waits in is no longer its wait (the thread's own wake-up finds nothing to remove).
    pub fn io_forget(&mut self, task: TaskId) {
        self.io.retain(|&IoKey(_, _, t)| t != task);
    }

    /// Marks the loop thread as running something that cannot yield, or not.
    pub fn set_loop_busy(&mut self, busy: bool) {
        self.loop_busy = busy;
    }

    /// True while the loop is busy and other tasks are ready: the loop is frozen.
    pub fn loop_frozen(&self) -> bool {
        self.loop_busy && !self.ready.is_empty()
    }

    /// The first few ready tasks and the total.
    pub fn ready_view(&self) -> (Vec<TaskId>, usize) {
        (
            self.ready.iter().take(SNAPSHOT_CAP).copied().collect(),
            self.ready.len(),
        )
    }

    /// The first few I/O waiters and the total.
    pub fn io_view(&self) -> (Vec<(TaskId, Micros)>, usize) {
        (
            self.io
                .iter()
                .take(SNAPSHOT_CAP)
                .map(|&IoKey(at, _, t)| (t, at))
                .collect(),
            self.io.len(),
        )
    }
}
