//! One pool worker's life, shared by every pool: a thread or process takes a chunk of work
//! (whole tasks, or the one step the event loop sent over) and runs it. A pool thread is
//! started by the program first; a worker process boots, unpickles each chunk's arguments
//! and pickles its result back (the parent's side is `feeder.rs`).

use crate::sim::ids::{StepId, TaskId, ThreadId};
use crate::sim::machine::{Action, Machine};
use crate::sim::model::Pickling;
use crate::sim::plan::Plan;
use crate::sim::scenario::StepKind;
use crate::sim::time::{Bytes, Micros};
use crate::sim::trace::{EventKind, State};
use std::ops::Range;

/// Work handed to a worker at once: tasks `tasks` in order, whole, or only step `step` of a
/// single task (what `run_in_executor` sends).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Chunk {
    pub tasks: Range<usize>,
    pub step: Option<StepId>,
}

impl Chunk {
    /// Whole tasks `tasks`.
    pub fn tasks(tasks: Range<usize>) -> Chunk {
        Chunk { tasks, step: None }
    }

    /// One step of one task.
    pub fn step(task: TaskId, step: StepId) -> Chunk {
        Chunk {
            tasks: task.index()..task.index() + 1,
            step: Some(step),
        }
    }

    /// The first task, which events about the chunk name.
    pub fn first(&self) -> TaskId {
        TaskId::new(self.tasks.start)
    }

    /// How many tasks it holds.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// The bytes of its arguments (`send`) or of its results.
    fn bytes(&self, plan: &Plan, send: bool) -> Bytes {
        Bytes(
            plan.tasks[self.tasks.clone()]
                .iter()
                .map(|t| if send { t.send.0 } else { t.recv.0 })
                .sum(),
        )
    }

    /// How long pickling (`Dump`) or unpickling (`Load`) its arguments (`send`) or its
    /// results takes, each task's payload at its own kind's rate.
    pub fn pickle_time(&self, m: &Machine, send: bool, way: Pickling) -> Micros {
        let plan = m.plan;
        plan.tasks[self.tasks.clone()]
            .iter()
            .map(|t| {
                let bytes = if send { t.send } else { t.recv };
                m.params.pickle_time(bytes, t.payload, way)
            })
            .fold(Micros::ZERO, |a, b| a + b)
    }

    /// True if its arguments (`send`) or results carry any bytes.
    pub fn carries(&self, plan: &Plan, send: bool) -> bool {
        self.bytes(plan, send).0 > 0
    }
}

/// A chunk in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Job {
    chunk: Chunk,
    /// The task being run, an index into `chunk.tasks`.
    task: usize,
    /// Its steps still to run.
    steps: Range<usize>,
    /// Its arguments have been unpickled (or needed no unpickling).
    unpacked: bool,
    /// The task at `task` has begun.
    begun: bool,
    /// Its result has been pickled (or needed no pickling).
    packed: bool,
    /// The step just finished was a wait.
    in_io: bool,
}

/// Where a worker is in its life.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Life {
    /// Not started yet.
    Fresh,
    /// Starting up (a process booting, or a thread being started).
    Starting,
    /// Free for a chunk.
    Idle,
    /// Working.
    Job(Job),
}

/// What a worker does next.
pub(crate) enum Turn {
    /// This action.
    Act(Action),
    /// A thread finished this task.
    TaskDone(TaskId),
    /// A process finished this chunk and has pickled its result back to the parent.
    ChunkDone(Chunk),
    /// It is free and has no chunk.
    Free,
}

/// What kind of worker it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A thread that already runs (the program's main thread).
    Main,
    /// A pool thread the program starts; its pool wakes it once it has been started.
    Thread,
    /// A worker process: it boots, and pickles across.
    Process,
}

/// One worker of a pool.
#[derive(Clone, Debug)]
pub(crate) struct Worker {
    life: Life,
    kind: Kind,
}

impl Worker {
    /// The program's own thread: ready at once.
    pub fn main() -> Worker {
        Worker {
            life: Life::Idle,
            kind: Kind::Main,
        }
    }

    /// A thread of a `ThreadPoolExecutor`: it waits, shown starting, until its pool wakes it
    /// once the program has started it (`thread_start`, one after another).
    pub fn thread() -> Worker {
        Worker {
            life: Life::Fresh,
            kind: Kind::Thread,
        }
    }

    /// A worker process: boots first, and pickles arguments and results across.
    pub fn process() -> Worker {
        Worker {
            life: Life::Fresh,
            kind: Kind::Process,
        }
    }

    /// True if it is free for a chunk.
    pub fn is_free(&self) -> bool {
        self.life == Life::Idle
    }

    /// True if it has not started yet.
    pub fn is_fresh(&self) -> bool {
        self.life == Life::Fresh
    }

    /// Gives it `chunk` to run.
    pub fn take(&mut self, m: &Machine, chunk: Chunk) {
        debug_assert!(self.is_free());
        let steps = steps_of(m.plan, &chunk, 0);
        self.life = Life::Job(Job {
            chunk,
            task: 0,
            steps,
            unpacked: false,
            begun: false,
            packed: false,
            in_io: false,
        });
    }

    /// What worker thread `t` does next.
    pub fn next(&mut self, m: &mut Machine, t: ThreadId) -> Turn {
        let lane = Some(m.lane_of(t));
        let process = self.kind == Kind::Process;
        loop {
            match &mut self.life {
                Life::Fresh if process => {
                    self.life = Life::Starting;
                    return Turn::Act(Action::Compute {
                        python: false,
                        task: None,
                        step: None,
                        work: m.params.startup,
                        state: State::Starting,
                        announce: EventKind::Spawn,
                    });
                }
                // A pool thread does not exist until the program has started it: its lane
                // shows nothing, and it uses no core, until its pool wakes it.
                Life::Fresh => {
                    self.life = Life::Starting;
                    return Turn::Act(Action::Park {
                        state: None,
                        announce: None,
                    });
                }
                Life::Starting if process => {
                    self.life = Life::Idle;
                    m.emit(EventKind::ProcessReady, None, lane, None, None);
                }
                Life::Starting => {
                    self.life = Life::Idle;
                    let start = Some(crate::sim::model::thread_start(t.index()));
                    m.emit(EventKind::Spawn, None, lane, None, start);
                }
                Life::Idle => return Turn::Free,
                Life::Job(job) => {
                    let task = TaskId::new(job.chunk.tasks.start + job.task);
                    if job.in_io {
                        job.in_io = false;
                        let step = StepId::new(job.steps.start - 1);
                        m.emit(EventKind::IoDone, Some(task), lane, Some(step), None);
                    }
                    if !job.unpacked {
                        job.unpacked = true;
                        if process && job.chunk.carries(m.plan, true) {
                            let work = job.chunk.pickle_time(m, true, Pickling::Load);
                            let first = job.chunk.first();
                            return Turn::Act(pickling(first, work, EventKind::UnpickleArgs));
                        }
                    }
                    if !job.begun {
                        job.begun = true;
                        // A whole task begins here; one step sent by a loop is part of a
                        // task that began on the loop.
                        if job.chunk.step.is_none() {
                            let first = StepId::new(job.steps.start);
                            m.emit(EventKind::TaskStart, Some(task), lane, Some(first), None);
                        }
                    }
                    if let Some(j) = job.steps.next() {
                        let step = StepId::new(j);
                        let s = m.plan.step(task, step);
                        job.in_io = !s.kind.is_compute();
                        return Turn::Act(step_action(m, task, step));
                    }
                    if job.task + 1 < job.chunk.len() {
                        // The next task of the chunk: a thread's lane shows nothing between.
                        job.task += 1;
                        job.begun = false;
                        job.steps = steps_of(m.plan, &job.chunk, job.task);
                        if let Some(lane) = lane {
                            m.set_lane(lane, None);
                        }
                        continue;
                    }
                    if !process {
                        self.life = Life::Idle;
                        return Turn::TaskDone(task);
                    }
                    if !job.packed {
                        job.packed = true;
                        if job.chunk.carries(m.plan, false) {
                            let work = job.chunk.pickle_time(m, false, Pickling::Dump);
                            let first = job.chunk.first();
                            return Turn::Act(pickling(first, work, EventKind::PickleRecv));
                        }
                    }
                    let Life::Job(job) = std::mem::replace(&mut self.life, Life::Idle) else {
                        unreachable!("matched a job above");
                    };
                    return Turn::ChunkDone(job.chunk);
                }
            }
        }
    }
}

/// The steps task number `i` of `chunk` runs: all of them, or the one step sent.
fn steps_of(plan: &Plan, chunk: &Chunk, i: usize) -> Range<usize> {
    match chunk.step {
        Some(step) => step.index()..step.index() + 1,
        None => 0..plan.tasks[chunk.tasks.start + i].steps.len(),
    }
}

/// Pickling or unpickling a payload: on a core, holding the interpreter's GIL (the pickle
/// module's C code does not release it).
pub(crate) fn pickling(task: TaskId, work: Micros, announce: EventKind) -> Action {
    Action::Compute {
        python: true,
        task: Some(task),
        step: None,
        work,
        state: State::Pickling,
        announce,
    }
}

/// The action for one step run on a worker. In a pool there is no `await`: an `await_io`
/// step is written as `time.sleep` or a blocking client, the same wait as `blocking_io`.
fn step_action(m: &Machine, task: TaskId, step: StepId) -> Action {
    let s = m.plan.step(task, step);
    let (task, stepi) = (Some(task), Some(step));
    match s.kind {
        StepKind::Cpu => Action::Compute {
            python: true,
            task,
            step: stepi,
            work: s.dur.scale(m.params.cpu_permille, 1000),
            state: State::Running,
            announce: EventKind::Compute,
        },
        StepKind::NativeCpu => Action::Compute {
            python: false,
            task,
            step: stepi,
            work: s.dur,
            state: State::Running,
            announce: EventKind::Native,
        },
        StepKind::AwaitIo | StepKind::BlockingIo => Action::Sleep {
            task,
            step: stepi,
            dur: s.dur,
            state: State::WaitingIo,
            announce: EventKind::IoWait,
            io: true,
        },
    }
}
