//! The simulated computer every model runs on: processes, OS threads, cores, one GIL per
//! interpreter, and the main loop that pops wake-ups and asks a model's `Driver` what each
//! thread does next.
//!
//! Architecture invariant: the machine knows nothing about asyncio or pools. A model is a
//! `Driver` that answers "what does this thread do now?"; the machine decides when it can
//! (GIL, free core) and records what happened. The GIL rules are in `gil.rs`, the core
//! scheduler in `cores.rs`.

use super::engine::{Queue, Wake};
use super::record::{Board, IoKey, Recorder};
use super::scenario::ScenarioError;
use super::time::Micros;
use super::trace::{LaneKind, State};
use super::validate::{Params, Plan, MAX_EVENTS};
use std::collections::VecDeque;

/// What a driver tells a thread to do next.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Action {
    /// Use a core for `work`; `python` work also needs the process's GIL.
    /// `state` is how the lane shows it (running, starting or pickling).
    Compute {
        python: bool,
        task: Option<usize>,
        step: Option<usize>,
        work: Micros,
        state: State,
    },
    /// Wait `dur` without a core or the GIL, shown as `state` (waiting for I/O, or blocked).
    Sleep {
        task: Option<usize>,
        step: Option<usize>,
        dur: Micros,
        state: State,
    },
    /// Wait until the driver unparks this thread, shown as `state` (or as nothing).
    Park { state: Option<State> },
    /// The thread is done for good.
    Exit,
}

/// A model: decides what each thread does and reacts to its own timers.
pub(crate) trait Driver {
    /// Thread `thread` finished what it was doing (or was unparked): what now?
    fn next(&mut self, m: &mut Machine, thread: usize) -> Action;
    /// A timer the driver scheduled with `Machine::timer` went off.
    fn timer(&mut self, m: &mut Machine, token: usize);
}

/// Where a thread is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Parked,
    Sleeping,
    WantGil,
    Handoff,
    WantCore,
    OnCore(usize),
    Exited,
}

/// A compute action in progress.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Work {
    pub task: Option<usize>,
    pub step: Option<usize>,
    pub remaining: Micros,
    pub state: State,
}

/// One OS thread.
pub(crate) struct Thread {
    pub proc: usize,
    pub lane: usize,
    pub phase: Phase,
    pub work: Option<Work>,
    /// Bumped whenever a scheduled completion becomes stale.
    pub ver: u64,
    /// When the current stretch on a core began.
    pub run_start: Micros,
    /// When the thread began waiting for the GIL, for the statistics.
    pub gil_since: Option<Micros>,
    pub io_key: Option<IoKey>,
}

/// One interpreter; `gil` is `None` in a free-threaded build.
pub(crate) struct Proc {
    pub gil: Option<super::gil::Gil>,
    /// How many threads live here; GIL events are only worth narrating with two or more.
    pub threads: usize,
}

/// One core.
#[derive(Default)]
pub(crate) struct Core {
    pub lane: usize,
    pub occupant: Option<usize>,
    pub busy_since: Micros,
    pub busy: Micros,
    pub ver: u64,
    /// The `ver` for which a time-slice end is already scheduled.
    pub quantum_ver: Option<u64>,
}

/// The simulated computer.
pub(crate) struct Machine<'p> {
    pub plan: &'p Plan,
    pub params: &'p Params,
    pub now: Micros,
    pub(crate) queue: Queue,
    pub threads: Vec<Thread>,
    pub procs: Vec<Proc>,
    pub cores: Vec<Core>,
    pub(crate) run_queue: VecDeque<usize>,
    pub board: Board,
    pub rec: Recorder,
    pub gil_wait: Micros,
}

impl<'p> Machine<'p> {
    /// An empty machine for one run.
    pub fn new(plan: &'p Plan, params: &'p Params) -> Machine<'p> {
        let mut rec = Recorder::default();
        rec.finished = vec![None; plan.tasks.len()];
        Machine {
            plan,
            params,
            now: Micros::ZERO,
            queue: Queue::default(),
            threads: Vec::new(),
            procs: Vec::new(),
            cores: Vec::new(),
            run_queue: VecDeque::new(),
            board: Board::default(),
            rec,
            gil_wait: Micros::ZERO,
        }
    }

    /// Adds an interpreter, with or without a GIL.
    pub fn add_proc(&mut self, with_gil: bool) -> usize {
        let gil = with_gil.then(super::gil::Gil::default);
        self.procs.push(Proc { gil, threads: 0 });
        self.procs.len() - 1
    }

    /// Adds a thread to `proc`, drawn on `lane`.
    pub fn add_thread(&mut self, proc: usize, lane: usize) -> usize {
        self.procs[proc].threads += 1;
        self.threads.push(Thread {
            proc,
            lane,
            phase: Phase::Parked,
            work: None,
            ver: 0,
            run_start: Micros::ZERO,
            gil_since: None,
            io_key: None,
        });
        self.threads.len() - 1
    }

    /// Adds the core lanes; call once, after the model's own lanes.
    pub fn add_cores(&mut self) {
        for i in 0..self.params.cores {
            let lane = self
                .rec
                .add_lane(LaneKind::Core, format!("core {}", i + 1), None);
            self.cores.push(Core {
                lane,
                ..Core::default()
            });
        }
    }

    /// Schedules a driver timer.
    pub fn timer(&mut self, at: Micros, token: usize) {
        self.queue.push(at, Wake::Timer { token });
    }

    /// Wakes a parked thread (after everything else due now).
    pub fn unpark(&mut self, thread: usize) {
        if self.threads[thread].phase == Phase::Parked {
            self.queue.push(self.now, Wake::Unpark { thread });
        }
    }

    /// Runs the driver until nothing is left to happen.
    pub fn run<D: Driver>(&mut self, driver: &mut D) -> Result<(), ScenarioError> {
        for t in 0..self.threads.len() {
            self.advance(driver, t);
        }
        while let Some((at, wake)) = self.queue.pop() {
            if at > self.now {
                // The instant is over: whatever the last event set in motion has settled.
                self.settle_snapshot();
            }
            self.now = at;
            match wake {
                Wake::WorkDone { thread, ver } if self.threads[thread].ver == ver => {
                    self.advance(driver, thread)
                }
                Wake::SleepDone { thread, ver } if self.threads[thread].ver == ver => {
                    if let Some(key) = self.threads[thread].io_key.take() {
                        self.board.io_remove(key);
                    }
                    self.advance(driver, thread)
                }
                Wake::Quantum { core, ver } => self.quantum(core, ver),
                Wake::GilTimer { proc, ver } => self.gil_timer(proc, ver),
                Wake::Handoff { thread } => self.handoff_done(thread),
                Wake::Unpark { thread } if self.threads[thread].phase == Phase::Parked => {
                    self.advance(driver, thread)
                }
                Wake::Timer { token } => driver.timer(self, token),
                Wake::WorkDone { .. } | Wake::SleepDone { .. } | Wake::Unpark { .. } => {}
            }
            if self.rec.events.len() > MAX_EVENTS {
                return Err(ScenarioError::new(
                    "scenario",
                    format!("too large to simulate: more than {MAX_EVENTS} events; use fewer or shorter steps"),
                ));
            }
        }
        Ok(())
    }

    /// The thread finished its action (or was just started or unparked): start the next one.
    fn advance<D: Driver>(&mut self, driver: &mut D, t: usize) {
        // The finished work stays recorded until the next action replaces it, so that a
        // GIL release is narrated with the task that held it.
        let action = driver.next(self, t);
        let lane = self.threads[t].lane;
        match action {
            Action::Compute {
                python,
                task,
                step,
                work,
                state,
            } => {
                let needs_gil = python && self.procs[self.threads[t].proc].gil.is_some();
                let holds = self.holds_gil(t);
                self.threads[t].work = Some(Work {
                    task,
                    step,
                    remaining: work,
                    state,
                });
                if holds && !needs_gil {
                    self.release_gil(t);
                }
                match self.threads[t].phase {
                    Phase::OnCore(_) if !needs_gil || holds => self.start_on_core(t),
                    _ => {
                        self.release_core(t);
                        if needs_gil && !holds {
                            self.request_gil(t);
                        } else {
                            self.want_core(t);
                        }
                    }
                }
            }
            Action::Sleep {
                task,
                step,
                dur,
                state,
            } => {
                self.release_gil(t);
                self.release_core(t);
                let th = &mut self.threads[t];
                th.phase = Phase::Sleeping;
                th.ver += 1;
                th.work = Some(Work {
                    task,
                    step,
                    remaining: dur,
                    state,
                });
                let ver = th.ver;
                if let Some(task) = task {
                    self.threads[t].io_key = Some(self.board.io_add(task, self.now + dur));
                }
                self.rec.set(lane, self.now, Some((state, task)));
                self.queue
                    .push(self.now + dur, Wake::SleepDone { thread: t, ver });
            }
            Action::Park { state } => {
                self.release_gil(t);
                self.release_core(t);
                self.threads[t].phase = Phase::Parked;
                self.threads[t].work = None;
                self.rec.set(lane, self.now, state.map(|s| (s, None)));
            }
            Action::Exit => {
                self.release_gil(t);
                self.release_core(t);
                self.threads[t].phase = Phase::Exited;
                self.threads[t].work = None;
                self.rec.set(lane, self.now, None);
            }
        }
    }
}
