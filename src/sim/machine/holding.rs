//! The machine's side of the GIL: it asks each interpreter's `Gil` for a decision, then
//! schedules the wake-ups, moves the threads and records the events that follow from it.

use super::gil::{self, Gil, Request};
use super::queue::Wake;
use super::{Machine, Phase};
use crate::sim::ids::{ProcId, ThreadId};
use crate::sim::model::GIL_HANDOFF;
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

    pub(super) fn schedule_gil_timer(&mut self, t: ThreadId, timer: Option<gil::Timer>) {
        if let Some(timer) = timer {
            let proc = self.threads[t.index()].proc;
            self.queue.push(
                timer.at,
                Wake::GilTimer {
                    proc,
                    ver: timer.ver,
                },
            );
        }
    }

    /// Thread `t` wants to run Python and does not hold the GIL.
    pub(super) fn request_gil(&mut self, t: ThreadId) {
        let now = self.now;
        match self.gil_mut(t).request(t, now) {
            Request::Granted => {
                self.gil_event(EventKind::GilAcquire, t);
                self.want_core(t);
            }
            Request::Queued { timer } => {
                self.wait_for_gil(t);
                self.gil_event(EventKind::GilRequest, t);
                self.schedule_gil_timer(t, timer);
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
            self.queue
                .push(self.now + GIL_HANDOFF, Wake::Handoff { thread: w });
        }
    }

    /// The woken waiter takes the GIL.
    pub(super) fn handoff_done(&mut self, t: ThreadId) {
        let now = self.now;
        let timer = self.gil_mut(t).woken(now);
        if let Some(since) = self.threads[t.index()].gil_since.take() {
            self.gil_wait += now - since;
        }
        self.gil_event(EventKind::GilAcquire, t);
        // The work's completion is scheduled before the drop request, so that a step that
        // ends exactly as the switch interval runs out finishes rather than being dropped.
        self.want_core(t);
        self.schedule_gil_timer(t, timer);
    }

    /// A waiter has waited a switch interval: it asks the holder to drop the GIL.
    pub(super) fn gil_timer(&mut self, p: ProcId, ver: u64) {
        let Some(gil) = self.procs[p.index()].gil.as_mut() else {
            return;
        };
        let Some(request) = gil.timer(ver) else {
            return;
        };
        self.gil_event(EventKind::GilDropRequest, request.waiter);
        if matches!(self.threads[request.holder.index()].phase, Phase::OnCore(_)) {
            self.force_drop(request.holder);
        }
        // A holder waiting for a core drops as soon as it gets one (see `put_on_core`).
    }

    /// The holder `h` drops the GIL on request and queues up behind the others.
    pub(super) fn force_drop(&mut self, h: ThreadId) {
        self.pause(h);
        self.release_core(h);
        let now = self.now;
        let next = self.gil_mut(h).release();
        let timer = self.gil_mut(h).requeue(h, now);
        self.wait_for_gil(h);
        self.gil_event(EventKind::GilDrop, h);
        self.gil_event(EventKind::GilRequest, h);
        self.hand_over(next);
        self.schedule_gil_timer(h, timer);
    }
}
