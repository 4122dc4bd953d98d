//! The GIL of one interpreter, following CPython 3.2+ ("the new GIL", lesson 11), as a part
//! with private state that answers each request with a decision; it schedules nothing itself.
//!
//! The rules, and nothing else (the convoy effect must emerge from them):
//! - A thread that wants to run Python takes the GIL if it is free, otherwise it waits.
//! - The holder keeps it until it blocks (I/O, native code, parking) or until a waiter has
//!   waited a full switch interval without the GIL changing hands; that waiter sets
//!   `gil_drop_request` and the holder drops the GIL at its next check.
//! - A thread that dropped on request may not take it back until another thread has taken
//!   it (FORCE_SWITCHING): it joins the end of the waiting line.
//! - Handing the GIL to a sleeping waiter takes time while the OS wakes it (the machine adds
//!   `GIL_HANDOFF`); meanwhile nobody runs Python.
//!
//! One simplification, documented in `SCENARIO.md`: waiters queue in arrival order, and the
//! drop request comes one switch interval after the later of the first waiter's arrival and
//! the last switch, instead of CPython's per-waiter timed waits (which give the same time
//! for the thread that matters, the first in line).

use crate::sim::ids::ThreadId;
use crate::sim::time::Micros;
use std::collections::VecDeque;

/// A drop-request timer to schedule: at `at`, call `Gil::timer(ver)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Timer {
    pub at: Micros,
    pub ver: u64,
}

/// The answer to `Gil::request`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Request {
    /// The GIL was free: the thread holds it now.
    Granted,
    /// Someone holds it: the thread waits in line; schedule `timer` if there is one.
    Queued { timer: Option<Timer> },
}

/// A waiter asked the holder to drop the GIL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DropRequest {
    pub holder: ThreadId,
    pub waiter: ThreadId,
}

/// One interpreter's GIL.
#[derive(Debug)]
pub(crate) struct Gil {
    switch: Micros,
    holder: Option<ThreadId>,
    waiters: VecDeque<(ThreadId, Micros)>,
    /// True while the holder is still being woken up.
    handoff: bool,
    /// When the GIL last changed hands (CPython's `switch_number` moving).
    last_switch: Micros,
    drop_request: bool,
    ver: u64,
    armed_at: Option<Micros>,
}

impl Gil {
    /// A free GIL with the given switch interval (`sys.setswitchinterval`).
    pub fn new(switch: Micros) -> Gil {
        Gil {
            switch,
            holder: None,
            waiters: VecDeque::new(),
            handoff: false,
            last_switch: Micros::ZERO,
            drop_request: false,
            ver: 0,
            armed_at: None,
        }
    }

    /// The thread that holds the GIL, or is being woken to take it.
    pub fn holder(&self) -> Option<ThreadId> {
        self.holder
    }

    /// True if `t` holds the GIL and is awake.
    pub fn holds(&self, t: ThreadId) -> bool {
        self.holder == Some(t) && !self.handoff
    }

    /// The waiting threads, first in line first.
    pub fn waiters(&self) -> impl Iterator<Item = ThreadId> + '_ {
        self.waiters.iter().map(|&(t, _)| t)
    }

    /// How many threads wait.
    pub fn waiting(&self) -> usize {
        self.waiters.len()
    }

    /// True if `t` holds the GIL and a waiter has asked it to drop it.
    pub fn must_drop(&self, t: ThreadId) -> bool {
        self.holds(t) && self.drop_request && !self.waiters.is_empty()
    }

    /// Thread `t` wants to run Python and does not hold the GIL.
    pub fn request(&mut self, t: ThreadId, now: Micros) -> Request {
        if self.holder.is_none() {
            self.holder = Some(t);
            self.last_switch = now;
            Request::Granted
        } else {
            self.waiters.push_back((t, now));
            Request::Queued { timer: self.arm() }
        }
    }

    /// The holder lets go, by itself or on request. Returns the waiter that must now be woken
    /// to take the GIL (the caller calls `woken` once it is awake), if anyone waits.
    pub fn release(&mut self) -> Option<ThreadId> {
        self.drop_request = false;
        self.ver += 1;
        self.armed_at = None;
        match self.waiters.pop_front() {
            Some((w, _)) => {
                self.holder = Some(w);
                self.handoff = true;
                Some(w)
            }
            None => {
                self.holder = None;
                None
            }
        }
    }

    /// The thread handed the GIL is awake and takes it; the GIL has changed hands.
    pub fn woken(&mut self, now: Micros) -> Option<Timer> {
        self.handoff = false;
        self.last_switch = now;
        self.arm()
    }

    /// The holder that just dropped on request joins the end of the line.
    pub fn requeue(&mut self, t: ThreadId, now: Micros) -> Option<Timer> {
        self.waiters.push_back((t, now));
        self.arm()
    }

    /// A drop-request timer fired: if it is still current, the first waiter asks the holder
    /// to drop the GIL.
    pub fn timer(&mut self, ver: u64) -> Option<DropRequest> {
        if self.ver != ver || self.handoff {
            return None;
        }
        self.armed_at = None;
        let (Some(holder), Some(&(waiter, _))) = (self.holder, self.waiters.front()) else {
            return None;
        };
        self.drop_request = true;
        Some(DropRequest { holder, waiter })
    }

    /// The first waiter's drop request is due one switch interval after the later of its
    /// arrival and the last switch; returns a timer when that moment changed.
    fn arm(&mut self) -> Option<Timer> {
        let &(_, arrived) = self.waiters.front()?;
        if self.holder.is_none() || self.handoff {
            return None;
        }
        let at = arrived.max(self.last_switch) + self.switch;
        if self.armed_at == Some(at) {
            return None;
        }
        self.ver += 1;
        self.armed_at = Some(at);
        Some(Timer { at, ver: self.ver })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS5: Micros = Micros(5_000);
    fn t(i: u32) -> ThreadId {
        ThreadId(i)
    }

    #[test]
    fn a_free_gil_is_granted_at_once() {
        let mut gil = Gil::new(MS5);
        assert_eq!(gil.request(t(0), Micros(7)), Request::Granted);
        assert!(gil.holds(t(0)));
        assert_eq!(gil.waiting(), 0);
    }

    #[test]
    fn a_waiter_asks_for_a_drop_one_switch_interval_after_it_arrives() {
        let mut gil = Gil::new(MS5);
        gil.request(t(0), Micros::ZERO);
        let Request::Queued { timer: Some(timer) } = gil.request(t(1), Micros(1_000)) else {
            panic!("the second thread must wait with a timer");
        };
        assert_eq!(timer.at, Micros(6_000));
        assert_eq!(
            gil.timer(timer.ver),
            Some(DropRequest {
                holder: t(0),
                waiter: t(1)
            })
        );
        assert!(gil.must_drop(t(0)));
    }

    #[test]
    fn the_interval_counts_from_the_last_switch_when_that_is_later() {
        let mut gil = Gil::new(MS5);
        gil.request(t(0), Micros::ZERO);
        gil.request(t(1), Micros::ZERO);
        assert_eq!(gil.release(), Some(t(1)));
        // Thread 0 comes back at once; the GIL changes hands when thread 1 wakes at 160 us.
        assert_eq!(
            gil.request(t(0), Micros(10)),
            Request::Queued { timer: None }
        );
        let timer = gil.woken(Micros(160)).expect("the waiter's timer is armed");
        assert_eq!(timer.at, Micros(5_160));
    }

    #[test]
    fn a_stale_timer_does_nothing() {
        let mut gil = Gil::new(MS5);
        gil.request(t(0), Micros::ZERO);
        let Request::Queued { timer: Some(old) } = gil.request(t(1), Micros::ZERO) else {
            panic!("queued with a timer");
        };
        gil.release();
        gil.woken(Micros(160));
        assert_eq!(gil.timer(old.ver), None);
    }

    #[test]
    fn nobody_runs_python_while_the_gil_is_handed_over() {
        let mut gil = Gil::new(MS5);
        gil.request(t(0), Micros::ZERO);
        gil.request(t(1), Micros::ZERO);
        gil.release();
        assert_eq!(gil.holder(), Some(t(1)));
        assert!(!gil.holds(t(1)), "still waking up");
        assert!(!gil.holds(t(0)));
        gil.woken(Micros(160));
        assert!(gil.holds(t(1)));
    }

    #[test]
    fn a_thread_that_dropped_on_request_waits_behind_the_others() {
        let mut gil = Gil::new(MS5);
        gil.request(t(0), Micros::ZERO);
        gil.request(t(1), Micros::ZERO);
        gil.request(t(2), Micros::ZERO);
        assert_eq!(gil.release(), Some(t(1)));
        gil.requeue(t(0), Micros::ZERO);
        assert_eq!(gil.waiters().collect::<Vec<_>>(), vec![t(2), t(0)]);
    }

    #[test]
    fn releasing_with_nobody_waiting_frees_the_gil() {
        let mut gil = Gil::new(MS5);
        gil.request(t(0), Micros::ZERO);
        assert_eq!(gil.release(), None);
        assert_eq!(gil.holder(), None);
        assert_eq!(gil.request(t(1), Micros(3)), Request::Granted);
    }
}
