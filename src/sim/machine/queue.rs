//! The clock's event queue: pending wake-ups ordered by time, then by the order they were
//! scheduled, so that ties always resolve the same way.

use crate::sim::ids::{CoreId, ProcId, ThreadId};
use crate::sim::time::Micros;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Something scheduled to happen. Versioned wake-ups are ignored when the version is stale,
/// which is how a preempted or interrupted action cancels its old completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Wake {
    /// A thread's computation may have finished.
    WorkDone { thread: ThreadId, ver: u64 },
    /// A thread's sleep or I/O wait ends.
    SleepDone { thread: ThreadId, ver: u64 },
    /// A core's time slice ends.
    SliceOver { core: CoreId, ver: u64 },
    /// A GIL waiter's timed wait of one switch interval ends.
    GilTimer {
        proc: ProcId,
        thread: ThreadId,
        ver: u64,
    },
    /// A thread handed the GIL has woken up and takes it.
    Handoff { thread: ThreadId },
    /// A parked thread is told to look for work again.
    Unpark { thread: ThreadId },
    /// A model's own timer, such as an asyncio sleep.
    Timer { token: usize },
}

/// A min-queue of wake-ups keyed by (time, sequence number).
#[derive(Default)]
pub(crate) struct Queue {
    heap: BinaryHeap<Reverse<(Micros, u64, Wake)>>,
    seq: u64,
}

impl Queue {
    /// Schedules `wake` at time `at`, after everything already scheduled for `at`.
    pub fn push(&mut self, at: Micros, wake: Wake) {
        self.seq += 1;
        self.heap.push(Reverse((at, self.seq, wake)));
    }

    /// Bytes of memory the pending wake-ups hold.
    pub fn bytes(&self) -> usize {
        self.heap.capacity() * std::mem::size_of::<Reverse<(Micros, u64, Wake)>>()
    }

    /// Drops every model timer (`Wake::Timer`) still pending; the machine's own wake-ups stay.
    pub fn drop_timers(&mut self) {
        self.heap
            .retain(|Reverse((_, _, wake))| !matches!(wake, Wake::Timer { .. }));
    }

    /// Takes the earliest wake-up.
    pub fn pop(&mut self) -> Option<(Micros, Wake)> {
        self.heap.pop().map(|Reverse((at, _, wake))| (at, wake))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_timers_keeps_the_machine_s_wake_ups() {
        let mut q = Queue::default();
        q.push(Micros(5), Wake::Timer { token: 2 });
        q.push(
            Micros(3),
            Wake::Unpark {
                thread: ThreadId::new(0),
            },
        );
        q.drop_timers();
        assert_eq!(
            q.pop(),
            Some((
                Micros(3),
                Wake::Unpark {
                    thread: ThreadId::new(0)
                }
            ))
        );
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn ties_pop_in_schedule_order() {
        let mut q = Queue::default();
        q.push(Micros(5), Wake::Timer { token: 2 });
        q.push(Micros(5), Wake::Timer { token: 1 });
        q.push(Micros(1), Wake::Timer { token: 3 });
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|(_, w)| w).collect();
        assert_eq!(
            order,
            vec![
                Wake::Timer { token: 3 },
                Wake::Timer { token: 2 },
                Wake::Timer { token: 1 }
            ]
        );
    }
}
