//! The output of a run: lanes, segments, one flat time-ordered event stream with a snapshot
//! per event (`snapshot.rs`), and the statistics.
//!
//! Everything the canvas, the narration panel, the charts and the CLI show is read from a
//! `Trace`; narration is a reader of it (`narrate.rs`), and nothing is recomputed elsewhere.

use super::ids::{LaneId, StepId, TaskId};
use super::model::ModelId;
pub use super::snapshot::State;
use super::snapshot::{LaneLog, LaneState, Snapshot, Snapshots};
use super::time::Micros;
use serde::{Deserialize, Serialize};

/// The result of simulating one scenario under one model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The model that produced this trace.
    pub model: ModelId,
    /// Task names, indexed like the scenario's tasks.
    pub task_names: Vec<String>,
    /// When each task was submitted (`start_ms`; zero for most).
    #[serde(default)]
    pub task_submitted: Vec<Micros>,
    /// Rows of the timeline.
    pub lanes: Vec<Lane>,
    /// What each lane was doing, sorted by start time then lane.
    pub segments: Vec<Segment>,
    /// Everything that happened, in time order (ties in the order they happened).
    pub events: Vec<Event>,
    /// The queues right after each event (one per event; read with `Trace::snapshot`).
    pub snapshots: Snapshots,
    /// Every lane's state right after each event (read with `Trace::lane_state`).
    pub lane_log: LaneLog,
    /// The GIL's switch interval the run used (for narration).
    pub switch_interval: Micros,
    /// The permits of the semaphore each task's body runs under, if any (for narration).
    pub semaphore: Option<usize>,
    /// The run's Python has `asyncio.TaskGroup` (3.11+; narration says what cancels tasks).
    #[serde(default)]
    pub task_group: bool,
    /// Tasks were created with `asyncio.eager_task_factory` (event-loop models).
    #[serde(default)]
    pub eager_tasks: bool,
    /// The run depends on its seed: the OS had to pick among several GIL waiters, as
    /// CPython leaves to it (see `sim::spread` for the range across seeds).
    #[serde(default)]
    pub varies: bool,
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
    /// A worker thread running its own subinterpreter, with its own GIL.
    Interpreter,
    /// A CPU core.
    Core,
    /// One asyncio task (coroutine): how it waits and runs on the loop.
    Task,
}

/// A lane in one state over a span of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// The lane.
    pub lane: LaneId,
    /// Start, inclusive.
    pub start: Micros,
    /// End, exclusive.
    pub end: Micros,
    /// What the lane was doing.
    pub state: State,
    /// The task concerned, if any.
    pub task: Option<TaskId>,
}

/// One thing that happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When.
    pub time: Micros,
    /// What.
    pub kind: EventKind,
    /// The task it concerns, if any.
    pub task: Option<TaskId>,
    /// The lane it happened on, if any.
    pub lane: Option<LaneId>,
    /// The task's current step (for code highlighting), if any.
    pub step: Option<StepId>,
    /// The length of the step, wait or start-up it begins, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dur: Option<Micros>,
}

/// The closed list of things that can happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A task is submitted after the start (`create_task` or `submit` later on).
    TaskSubmit,
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
    /// The fork server starts, once per program, before any worker is forked from it.
    ServerStart,
    /// The parent pickles a chunk's arguments into the pool's call queue.
    PickleSend,
    /// A worker process unpickles the arguments it took.
    UnpickleArgs,
    /// A worker process pickles its result to send it back.
    PickleRecv,
    /// The parent unpickles a result: the future is done.
    UnpickleResult,
    /// The loop hands a CPU step to the process pool (`run_in_executor`).
    Submit,
    /// The pool's result arrives; the awaiting task joins the ready queue.
    ResultBack,
    /// A task reaches `async with semaphore:` and every permit is taken: it waits.
    PermitWait,
    /// A task that finished released its permit to the first waiter, which joins the ready
    /// queue.
    PermitGet,
    /// `main()` has created the tasks submitted at the start and now awaits them (event-loop
    /// models; with eager tasks, each has already run up to its first `await`).
    TasksCreated,
    /// A task raises its exception after its last step (`Task::raises`).
    Raise,
    /// A task is cancelled because another raised (a `TaskGroup`, or `asyncio.run` ending):
    /// `CancelledError` will be thrown in at its `await`, so it joins the ready queue.
    Cancel,
    /// `main()` raises out of `with ProcessPoolExecutor()`: `shutdown(wait=True)` blocks the
    /// loop until every call submitted has run.
    ShutdownWait,
}

impl EventKind {
    /// A short stable label, as used in dumps: "task_start", "gil_drop", ...
    pub fn label(self) -> &'static str {
        match self {
            EventKind::TaskSubmit => "task_submit",
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
            EventKind::ServerStart => "server_start",
            EventKind::PickleSend => "pickle_send",
            EventKind::UnpickleArgs => "unpickle_args",
            EventKind::PickleRecv => "pickle_recv",
            EventKind::UnpickleResult => "unpickle_result",
            EventKind::Submit => "submit",
            EventKind::ResultBack => "result_back",
            EventKind::PermitWait => "permit_wait",
            EventKind::PermitGet => "permit_get",
            EventKind::TasksCreated => "tasks_created",
            EventKind::Raise => "raise",
            EventKind::Cancel => "cancel",
            EventKind::ShutdownWait => "shutdown_wait",
        }
    }
}

/// How a task ended.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It ran every step and returned.
    #[default]
    Done,
    /// It raised its exception after its last step.
    Raised,
    /// Another task's exception cancelled it (an asyncio `TaskGroup`, or `asyncio.run`).
    Cancelled,
    /// It never ran: plain code stopped at an earlier task's exception, or the program was
    /// cancelled before it created the task.
    NotRun,
}

impl Outcome {
    /// The JSON spelling: "done", "raised", "cancelled", "not_run".
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Raised => "raised",
            Outcome::Cancelled => "cancelled",
            Outcome::NotRun => "not_run",
        }
    }
}

/// Totals for one run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// When the program ended: the last task finished (or, after an exception, the last work
    /// the program had to wait for).
    pub makespan: Micros,
    /// Per task: time from submission (zero) to finish; zero for a task that never ran.
    pub task_latency: Vec<Micros>,
    /// Per task, how it ended (empty in a trace from before: all done).
    #[serde(default)]
    pub task_outcome: Vec<Outcome>,
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
    /// How `task` ended.
    pub fn outcome(&self, task: TaskId) -> Outcome {
        self.stats
            .task_outcome
            .get(task.index())
            .copied()
            .unwrap_or_default()
    }

    /// For code highlighting: each task's current step index right after event `index`
    /// (`None` before it starts and after it finishes). Replays the stream, so it is meant
    /// for pause and step, not for every frame.
    pub fn task_steps_at(&self, index: usize) -> Vec<Option<StepId>> {
        let mut steps = vec![None; self.task_names.len()];
        for e in self.events.iter().take(index.saturating_add(1)) {
            if let Some(t) = e.task {
                steps[t.index()] = if e.kind == EventKind::TaskFinish {
                    None
                } else {
                    e.step.or(steps[t.index()])
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

    /// The queues right after event `index` (`None` past the end).
    pub fn snapshot(&self, index: usize) -> Option<Snapshot> {
        self.snapshots.get(index)
    }

    /// What `lane` shows right after event `index`.
    pub fn lane_state(&self, lane: LaneId, index: usize) -> LaneState {
        self.lane_log.at(lane, index)
    }

    /// The name of `task`.
    pub fn task_name(&self, task: TaskId) -> &str {
        self.task_names
            .get(task.index())
            .map_or("?", String::as_str)
    }

    /// When `task` was submitted (zero unless it started later).
    pub fn submitted(&self, task: TaskId) -> Micros {
        self.task_submitted
            .get(task.index())
            .copied()
            .unwrap_or(Micros::ZERO)
    }

    /// The lane with this id.
    pub fn lane(&self, lane: LaneId) -> &Lane {
        &self.lanes[lane.index()]
    }

    /// Bytes of memory the trace holds (what its vectors were given, labels and names).
    pub fn bytes(&self) -> usize {
        use std::mem::size_of;
        let text = |v: &[String]| v.iter().map(|s| s.capacity()).sum::<usize>();
        size_of::<Trace>()
            + self.task_names.capacity() * size_of::<String>()
            + self.task_submitted.capacity() * size_of::<Micros>()
            + text(&self.task_names)
            + self.lanes.capacity() * size_of::<Lane>()
            + self.lanes.iter().map(|l| l.label.capacity()).sum::<usize>()
            + self.segments.capacity() * size_of::<Segment>()
            + self.events.capacity() * size_of::<Event>()
            + self.snapshots.bytes()
            + self.lane_log.bytes()
            + (self.stats.task_latency.capacity() + self.stats.cpu_busy_per_core.capacity())
                * size_of::<Micros>()
    }
}
