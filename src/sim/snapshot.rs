//! What a picture of the run needs right after each event, stored compactly: the queues
//! (`Snapshot`, kept as a keyframe every `KEYFRAME_EVERY` events and a diff for the others)
//! and every lane's state (`LaneLog`, one entry per change).
//!
//! Architecture invariant: a snapshot is cut when its event is recorded, after the event
//! has been applied, so it shows the state right after that event and never a guess.

use super::ids::{LaneId, TaskId};
use super::time::Micros;
use serde::{Deserialize, Serialize};

/// What a lane is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Executing on a core (Python bytecode or native code).
    Running,
    /// Waiting for I/O or a timer, not using a core or the GIL.
    WaitingIo,
    /// Wanting to run Python but waiting for the GIL.
    WaitingGil,
    /// Stuck in a blocking call that freezes the event loop.
    Blocked,
    /// A worker process starting up.
    Starting,
    /// Pickling arguments or results across a process boundary.
    Pickling,
    /// The event loop waiting with nothing ready to run.
    Idle,
    /// Ready to run, waiting for its turn (on the loop, or for a free core).
    Ready,
    /// Suspended at `async with semaphore:` until another task releases a permit.
    WaitingPermit,
}

impl State {
    /// Every state, in legend order.
    pub const ALL: [State; 9] = [
        State::Running,
        State::Ready,
        State::WaitingIo,
        State::WaitingGil,
        State::WaitingPermit,
        State::Blocked,
        State::Starting,
        State::Pickling,
        State::Idle,
    ];

    /// A short label: "running", "waiting for I/O", ...
    pub fn label(self) -> &'static str {
        match self {
            State::Running => "running",
            State::WaitingIo => "waiting for I/O",
            State::WaitingGil => "waiting for the GIL",
            State::WaitingPermit => "waiting for a semaphore permit",
            State::Blocked => "blocked (loop frozen)",
            State::Starting => "starting",
            State::Pickling => "pickling",
            State::Idle => "idle",
            State::Ready => "ready, waiting its turn",
        }
    }
}

/// How many ids a snapshot list keeps; the `_len` fields give the full count.
pub const SNAPSHOT_CAP: usize = 8;
/// A full snapshot is stored every this many events; the others are diffs against the
/// previous event, so reading one decodes at most this many.
pub const KEYFRAME_EVERY: usize = 32;

/// The queues right after an event. Lists keep the first `SNAPSHOT_CAP` entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Tasks ready to run and waiting their turn (the loop's ready queue, or a pool's queue).
    pub ready: Vec<TaskId>,
    /// Length of the whole ready queue.
    pub ready_len: usize,
    /// Tasks waiting for I/O (registered with the selector, or sleeping in a thread), soonest
    /// first, with the time each will wake.
    pub io_waiters: Vec<(TaskId, Micros)>,
    /// How many tasks wait for I/O in all.
    pub io_len: usize,
    /// The tasks whose threads hold an interpreter's GIL (at most one per interpreter), not
    /// counting a thread that is still being woken to take it.
    pub gil_holders: Vec<TaskId>,
    /// How many tasks hold a GIL in all.
    pub gil_holders_len: usize,
    /// Tasks waiting for a GIL, first in line first.
    pub gil_waiters: Vec<TaskId>,
    /// How many tasks wait for a GIL in all.
    pub gil_waiters_len: usize,
    /// True while the loop runs something that cannot yield and other tasks are ready.
    pub loop_frozen: bool,
    /// Tasks executing on a core right now.
    pub running: Vec<TaskId>,
    /// How many tasks execute on a core in all.
    pub running_len: usize,
}

const READY: u32 = 1;
const IO: u32 = 2;
const HOLDERS: u32 = 4;
const WAITERS: u32 = 8;
const RUNNING: u32 = 16;
const FROZEN: u32 = 32;
const FROZEN_VALUE: u32 = 64;
const ALL: u32 = READY | IO | HOLDERS | WAITERS | RUNNING | FROZEN;

/// Every event's snapshot, as keyframes and diffs in one flat word array.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshots {
    /// Where each event's record starts in `words`.
    starts: Vec<u32>,
    /// Per event: a mask of the parts that changed, then those parts.
    words: Vec<u32>,
    /// The newest snapshot, to diff the next one against (not part of the stored data).
    #[serde(skip)]
    last: Snapshot,
}

impl Snapshots {
    /// How many snapshots are stored.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True when none is stored.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Bytes of memory the store holds.
    pub fn bytes(&self) -> usize {
        4 * (self.starts.capacity() + self.words.capacity())
    }

    /// Gives back the room the vectors grew into but do not use.
    pub fn shrink_to_fit(&mut self) {
        self.starts.shrink_to_fit();
        self.words.shrink_to_fit();
    }

    /// Stores the next event's snapshot.
    pub fn push(&mut self, snap: Snapshot) {
        let keyframe = self.starts.len() % KEYFRAME_EVERY == 0;
        let last = &self.last;
        let mut mask = 0;
        let mut changed = |bit: u32, same: bool| {
            if keyframe || !same {
                mask |= bit;
            }
        };
        changed(
            READY,
            snap.ready == last.ready && snap.ready_len == last.ready_len,
        );
        changed(
            IO,
            snap.io_waiters == last.io_waiters && snap.io_len == last.io_len,
        );
        changed(
            HOLDERS,
            snap.gil_holders == last.gil_holders && snap.gil_holders_len == last.gil_holders_len,
        );
        changed(
            WAITERS,
            snap.gil_waiters == last.gil_waiters && snap.gil_waiters_len == last.gil_waiters_len,
        );
        changed(
            RUNNING,
            snap.running == last.running && snap.running_len == last.running_len,
        );
        changed(FROZEN, snap.loop_frozen == last.loop_frozen);
        if snap.loop_frozen {
            mask |= FROZEN_VALUE;
        }
        self.starts.push(self.words.len() as u32);
        let w = &mut self.words;
        w.push(mask);
        let ids = |w: &mut Vec<u32>, len: usize, ids: &[TaskId]| {
            w.push(len as u32);
            w.push(ids.len() as u32);
            w.extend(ids.iter().map(|t| t.0));
        };
        if mask & READY != 0 {
            ids(w, snap.ready_len, &snap.ready);
        }
        if mask & IO != 0 {
            w.push(snap.io_len as u32);
            w.push(snap.io_waiters.len() as u32);
            for &(t, at) in &snap.io_waiters {
                w.extend([t.0, at.0 as u32, (at.0 >> 32) as u32]);
            }
        }
        if mask & HOLDERS != 0 {
            ids(w, snap.gil_holders_len, &snap.gil_holders);
        }
        if mask & WAITERS != 0 {
            ids(w, snap.gil_waiters_len, &snap.gil_waiters);
        }
        if mask & RUNNING != 0 {
            ids(w, snap.running_len, &snap.running);
        }
        self.last = snap;
    }

    /// The snapshot right after event `i`, or `None` past the end.
    pub fn get(&self, i: usize) -> Option<Snapshot> {
        if i >= self.starts.len() {
            return None;
        }
        let mut snap = Snapshot::default();
        for e in i - i % KEYFRAME_EVERY..=i {
            self.apply(e, &mut snap);
        }
        Some(snap)
    }

    /// Every snapshot in order, decoding each diff once (for checks over a whole run).
    pub fn iter(&self) -> impl Iterator<Item = Snapshot> + '_ {
        let mut snap = Snapshot::default();
        (0..self.starts.len()).map(move |e| {
            self.apply(e, &mut snap);
            snap.clone()
        })
    }

    fn apply(&self, e: usize, snap: &mut Snapshot) {
        let mut r = Reader {
            words: &self.words,
            at: self.starts[e] as usize,
        };
        let mask = r.next();
        debug_assert!(e % KEYFRAME_EVERY != 0 || mask & ALL == ALL);
        if mask & READY != 0 {
            r.ids(&mut snap.ready_len, &mut snap.ready);
        }
        if mask & IO != 0 {
            snap.io_len = r.next() as usize;
            let n = r.next() as usize;
            snap.io_waiters.clear();
            for _ in 0..n {
                let t = TaskId(r.next());
                let lo = r.next() as u64;
                let hi = r.next() as u64;
                snap.io_waiters.push((t, Micros(lo | hi << 32)));
            }
        }
        if mask & HOLDERS != 0 {
            r.ids(&mut snap.gil_holders_len, &mut snap.gil_holders);
        }
        if mask & WAITERS != 0 {
            r.ids(&mut snap.gil_waiters_len, &mut snap.gil_waiters);
        }
        if mask & RUNNING != 0 {
            r.ids(&mut snap.running_len, &mut snap.running);
        }
        if mask & FROZEN != 0 {
            snap.loop_frozen = mask & FROZEN_VALUE != 0;
        }
    }
}

/// A cursor over the stored words.
struct Reader<'a> {
    words: &'a [u32],
    at: usize,
}

impl Reader<'_> {
    fn next(&mut self) -> u32 {
        let v = self.words[self.at];
        self.at += 1;
        v
    }

    /// A capped id list with its full length.
    fn ids(&mut self, len: &mut usize, out: &mut Vec<TaskId>) {
        *len = self.next() as usize;
        let n = self.next() as usize;
        out.clear();
        for _ in 0..n {
            out.push(TaskId(self.next()));
        }
    }
}

/// What a lane shows: a state and the task concerned, or nothing.
pub type LaneState = Option<(State, Option<TaskId>)>;

/// One change of a lane's state: from event number `from` on (the change happened after
/// `from` events had been recorded, so it shows in the snapshot of event `from` onwards).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct LaneChange {
    from: u32,
    state: Option<State>,
    task: Option<TaskId>,
}

/// Every lane's state after every event, as one list of changes per lane.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaneLog {
    lanes: Vec<Vec<LaneChange>>,
}

impl LaneLog {
    /// Adds a lane, in no state yet.
    pub fn add_lane(&mut self) {
        self.lanes.push(Vec::new());
    }

    /// Notes that `lane` is in `state` once `events` events have been recorded.
    pub fn set(&mut self, lane: LaneId, events: usize, state: LaneState) {
        let from = events as u32;
        let log = &mut self.lanes[lane.index()];
        let change = LaneChange {
            from,
            state: state.map(|(s, _)| s),
            task: state.and_then(|(_, t)| t),
        };
        match log.last_mut() {
            Some(last) if last.from == from => *last = change,
            _ => log.push(change),
        }
    }

    /// What `lane` shows right after event `event`.
    pub fn at(&self, lane: LaneId, event: usize) -> LaneState {
        let log = self.lanes.get(lane.index())?;
        let i = log.partition_point(|c| c.from as usize <= event);
        let c = log.get(i.checked_sub(1)?)?;
        c.state.map(|s| (s, c.task))
    }

    /// The events after which `lane` first shows something and after which it last shows
    /// nothing again (`None` if it never empties): a thread's or task's life.
    pub fn life(&self, lane: LaneId) -> Option<(usize, Option<usize>)> {
        let log = self.lanes.get(lane.index())?;
        let born = log.iter().find(|c| c.state.is_some())?.from as usize;
        let gone = match log.last() {
            Some(c) if c.state.is_none() && c.from as usize > born => Some(c.from as usize),
            _ => None,
        };
        Some((born, gone))
    }

    /// Gives back the room the lists grew into but do not use.
    pub fn shrink_to_fit(&mut self) {
        for lane in &mut self.lanes {
            lane.shrink_to_fit();
        }
    }

    /// Bytes of memory the log holds.
    pub fn bytes(&self) -> usize {
        self.lanes
            .iter()
            .map(|l| 24 + l.capacity() * std::mem::size_of::<LaneChange>())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(i: u32) -> Snapshot {
        Snapshot {
            ready: (0..i % 5).map(TaskId).collect(),
            ready_len: (i % 5) as usize,
            io_waiters: vec![(TaskId(i), Micros(u64::from(i) << 33))],
            io_len: 1,
            gil_holders: if i % 3 == 0 { vec![TaskId(i)] } else { vec![] },
            gil_holders_len: usize::from(i % 3 == 0),
            loop_frozen: i % 7 == 0,
            running: vec![TaskId(i / 4)],
            running_len: 1,
            ..Snapshot::default()
        }
    }

    #[test]
    fn every_snapshot_reads_back_as_stored() {
        let mut store = Snapshots::default();
        for i in 0..100 {
            store.push(snap(i));
        }
        for i in 0..100 {
            assert_eq!(store.get(i as usize), Some(snap(i)), "event {i}");
        }
        assert_eq!(store.iter().count(), 100);
        assert!(store.iter().zip(0..).all(|(s, i)| s == snap(i)));
        assert_eq!(store.get(100), None);
    }

    #[test]
    fn lane_states_follow_the_event_count() {
        let mut log = LaneLog::default();
        log.add_lane();
        let lane = LaneId(0);
        log.set(lane, 0, Some((State::Ready, Some(TaskId(1)))));
        log.set(lane, 2, Some((State::Idle, None)));
        log.set(lane, 2, Some((State::Running, Some(TaskId(1)))));
        log.set(lane, 5, None);
        assert_eq!(log.at(lane, 0), Some((State::Ready, Some(TaskId(1)))));
        assert_eq!(log.at(lane, 1), Some((State::Ready, Some(TaskId(1)))));
        assert_eq!(log.at(lane, 2), Some((State::Running, Some(TaskId(1)))));
        assert_eq!(log.at(lane, 4), Some((State::Running, Some(TaskId(1)))));
        assert_eq!(log.at(lane, 5), None);
    }
}
