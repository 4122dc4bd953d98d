//! The OS scheduler: never more threads running than cores. When more want to run, they
//! share the cores round-robin with a fixed time slice (`OS_QUANTUM`), in arrival order.

use super::engine::Wake;
use super::machine::{Machine, Phase};
use super::model::OS_QUANTUM;
use super::trace::{EventKind, State};

impl Machine<'_> {
    /// Thread `t` may run (it has the GIL, or needs none): give it a core or queue it.
    pub(crate) fn want_core(&mut self, t: usize) {
        match self.cores.iter().position(|c| c.occupant.is_none()) {
            Some(c) => self.put_on_core(t, c, false),
            None => {
                self.run_queue.push_back(t);
                self.wait_for_core(t);
                self.arm_quanta();
            }
        }
    }

    fn wait_for_core(&mut self, t: usize) {
        let th = &mut self.threads[t];
        th.phase = Phase::WantCore;
        let task = th.work.and_then(|w| w.task);
        self.rec.set(th.lane, self.now, Some((State::Ready, task)));
    }

    fn put_on_core(&mut self, t: usize, c: usize, dispatched: bool) {
        let now = self.now;
        let core = &mut self.cores[c];
        core.occupant = Some(t);
        core.busy_since = now;
        core.ver += 1;
        self.threads[t].phase = Phase::OnCore(c);
        self.threads[t].run_start = now;
        if dispatched {
            let w = self.threads[t].work;
            self.emit(
                EventKind::Dispatch,
                w.and_then(|w| w.task),
                Some(self.threads[t].lane),
                w.and_then(|w| w.step),
                None,
            );
        }
        if self.must_drop(t) {
            // It was asked to drop the GIL while it waited for a core: it does so at once.
            self.force_drop(self.threads[t].proc);
            return;
        }
        self.start_on_core(t);
        if !self.run_queue.is_empty() {
            self.arm_quantum(c);
        }
    }

    /// Runs the thread's current work on the core it holds until done or interrupted.
    pub(crate) fn start_on_core(&mut self, t: usize) {
        let Phase::OnCore(c) = self.threads[t].phase else {
            return;
        };
        let now = self.now;
        let th = &mut self.threads[t];
        let w = th.work.expect("start_on_core needs work");
        th.run_start = now;
        th.ver += 1;
        let ver = th.ver;
        self.rec.set(th.lane, now, Some((w.state, w.task)));
        self.rec
            .set(self.cores[c].lane, now, Some((w.state, w.task)));
        self.queue
            .push(now + w.remaining, Wake::WorkDone { thread: t, ver });
    }

    /// Counts the work done so far on the core (before an interruption).
    pub(crate) fn pause(&mut self, t: usize) {
        let now = self.now;
        let th = &mut self.threads[t];
        if let (Phase::OnCore(_), Some(w)) = (th.phase, th.work.as_mut()) {
            w.remaining = w.remaining.saturating_sub(now - th.run_start);
        }
    }

    /// Frees the thread's core, if it has one, and gives it to the next thread in line.
    pub(crate) fn release_core(&mut self, t: usize) {
        let Phase::OnCore(c) = self.threads[t].phase else {
            if self.threads[t].phase == Phase::WantCore {
                self.run_queue.retain(|&q| q != t);
            }
            return;
        };
        let now = self.now;
        let th = &mut self.threads[t];
        th.phase = Phase::Parked;
        th.ver += 1;
        let core = &mut self.cores[c];
        core.busy += now - core.busy_since;
        core.occupant = None;
        core.ver += 1;
        self.rec.set(core.lane, now, None);
        if let Some(next) = self.run_queue.pop_front() {
            self.put_on_core(next, c, true);
        }
    }

    fn arm_quantum(&mut self, c: usize) {
        let core = &mut self.cores[c];
        core.quantum_ver = Some(core.ver);
        let at = (core.busy_since + OS_QUANTUM).max(self.now);
        self.queue.push(
            at,
            Wake::Quantum {
                core: c,
                ver: core.ver,
            },
        );
    }

    /// Someone is waiting for a core: make sure every busy core has a time slice running.
    fn arm_quanta(&mut self) {
        for c in 0..self.cores.len() {
            let core = &self.cores[c];
            if core.occupant.is_some() && core.quantum_ver != Some(core.ver) {
                self.arm_quantum(c);
            }
        }
    }

    /// A time slice ended: if someone is waiting, the occupant goes to the back of the line.
    pub(crate) fn quantum(&mut self, c: usize, ver: u64) {
        if self.cores[c].ver != ver || self.run_queue.is_empty() {
            return;
        }
        let Some(t) = self.cores[c].occupant else {
            return;
        };
        self.pause(t);
        let w = self.threads[t].work;
        self.emit(
            EventKind::Preempt,
            w.and_then(|w| w.task),
            Some(self.threads[t].lane),
            w.and_then(|w| w.step),
            None,
        );
        self.release_core(t);
        self.run_queue.push_back(t);
        self.wait_for_core(t);
        self.arm_quanta();
    }
}
