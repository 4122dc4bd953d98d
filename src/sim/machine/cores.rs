//! The OS scheduler as a part with private state: never more threads running than cores.
//! When more want to run, they share the cores round-robin with a fixed time slice
//! (`OS_QUANTUM`), in arrival order. It decides; the machine schedules and records.

use crate::sim::ids::{CoreId, ThreadId};
use crate::sim::time::Micros;
use std::collections::VecDeque;

/// A time-slice end to schedule: at `at`, call `Cores::slice_over(core, ver)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Slice {
    pub core: CoreId,
    pub at: Micros,
    pub ver: u64,
}

#[derive(Clone, Debug, Default)]
struct Core {
    occupant: Option<ThreadId>,
    busy_since: Micros,
    busy: Micros,
    ver: u64,
    /// The `ver` for which a time-slice end is already scheduled.
    slice_ver: Option<u64>,
}

/// Every core and the line of threads waiting for one.
#[derive(Clone, Debug)]
pub(crate) struct Cores {
    cores: Vec<Core>,
    line: VecDeque<ThreadId>,
    quantum: Micros,
}

impl Cores {
    /// `n` idle cores with time slices of `quantum`.
    pub fn new(n: usize, quantum: Micros) -> Cores {
        Cores {
            cores: vec![Core::default(); n],
            line: VecDeque::new(),
            quantum,
        }
    }

    /// A free core, lowest number first.
    pub fn free(&self) -> Option<CoreId> {
        self.cores
            .iter()
            .position(|c| c.occupant.is_none())
            .map(CoreId::new)
    }

    /// Every busy core with its thread.
    pub fn occupants(&self) -> impl Iterator<Item = (CoreId, ThreadId)> + '_ {
        self.cores
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.occupant.map(|t| (CoreId::new(i), t)))
    }

    /// Puts `t` on the free `core` from `now`; returns the slice to schedule if threads wait.
    pub fn occupy(&mut self, core: CoreId, t: ThreadId, now: Micros) -> Option<Slice> {
        let c = &mut self.cores[core.index()];
        debug_assert!(c.occupant.is_none(), "a core runs one thread");
        c.occupant = Some(t);
        c.busy_since = now;
        c.ver += 1;
        if self.line.is_empty() {
            None
        } else {
            Some(self.arm(core, now))
        }
    }

    /// `t` waits for a core; returns the slices that must now be scheduled.
    pub fn join_line(&mut self, t: ThreadId, now: Micros) -> Vec<Slice> {
        self.line.push_back(t);
        (0..self.cores.len())
            .map(CoreId::new)
            .filter(|&c| {
                let core = &self.cores[c.index()];
                core.occupant.is_some() && core.slice_ver != Some(core.ver)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|c| self.arm(c, now))
            .collect()
    }

    /// `t` no longer waits for a core.
    pub fn leave_line(&mut self, t: ThreadId) {
        self.line.retain(|&q| q != t);
    }

    /// Frees `core` at `now`; returns the next thread in line, which the caller puts on it.
    pub fn vacate(&mut self, core: CoreId, now: Micros) -> Option<ThreadId> {
        let c = &mut self.cores[core.index()];
        c.busy += now - c.busy_since;
        c.occupant = None;
        c.ver += 1;
        self.line.pop_front()
    }

    /// A slice ended: returns the thread to take off `core` if the slice is still current
    /// and someone waits.
    pub fn slice_over(&self, core: CoreId, ver: u64) -> Option<ThreadId> {
        let c = &self.cores[core.index()];
        if c.ver != ver || self.line.is_empty() {
            return None;
        }
        c.occupant
    }

    /// Time each core spent running anything, up to the last `vacate`.
    pub fn busy(&self) -> Vec<Micros> {
        self.cores.iter().map(|c| c.busy).collect()
    }

    fn arm(&mut self, core: CoreId, now: Micros) -> Slice {
        let quantum = self.quantum;
        let c = &mut self.cores[core.index()];
        c.slice_ver = Some(c.ver);
        Slice {
            core,
            at: (c.busy_since + quantum).max(now),
            ver: c.ver,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_beyond_the_cores_wait_and_busy_cores_get_slices() {
        let q = Micros(10_000);
        let mut cores = Cores::new(1, q);
        assert_eq!(cores.free(), Some(CoreId(0)));
        assert_eq!(cores.occupy(CoreId(0), ThreadId(0), Micros::ZERO), None);
        assert_eq!(cores.free(), None);
        let slices = cores.join_line(ThreadId(1), Micros(3));
        assert_eq!(
            slices,
            vec![Slice {
                core: CoreId(0),
                at: q,
                ver: 1
            }]
        );
        assert_eq!(cores.slice_over(CoreId(0), 1), Some(ThreadId(0)));
        assert_eq!(cores.vacate(CoreId(0), q), Some(ThreadId(1)));
        assert_eq!(cores.busy(), vec![q]);
    }

    #[test]
    fn a_stale_slice_or_an_empty_line_preempts_nobody() {
        let mut cores = Cores::new(1, Micros(10));
        cores.occupy(CoreId(0), ThreadId(0), Micros::ZERO);
        let slice = cores.join_line(ThreadId(1), Micros::ZERO)[0];
        cores.leave_line(ThreadId(1));
        assert_eq!(cores.slice_over(CoreId(0), slice.ver), None);
        cores.vacate(CoreId(0), Micros(5));
        assert_eq!(cores.slice_over(CoreId(0), slice.ver), None);
    }
}
