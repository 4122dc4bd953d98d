//! The event-loop driver behind `asyncio` and `hybrid`: one loop on one thread,
//! `asyncio.run(gather(...))`.
//!
//! Rules (lessons 1-4): one task runs at a time; `await` is the only switch point; the
//! ready queue is first in, first out; timers wake tasks into the ready queue; a CPU step,
//! native call or blocking call runs to completion on the loop thread while every other
//! task waits (the loop is frozen). With an `Executor`, CPU steps go to a process pool
//! instead (`hybrid.rs`); with worker threads, blocking calls and CPU steps go to them
//! (`to_thread.rs`).

use super::descriptor::Phrases;
use super::executor::{Executor, Outcome};
use super::worker::Chunk;
use crate::sim::ids::{LaneId, ProcId, StepId, TaskId, ThreadId};
use crate::sim::machine::board::IoKey;
use crate::sim::machine::{Action, Driver, Machine};
use crate::sim::model::{EAGER_FIRST_STEP_NS, LOOP_STEP_NS, LOOP_TIMER_NS, WAKE_UP_LATE};
use crate::sim::scenario::StepKind;
use crate::sim::time::Micros;
use crate::sim::trace::{EventKind, LaneKind, State};

/// What `asyncio` and `hybrid` say alike: the loop is the chef.
pub(crate) const LOOP_PHRASES: Phrases = Phrases {
    task_start: "The loop starts task {task}: the chef picks up dish {task}.",
    compute: "{task} computes for {d} on {lane}.",
    io_wait: "{task} waits {d} for I/O on {lane}.",
};

/// The loop's thread: always the machine's first.
pub(crate) const LOOP_THREAD: ThreadId = ThreadId(0);

/// What a loop sends some of its steps to and awaits: a process pool (`Executor`,
/// `run_in_executor`) or worker threads (`asyncio.to_thread`, in `to_thread.rs`).
pub(crate) trait Behind {
    /// True if the loop sends steps of `kind` here rather than running them itself.
    fn takes(&self, kind: StepKind) -> bool;
    /// True if machine thread `t` is one of its threads.
    fn owns(&self, t: ThreadId) -> bool;
    /// The loop sends it one step of one task.
    fn submit(&mut self, m: &mut Machine, chunk: Chunk);
    /// What its thread `t` does next, or the step whose result is in.
    fn next(&mut self, m: &mut Machine, t: ThreadId) -> Outcome;
    /// The awaiting task was cancelled: its call is dropped if it has not started (its
    /// `concurrent.futures` future is still pending), and true is returned; a call already
    /// running goes on to its end, as a thread or process cannot be stopped.
    fn cancel(&mut self, task: TaskId) -> bool;
}

impl Behind for Executor {
    fn takes(&self, kind: StepKind) -> bool {
        kind.is_compute()
    }
    fn owns(&self, t: ThreadId) -> bool {
        Executor::owns(self, t)
    }
    fn submit(&mut self, m: &mut Machine, chunk: Chunk) {
        Executor::submit(self, m, chunk)
    }
    fn next(&mut self, m: &mut Machine, t: ThreadId) -> Outcome {
        Executor::next(self, m, t)
    }
    fn cancel(&mut self, task: TaskId) -> bool {
        Executor::cancel(self, task)
    }
}

/// One coroutine's progress.
#[derive(Clone, Copy, Default)]
struct Coro {
    next: usize,
    started: bool,
    io: Option<IoKey>,
    /// It holds a permit of the semaphore (or there is none).
    permitted: bool,
    /// `main()` has created it (at the start, or later at its `start_ms`).
    created: bool,
    /// It is one of the tasks `main()` creates at the start.
    at_start: bool,
    /// It has given control back to the loop at least once (its first `await`).
    suspended: bool,
    /// It awaits a call it handed to the pool or a worker thread.
    away: bool,
    /// Another task's exception cancelled it: the loop throws `CancelledError` in at its
    /// next turn.
    cancelled: bool,
    /// It is in the ready queue.
    queued: bool,
    /// Its call still runs in the pool for nothing: it was cancelled, or the program is
    /// shutting the pool down (`failure.rs`).
    orphan: bool,
}

/// `asyncio.Semaphore(N)` around every task's body: permits taken, and the tasks waiting
/// for one, first come, first served (asyncio's waiters are a FIFO).
struct Permits {
    limit: usize,
    taken: usize,
    waiting: std::collections::VecDeque<TaskId>,
}

/// The loop driver.
pub(crate) struct Loop {
    coros: Vec<Coro>,
    current: Option<TaskId>,
    /// The step that is blocking the loop, so its end can be recorded.
    blocking: Option<(TaskId, StepId)>,
    loop_lane: LaneId,
    first_task_lane: usize,
    done: usize,
    exec: Option<Box<dyn Behind>>,
    /// The loop's own work owed since it last paid, in nanoseconds (`LOOP_STEP_NS` a step,
    /// `LOOP_TIMER_NS` a timer); it pays whole microseconds and carries the rest over.
    debt_ns: u64,
    permits: Option<Permits>,
    /// Tasks are created with `asyncio.eager_task_factory`.
    eager: bool,
    /// Tasks created at the start that have not yet reached their first `await`.
    at_start_left: usize,
    /// `TasksCreated` has been recorded (or there is nothing to record).
    announced: bool,
    /// A task raised: how the exception travels to what cancels the others (`failure.rs`).
    failure: Option<failure::Failure>,
    /// Calls still running in the pool for tasks that no longer await them; the program waits
    /// for them (`asyncio.run` shuts the default executor down, a pool's `with` waits).
    orphans: usize,
}

mod failure;

impl Loop {
    /// Adds the loop's process, thread and lanes (one per task) and queues every task.
    pub(crate) fn new(m: &mut Machine) -> (Loop, ProcId) {
        let proc = m.add_proc(true);
        let loop_lane = m.add_lane(LaneKind::Loop, "event loop".to_string(), Some(proc));
        let t = m.add_thread(proc, loop_lane);
        debug_assert_eq!(t, LOOP_THREAD);
        let n = m.plan.tasks.len();
        let at_start = m
            .plan
            .tasks
            .iter()
            .filter(|t| t.start == Micros::ZERO)
            .count();
        let mut first_task_lane = 0;
        for i in 0..n {
            let task = TaskId::new(i);
            let label = format!("task {}", m.plan.tasks[i].name);
            let lane = m.add_lane(LaneKind::Task, label, Some(proc));
            if i == 0 {
                first_task_lane = lane.index();
            }
            // A task created later (`create_task` after a while) joins the queue then.
            let start = m.plan.tasks[i].start;
            if start > Micros::ZERO {
                m.timer(start, n + i);
            } else {
                m.set_lane(lane, Some((State::Ready, Some(task))));
                m.board.push_ready(task);
            }
        }
        let coros = m
            .plan
            .tasks
            .iter()
            .map(|t| Coro {
                // Under the eager factory `main()` creates each task once the one before it
                // has reached its first await: it is created when it starts.
                created: t.start == Micros::ZERO && !m.params.eager_tasks,
                at_start: t.start == Micros::ZERO,
                queued: t.start == Micros::ZERO,
                ..Coro::default()
            })
            .collect();
        let driver = Loop {
            coros,
            current: None,
            blocking: None,
            loop_lane,
            first_task_lane,
            done: 0,
            exec: None,
            debt_ns: 0,
            permits: m.params.semaphore.map(|limit| Permits {
                limit,
                taken: 0,
                waiting: std::collections::VecDeque::new(),
            }),
            eager: m.params.eager_tasks,
            at_start_left: at_start,
            announced: at_start == 0,
            failure: None,
            orphans: 0,
        };
        (driver, proc)
    }

    /// Sends the steps `exec` takes to it from now on.
    pub(crate) fn with_executor(mut self, exec: impl Behind + 'static) -> Loop {
        self.exec = Some(Box::new(exec));
        self
    }

    fn task_lane(&self, task: TaskId) -> LaneId {
        LaneId::new(self.first_task_lane + task.index())
    }

    fn show(&self, m: &mut Machine, task: TaskId, state: Option<State>) {
        m.set_lane(self.task_lane(task), state.map(|s| (s, Some(task))));
    }

    /// A task's awaited result (a timer or the pool) is in: it joins the ready queue.
    fn make_ready(&mut self, m: &mut Machine, task: TaskId, kind: EventKind) {
        m.board.push_ready(task);
        self.coros[task.index()].queued = true;
        self.show(m, task, Some(State::Ready));
        let step = self.coros[task.index()]
            .next
            .checked_sub(1)
            .map(StepId::new);
        m.emit(kind, Some(task), Some(self.task_lane(task)), step, None);
        m.unpark(LOOP_THREAD);
    }

    /// Task `c` gives control back to the loop (an await, a call handed away, a permit to
    /// wait for, or its end): with eager tasks, `main()` goes on once every task it created
    /// at the start has done so.
    fn suspended(&mut self, c: TaskId) {
        let coro = &mut self.coros[c.index()];
        if !std::mem::replace(&mut coro.suspended, true) && coro.at_start && self.at_start_left > 0
        {
            self.at_start_left -= 1;
        }
    }

    /// What the loop thread does next.
    fn loop_next(&mut self, m: &mut Machine) -> Action {
        let lane = Some(self.loop_lane);
        m.board.set_loop_busy(false);
        if let Some((task, step)) = self.blocking.take() {
            // The call returned: the coroutine goes on, and the loop can move again.
            self.show(m, task, Some(State::Running));
            m.set_lane(self.loop_lane, Some((State::Running, Some(task))));
            m.emit(EventKind::IoDone, Some(task), lane, Some(step), None);
        }
        loop {
            let Some(c) = self.current else {
                // After an exception, the step that cancels the others may be due, or the
                // loop may be blocked shutting a pool down.
                if let Some(action) = self.on_failure(m) {
                    return action;
                }
                // `main()` reaches the line after its `create_task` calls: at once when tasks
                // are lazy, once each has run to its first await when they are eager.
                if !self.announced && (!self.eager || self.at_start_left == 0) {
                    self.announced = true;
                    m.set_lane(self.loop_lane, Some((State::Running, None)));
                    m.emit(EventKind::TasksCreated, None, lane, None, None);
                }
                // Between two tasks the loop does its own bookkeeping for the steps it ran.
                if self.debt_ns >= 1_000 {
                    let work = Micros(self.debt_ns / 1_000);
                    self.debt_ns %= 1_000;
                    m.set_lane(self.loop_lane, Some((State::Running, None)));
                    return Action::Overhead { work };
                }
                if let Some(c) = m.board.pop_ready() {
                    self.popped();
                    let coro = &mut self.coros[c.index()];
                    coro.queued = false;
                    coro.created = true;
                    if coro.cancelled {
                        // `CancelledError` is thrown in at its await (or at its start): it
                        // ends there, and gives back any permit it held.
                        self.debt_ns += LOOP_STEP_NS;
                        self.done += 1;
                        let held = coro.permitted && self.permits.is_some();
                        if let (true, Some(p)) = (held, self.permits.as_mut()) {
                            p.taken -= 1;
                        }
                        self.show(m, c, None);
                        m.finish_cancelled(c, lane);
                        continue;
                    }
                    let kind = if coro.started {
                        EventKind::Resume
                    } else {
                        EventKind::TaskStart
                    };
                    // Under the eager factory a task's first step runs inside `create_task`
                    // and skips a turn of the loop.
                    let first_eager = self.eager && !coro.started && coro.at_start;
                    coro.started = true;
                    self.debt_ns += if first_eager {
                        EAGER_FIRST_STEP_NS
                    } else {
                        LOOP_STEP_NS
                    };
                    let step = coro
                        .next
                        .min(m.plan.tasks[c.index()].steps.len().saturating_sub(1));
                    self.current = Some(c);
                    self.show(m, c, Some(State::Running));
                    m.set_lane(self.loop_lane, Some((State::Running, Some(c))));
                    m.emit(kind, Some(c), lane, Some(StepId::new(step)), None);
                    // `async with semaphore:` first: a task with no permit free waits.
                    if let Some(p) = self.permits.as_mut() {
                        if !self.coros[c.index()].permitted {
                            if p.taken < p.limit {
                                p.taken += 1;
                                self.coros[c.index()].permitted = true;
                            } else {
                                p.waiting.push_back(c);
                                self.current = None;
                                self.suspended(c);
                                self.show(m, c, Some(State::WaitingPermit));
                                m.set_lane(self.loop_lane, Some((State::Running, None)));
                                m.emit(EventKind::PermitWait, Some(c), lane, None, None);
                            }
                        }
                    }
                    continue;
                }
                if self.done == self.coros.len() {
                    if self.orphans > 0 {
                        // After an exception: the calls already running in the pool cannot
                        // be stopped, and the program ends only once they return.
                        m.set_lane(self.loop_lane, Some((State::Idle, None)));
                        return Action::Park {
                            state: Some(State::Idle),
                            announce: None,
                        };
                    }
                    if self.failure.is_some() {
                        m.end_program();
                    }
                    return Action::Exit;
                }
                return Action::Park {
                    state: Some(State::Idle),
                    announce: Some((EventKind::LoopIdle, None)),
                };
            };
            let j = self.coros[c.index()].next;
            let Some(&step) = m.plan.tasks[c.index()].steps.get(j) else {
                self.current = None;
                // Ended without an await: under the eager factory, still inside `create_task`.
                let inside_create = self.eager && !self.coros[c.index()].suspended;
                self.suspended(c);
                self.done += 1;
                self.show(m, c, None);
                // The loop thread goes on running the loop itself, with no task, or, after the
                // last task, `asyncio.run` returns.
                let after = (self.done < self.coros.len()).then_some((State::Running, None));
                m.set_lane(self.loop_lane, after);
                m.finish_task(c, lane);
                // Leaving `async with`: the permit goes to the first waiter.
                if let Some(p) = self.permits.as_mut() {
                    p.taken -= 1;
                    if let Some(w) = p.waiting.pop_front() {
                        p.taken += 1;
                        self.coros[w.index()].permitted = true;
                        self.make_ready(m, w, EventKind::PermitGet);
                    }
                }
                if m.plan.tasks[c.index()].raises && self.failure.is_none() {
                    self.fail(m, c, inside_create);
                }
                continue;
            };
            self.coros[c.index()].next += 1;
            let (task, stepi, dur) = (Some(c), Some(StepId::new(j)), step.dur);
            match (step.kind, self.exec.as_mut().filter(|e| e.takes(step.kind))) {
                (_, Some(exec)) => {
                    exec.submit(m, Chunk::step(c, StepId::new(j)));
                    self.coros[c.index()].away = true;
                    self.current = None;
                    self.suspended(c);
                    self.show(m, c, Some(State::WaitingIo));
                    m.emit(EventKind::Submit, task, lane, stepi, Some(dur));
                }
                (StepKind::Cpu | StepKind::NativeCpu, None) => {
                    m.board.set_loop_busy(true);
                    let python = step.kind == StepKind::Cpu;
                    return Action::Compute {
                        python,
                        task,
                        step: stepi,
                        work: dur,
                        state: State::Running,
                        announce: if python {
                            EventKind::Compute
                        } else {
                            EventKind::Native
                        },
                    };
                }
                (StepKind::BlockingIo, _) => {
                    m.board.set_loop_busy(true);
                    self.blocking = Some((c, StepId::new(j)));
                    self.show(m, c, Some(State::Blocked));
                    return Action::Sleep {
                        task,
                        step: stepi,
                        dur,
                        state: State::Blocked,
                        announce: EventKind::BlockingCall,
                        io: false,
                    };
                }
                (StepKind::AwaitIo, _) => {
                    // A real wait sets a timer, which costs the loop more than a bare yield
                    // (`sleep(0)`); the timer fires as late as the OS wakes the loop's thread.
                    if dur > Micros::ZERO {
                        self.debt_ns += LOOP_TIMER_NS;
                    }
                    let until = m.now + dur + WAKE_UP_LATE;
                    self.coros[c.index()].io = Some(m.board.io_add(c, until));
                    m.timer(until, c.index());
                    self.current = None;
                    self.suspended(c);
                    self.show(m, c, Some(State::WaitingIo));
                    m.emit(EventKind::Await, task, lane, stepi, Some(dur));
                }
            }
        }
    }
}

impl Driver for Loop {
    fn next(&mut self, m: &mut Machine, t: ThreadId) -> Action {
        if t == LOOP_THREAD {
            return self.loop_next(m);
        }
        loop {
            let exec = self
                .exec
                .as_mut()
                .filter(|e| e.owns(t))
                .expect("only an executor's workers share the loop's machine");
            match exec.next(m, t) {
                Outcome::Act(action) => return action,
                Outcome::Done(chunk) => {
                    let task = chunk.first();
                    if self.coros[task.index()].orphan {
                        self.orphan_returned(m, task);
                        continue;
                    }
                    self.coros[task.index()].away = false;
                    self.make_ready(m, task, EventKind::ResultBack)
                }
            }
        }
    }

    fn timer(&mut self, m: &mut Machine, token: usize) {
        let n = self.coros.len();
        if token >= n {
            // A task created now joins the ready queue.
            self.coros[token - n].created = true;
            self.make_ready(m, TaskId::new(token - n), EventKind::TaskSubmit);
            return;
        }
        let task = TaskId::new(token);
        if let Some(key) = self.coros[token].io.take() {
            m.board.io_remove(key);
        }
        self.make_ready(m, task, EventKind::Wake);
    }
}
