//! The machine's side of the cores: it asks `Cores` for a decision, then moves threads on
//! and off cores, schedules their completions and time slices, and records what follows.

use super::queue::Wake;
use super::{Machine, Phase};
use crate::sim::ids::{CoreId, ThreadId};
use crate::sim::trace::{EventKind, State};

impl Machine<'_> {
    /// Thread `t` may run (it has the GIL, or needs none): give it a core or queue it.
    pub(super) fn want_core(&mut self, t: ThreadId) {
        match self.cores.free() {
            Some(c) => self.put_on_core(t, c, false),
            None => {
                self.wait_for_core(t);
                self.join_line(t);
            }
        }
    }

    /// Puts `t` in line for a core and makes sure every busy core has a time slice running.
    pub(super) fn join_line(&mut self, t: ThreadId) {
        for s in self.cores.join_line(t, self.now) {
            self.queue.push(
                s.at,
                Wake::SliceOver {
                    core: s.core,
                    ver: s.ver,
                },
            );
        }
    }

    pub(super) fn wait_for_core(&mut self, t: ThreadId) {
        let th = &mut self.threads[t.index()];
        th.phase = Phase::WantCore;
        let (lane, task) = (th.lane, th.task());
        self.rec.set(lane, self.now, Some((State::Ready, task)));
    }

    pub(super) fn put_on_core(&mut self, t: ThreadId, c: CoreId, dispatched: bool) {
        let now = self.now;
        let slice = self.cores.occupy(c, t, now);
        let th = &mut self.threads[t.index()];
        th.phase = Phase::OnCore(c);
        th.run_start = now;
        let lane = th.lane;
        self.show_at_work(t);
        if dispatched {
            let th = &self.threads[t.index()];
            let (task, step) = (th.task(), th.work.and_then(|w| w.step));
            self.emit(EventKind::Dispatch, task, Some(lane), step, None);
        }
        let th = &mut self.threads[t.index()];
        if th.gil_pending {
            // It was handed the GIL while it waited for a core: running now, it takes it.
            self.take_handed_gil(t);
        } else if std::mem::take(&mut th.gil_wanted) && !self.request_gil(t) {
            // The GIL is held: it gave the core back and waits.
            return;
        }
        if self.gil(t).is_some_and(|g| g.must_drop(t)) {
            // It was asked to drop the GIL while it waited for a core: it does so at once.
            self.force_drop(t);
            return;
        }
        self.start_on_core(t);
        // Scheduled after the work's completion, so that work ending with its slice finishes.
        if let Some(s) = slice {
            self.queue.push(
                s.at,
                Wake::SliceOver {
                    core: s.core,
                    ver: s.ver,
                },
            );
        }
    }

    /// Runs the thread's current work on the core it holds until done or interrupted, and
    /// records the work's announcing event the first time.
    pub(super) fn start_on_core(&mut self, t: ThreadId) {
        let Phase::OnCore(_) = self.threads[t.index()].phase else {
            return;
        };
        let now = self.now;
        let th = &mut self.threads[t.index()];
        let w = th.work.as_mut().expect("start_on_core needs work");
        let announce = w.announce.take();
        let w = *w;
        th.run_start = now;
        th.ver += 1;
        let (ver, lane) = (th.ver, th.lane);
        self.show_at_work(t);
        self.queue
            .push(now + w.remaining, Wake::WorkDone { thread: t, ver });
        if let Some(kind) = announce {
            self.emit(kind, w.task, Some(lane), w.step, Some(w.total));
        }
    }

    /// From now on the thread runs its (unfinished) work: its lane, and its core's if it has
    /// one, show it. The one place that draws a thread at work.
    pub(super) fn show_at_work(&mut self, t: ThreadId) {
        let th = &self.threads[t.index()];
        let shown = th.work.filter(|w| !w.done).map(|w| (w.state, w.task));
        self.rec.set(th.lane, self.now, shown);
        if let Phase::OnCore(c) = th.phase {
            self.rec.set(self.core_lanes[c.index()], self.now, shown);
        }
    }

    /// Counts the work done so far on the core (before an interruption).
    pub(super) fn pause(&mut self, t: ThreadId) {
        let now = self.now;
        let th = &mut self.threads[t.index()];
        if let (Phase::OnCore(_), Some(w)) = (th.phase, th.work.as_mut()) {
            w.remaining = w.remaining.saturating_sub(now - th.run_start);
        }
    }

    /// Frees the thread's core, if it has one, and gives it to the next thread in line.
    pub(super) fn release_core(&mut self, t: ThreadId) {
        let next = self.vacate_core(t);
        self.dispatch(next);
    }

    /// Gives a freed core to the thread `vacate_core` chose, if any.
    pub(super) fn dispatch(&mut self, next: Option<(ThreadId, CoreId)>) {
        if let Some((next, c)) = next {
            self.put_on_core(next, c, true);
        }
    }

    /// Frees the thread's core, if it has one; returns the next thread in line and the core
    /// it is to get.
    pub(super) fn vacate_core(&mut self, t: ThreadId) -> Option<(ThreadId, CoreId)> {
        let Phase::OnCore(c) = self.threads[t.index()].phase else {
            if self.threads[t.index()].phase == Phase::WantCore {
                self.cores.leave_line(t);
            }
            return None;
        };
        let now = self.now;
        let th = &mut self.threads[t.index()];
        th.phase = Phase::Parked;
        th.ver += 1;
        let next = self.cores.vacate(c, now);
        // Off its core it runs nothing; the caller shows what it waits for next.
        let lane = self.threads[t.index()].lane;
        self.rec.set(lane, now, None);
        self.rec.set(self.core_lanes[c.index()], now, None);
        next.map(|n| (n, c))
    }

    /// A time slice ended: if someone is waiting, the occupant goes to the back of the line
    /// and the first in line gets the core.
    pub(super) fn slice_over(&mut self, c: CoreId, ver: u64) {
        let Some(t) = self.cores.slice_over(c, ver) else {
            return;
        };
        self.pause(t);
        let next = self.vacate_core(t);
        self.wait_for_core(t);
        let th = &self.threads[t.index()];
        let (task, lane, step) = (th.task(), th.lane, th.work.and_then(|w| w.step));
        self.emit(EventKind::Preempt, task, Some(lane), step, None);
        if let Some((next, c)) = next {
            self.put_on_core(next, c, true);
        }
        // The next thread may have given the core straight back (it waits for the GIL).
        match self.cores.free() {
            Some(c) => self.put_on_core(t, c, true),
            None => self.join_line(t),
        }
    }
}
