//! The GIL of one interpreter, following CPython 3.2+ ("the new GIL", lesson 11).
//!
//! The rules, and nothing else (the convoy effect must emerge from them):
//! - A thread that wants to run Python takes the GIL if it is free, otherwise it waits.
//! - The holder keeps it until it blocks (I/O, native code, parking) or until a waiter has
//!   waited a full switch interval without the GIL changing hands; that waiter sets
//!   `gil_drop_request` and the holder drops the GIL at its next check.
//! - A thread that dropped on request may not take it back until another thread has taken
//!   it (FORCE_SWITCHING): it joins the end of the waiting line.
//! - Handing the GIL to a sleeping waiter costs `GIL_HANDOFF` while the OS wakes it.
//!
//! One simplification, documented in `SCENARIO.md`: waiters queue in arrival order, and the
//! drop request comes one switch interval after the later of the first waiter's arrival and
//! the last switch, instead of CPython's per-waiter timed waits (which give the same time
//! for the thread that matters, the first in line).

use super::engine::Wake;
use super::machine::{Machine, Phase};
use super::model::GIL_HANDOFF;
use super::time::Micros;
use super::trace::{EventKind, State};
use std::collections::VecDeque;

/// The GIL's state.
#[derive(Default)]
pub(crate) struct Gil {
    /// The thread that holds it (or is being woken to take it).
    pub holder: Option<usize>,
    /// Threads waiting for it, with the time each started waiting.
    pub waiters: VecDeque<(usize, Micros)>,
    /// True while the holder is still being woken up.
    pub handoff: bool,
    /// When the GIL last changed hands (CPython's `switch_number` moving).
    pub last_switch: Micros,
    /// A waiter asked the holder to drop it.
    pub drop_request: bool,
    /// Version of the pending drop-request timer; stale timers are ignored.
    pub ver: u64,
    armed_at: Option<Micros>,
}

impl Machine<'_> {
    fn gil_mut(&mut self, t: usize) -> Option<&mut Gil> {
        let p = self.threads[t].proc;
        self.procs[p].gil.as_mut()
    }

    /// True if thread `t` holds its process's GIL.
    pub(crate) fn holds_gil(&self, t: usize) -> bool {
        let p = self.threads[t].proc;
        self.procs[p]
            .gil
            .as_ref()
            .is_some_and(|g| g.holder == Some(t) && !g.handoff)
    }

    /// Emits a GIL event, but only where the GIL can matter (two or more threads).
    fn gil_event(&mut self, kind: EventKind, t: usize) {
        if self.procs[self.threads[t].proc].threads > 1 {
            let w = self.threads[t].work;
            self.emit(
                kind,
                w.and_then(|w| w.task),
                Some(self.threads[t].lane),
                w.and_then(|w| w.step),
                None,
            );
        }
    }

    /// Thread `t` wants to run Python and does not hold the GIL.
    pub(crate) fn request_gil(&mut self, t: usize) {
        let now = self.now;
        let gil = self.gil_mut(t).expect("request_gil needs a GIL");
        if gil.holder.is_none() {
            gil.holder = Some(t);
            gil.last_switch = now;
            self.gil_event(EventKind::GilAcquire, t);
            self.want_core(t);
        } else {
            gil.waiters.push_back((t, now));
            self.wait_for_gil(t);
        }
    }

    fn wait_for_gil(&mut self, t: usize) {
        let th = &mut self.threads[t];
        th.phase = Phase::WantGil;
        th.gil_since = Some(self.now);
        let task = th.work.and_then(|w| w.task);
        self.rec
            .set(th.lane, self.now, Some((State::WaitingGil, task)));
        self.gil_event(EventKind::GilRequest, t);
        self.arm_drop(self.threads[t].proc);
    }

    /// Thread `t` lets go of the GIL by itself (I/O, native code, parking, exit).
    pub(crate) fn release_gil(&mut self, t: usize) {
        if !self.holds_gil(t) {
            return;
        }
        self.gil_event(EventKind::GilRelease, t);
        self.pass_gil(self.threads[t].proc);
    }

    /// Gives the GIL to the first waiter (who must first wake up), or leaves it free.
    fn pass_gil(&mut self, p: usize) {
        let now = self.now;
        let gil = self.procs[p].gil.as_mut().expect("pass_gil needs a GIL");
        gil.drop_request = false;
        gil.ver += 1;
        gil.armed_at = None;
        match gil.waiters.pop_front() {
            Some((w, _)) => {
                gil.holder = Some(w);
                gil.handoff = true;
                self.threads[w].phase = Phase::Handoff;
                self.queue
                    .push(now + GIL_HANDOFF, Wake::Handoff { thread: w });
            }
            None => gil.holder = None,
        }
    }

    /// The woken waiter takes the GIL.
    pub(crate) fn handoff_done(&mut self, t: usize) {
        let now = self.now;
        let gil = self.gil_mut(t).expect("handoff needs a GIL");
        gil.handoff = false;
        gil.last_switch = now;
        if let Some(since) = self.threads[t].gil_since.take() {
            self.gil_wait += now - since;
        }
        self.gil_event(EventKind::GilAcquire, t);
        self.want_core(t);
        self.arm_drop(self.threads[t].proc);
    }

    /// Schedules the first waiter's drop request, one switch interval after the later of
    /// its arrival and the last switch.
    fn arm_drop(&mut self, p: usize) {
        let switch = self.params.switch;
        let gil = self.procs[p].gil.as_mut().expect("arm_drop needs a GIL");
        let Some(&(_, arrived)) = gil.waiters.front() else {
            return;
        };
        if gil.holder.is_none() || gil.handoff {
            return;
        }
        let at = arrived.max(gil.last_switch) + switch;
        if gil.armed_at != Some(at) {
            gil.ver += 1;
            gil.armed_at = Some(at);
            let ver = gil.ver;
            self.queue.push(at, Wake::GilTimer { proc: p, ver });
        }
    }

    /// The first waiter has waited a switch interval: it asks the holder to drop the GIL.
    pub(crate) fn gil_timer(&mut self, p: usize, ver: u64) {
        let gil = self.procs[p].gil.as_mut().expect("gil_timer needs a GIL");
        if gil.ver != ver || gil.handoff {
            return;
        }
        gil.armed_at = None;
        let (Some(holder), Some(&(waiter, _))) = (gil.holder, gil.waiters.front()) else {
            return;
        };
        gil.drop_request = true;
        self.gil_event(EventKind::GilDropRequest, waiter);
        if matches!(self.threads[holder].phase, Phase::OnCore(_)) {
            self.force_drop(p);
        }
        // A holder waiting for a core drops as soon as it gets one (see `put_on_core`).
    }

    /// The holder drops the GIL on request and queues up behind the others.
    pub(crate) fn force_drop(&mut self, p: usize) {
        let Some(h) = self.procs[p].gil.as_ref().and_then(|g| g.holder) else {
            return;
        };
        self.pause(h);
        self.release_core(h);
        self.gil_event(EventKind::GilDrop, h);
        self.pass_gil(p);
        let now = self.now;
        self.procs[p]
            .gil
            .as_mut()
            .expect("force_drop needs a GIL")
            .waiters
            .push_back((h, now));
        self.wait_for_gil(h);
    }

    /// True if `t` holds a GIL that someone asked it to drop.
    pub(crate) fn must_drop(&self, t: usize) -> bool {
        let p = self.threads[t].proc;
        self.holds_gil(t)
            && self.procs[p]
                .gil
                .as_ref()
                .is_some_and(|g| g.drop_request && !g.waiters.is_empty())
    }
}
