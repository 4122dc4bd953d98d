//! What a run writes down as it goes: the `Board` (queues a snapshot shows) and the
//! `Recorder` (lanes, segments, events, snapshots, narration).
//!
//! Snapshots stay small on purpose: capped id lists plus counts, so that 10,000 tasks do
//! not turn every event into a 10,000-entry copy.

use super::time::Micros;
use super::trace::{Event, Lane, LaneKind, Segment, State, SNAPSHOT_CAP};
use std::collections::{BTreeSet, VecDeque};

/// The queues shown in snapshots, owned by the run and updated by the models.
#[derive(Default)]
pub(crate) struct Board {
    /// Tasks ready and waiting their turn: the loop's ready queue or a pool's work queue.
    pub ready: VecDeque<usize>,
    /// Tasks waiting for I/O, keyed by (wake time, sequence, task) so the soonest come first.
    io: BTreeSet<(Micros, u64, usize)>,
    io_seq: u64,
    /// True while the loop thread runs a step that cannot yield.
    pub loop_busy: bool,
}

/// A handle to remove an I/O waiter again.
pub(crate) type IoKey = (Micros, u64, usize);

impl Board {
    /// Records that `task` waits for I/O until `until`.
    pub fn io_add(&mut self, task: usize, until: Micros) -> IoKey {
        self.io_seq += 1;
        let key = (until, self.io_seq, task);
        self.io.insert(key);
        key
    }

    /// Records that an I/O wait is over.
    pub fn io_remove(&mut self, key: IoKey) {
        self.io.remove(&key);
    }

    /// The first few I/O waiters and the total.
    pub fn io_view(&self) -> (Vec<(usize, Micros)>, usize) {
        (
            self.io
                .iter()
                .take(SNAPSHOT_CAP)
                .map(|&(at, _, t)| (t, at))
                .collect(),
            self.io.len(),
        )
    }

    /// The first few ready tasks and the total.
    pub fn ready_view(&self) -> (Vec<usize>, usize) {
        (
            self.ready.iter().take(SNAPSHOT_CAP).copied().collect(),
            self.ready.len(),
        )
    }
}

/// The trace under construction.
#[derive(Default)]
pub(crate) struct Recorder {
    pub lanes: Vec<Lane>,
    pub segments: Vec<Segment>,
    /// Per lane: the open segment's start, state and task.
    open: Vec<Option<(Micros, State, Option<usize>)>>,
    pub events: Vec<Event>,
    pub snapshots: Vec<super::trace::Snapshot>,
    pub narration: Vec<String>,
    /// Per task: when it finished.
    pub finished: Vec<Option<Micros>>,
}

impl Recorder {
    /// Adds a timeline row and returns its index.
    pub fn add_lane(&mut self, kind: LaneKind, label: String, process: Option<usize>) -> usize {
        self.lanes.push(Lane {
            kind,
            label,
            process,
        });
        self.open.push(None);
        self.lanes.len() - 1
    }

    /// Puts `lane` into `state` (or into nothing) from `now` on, closing its previous segment.
    pub fn set(&mut self, lane: usize, now: Micros, state: Option<(State, Option<usize>)>) {
        let current = self.open[lane].map(|(_, s, t)| (s, t));
        if current == state {
            return;
        }
        if let Some((start, s, task)) = self.open[lane].take() {
            if now > start {
                self.segments.push(Segment {
                    lane,
                    start,
                    end: now,
                    state: s,
                    task,
                });
            }
        }
        self.open[lane] = state.map(|(s, t)| (now, s, t));
    }

    /// Closes every open segment at `now` and sorts segments by start, then lane.
    pub fn close_all(&mut self, now: Micros) {
        for lane in 0..self.open.len() {
            self.set(lane, now, None);
        }
        self.segments.sort_by_key(|s| (s.start, s.lane));
    }
}
