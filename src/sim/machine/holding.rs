//! The machine's side of the GIL: it asks each interpreter's `Gil` for a decision, then
//! schedules the wake-ups, moves the threads and records the events that follow from it.

use super::gil::{Gil, Request, Timer};
use super::queue::Wake;
use super::{Machine, Phase};
use crate::sim::ids::{ProcId, ThreadId};
use crate::sim::model::gil_handoff;
use crate::sim::trace::{EventKind, State};

impl Machine<'_> {
    pub(super) fn gil(&self, t: ThreadId) -> Option<&Gil> {
        self.procs[self.threads[t.index()].proc.index()]
            .gil
            .as_ref()
    }

    pub(super) fn gil_mut(&mut self, t: ThreadId) -> &mut Gil {
        let p = self.threads[t.index()].proc.index();
        self.procs[p]
            .gil
            .as_mut()
            .expect("only threads of a GIL build ask for it")
    }

    /// True if thread `t` holds its interpreter's GIL.
    pub(super) fn holds_gil(&self, t: ThreadId) -> bool {
        self.gil(t).is_some_and(|g| g.holds(t))
    }

    /// Records a GIL event, but only where the GIL can matter (two or more threads).
    pub(super) fn gil_event(&mut self, kind: EventKind, t: ThreadId) {
        let th = &self.threads[t.index()];
        if self.procs[th.proc.index()].threads > 1 {
            let (task, lane, step) = (th.task(), th.lane, th.work.and_then(|w| w.step));
            self.emit(kind, task, Some(lane), step, None);
        }
    }

    /// Schedules the end of a waiter's timed wait.
    pub(super) fn schedule_gil_timer(&mut self, timer: Timer) {
        let proc = self.threads[timer.thread.index()].proc;
        self.queue.push(
            timer.at,
            Wake::GilTimer {
                proc,
                thread: timer.thread,
                ver: timer.ver,
            },
        );
    }

    /// Thread `t`, running on a core, wants to run Python and does not hold the GIL. Returns
    /// true if it took it (and keeps its core); otherwise it gave up its core to wait.
    pub(super) fn request_gil(&mut self, t: ThreadId) -> bool {
        let now = self.now;
        match self.gil_mut(t).request(t, now) {
            Request::Granted => {
                self.show_at_work(t);
                self.gil_event(EventKind::GilAcquire, t);
                true
            }
            Request::Queued(timer) => {
                self.release_core(t);
                self.wait_for_gil(t);
                self.gil_event(EventKind::GilRequest, t);
                self.schedule_gil_timer(timer);
                false
            }
        }
    }

    pub(super) fn wait_for_gil(&mut self, t: ThreadId) {
        let now = self.now;
        let th = &mut self.threads[t.index()];
        th.phase = Phase::WantGil;
        th.gil_since = Some(now);
        let (lane, task) = (th.lane, th.task());
        self.rec.set(lane, now, Some((State::WaitingGil, task)));
    }

    /// Thread `t` lets go of the GIL by itself (I/O, native code, parking, exit).
    pub(super) fn release_gil(&mut self, t: ThreadId) {
        if !self.holds_gil(t) {
            return;
        }
        let next = self.gil_mut(t).release();
        self.gil_event(EventKind::GilRelease, t);
        self.hand_over(next);
    }

    /// The GIL goes to `next`, who must first wake up.
    pub(super) fn hand_over(&mut self, next: Option<ThreadId>) {
        if let Some(w) = next {
            self.threads[w.index()].phase = Phase::Handoff;
            let at = self.now + gil_handoff(self.params.switch);
            self.queue.push(at, Wake::Handoff { thread: w });
        }
    }

    /// The waiter handed the GIL is woken by the OS: it takes the GIL once it runs on a core,
    /// so with every core busy it first waits for one (still not holding the GIL).
    pub(super) fn handoff_done(&mut self, t: ThreadId) {
        self.threads[t.index()].gil_pending = true;
        match self.cores.free() {
            // On the core, `put_on_core` completes the hand-over.
            Some(c) => self.put_on_core(t, c, false),
            None => {
                self.threads[t.index()].phase = Phase::WantCore;
                self.join_line(t);
            }
        }
    }

    /// The woken waiter runs and takes the GIL; those that dropped it on request ask again.
    pub(super) fn take_handed_gil(&mut self, t: ThreadId) {
        let now = self.now;
        self.threads[t.index()].gil_pending = false;
        let rejoin = self.gil_mut(t).woken();
        if let Some(since) = self.threads[t.index()].gil_since.take() {
            self.gil_wait += now - since;
        }
        // Called on its core (`put_on_core`), which already shows it at work.
        self.gil_event(EventKind::GilAcquire, t);
        for r in rejoin {
            if let Request::Queued(timer) = self.gil_mut(r).request(r, now) {
                self.gil_event(EventKind::GilRequest, r);
                self.schedule_gil_timer(timer);
            }
        }
    }

    /// Waiter `t`'s timed wait ended: if the GIL did not change hands meanwhile, it asks the
    /// holder to drop it; either way it waits again.
    pub(super) fn gil_timer(&mut self, p: ProcId, t: ThreadId, ver: u64) {
        let now = self.now;
        let Some(gil) = self.procs[p.index()].gil.as_mut() else {
            return;
        };
        let Some(out) = gil.timeout(t, ver, now) else {
            return;
        };
        let holder = gil.holder();
        if let (Some(waiter), Some(holder)) = (out.drop, holder) {
            self.gil_event(EventKind::GilDropRequest, waiter);
            if matches!(self.threads[holder.index()].phase, Phase::OnCore(_)) {
                self.force_drop(holder);
            }
            // A holder waiting for a core drops as soon as it gets one (see `put_on_core`).
        }
        self.schedule_gil_timer(out.again);
    }

    /// The holder `h` drops the GIL on request and waits until another thread has taken it.
    pub(super) fn force_drop(&mut self, h: ThreadId) {
        self.pause(h);
        self.release_core(h);
        let Some(next) = self.gil_mut(h).release() else {
            // Nobody is left waiting: it asks again as soon as it runs.
            self.threads[h.index()].gil_wanted = true;
            self.want_core(h);
            return;
        };
        self.gil_mut(h).await_switch(h);
        self.wait_for_gil(h);
        self.gil_event(EventKind::GilDrop, h);
        self.hand_over(Some(next));
    }
}
