//! The shared worker-pool driver behind `sync`, `threads`, `threads-nogil` and `processes`:
//! each worker takes the next task from one queue (FIFO) and runs its steps in order.
//!
//! In these models there is no `await`: an `await_io` step is written as `time.sleep` or a
//! blocking client, so it is the same wait as `blocking_io` (and it releases the GIL).

use super::machine::{Action, Driver, Machine};
use super::scenario::StepKind;
use super::time::Micros;
use super::trace::{EventKind, State};

/// Where one worker is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    /// Not started (a process still has to boot).
    Fresh,
    /// Booting.
    Starting,
    /// Between tasks.
    Idle,
    /// Running `task`; `next` is the step to begin next.
    Task {
        task: usize,
        next: usize,
        returned: bool,
        in_io: bool,
    },
}

/// A pool of workers (threads or single-threaded processes) sharing one task queue.
/// A new worker process starts up: the start method's cost, on a core, before any work.
/// Shared by the process pool and the hybrid model's executor.
pub(crate) fn start_process(m: &mut Machine, lane: Option<usize>) -> Action {
    let work = m.params.startup;
    m.emit(EventKind::Spawn, None, lane, None, Some(work));
    Action::Compute {
        python: false,
        task: None,
        step: None,
        work,
        state: State::Starting,
    }
}

pub(crate) struct Pool {
    slots: Vec<Slot>,
    /// Worker processes pay a start-up cost and pickle arguments and results.
    processes: bool,
}

impl Pool {
    /// A pool of `workers`; call after the machine's threads exist, one per worker.
    /// Every task is queued at time zero.
    pub fn new(m: &mut Machine, workers: usize, processes: bool) -> Pool {
        m.board.ready = (0..m.plan.tasks.len()).collect();
        Pool {
            slots: vec![if processes { Slot::Fresh } else { Slot::Idle }; workers],
            processes,
        }
    }

    fn step_action(m: &mut Machine, t: usize, task: usize, j: usize) -> Action {
        let step = m.plan.tasks[task].steps[j];
        let lane = Some(m.threads[t].lane);
        let (task, stepi) = (Some(task), Some(j));
        match step.kind {
            StepKind::Cpu => {
                let work = step.dur.scale(m.params.cpu_permille, 1000);
                m.emit(EventKind::Compute, task, lane, stepi, Some(work));
                Action::Compute {
                    python: true,
                    task,
                    step: stepi,
                    work,
                    state: State::Running,
                }
            }
            StepKind::NativeCpu => {
                m.emit(EventKind::Native, task, lane, stepi, Some(step.dur));
                Action::Compute {
                    python: false,
                    task,
                    step: stepi,
                    work: step.dur,
                    state: State::Running,
                }
            }
            StepKind::AwaitIo | StepKind::BlockingIo => {
                m.emit(EventKind::IoWait, task, lane, stepi, Some(step.dur));
                Action::Sleep {
                    task,
                    step: stepi,
                    dur: step.dur,
                    state: State::WaitingIo,
                }
            }
        }
    }

    fn pickle(m: &mut Machine, t: usize, task: usize, kind: EventKind, work: Micros) -> Action {
        m.emit(kind, Some(task), Some(m.threads[t].lane), None, Some(work));
        Action::Compute {
            python: false,
            task: Some(task),
            step: None,
            work,
            state: State::Pickling,
        }
    }
}

impl Driver for Pool {
    fn next(&mut self, m: &mut Machine, t: usize) -> Action {
        let lane = Some(m.threads[t].lane);
        loop {
            match self.slots[t] {
                Slot::Fresh => {
                    self.slots[t] = Slot::Starting;
                    return start_process(m, lane);
                }
                Slot::Starting => {
                    m.emit(EventKind::ProcessReady, None, lane, None, None);
                    self.slots[t] = Slot::Idle;
                }
                Slot::Idle => {
                    let Some(task) = m.board.ready.pop_front() else {
                        return Action::Exit;
                    };
                    self.slots[t] = Slot::Task {
                        task,
                        next: 0,
                        returned: false,
                        in_io: false,
                    };
                    m.emit(EventKind::TaskStart, Some(task), lane, Some(0), None);
                    let send = m.plan.tasks[task].send;
                    if self.processes && send.0 > 0 {
                        let work = m.params.pickle_time(send);
                        return Pool::pickle(m, t, task, EventKind::PickleSend, work);
                    }
                }
                Slot::Task {
                    task,
                    next,
                    returned,
                    in_io,
                } => {
                    if in_io {
                        m.emit(EventKind::IoDone, Some(task), lane, Some(next - 1), None);
                    }
                    let steps = m.plan.tasks[task].steps.len();
                    if next < steps {
                        let io = !m.plan.tasks[task].steps[next].kind.is_compute();
                        self.slots[t] = Slot::Task {
                            task,
                            next: next + 1,
                            returned,
                            in_io: io,
                        };
                        return Pool::step_action(m, t, task, next);
                    }
                    let recv = m.plan.tasks[task].recv;
                    if self.processes && recv.0 > 0 && !returned {
                        self.slots[t] = Slot::Task {
                            task,
                            next,
                            returned: true,
                            in_io: false,
                        };
                        let work = m.params.pickle_time(recv);
                        return Pool::pickle(m, t, task, EventKind::PickleRecv, work);
                    }
                    m.finish_task(task, lane);
                    self.slots[t] = Slot::Idle;
                }
            }
        }
    }

    fn timer(&mut self, _m: &mut Machine, _token: usize) {}
}
