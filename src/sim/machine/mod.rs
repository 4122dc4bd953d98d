//! The simulated computer every model runs on: interpreters, OS threads and cores, made of
//! parts with private state (`Gil`, `Cores`, `Board`, `Recorder`) that decide and record,
//! and the main loop that pops wake-ups and asks a model's `Driver` what each thread does.
//!
//! Architecture invariants:
//! - The machine knows nothing about asyncio or pools: a model is a `Driver` that answers
//!   "what does this thread do now?"; the machine decides when it can (GIL, free core).
//! - Apply, then record: every event is recorded after the change it reports has been made,
//!   and its snapshot is cut at that moment, so the snapshot of event i is the state right
//!   after i. An action's own event (`announce`) is recorded once the action has started.
//! - None of the parts imports this file; they answer with decisions that this file turns
//!   into wake-ups and events.
//! - Memory is bounded: a run that would hold more than `RUN_BUDGET` bytes of records, or
//!   more than `MAX_EVENTS` events, stops with an error naming what to reduce.

pub(crate) mod board;
mod books;
mod cores;
mod dispatch;
mod gil;
mod holding;
mod queue;
mod recorder;

use crate::sim::budget::{MAX_EVENTS, RUN_BUDGET};
use crate::sim::error::ScenarioError;
use crate::sim::ids::{CoreId, LaneId, ProcId, StepId, TaskId, ThreadId};
use crate::sim::model::{ModelParams, OS_QUANTUM, WAKE_UP_LATE};
use crate::sim::plan::Plan;
use crate::sim::rng::Rng;
use crate::sim::snapshot::LaneState;
use crate::sim::time::{Bytes, Micros};
use crate::sim::trace::{EventKind, LaneKind, State};
use board::{Board, IoKey};
use cores::Cores;
use gil::Gil;
use queue::{Queue, Wake};
use recorder::Recorder;

/// What a driver tells a thread to do next. Each action may carry the event that announces
/// it, which the machine records once the action has been applied.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Action {
    /// Use a core for `work`; `python` work also needs the interpreter's GIL. `state` is how
    /// the lane shows it (running, starting or pickling); `announce` is recorded when the
    /// work first gets its core (and GIL).
    Compute {
        python: bool,
        task: Option<TaskId>,
        step: Option<StepId>,
        work: Micros,
        state: State,
        announce: EventKind,
    },
    /// Python work of the machinery itself (the event loop's own bookkeeping between steps):
    /// like `Compute` with no task and no event of its own.
    Overhead { work: Micros },
    /// Wait `dur` without a core or the GIL, shown as `state`, and wake `WAKE_UP_LATE` later
    /// than asked, as the OS does. With `io`, the task is listed
    /// among the I/O waiters (a blocking call inside `async def` is not: the selector does
    /// not know about it).
    Sleep {
        task: Option<TaskId>,
        step: Option<StepId>,
        dur: Micros,
        state: State,
        announce: EventKind,
        io: bool,
    },
    /// Wait until the driver unparks this thread, shown as `state` (or as nothing); the
    /// announcing event may carry the length of what the thread waits for.
    Park {
        state: Option<State>,
        announce: Option<(EventKind, Option<Micros>)>,
    },
    /// The thread is done for good.
    Exit,
}

/// A model: decides what each thread does and reacts to its own timers.
pub(crate) trait Driver {
    /// Thread `thread` finished what it was doing (or was unparked): what now?
    fn next(&mut self, m: &mut Machine, thread: ThreadId) -> Action;
    /// A timer the driver scheduled with `Machine::timer` went off.
    fn timer(&mut self, m: &mut Machine, token: usize);
}

/// Where a thread is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Parked,
    Sleeping,
    WantGil,
    Handoff,
    WantCore,
    OnCore(CoreId),
    Exited,
}

/// An action in progress.
#[derive(Clone, Copy, Debug)]
struct Work {
    task: Option<TaskId>,
    step: Option<StepId>,
    /// The whole length, for the announcing event.
    total: Micros,
    remaining: Micros,
    state: State,
    /// Recorded when the work first runs, then cleared.
    announce: Option<EventKind>,
    /// Finished: the thread is between actions, and snapshots show it doing nothing.
    done: bool,
}

/// One OS thread.
struct Thread {
    proc: ProcId,
    lane: LaneId,
    phase: Phase,
    work: Option<Work>,
    /// Bumped whenever a scheduled completion becomes stale.
    ver: u64,
    /// When the current stretch on a core began.
    run_start: Micros,
    /// When the thread began waiting for the GIL, for the statistics.
    gil_since: Option<Micros>,
    io_key: Option<IoKey>,
    /// A wake-up is already scheduled for this parked thread.
    unpark_pending: bool,
    /// It was handed the GIL but takes it only once the OS runs it on a core.
    gil_pending: bool,
    /// It will ask for the GIL once the OS runs it on a core.
    gil_wanted: bool,
}

impl Thread {
    /// The task of the current or just finished action, for the events it causes.
    fn task(&self) -> Option<TaskId> {
        self.work.and_then(|w| w.task)
    }

    /// The task the thread is working on right now, for snapshots.
    fn busy_with(&self) -> Option<TaskId> {
        self.work.filter(|w| !w.done).and_then(|w| w.task)
    }
}

/// One interpreter; `gil` is `None` in a free-threaded build.
struct Proc {
    gil: Option<Gil>,
    /// How many of the program's threads live here (helpers not counted); GIL events are
    /// only worth recording with two or more.
    threads: usize,
}

/// The simulated computer.
pub(crate) struct Machine<'p> {
    pub plan: &'p Plan,
    pub params: &'p ModelParams,
    pub now: Micros,
    pub board: Board,
    queue: Queue,
    threads: Vec<Thread>,
    procs: Vec<Proc>,
    cores: Cores,
    core_lanes: Vec<LaneId>,
    rec: Recorder,
    gil_wait: Micros,
    finished: Vec<Option<Micros>>,
    /// How each finished task ended (read with `finished`: unfinished ones never ran).
    outcome: Vec<crate::sim::trace::Outcome>,
    /// When the program ended, if after its last task (`end_program`).
    ended: Option<Micros>,
    /// Cancelled tasks whose call a pool still runs (`set_orphaned`).
    orphaned: std::collections::BTreeSet<TaskId>,
}

impl<'p> Machine<'p> {
    /// An empty machine for one run.
    pub fn new(plan: &'p Plan, params: &'p ModelParams) -> Machine<'p> {
        Machine {
            plan,
            params,
            now: Micros::ZERO,
            board: Board::default(),
            queue: Queue::default(),
            threads: Vec::new(),
            procs: Vec::new(),
            cores: Cores::new(0, OS_QUANTUM),
            core_lanes: Vec::new(),
            rec: if params.stats_only {
                Recorder::stats_only()
            } else {
                Recorder::default()
            },
            gil_wait: Micros::ZERO,
            finished: vec![None; plan.tasks.len()],
            outcome: vec![Default::default(); plan.tasks.len()],
            ended: None,
            orphaned: Default::default(),
        }
    }

    /// Adds an interpreter, with or without a GIL.
    pub fn add_proc(&mut self, with_gil: bool) -> ProcId {
        let stream = self.procs.len() as u64;
        let rng = Rng::new(self.plan.seed, stream);
        let gil = with_gil.then(|| Gil::new(self.params.switch, rng));
        self.procs.push(Proc { gil, threads: 0 });
        ProcId::new(self.procs.len() - 1)
    }

    /// Adds a timeline row.
    pub fn add_lane(&mut self, kind: LaneKind, label: String, proc: Option<ProcId>) -> LaneId {
        self.rec.add_lane(kind, label, proc.map(ProcId::index))
    }

    /// Adds a thread to `proc`, drawn on `lane`.
    pub fn add_thread(&mut self, proc: ProcId, lane: LaneId) -> ThreadId {
        self.procs[proc.index()].threads += 1;
        self.push_thread(proc, lane)
    }

    /// Adds a thread of the machinery (a process pool's feeder) to `proc`: it shares the
    /// interpreter's GIL, but the GIL's comings and goings are recorded only between the
    /// program's own threads, so an event loop's trace does not fill with them.
    pub fn add_helper_thread(&mut self, proc: ProcId, lane: LaneId) -> ThreadId {
        self.push_thread(proc, lane)
    }

    fn push_thread(&mut self, proc: ProcId, lane: LaneId) -> ThreadId {
        self.threads.push(Thread {
            proc,
            lane,
            phase: Phase::Parked,
            work: None,
            ver: 0,
            run_start: Micros::ZERO,
            gil_since: None,
            io_key: None,
            unpark_pending: false,
            gil_pending: false,
            gil_wanted: false,
        });
        ThreadId::new(self.threads.len() - 1)
    }

    /// How many threads there are.
    pub fn thread_count(&self) -> usize {
        self.threads.len()
    }

    /// The lane thread `t` is drawn on.
    pub fn lane_of(&self, t: ThreadId) -> LaneId {
        self.threads[t.index()].lane
    }

    /// Adds the core lanes; call once, after the model's own lanes.
    pub fn add_cores(&mut self) {
        self.cores = Cores::new(self.params.cores, OS_QUANTUM);
        for i in 0..self.params.cores {
            let lane = self
                .rec
                .add_lane(LaneKind::Core, format!("core {}", i + 1), None);
            self.core_lanes.push(lane);
        }
    }

    /// Shows `lane` in `state` from now on (for the lanes a driver owns, such as task lanes).
    pub fn set_lane(&mut self, lane: LaneId, state: LaneState) {
        self.rec.set(lane, self.now, state);
    }

    /// Schedules a driver timer.
    pub fn timer(&mut self, at: Micros, token: usize) {
        self.queue.push(at, Wake::Timer { token });
    }

    /// Drops every driver timer still to come: the program stopped, so nothing it scheduled
    /// (a later submit, a wake-up) happens any more.
    pub fn drop_timers(&mut self) {
        self.queue.drop_timers();
    }

    /// Whether `task` has finished (returned, raised or been cancelled).
    pub fn is_finished(&self, task: TaskId) -> bool {
        self.finished[task.index()].is_some()
    }

    /// Wakes a parked thread (after everything else due now). Returns false if it is not
    /// parked or a wake-up is already on its way.
    pub fn unpark(&mut self, t: ThreadId) -> bool {
        let th = &mut self.threads[t.index()];
        if th.phase != Phase::Parked || th.unpark_pending {
            return false;
        }
        th.unpark_pending = true;
        self.queue.push(self.now, Wake::Unpark { thread: t });
        true
    }

    /// Runs the driver until nothing is left to happen.
    pub fn run<D: Driver>(&mut self, driver: &mut D) -> Result<(), ScenarioError> {
        for t in 0..self.threads.len() {
            self.advance(driver, ThreadId::new(t));
        }
        let mut steps = 0u64;
        while let Some((at, wake)) = self.queue.pop() {
            self.now = at;
            match wake {
                Wake::WorkDone { thread, ver } if self.threads[thread.index()].ver == ver => {
                    self.work_done(thread);
                    self.advance(driver, thread)
                }
                Wake::SleepDone { thread, ver } if self.threads[thread.index()].ver == ver => {
                    if let Some(key) = self.threads[thread.index()].io_key.take() {
                        self.board.io_remove(key);
                    }
                    self.work_done(thread);
                    self.advance(driver, thread)
                }
                Wake::SliceOver { core, ver } => self.slice_over(core, ver),
                Wake::GilTimer { proc, thread, ver } => self.gil_timer(proc, thread, ver),
                Wake::Handoff { thread } => self.handoff_done(thread),
                Wake::Unpark { thread } => {
                    self.threads[thread.index()].unpark_pending = false;
                    if self.threads[thread.index()].phase == Phase::Parked {
                        self.advance(driver, thread)
                    }
                }
                Wake::Timer { token } => driver.timer(self, token),
                Wake::WorkDone { .. } | Wake::SleepDone { .. } => {}
            }
            steps += 1;
            if self.rec.event_count() > MAX_EVENTS {
                return Err(ScenarioError::new(
                    "scenario",
                    format!("too large to simulate: more than {MAX_EVENTS} events; use fewer tasks, fewer workers or shorter steps"),
                ));
            }
            if steps % 4096 == 0 && self.rec.bytes() + self.queue.bytes() > RUN_BUDGET {
                return Err(ScenarioError::new(
                    "scenario",
                    format!(
                        "too large to simulate: its records would pass {} of memory; use fewer tasks, fewer workers or shorter steps",
                        Bytes(RUN_BUDGET as u64)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The thread's action is over; it keeps its core and GIL until its next action, and
    /// until then its lane and its core's lane show nothing.
    fn work_done(&mut self, t: ThreadId) {
        let th = &mut self.threads[t.index()];
        if let Some(w) = th.work.as_mut() {
            w.done = true;
        }
        let lane = th.lane;
        self.rec.set(lane, self.now, None);
        if let Phase::OnCore(c) = th.phase {
            self.rec.set(self.core_lanes[c.index()], self.now, None);
        }
    }

    /// The thread finished its action (or was just started or unparked): start the next one.
    fn advance<D: Driver>(&mut self, driver: &mut D, t: ThreadId) {
        // The finished work stays with the thread until the next action replaces it, so that
        // a GIL release is recorded with the task that held it.
        let action = driver.next(self, t);
        let lane = self.threads[t.index()].lane;
        match action {
            Action::Compute {
                python,
                task,
                step,
                work,
                state,
                announce,
            } => {
                let work = Work {
                    task,
                    step,
                    total: work,
                    remaining: work,
                    state,
                    announce: Some(announce),
                    done: false,
                };
                self.begin_compute(t, python, work);
            }
            Action::Overhead { work } => {
                let work = Work {
                    task: None,
                    step: None,
                    total: work,
                    remaining: work,
                    state: State::Running,
                    announce: None,
                    done: false,
                };
                self.begin_compute(t, true, work);
            }
            Action::Sleep {
                task,
                step,
                dur,
                state,
                announce,
                io,
            } => {
                // The thread leaves its core and its action is recorded before the OS gives
                // the core to the next thread in line.
                let next = self.vacate_core(t);
                self.release_gil(t);
                let now = self.now;
                let th = &mut self.threads[t.index()];
                th.phase = Phase::Sleeping;
                th.ver += 1;
                th.work = Some(Work {
                    task,
                    step,
                    total: dur,
                    remaining: dur,
                    state,
                    announce: None,
                    done: false,
                });
                let ver = th.ver;
                let until = now + dur + WAKE_UP_LATE;
                if let (true, Some(task)) = (io, task) {
                    self.threads[t.index()].io_key = Some(self.board.io_add(task, until));
                }
                self.rec.set(lane, now, Some((state, task)));
                self.queue.push(until, Wake::SleepDone { thread: t, ver });
                self.emit(announce, task, Some(lane), step, Some(dur));
                self.dispatch(next);
            }
            Action::Park { state, announce } => {
                let next = self.vacate_core(t);
                self.release_gil(t);
                self.threads[t.index()].phase = Phase::Parked;
                self.threads[t.index()].work = None;
                self.rec.set(lane, self.now, state.map(|s| (s, None)));
                if let Some((kind, dur)) = announce {
                    self.emit(kind, None, Some(lane), None, dur);
                }
                self.dispatch(next);
            }
            Action::Exit => {
                let next = self.vacate_core(t);
                self.release_gil(t);
                self.threads[t.index()].phase = Phase::Exited;
                self.threads[t.index()].work = None;
                self.rec.set(lane, self.now, None);
                self.dispatch(next);
            }
        }
    }

    /// Thread `t` starts `work` on a core, with its interpreter's GIL if it is `python`.
    fn begin_compute(&mut self, t: ThreadId, python: bool, work: Work) {
        let th = &self.threads[t.index()];
        let needs_gil = python && self.procs[th.proc.index()].gil.is_some();
        let holds = self.holds_gil(t);
        // Native code releases the GIL before it starts (recorded with the finished work).
        if holds && !needs_gil {
            self.release_gil(t);
        }
        self.threads[t.index()].work = Some(work);
        match self.threads[t.index()].phase {
            Phase::OnCore(_) if !needs_gil || holds => self.start_on_core(t),
            // Running already, it asks for the GIL where it is: it keeps its core if the GIL
            // is free, and gives it up to wait otherwise.
            Phase::OnCore(_) => {
                if self.request_gil(t) {
                    self.start_on_core(t);
                }
            }
            // A thread asks for the GIL only once the OS runs it on a core.
            _ => {
                self.threads[t.index()].gil_wanted = needs_gil && !holds;
                self.want_core(t);
            }
        }
    }
}
