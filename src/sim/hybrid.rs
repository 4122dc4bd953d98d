//! The `hybrid` model (lesson 13): an asyncio front with a process pool behind it. CPU
//! steps go to the pool with `loop.run_in_executor(pool, fn)`; the coroutine awaits the
//! future, so the loop stays free for I/O. Blocking calls still freeze the loop.
//!
//! The pool is created when the program starts and its workers boot in parallel while the
//! loop runs; jobs queue first in, first out; each job pickles the task's arguments over
//! and its result back.

use super::event_loop::Loop;
use super::machine::{Action, Machine};
use super::model::{PROCESS_RESERVED, PROCESS_RESIDENT, TASK_RESIDENT};
use super::pool::start_process;
use super::scenario::{ScenarioError, StepKind};
use super::trace::{EventKind, LaneKind, State, Trace};
use super::validate::{Params, Plan};
use std::collections::VecDeque;

/// Where one pool worker is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Fresh,
    Starting,
    Idle,
    /// Running step `step` of `task`; `stage` 0 = pickling over, 1 = computing, 2 = pickling back.
    Job {
        task: usize,
        step: usize,
        stage: u8,
    },
}

/// One piece of a job's work, as handed to the machine.
struct Job {
    task: usize,
    step: Option<usize>,
    work: super::time::Micros,
    python: bool,
    state: State,
}

/// What a worker does next, or the job it just finished.
pub(crate) enum WorkerStep {
    Act(Action),
    Done(usize),
}

/// The process pool behind the loop.
pub(crate) struct Executor {
    /// Worker thread ids start here; slot `i` belongs to thread `first + i`.
    first: usize,
    slots: Vec<Slot>,
    jobs: VecDeque<(usize, usize)>,
}

/// Runs `plan` on an event loop with a process pool for CPU steps.
pub(crate) fn run(plan: &Plan, params: &Params) -> Result<Trace, ScenarioError> {
    let mut m = Machine::new(plan, params);
    let mut driver = Loop::new(&mut m);
    let first = m.threads.len();
    for i in 0..params.workers {
        let proc = m.add_proc(true);
        let lane = m.rec.add_lane(
            LaneKind::Process,
            format!("pool process {}", i + 1),
            Some(proc),
        );
        m.add_thread(proc, lane);
    }
    driver.exec = Some(Executor {
        first,
        slots: vec![Slot::Fresh; params.workers],
        jobs: VecDeque::new(),
    });
    m.add_cores();
    m.run(&mut driver)?;
    let tasks = plan.tasks.len() as u64 * TASK_RESIDENT.0;
    let procs = params.workers as u64;
    Ok(m.finish(
        tasks + procs * PROCESS_RESERVED.0,
        tasks + procs * PROCESS_RESIDENT.0,
    ))
}

impl Executor {
    /// Queues step `step` of `task` and wakes the idle workers to look for it.
    pub(crate) fn submit(&mut self, m: &mut Machine, task: usize, step: usize) {
        self.jobs.push_back((task, step));
        for (i, slot) in self.slots.iter().enumerate() {
            if *slot == Slot::Idle {
                m.unpark(self.first + i);
            }
        }
    }

    /// Narrates `kind` and hands the compute action to the machine.
    fn compute(m: &mut Machine, t: usize, kind: EventKind, job: Job) -> WorkerStep {
        m.emit(
            kind,
            Some(job.task),
            Some(m.threads[t].lane),
            job.step,
            Some(job.work),
        );
        WorkerStep::Act(Action::Compute {
            python: job.python,
            task: Some(job.task),
            step: job.step,
            work: job.work,
            state: job.state,
        })
    }

    /// What worker thread `t` does next.
    /// Pickles a task's arguments over (`PickleSend`) or its result back (`PickleRecv`);
    /// `None` when there is nothing to send that way.
    fn pickle(m: &mut Machine, t: usize, task: usize, kind: EventKind) -> Option<WorkerStep> {
        let bytes = match kind {
            EventKind::PickleSend => m.plan.tasks[task].send,
            _ => m.plan.tasks[task].recv,
        };
        (bytes.0 > 0).then(|| {
            let work = m.params.pickle_time(bytes);
            let job = Job {
                task,
                step: None,
                work,
                python: false,
                state: State::Pickling,
            };
            Executor::compute(m, t, kind, job)
        })
    }

    pub(crate) fn next(&mut self, m: &mut Machine, t: usize) -> WorkerStep {
        let i = t - self.first;
        let lane = Some(m.threads[t].lane);
        loop {
            match self.slots[i] {
                Slot::Fresh => {
                    self.slots[i] = Slot::Starting;
                    return WorkerStep::Act(start_process(m, lane));
                }
                Slot::Starting => {
                    m.emit(EventKind::ProcessReady, None, lane, None, None);
                    self.slots[i] = Slot::Idle;
                }
                Slot::Idle => {
                    let Some((task, step)) = self.jobs.pop_front() else {
                        return WorkerStep::Act(Action::Park { state: None });
                    };
                    self.slots[i] = Slot::Job {
                        task,
                        step,
                        stage: 0,
                    };
                    if let Some(step) = Executor::pickle(m, t, task, EventKind::PickleSend) {
                        return step;
                    }
                }
                Slot::Job {
                    task,
                    step,
                    stage: 0,
                } => {
                    self.slots[i] = Slot::Job {
                        task,
                        step,
                        stage: 1,
                    };
                    let s = m.plan.tasks[task].steps[step];
                    let (kind, python) = match s.kind {
                        StepKind::NativeCpu => (EventKind::Native, false),
                        _ => (EventKind::Compute, true),
                    };
                    return Executor::compute(
                        m,
                        t,
                        kind,
                        Job {
                            task,
                            step: Some(step),
                            work: s.dur,
                            python,
                            state: State::Running,
                        },
                    );
                }
                Slot::Job {
                    task,
                    step,
                    stage: 1,
                } => {
                    self.slots[i] = Slot::Job {
                        task,
                        step,
                        stage: 2,
                    };
                    if let Some(step) = Executor::pickle(m, t, task, EventKind::PickleRecv) {
                        return step;
                    }
                }
                Slot::Job { task, .. } => {
                    self.slots[i] = Slot::Idle;
                    return WorkerStep::Done(task);
                }
            }
        }
    }
}
