//! Bounded memory: before simulating, an estimate of a run's events and lanes, turned into
//! bytes and refused when over budget with a message naming what to reduce; while
//! simulating, the machine stops a run whose records pass the same budget.
//!
//! Architecture invariant: any scenario inside the caps of `plan.rs` either simulates within
//! `MEMORY_BUDGET` (all its models together) or is refused before its first event.

use super::error::ScenarioError;
use super::model::{dispatch, ModelId, ModelParams, Pickling, OS_QUANTUM};
use super::plan::Plan;
use super::scenario::StepKind;
use super::time::{grouped, Bytes};

/// What one run may hold: a sixth of 256 MB (of a 4 GB wasm heap), as when there were six
/// models, so that every scenario that fitted then fits now.
pub const RUN_BUDGET: usize = 256_000_000 / 6;
/// The memory all the runs of one scenario may hold: a scenario compares at most every
/// model once (about 341 MB for eight).
pub const MEMORY_BUDGET: usize = RUN_BUDGET * ModelId::ALL.len();
/// The most events one run may record, whatever its memory.
pub const MAX_EVENTS: usize = 500_000;
/// The most timed waits of GIL waiters one run may wake. Each thread waiting for the GIL
/// wakes every switch interval to check (as CPython's `take_gil` does), so 10,000 CPU-bound
/// threads wake 2 million times a second of their work; simulating a million wake-ups takes
/// about half a second natively and two in a browser.
pub const MAX_GIL_WAKES: u64 = 1_000_000;
/// Bytes one event costs at most on average: the event (48), its snapshot diff (a mask and
/// the parts that changed, ~40 on average and 400 at most) and its lane changes (~24); the
/// keyframes every 32 events add a full snapshot (<= 400) shared by 32 events.
pub const EVENT_BYTES: u64 = 160;
/// Bytes one lane costs: its row, label, open segment and change log.
pub const LANE_BYTES: u64 = 160;
/// Bytes one task costs in a trace: its name, latency and finish time.
pub const TASK_BYTES: u64 = 120;

/// How a model will load the machine, for the estimate.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Load {
    /// OS threads that may want a core at once (loop, pool threads, worker processes).
    pub threads: usize,
    /// Threads that share one GIL (0 or 1 where no GIL is contended).
    pub gil_threads: usize,
    /// Worker processes that start up and pickle.
    pub processes: usize,
    /// Arguments and results are pickled for every CPU step (an executor behind a loop),
    /// not once per task (a pool).
    pub pickle_per_cpu_step: bool,
    /// Timeline rows besides the cores.
    pub lanes: usize,
    /// Of `threads`, those that only pickle and dispatch for a pool (its parent's feeder):
    /// they want a core only while the parent works, not for the workers' whole run.
    pub helpers: usize,
    /// An event loop hands every step but its awaits to worker threads (`to_thread`).
    pub offloads: bool,
}

/// A run's expected size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Estimate {
    /// Events it will record, at most about.
    pub events: u64,
    /// Timeline rows.
    pub lanes: u64,
    /// Bytes of records.
    pub bytes: u64,
    /// Timed waits of GIL waiters it will wake, about.
    pub gil_wakes: u64,
}

/// Estimates a run. Forced GIL switches every switch interval and OS time slices on
/// oversubscribed cores are the only things that multiply events beyond a few per step,
/// task and process; both are counted from the work that causes them, start-up and
/// pickling included.
pub(crate) fn estimate(plan: &Plan, params: &ModelParams, load: Load) -> Estimate {
    let steps = plan.steps().count() as u64;
    let tasks = plan.tasks.len() as u64;
    // Per task also: a raise, or a cancellation and the end it brings; `main()` creating the
    // tasks is one event a run.
    let mut events = 8 * steps + 8 * tasks + 4 * load.processes as u64 + 1;
    // A process pool's jobs (chunks of tasks, or the CPU steps a loop sends) each add the
    // parent's pickling and dispatch, the worker's unpickling and pickling back, the parent's
    // unpickling, and a core given over: six more events a job, counted per task.
    let jobs: u64 = if load.processes == 0 {
        0
    } else if load.pickle_per_cpu_step {
        plan.steps().filter(|s| s.kind.is_compute()).count() as u64
    } else {
        tasks
    };
    events += 6 * jobs;
    // A step sent to a worker thread adds its hand-over and return, the loop's resumption,
    // and the thread's own core and GIL events.
    if load.offloads {
        let sent = plan.steps().filter(|s| s.kind != StepKind::AwaitIo).count() as u64;
        events += 12 * sent;
    }
    let sum = |kinds: &[StepKind]| -> Vec<u64> {
        plan.tasks
            .iter()
            .map(|t| {
                t.steps
                    .iter()
                    .filter(|s| kinds.contains(&s.kind))
                    .map(|s| s.dur.0)
                    .sum()
            })
            .collect()
    };
    // GIL contention needs two threads wanting Python; the longest task can run alone.
    let mut gil_wakes = 0;
    if load.gil_threads > 1 {
        let python = sum(&[StepKind::Cpu]);
        let rest = python.iter().sum::<u64>() - python.iter().max().copied().unwrap_or(0);
        let intervals = rest / params.switch.0.max(1);
        events += 8 * intervals;
        // While the work lasts, every other thread that still has Python to run waits and
        // wakes once an interval; with one thread a task, about half of them at a time.
        let contenders = (python.iter().filter(|&&p| p > 0).count() as u64)
            .min(load.gil_threads as u64)
            .saturating_sub(1);
        gil_wakes = intervals * contenders.div_ceil(2);
    }
    // Time slices need more runnable threads than cores; every microsecond of core work
    // counts, start-up and pickling too. Where only a pool's feeder is the one too many, it
    // takes a core away only while it works: the parent's pickling and dispatch.
    let workers_fit = load.threads.saturating_sub(load.helpers) <= params.cores;
    if load.threads > params.cores {
        let compute: u64 = sum(&[StepKind::Cpu, StepKind::NativeCpu]).iter().sum();
        let startup = load.processes as u64 * params.startup.0;
        let pickling: u64 = if load.processes > 0 {
            plan.tasks
                .iter()
                .map(|t| {
                    let jobs = if load.pickle_per_cpu_step {
                        t.steps.iter().filter(|s| s.kind.is_compute()).count() as u64
                    } else {
                        1
                    };
                    // Each payload is pickled on one side and unpickled on the other.
                    let both = |b| {
                        params.pickle_time(b, t.payload, Pickling::Dump).0
                            + params.pickle_time(b, t.payload, Pickling::Load).0
                    };
                    jobs * (both(t.send) + both(t.recv))
                })
                .sum()
        } else {
            0
        };
        let dispatch = jobs * dispatch(1).0;
        let contended = if workers_fit {
            // The helpers' slices, each taking a worker's core and giving it back: the
            // feeder's pickling and dispatch, twice over for the unpickling of results, an
            // event loop's own work (20 us a step, well above what it measured), and
            // start-up while workers boot.
            2 * (pickling + dispatch) + startup + 20 * steps
        } else {
            compute + startup + pickling + dispatch
        };
        events += 4 * contended / OS_QUANTUM.0;
    }
    let lanes = (load.lanes + params.cores) as u64;
    Estimate {
        gil_wakes,
        events,
        lanes,
        bytes: events * EVENT_BYTES + lanes * LANE_BYTES + tasks * TASK_BYTES,
    }
}

/// Refuses, before simulating, a run whose estimate passes `MAX_EVENTS` or `RUN_BUDGET`.
pub(crate) fn check(estimate: Estimate, params: &ModelParams) -> Result<(), ScenarioError> {
    check_time(estimate, params)?;
    let what = "use fewer tasks, fewer workers or cores, or shorter steps";
    if estimate.bytes > RUN_BUDGET as u64 {
        return Err(ScenarioError::new(
            "scenario",
            format!(
                "too large to simulate under {}: about {} of memory (the limit is {}); {what}",
                params.id,
                Bytes(estimate.bytes),
                Bytes(RUN_BUDGET as u64)
            ),
        ));
    }
    Ok(())
}

/// Refuses, before simulating, a run whose estimate passes `MAX_EVENTS` or `MAX_GIL_WAKES`:
/// what bounds a run's time, which a run for its statistics only is held to as well.
pub(crate) fn check_time(estimate: Estimate, params: &ModelParams) -> Result<(), ScenarioError> {
    let what = "use fewer tasks, fewer workers or cores, or shorter steps";
    if estimate.events > MAX_EVENTS as u64 {
        return Err(ScenarioError::new(
            "scenario",
            format!(
                "too large to simulate under {}: about {} events (the limit is {MAX_EVENTS}); {what}",
                params.id, estimate.events
            ),
        ));
    }
    if estimate.gil_wakes > MAX_GIL_WAKES {
        return Err(ScenarioError::new(
            "scenario",
            format!(
                "too slow to simulate under {}: its threads waiting for the GIL would wake about {} times (the limit is {}); use fewer threads (workers) or less CPU work",
                params.id,
                grouped(estimate.gil_wakes),
                grouped(MAX_GIL_WAKES)
            ),
        ));
    }
    Ok(())
}
