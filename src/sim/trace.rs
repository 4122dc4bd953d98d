//! The output of a run: lanes, segments, one flat time-ordered event stream with a snapshot
//! and a narration sentence per event, and the statistics.
//!
//! Everything the canvas, the narration panel, the charts and the CLI show is read from a
//! `Trace`; nothing is recomputed elsewhere.

use super::model::ModelId;
use super::time::Micros;
use serde::{Deserialize, Serialize};

/// How many ids a snapshot list keeps; the `_len` fields give the full count.
pub const SNAPSHOT_CAP: usize = 8;

/// The result of simulating one scenario under one model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The model that produced this trace.
    pub model: ModelId,
    /// Task names, indexed like the scenario's tasks.
    pub task_names: Vec<String>,
    /// Rows of the timeline.
    pub lanes: Vec<Lane>,
    /// What each lane was doing, sorted by start time then lane.
    pub segments: Vec<Segment>,
    /// Everything that happened, in time order (ties in the order they happened).
    pub events: Vec<Event>,
    /// The state of the queues right after each event (same length as `events`).
    pub snapshots: Vec<Snapshot>,
    /// One sentence per event, in the learners' words (same length as `events`).
    pub narration: Vec<String>,
    /// Totals.
    pub stats: Stats,
}

/// One row of the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lane {
    /// What the row stands for.
    pub kind: LaneKind,
    /// A label such as "thread 2" or "core 1".
    pub label: String,
    /// The process (interpreter) the row belongs to, for loops, threads and processes.
    pub process: Option<usize>,
}

/// The kinds of timeline row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LaneKind {
    /// The event loop's thread.
    Loop,
    /// An OS thread.
    Thread,
    /// A worker process (its single thread).
    Process,
    /// A CPU core.
    Core,
    /// One asyncio task (coroutine): how it waits and runs on the loop.
    Task,
}

/// A lane in one state over a span of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// Index into `Trace::lanes`.
    pub lane: usize,
    /// Start, inclusive.
    pub start: Micros,
    /// End, exclusive.
    pub end: Micros,
    /// What the lane was doing.
    pub state: State,
    /// The task concerned, if any.
    pub task: Option<usize>,
}

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
}

impl State {
    /// Every state, in legend order.
    pub const ALL: [State; 8] = [
        State::Running,
        State::Ready,
        State::WaitingIo,
        State::WaitingGil,
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
            State::Blocked => "blocked (loop frozen)",
            State::Starting => "starting",
            State::Pickling => "pickling",
            State::Idle => "idle",
            State::Ready => "ready, waiting its turn",
        }
    }
}

/// One thing that happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When.
    pub time: Micros,
    /// What.
    pub kind: EventKind,
    /// The task it concerns, if any.
    pub task: Option<usize>,
    /// The lane it happened on, if any.
    pub lane: Option<usize>,
    /// The task's current step index (for code highlighting), if any.
    pub step: Option<usize>,
}

/// The closed list of things that can happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A task begins its first step.
    TaskStart,
    /// A task has finished its last step.
    TaskFinish,
    /// A step of Python computation begins.
    Compute,
    /// A step of native code (GIL released) begins.
    Native,
    /// A coroutine awaits I/O and hands control back to the loop.
    Await,
    /// An awaited timer or I/O completes; the task joins the ready queue.
    Wake,
    /// The loop resumes a ready task.
    Resume,
    /// The loop has nothing ready and waits for the next timer.
    LoopIdle,
    /// A blocking call runs inside `async def`: the loop is frozen.
    BlockingCall,
    /// A thread waits for I/O (or sleeps), releasing the GIL.
    IoWait,
    /// A wait or blocking call returns.
    IoDone,
    /// A thread asks for the GIL and has to wait.
    GilRequest,
    /// A thread takes the GIL.
    GilAcquire,
    /// A waiting thread has waited a switch interval and asks the holder to drop the GIL.
    GilDropRequest,
    /// The holder drops the GIL on request and waits for someone else to take it.
    GilDrop,
    /// A thread releases the GIL by itself (for I/O, native code or at the end).
    GilRelease,
    /// The OS takes a core away at the end of a time slice.
    Preempt,
    /// The OS puts a waiting thread onto a free core.
    Dispatch,
    /// A worker process starts up.
    Spawn,
    /// A worker process is ready for work.
    ProcessReady,
    /// Arguments are pickled over to a worker process.
    PickleSend,
    /// A result is pickled back from a worker process.
    PickleRecv,
    /// The loop hands a CPU step to the process pool (`run_in_executor`).
    Submit,
    /// The pool's result arrives; the awaiting task joins the ready queue.
    ResultBack,
}

impl EventKind {
    /// A short stable label, as used in dumps: "task_start", "gil_drop", ...
    pub fn label(self) -> &'static str {
        match self {
            EventKind::TaskStart => "task_start",
            EventKind::TaskFinish => "task_finish",
            EventKind::Compute => "compute",
            EventKind::Native => "native",
            EventKind::Await => "await",
            EventKind::Wake => "wake",
            EventKind::Resume => "resume",
            EventKind::LoopIdle => "loop_idle",
            EventKind::BlockingCall => "blocking_call",
            EventKind::IoWait => "io_wait",
            EventKind::IoDone => "io_done",
            EventKind::GilRequest => "gil_request",
            EventKind::GilAcquire => "gil_acquire",
            EventKind::GilDropRequest => "gil_drop_request",
            EventKind::GilDrop => "gil_drop",
            EventKind::GilRelease => "gil_release",
            EventKind::Preempt => "preempt",
            EventKind::Dispatch => "dispatch",
            EventKind::Spawn => "spawn",
            EventKind::ProcessReady => "process_ready",
            EventKind::PickleSend => "pickle_send",
            EventKind::PickleRecv => "pickle_recv",
            EventKind::Submit => "submit",
            EventKind::ResultBack => "result_back",
        }
    }
}

/// The queues right after an event. Lists keep the first `SNAPSHOT_CAP` entries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Tasks ready to run and waiting their turn (the loop's ready queue, or a pool's queue).
    pub ready: Vec<usize>,
    /// Length of the whole ready queue.
    pub ready_len: usize,
    /// Tasks waiting for I/O, soonest first, with the time each will wake.
    pub io_waiters: Vec<(usize, Micros)>,
    /// How many tasks wait for I/O in all.
    pub io_len: usize,
    /// The task holding each interpreter's GIL (one entry per process; empty without a GIL).
    pub gil_holder: Vec<Option<usize>>,
    /// Tasks waiting for a GIL, first in line first.
    pub gil_waiters: Vec<usize>,
    /// How many tasks wait for a GIL in all.
    pub gil_waiters_len: usize,
    /// True while the loop runs something that cannot yield and other tasks are ready.
    pub loop_frozen: bool,
    /// Tasks executing on a core right now.
    pub running: Vec<usize>,
}

/// Totals for one run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// When the last task finished.
    pub makespan: Micros,
    /// Per task: time from submission (zero) to finish.
    pub task_latency: Vec<Micros>,
    /// Per core: time spent running anything.
    pub cpu_busy_per_core: Vec<Micros>,
    /// Total time threads spent waiting for a GIL.
    pub gil_wait: Micros,
    /// Address space the concurrency machinery reserves, in bytes (lesson 10).
    pub memory_reserved: u64,
    /// Memory it actually makes resident, in bytes (lesson 10).
    pub memory_resident: u64,
}

impl Trace {
    /// For code highlighting: each task's current step index right after event `index`
    /// (`None` before it starts and after it finishes). Replays the stream, so it is meant
    /// for pause and step, not for every frame.
    pub fn task_steps_at(&self, index: usize) -> Vec<Option<usize>> {
        let mut steps = vec![None; self.task_names.len()];
        for e in self.events.iter().take(index.saturating_add(1)) {
            if let Some(t) = e.task {
                steps[t] = if e.kind == EventKind::TaskFinish {
                    None
                } else {
                    e.step.or(steps[t])
                };
            }
        }
        steps
    }

    /// The index of the last event at or before `time`, if any (for scrubbing).
    pub fn event_at(&self, time: Micros) -> Option<usize> {
        self.events
            .partition_point(|e| e.time <= time)
            .checked_sub(1)
    }
}
