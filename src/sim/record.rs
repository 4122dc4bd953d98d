//! What a run writes down as it goes: the `Board` (queues a snapshot shows), the
//! `Recorder` (lanes, segments, events, snapshots, narration), `Machine::emit` and
//! `Machine::finish`, which turns the records into a `Trace` with its statistics.
//!
//! Snapshots stay small on purpose: capped id lists plus counts, so that 10,000 tasks do
//! not turn every event into a 10,000-entry copy.

use super::machine::Machine;
use super::narrate;
use super::time::Micros;
use super::trace::{
    Event, EventKind, Lane, LaneKind, Segment, Snapshot, State, Stats, Trace, SNAPSHOT_CAP,
};
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
    pub snapshots: Vec<Snapshot>,
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

/// Writing events down, and closing the books at the end of a run.
impl Machine<'_> {
    /// Records an event with its snapshot and narration. `dur` feeds the narration.
    pub fn emit(
        &mut self,
        kind: EventKind,
        task: Option<usize>,
        lane: Option<usize>,
        step: Option<usize>,
        dur: Option<Micros>,
    ) {
        let event = Event {
            time: self.now,
            kind,
            task,
            lane,
            step,
        };
        let sentence = narrate::sentence(self, &event, dur);
        // Models mostly emit an event and then apply it, so the state seen now is the state
        // right after the previous event: that becomes its snapshot. The newest event's snapshot
        // is settled by the next emit, when the clock moves on, or by `finish`.
        // An event from an earlier instant was settled when the clock moved on.
        if self.rec.events.last().is_some_and(|e| e.time == self.now) {
            self.settle_snapshot();
        }
        let snapshot = self.snapshot();
        self.rec.events.push(event);
        self.rec.snapshots.push(snapshot);
        self.rec.narration.push(sentence);
    }

    /// Records that `task` finished now.
    pub fn finish_task(&mut self, task: usize, lane: Option<usize>) {
        self.rec.finished[task] = Some(self.now);
        self.emit(EventKind::TaskFinish, Some(task), lane, None, None);
    }

    /// Replaces the newest event's snapshot with the state as it is now.
    pub(crate) fn settle_snapshot(&mut self) {
        let now = self.snapshot();
        if let Some(previous) = self.rec.snapshots.last_mut() {
            *previous = now;
        }
    }

    fn snapshot(&self) -> Snapshot {
        let (ready, ready_len) = self.board.ready_view();
        let (io_waiters, io_len) = self.board.io_view();
        let mut gil_holder = Vec::new();
        let mut gil_waiters = Vec::new();
        let mut gil_waiters_len = 0;
        for p in &self.procs {
            if let Some(g) = &p.gil {
                gil_holder.push(
                    g.holder
                        .and_then(|t| self.threads[t].work.and_then(|w| w.task))
                        .filter(|t| self.rec.finished[*t].is_none()),
                );
                gil_waiters_len += g.waiters.len();
                let room = SNAPSHOT_CAP.saturating_sub(gil_waiters.len());
                gil_waiters.extend(
                    g.waiters
                        .iter()
                        .filter_map(|&(t, _)| self.threads[t].work.and_then(|w| w.task))
                        .take(room),
                );
            }
        }
        // A finished task may still sit on its thread until the model moves on: it is not running.
        let live = |task: &usize| self.rec.finished[*task].is_none();
        let running = self
            .cores
            .iter()
            .filter_map(|c| {
                c.occupant
                    .and_then(|t| self.threads[t].work.and_then(|w| w.task))
            })
            .filter(live)
            .collect();
        Snapshot {
            ready,
            ready_len,
            io_waiters,
            io_len,
            gil_holder,
            gil_waiters,
            gil_waiters_len,
            loop_frozen: self.board.loop_busy && !self.board.ready.is_empty(),
            running,
        }
    }

    /// Closes the books: lanes end now, statistics are totalled.
    pub fn finish(mut self, memory_reserved: u64, memory_resident: u64) -> Trace {
        let makespan = self
            .rec
            .finished
            .iter()
            .flatten()
            .copied()
            .max()
            .unwrap_or(Micros::ZERO);
        let end = self.now.max(makespan);
        self.settle_snapshot();
        self.rec.close_all(end);
        let stats = Stats {
            makespan,
            task_latency: self.rec.finished.iter().map(|f| f.unwrap_or(end)).collect(),
            cpu_busy_per_core: self.cores.iter().map(|c| c.busy).collect(),
            gil_wait: self.gil_wait,
            memory_reserved,
            memory_resident,
        };
        Trace {
            model: self.params.id,
            task_names: self.plan.tasks.iter().map(|t| t.name.clone()).collect(),
            lanes: self.rec.lanes,
            segments: self.rec.segments,
            events: self.rec.events,
            snapshots: self.rec.snapshots,
            narration: self.rec.narration,
            stats,
        }
    }
}
