//! One pool worker's life, shared by every pool: a thread or process takes a job (a task's
//! steps, or the one step the event loop sent over), pickles its arguments over and its
//! result back if it is a process, and runs the steps. A process boots first.

use super::descriptor::Setting;
use crate::sim::ids::{StepId, TaskId, ThreadId};
use crate::sim::machine::{Action, Machine};
use crate::sim::scenario::StepKind;
use crate::sim::trace::{EventKind, State};
use std::ops::Range;

/// A job in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Job {
    task: TaskId,
    steps: Range<usize>,
    sent: bool,
    returned: bool,
    /// The step just finished was a wait.
    in_io: bool,
}

/// Where a worker is in its life.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Life {
    /// A process not started yet.
    Fresh,
    /// A process booting.
    Starting,
    /// Free for a job.
    Idle,
    /// Working.
    Job(Job),
}

/// The settings of every pool of worker processes (`processes`, and `hybrid`'s executor).
pub(crate) const PROCESS_SETTINGS: &[Setting] = &[
    Setting::Workers,
    Setting::Cores,
    Setting::StartMethod,
    Setting::PickleRate,
    Setting::Startup,
];

/// What a worker does next.
pub(crate) enum Turn {
    /// This action.
    Act(Action),
    /// It finished the job for this task and is free.
    Done(TaskId),
    /// It is free and has no job.
    Free,
}

/// One worker of a pool.
#[derive(Clone, Debug)]
pub(crate) struct Worker {
    life: Life,
    /// A separate process: it boots and pickles.
    process: bool,
}

impl Worker {
    /// A thread of the program's own process: ready at once, shares memory.
    pub fn thread() -> Worker {
        Worker {
            life: Life::Idle,
            process: false,
        }
    }

    /// A worker process: boots first, and pickles arguments and results across.
    pub fn process() -> Worker {
        Worker {
            life: Life::Fresh,
            process: true,
        }
    }

    /// True if it is free for a job.
    pub fn is_free(&self) -> bool {
        self.life == Life::Idle
    }

    /// Gives it `steps` of `task` to run.
    pub fn take(&mut self, task: TaskId, steps: Range<usize>) {
        debug_assert!(self.is_free());
        self.life = Life::Job(Job {
            task,
            steps,
            sent: false,
            returned: false,
            in_io: false,
        });
    }

    /// What worker thread `t` does next.
    pub fn next(&mut self, m: &mut Machine, t: ThreadId) -> Turn {
        let lane = Some(m.lane_of(t));
        loop {
            match &mut self.life {
                Life::Fresh => {
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
                Life::Starting => {
                    self.life = Life::Idle;
                    m.emit(EventKind::ProcessReady, None, lane, None, None);
                }
                Life::Idle => return Turn::Free,
                Life::Job(job) => {
                    let task = job.task;
                    if job.in_io {
                        job.in_io = false;
                        let step = StepId::new(job.steps.start - 1);
                        m.emit(EventKind::IoDone, Some(task), lane, Some(step), None);
                    }
                    let plan = m.plan;
                    let plan_task = &plan.tasks[task.index()];
                    if self.process && !job.sent {
                        job.sent = true;
                        if plan_task.send.0 > 0 {
                            let work = m.pickle_time(plan_task.send);
                            return Turn::Act(pickle(task, work, EventKind::PickleSend));
                        }
                    }
                    if let Some(j) = job.steps.next() {
                        let step = StepId::new(j);
                        let s = m.plan.step(task, step);
                        job.in_io = !s.kind.is_compute();
                        return Turn::Act(step_action(m, task, step));
                    }
                    if self.process && !job.returned {
                        job.returned = true;
                        if plan_task.recv.0 > 0 {
                            let work = m.pickle_time(plan_task.recv);
                            return Turn::Act(pickle(task, work, EventKind::PickleRecv));
                        }
                    }
                    self.life = Life::Idle;
                    return Turn::Done(task);
                }
            }
        }
    }
}

/// Pickling a task's arguments over or its result back: on a core, without the GIL.
fn pickle(task: TaskId, work: crate::sim::time::Micros, announce: EventKind) -> Action {
    Action::Compute {
        python: false,
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
