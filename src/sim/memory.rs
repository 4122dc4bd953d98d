//! Memory as a run grows (the ten-thousand lesson draws it): how many threads, tasks,
//! processes or interpreters are alive after each event, and what they hold, with reserved
//! address space and resident memory kept apart (LESSONS.md 10).
//!
//! A unit is alive from the event after which its lane first shows something to the event
//! after which it shows nothing for good: a thread from its start to its end, an asyncio
//! task from its creation to its return. The per-unit figures are the models' own
//! (`THREAD_RESERVED`, `TASK_RESIDENT`, ...). The run's statistics (`Stats::memory_*`)
//! count every unit the run ever had, as if all were alive at once; the curve shows how
//! many really are at each moment, and its peak.

use super::ids::LaneId;
use super::model::{
    INTERPRETER_RESERVED, INTERPRETER_RESIDENT, PROCESS_RESERVED, PROCESS_RESIDENT, TASK_RESIDENT,
    THREAD_RESERVED, THREAD_RESIDENT,
};
use super::trace::{LaneKind, Trace};

/// One kind of unit in a run: what each holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    pub kind: LaneKind,
    pub reserved: u64,
    pub resident: u64,
}

impl Unit {
    /// What one unit drawn on a lane of `kind` holds, if that kind holds memory of its own.
    pub fn of(kind: LaneKind) -> Option<Unit> {
        let (reserved, resident) = match kind {
            LaneKind::Thread => (THREAD_RESERVED.0, THREAD_RESIDENT.0),
            LaneKind::Task => (TASK_RESIDENT.0, TASK_RESIDENT.0),
            LaneKind::Process => (PROCESS_RESERVED.0, PROCESS_RESIDENT.0),
            LaneKind::Interpreter => (INTERPRETER_RESERVED.0, INTERPRETER_RESIDENT.0),
            LaneKind::Loop | LaneKind::Core => return None,
        };
        Some(Unit {
            kind,
            reserved,
            resident,
        })
    }

    /// "threads", "tasks", ...
    pub fn plural(self) -> &'static str {
        match self.kind {
            LaneKind::Thread => "threads",
            LaneKind::Task => "tasks",
            LaneKind::Process => "processes",
            LaneKind::Interpreter => "interpreters",
            LaneKind::Loop | LaneKind::Core => "",
        }
    }
}

/// Memory at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Held {
    pub reserved: u64,
    pub resident: u64,
    /// Units alive, of the run's main kind (its most numerous).
    pub alive: u64,
}

/// A run's memory after each event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Curve {
    /// The run's most numerous kind of unit, which `Held::alive` counts.
    pub unit: Unit,
    /// How many of that kind the run ever had.
    pub units: u64,
    /// After event `i`: what is held, and the most held at once until then.
    held: Vec<(Held, Held)>,
    /// The most held at once.
    pub peak: Held,
}

impl Curve {
    /// The curve of `trace`, or `None` if no lane holds memory of its own.
    pub fn of(trace: &Trace) -> Option<Curve> {
        let n = trace.events.len();
        // The run's most numerous kind of unit, which `Held::alive` counts.
        let mut counts: Vec<(LaneKind, u64)> = Vec::new();
        for lane in &trace.lanes {
            if Unit::of(lane.kind).is_none() {
                continue;
            }
            match counts.iter_mut().find(|(k, _)| *k == lane.kind) {
                Some((_, c)) => *c += 1,
                None => counts.push((lane.kind, 1)),
            }
        }
        let (main, units) = counts.iter().copied().max_by_key(|&(_, c)| c)?;
        // Per event: the change in reserved, resident and alive units of the main kind.
        let mut delta = vec![(0i64, 0i64); n + 1];
        let mut alive = vec![0i64; n + 1];
        for (l, lane) in trace.lanes.iter().enumerate() {
            let Some(unit) = Unit::of(lane.kind) else {
                continue;
            };
            let Some((born, gone)) = trace.lane_log.life(LaneId::new(l)) else {
                continue;
            };
            let (r, s, a) = (
                unit.reserved as i64,
                unit.resident as i64,
                (lane.kind == main) as i64,
            );
            let born = born.min(n);
            delta[born].0 += r;
            delta[born].1 += s;
            alive[born] += a;
            if let Some(g) = gone.map(|g| g.min(n)) {
                delta[g].0 -= r;
                delta[g].1 -= s;
                alive[g] -= a;
            }
        }
        let mut held = Vec::with_capacity(n);
        let (mut r, mut s, mut a) = (0i64, 0i64, 0i64);
        let mut peak = Held::default();
        for i in 0..n {
            r += delta[i].0;
            s += delta[i].1;
            a += alive[i];
            let h = Held {
                reserved: r.max(0) as u64,
                resident: s.max(0) as u64,
                alive: a.max(0) as u64,
            };
            if (h.reserved, h.resident) > (peak.reserved, peak.resident) {
                peak = h;
            }
            held.push((h, peak));
        }
        Some(Curve {
            unit: Unit::of(main)?,
            units,
            held,
            peak,
        })
    }

    /// What is held right after event `latest` (nothing before the first).
    pub fn at(&self, latest: Option<usize>) -> Held {
        latest
            .and_then(|i| self.held.get(i))
            .map_or_else(Held::default, |h| h.0)
    }

    /// The most held at once up to event `latest`.
    pub fn peak_until(&self, latest: Option<usize>) -> Held {
        latest
            .and_then(|i| self.held.get(i))
            .map_or_else(Held::default, |h| h.1)
    }
}
