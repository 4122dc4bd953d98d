//! What a run writes down as it goes, as a part with private state: the lanes and their
//! segments, the flat event stream, each event's snapshot and the lanes' states per event.
//!
//! It counts the memory it holds, so that the machine can stop a run that would outgrow
//! `MEMORY_BUDGET` with a message instead of running the browser out of memory.

use crate::sim::ids::{LaneId, TaskId};
use crate::sim::snapshot::{LaneLog, LaneState, Snapshot, Snapshots};
use crate::sim::time::Micros;
use crate::sim::trace::{Event, Lane, LaneKind, Segment, State};

/// Everything recorded, handed over at the end of a run.
pub(crate) struct Recording {
    pub lanes: Vec<Lane>,
    pub segments: Vec<Segment>,
    pub events: Vec<Event>,
    pub snapshots: Snapshots,
    pub lane_log: LaneLog,
}

/// The trace under construction.
#[derive(Default)]
pub(crate) struct Recorder {
    lanes: Vec<Lane>,
    segments: Vec<Segment>,
    /// Per lane: the open segment's start, state and task.
    open: Vec<Option<(Micros, State, Option<TaskId>)>>,
    events: Vec<Event>,
    snapshots: Snapshots,
    lane_log: LaneLog,
    /// Bytes of labels, which `bytes` cannot see through `Vec` capacities.
    label_bytes: usize,
    /// Stores nothing but counts events (a run for its statistics only).
    stats_only: bool,
    /// Events counted when `stats_only`.
    counted: usize,
}

impl Recorder {
    /// A recorder that stores nothing and only counts events.
    pub fn stats_only() -> Recorder {
        Recorder {
            stats_only: true,
            ..Recorder::default()
        }
    }

    /// True if it stores events and their snapshots.
    pub fn keeps(&self) -> bool {
        !self.stats_only
    }

    /// Adds a timeline row and returns its id.
    pub fn add_lane(&mut self, kind: LaneKind, label: String, process: Option<usize>) -> LaneId {
        self.label_bytes += label.len();
        self.lanes.push(Lane {
            kind,
            label,
            process,
        });
        self.open.push(None);
        self.lane_log.add_lane();
        LaneId::new(self.lanes.len() - 1)
    }

    /// How many events are recorded.
    pub fn event_count(&self) -> usize {
        self.events.len() + self.counted
    }

    /// Puts `lane` into `state` (or into nothing) from `now` on, closing its previous segment.
    pub fn set(&mut self, lane: LaneId, now: Micros, state: LaneState) {
        if self.stats_only {
            return;
        }
        let l = lane.index();
        let current = self.open[l].map(|(_, s, t)| (s, t));
        if current == state {
            return;
        }
        self.lane_log.set(lane, self.events.len(), state);
        if let Some((start, s, task)) = self.open[l].take() {
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
        self.open[l] = state.map(|(s, t)| (now, s, t));
    }

    /// Records an event that has already been applied, with the state it left behind.
    pub fn record(&mut self, event: Event, snapshot: Snapshot) {
        if self.stats_only {
            self.counted += 1;
            return;
        }
        self.events.push(event);
        self.snapshots.push(snapshot);
    }

    /// Bytes of memory held so far (vector capacities, which is what the allocator gave).
    pub fn bytes(&self) -> usize {
        use std::mem::size_of;
        self.lanes.capacity() * size_of::<Lane>()
            + self.label_bytes
            + self.open.capacity() * size_of::<Option<(Micros, State, Option<TaskId>)>>()
            + self.segments.capacity() * size_of::<Segment>()
            + self.events.capacity() * size_of::<Event>()
            + self.snapshots.bytes()
            + self.lane_log.bytes()
    }

    /// Closes every open segment at `end`, sorts segments by start then lane, and hands over.
    pub fn finish(mut self, end: Micros) -> Recording {
        for l in 0..self.open.len() {
            if let Some((start, state, task)) = self.open[l].take() {
                if end > start {
                    self.segments.push(Segment {
                        lane: LaneId::new(l),
                        start,
                        end,
                        state,
                        task,
                    });
                }
            }
        }
        self.segments.sort_by_key(|s| (s.start, s.lane));
        // A finished trace keeps what it holds, not what its vectors grew to.
        self.segments.shrink_to_fit();
        self.events.shrink_to_fit();
        self.snapshots.shrink_to_fit();
        self.lane_log.shrink_to_fit();
        Recording {
            lanes: self.lanes,
            segments: self.segments,
            events: self.events,
            snapshots: self.snapshots,
            lane_log: self.lane_log,
        }
    }
}
