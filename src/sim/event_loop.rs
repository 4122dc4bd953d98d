//! The `asyncio` model: one event loop on one thread, `asyncio.run(gather(...))`.
//!
//! Rules (lessons 1-4): one task runs at a time; `await` is the only switch point; the
//! ready queue is first in, first out; timers wake tasks into the ready queue; a CPU step,
//! native call or blocking call runs to completion on the loop thread while every other
//! task waits (the loop is frozen). The `hybrid` model reuses this loop and sends CPU
//! steps to a process pool instead (see `hybrid.rs`).

use super::hybrid::{Executor, WorkerStep};
use super::machine::{Action, Driver, Machine};
use super::model::TASK_RESIDENT;
use super::record::IoKey;
use super::scenario::{ScenarioError, StepKind};
use super::trace::{EventKind, LaneKind, State, Trace};
use super::validate::{Params, Plan};

/// One coroutine's progress.
#[derive(Clone, Copy, Default)]
struct Coro {
    next: usize,
    started: bool,
    io: Option<IoKey>,
}

/// The loop driver; with an `Executor` it becomes the hybrid model.
pub(crate) struct Loop {
    coros: Vec<Coro>,
    current: Option<usize>,
    /// The step that is blocking the loop, so its end can be narrated.
    blocking: Option<(usize, usize)>,
    loop_lane: usize,
    first_task_lane: usize,
    done: usize,
    pub(crate) exec: Option<Executor>,
}

/// Runs `plan` on one asyncio event loop.
pub(crate) fn run(plan: &Plan, params: &Params) -> Result<Trace, ScenarioError> {
    let mut m = Machine::new(plan, params);
    let mut driver = Loop::new(&mut m);
    m.add_cores();
    m.run(&mut driver)?;
    // One thread (already there for any Python program) plus ~1.5 KB per task (lesson 10).
    let tasks = plan.tasks.len() as u64 * TASK_RESIDENT.0;
    Ok(m.finish(tasks, tasks))
}

impl Loop {
    /// Adds the loop's process, thread (always thread 0) and lanes; queues every task.
    pub(crate) fn new(m: &mut Machine) -> Loop {
        let proc = m.add_proc(true);
        let loop_lane = m
            .rec
            .add_lane(LaneKind::Loop, "event loop".to_string(), Some(proc));
        m.add_thread(proc, loop_lane);
        let n = m.plan.tasks.len();
        let mut first_task_lane = 0;
        for i in 0..n {
            let label = format!("task {}", m.plan.tasks[i].name);
            let lane = m.rec.add_lane(LaneKind::Task, label, Some(proc));
            if i == 0 {
                first_task_lane = lane;
            }
            m.rec.set(lane, m.now, Some((State::Ready, Some(i))));
        }
        m.board.ready = (0..n).collect();
        Loop {
            coros: vec![Coro::default(); n],
            current: None,
            blocking: None,
            loop_lane,
            first_task_lane,
            done: 0,
            exec: None,
        }
    }

    fn task_lane(&self, m: &mut Machine, task: usize, state: Option<State>) {
        m.rec.set(
            self.first_task_lane + task,
            m.now,
            state.map(|s| (s, Some(task))),
        );
    }

    /// A task's awaited result (a timer or the pool) is in: it joins the ready queue.
    pub(crate) fn make_ready(&mut self, m: &mut Machine, task: usize, kind: EventKind) {
        m.board.ready.push_back(task);
        let step = self.coros[task].next.checked_sub(1);
        m.emit(
            kind,
            Some(task),
            Some(self.first_task_lane + task),
            step,
            None,
        );
        self.task_lane(m, task, Some(State::Ready));
        m.unpark(0);
    }

    /// What the loop thread does next.
    fn loop_next(&mut self, m: &mut Machine) -> Action {
        let lane = Some(self.loop_lane);
        m.board.loop_busy = false;
        if let Some((task, step)) = self.blocking.take() {
            m.emit(EventKind::IoDone, Some(task), lane, Some(step), None);
        }
        loop {
            let Some(c) = self.current else {
                if let Some(c) = m.board.ready.pop_front() {
                    let kind = if self.coros[c].started {
                        EventKind::Resume
                    } else {
                        EventKind::TaskStart
                    };
                    self.coros[c].started = true;
                    self.current = Some(c);
                    let step = self.coros[c]
                        .next
                        .min(m.plan.tasks[c].steps.len().saturating_sub(1));
                    m.emit(kind, Some(c), lane, Some(step), None);
                    continue;
                }
                if self.done == self.coros.len() {
                    return Action::Exit;
                }
                m.emit(EventKind::LoopIdle, None, lane, None, None);
                return Action::Park {
                    state: Some(State::Idle),
                };
            };
            let j = self.coros[c].next;
            let Some(&step) = m.plan.tasks[c].steps.get(j) else {
                self.current = None;
                self.done += 1;
                m.finish_task(c, lane);
                self.task_lane(m, c, None);
                continue;
            };
            self.coros[c].next += 1;
            let (task, stepi, dur) = (Some(c), Some(j), step.dur);
            match (step.kind, self.exec.is_some()) {
                (StepKind::Cpu | StepKind::NativeCpu, true) => {
                    m.emit(EventKind::Submit, task, lane, stepi, Some(dur));
                    self.exec.as_mut().expect("checked").submit(m, c, j);
                    self.task_lane(m, c, Some(State::WaitingIo));
                    self.current = None;
                }
                (StepKind::Cpu, false) => {
                    m.board.loop_busy = true;
                    m.emit(EventKind::Compute, task, lane, stepi, Some(dur));
                    self.task_lane(m, c, Some(State::Running));
                    return Action::Compute {
                        python: true,
                        task,
                        step: stepi,
                        work: dur,
                        state: State::Running,
                    };
                }
                (StepKind::NativeCpu, false) => {
                    m.board.loop_busy = true;
                    m.emit(EventKind::Native, task, lane, stepi, Some(dur));
                    self.task_lane(m, c, Some(State::Running));
                    return Action::Compute {
                        python: false,
                        task,
                        step: stepi,
                        work: dur,
                        state: State::Running,
                    };
                }
                (StepKind::BlockingIo, _) => {
                    m.board.loop_busy = true;
                    self.blocking = Some((c, j));
                    m.emit(EventKind::BlockingCall, task, lane, stepi, Some(dur));
                    self.task_lane(m, c, Some(State::Blocked));
                    return Action::Sleep {
                        task,
                        step: stepi,
                        dur,
                        state: State::Blocked,
                    };
                }
                (StepKind::AwaitIo, _) => {
                    self.coros[c].io = Some(m.board.io_add(c, m.now + dur));
                    m.timer(m.now + dur, c);
                    m.emit(EventKind::Await, task, lane, stepi, Some(dur));
                    self.task_lane(m, c, Some(State::WaitingIo));
                    self.current = None;
                }
            }
        }
    }
}

impl Driver for Loop {
    fn next(&mut self, m: &mut Machine, t: usize) -> Action {
        if t == 0 {
            return self.loop_next(m);
        }
        loop {
            let exec = self
                .exec
                .as_mut()
                .expect("only the hybrid model has worker threads");
            match exec.next(m, t) {
                WorkerStep::Act(action) => return action,
                WorkerStep::Done(task) => self.make_ready(m, task, EventKind::ResultBack),
            }
        }
    }

    fn timer(&mut self, m: &mut Machine, task: usize) {
        if let Some(key) = self.coros[task].io.take() {
            m.board.io_remove(key);
        }
        self.make_ready(m, task, EventKind::Wake);
    }
}
