//! The consistency checker: for every event of a trace, what its narration claims must be
//! what its snapshot shows. Who runs, who holds or waits for the GIL, who is ready, who
//! waits on I/O, what the event's lane and the cores show, and that the loop is frozen exactly while a
//! call that cannot yield (a blocking call, or a step with no `await`) runs on it and other
//! tasks are ready. Tests run it over every lesson and over random scenarios.

use super::ids::{LaneId, TaskId};
use super::models::descriptor;
use super::models::descriptor::Shape;
use super::snapshot::SNAPSHOT_CAP;
use super::trace::{EventKind, LaneKind, Outcome, State, Trace};

/// Every disagreement between an event and its snapshot, as "event N (kind): what".
pub fn check(trace: &Trace) -> Vec<String> {
    let mut problems = Vec::new();
    let gil = !matches!(
        descriptor(trace.model).shape,
        Shape::ThreadPool { gil: false }
    );
    let mut loop_busy = false;
    let cores: Vec<LaneId> = (0..trace.lanes.len())
        .map(LaneId::new)
        .filter(|&l| trace.lane(l).kind == LaneKind::Core)
        .collect();
    let workers: Vec<LaneId> = (0..trace.lanes.len())
        .map(LaneId::new)
        .filter(|&l| {
            matches!(
                trace.lane(l).kind,
                LaneKind::Thread | LaneKind::Process | LaneKind::Interpreter
            )
        })
        .collect();
    for (i, snap) in trace.snapshots.iter().enumerate() {
        let e = &trace.events[i];
        let mut fail = |what: String| {
            problems.push(format!(
                "event {i} ({} at {}): {what}",
                e.kind.label(),
                e.time
            ))
        };
        let on_loop = e.lane.is_some_and(|l| trace.lane(l).kind == LaneKind::Loop);
        // The machine's own events on the loop's thread (the GIL it shares with the pool's
        // feeder, the OS's cores) say nothing about what the loop is running.
        let machine_event = matches!(
            e.kind,
            EventKind::GilRequest
                | EventKind::GilAcquire
                | EventKind::GilDropRequest
                | EventKind::GilDrop
                | EventKind::GilRelease
                | EventKind::Preempt
                | EventKind::Dispatch
        );
        if on_loop && !machine_event {
            loop_busy = matches!(
                e.kind,
                EventKind::BlockingCall
                    | EventKind::Compute
                    | EventKind::Native
                    | EventKind::ShutdownWait
            );
        }
        // Cancelling is the loop's own work, once it is free to do it.
        if e.kind == EventKind::Cancel {
            loop_busy = false;
        }
        let frozen = loop_busy && snap.ready_len > 0;
        if snap.loop_frozen != frozen {
            fail(format!(
                "the loop is drawn {} but {}",
                if snap.loop_frozen { "frozen" } else { "free" },
                if frozen {
                    "a call that cannot yield runs while tasks are ready"
                } else {
                    "nothing that blocks it runs with tasks ready"
                }
            ));
        }
        if snap.running_len <= SNAPSHOT_CAP {
            let mut on_cores: Vec<TaskId> = cores
                .iter()
                .filter_map(|&l| trace.lane_state(l, i))
                .filter_map(|(_, task)| task)
                .collect();
            let mut running = snap.running.clone();
            on_cores.sort();
            running.sort();
            if on_cores != running {
                fail(format!(
                    "the cores show {on_cores:?} at work but {running:?} are running"
                ));
            }
        }
        // A thread or process drawn running is on a core (checked where the lanes are few).
        if snap.running_len <= SNAPSHOT_CAP && workers.len() <= 64 {
            for &l in &workers {
                if let Some((State::Running | State::Pickling, Some(task))) = trace.lane_state(l, i)
                {
                    if !snap.running.contains(&task) {
                        fail(format!(
                            "{} is drawn running {} but is on no core",
                            trace.lane(l).label,
                            trace.task_name(task)
                        ));
                    }
                }
            }
        }
        let lane_state = e.lane.and_then(|l| trace.lane_state(l, i));
        let lane_kind = e.lane.map(|l| trace.lane(l).kind);
        let mut lane_is = |want: State| {
            if lane_state.map(|(s, _)| s) != Some(want) {
                fail(format!(
                    "its lane shows {lane_state:?}, not {}",
                    want.label()
                ));
            }
        };
        match e.kind {
            // A pool thread's start is recorded once it has started, ready for work.
            EventKind::Spawn if lane_kind == Some(LaneKind::Thread) => {}
            EventKind::Compute | EventKind::Native | EventKind::Spawn => {
                lane_is(if e.kind == EventKind::Spawn {
                    State::Starting
                } else {
                    State::Running
                })
            }
            EventKind::PickleSend
            | EventKind::UnpickleArgs
            | EventKind::PickleRecv
            | EventKind::UnpickleResult => lane_is(State::Pickling),
            EventKind::ServerStart => lane_is(State::Starting),
            EventKind::IoWait => lane_is(State::WaitingIo),
            EventKind::BlockingCall => lane_is(State::Blocked),
            EventKind::GilRequest | EventKind::GilDrop => lane_is(State::WaitingGil),
            EventKind::Preempt => lane_is(State::Ready),
            EventKind::LoopIdle => lane_is(State::Idle),
            EventKind::TaskStart | EventKind::Resume | EventKind::IoDone if on_loop => {
                lane_is(State::Running)
            }
            _ => {}
        }
        let Some(t) = e.task else {
            if e.kind == EventKind::LoopIdle && snap.ready_len > 0 {
                fail("the loop idles with tasks ready".into());
            }
            continue;
        };
        let name = trace.task_name(t);
        let running = listed(&snap.running, snap.running_len, t);
        let ready = listed(&snap.ready, snap.ready_len, t);
        let io_tasks: Vec<TaskId> = snap.io_waiters.iter().map(|&(t, _)| t).collect();
        let io = listed(&io_tasks, snap.io_len, t);
        let waits_gil = listed(&snap.gil_waiters, snap.gil_waiters_len, t);
        let holds_gil = listed(&snap.gil_holders, snap.gil_holders_len, t);
        let lane_shows_it = lane_state.is_some_and(|(_, task)| task == Some(t));
        let mut want = |ok: Option<bool>, what: &str| {
            if ok == Some(false) {
                fail(format!("{name} {what}"));
            }
        };
        match e.kind {
            EventKind::TaskStart | EventKind::Resume => {
                want(ready.map(|r| !r), "is still in the ready queue");
                want(io.map(|w| !w), "still waits on I/O");
            }
            // A cancelled task's call may still run in a pool: only its own lane is clear.
            EventKind::TaskFinish if trace.outcome(t) == Outcome::Cancelled => {
                want(Some(!lane_shows_it), "is still shown at work on its lane");
                want(ready.map(|r| !r), "is still ready");
            }
            EventKind::TaskFinish | EventKind::Raise => {
                want(Some(!lane_shows_it), "is still shown at work on its lane");
                want(running.map(|r| !r), "is still running");
                want(ready.map(|r| !r), "is still ready");
                want(io.map(|w| !w), "still waits on I/O");
                want(waits_gil.map(|w| !w), "still waits for the GIL");
                want(holds_gil.map(|h| !h), "still holds a GIL");
            }
            EventKind::Compute => {
                want(running, "is not running");
                if gil {
                    want(holds_gil, "runs Python without holding the GIL");
                }
            }
            EventKind::Native => {
                want(running, "is not running");
                want(
                    holds_gil.map(|h| !h),
                    "holds the GIL in code that releases it",
                );
            }
            // Pickling runs on a core, the pickle module's C code holding its interpreter's
            // GIL; the task it concerns may be waiting, running elsewhere, or done.
            EventKind::PickleSend
            | EventKind::UnpickleArgs
            | EventKind::PickleRecv
            | EventKind::UnpickleResult => {}
            EventKind::TaskSubmit => {
                want(running.map(|r| !r), "is already running");
            }
            EventKind::Dispatch => want(running, "is not running"),
            EventKind::Preempt => want(running.map(|r| !r), "is still running"),
            EventKind::Await | EventKind::IoWait => {
                want(io, "is not listed as waiting on I/O");
                want(running.map(|r| !r), "is still running");
                want(holds_gil.map(|h| !h), "holds the GIL while it waits");
            }
            EventKind::BlockingCall => {
                want(io.map(|w| !w), "is listed as waiting on I/O, but the selector does not know about a blocking call");
                want(running.map(|r| !r), "is drawn running while it blocks");
            }
            EventKind::IoDone => want(io.map(|w| !w), "still waits on I/O"),
            EventKind::PermitWait => {
                want(running.map(|r| !r), "is still running");
                want(ready.map(|r| !r), "is still ready");
            }
            EventKind::Wake | EventKind::ResultBack | EventKind::PermitGet | EventKind::Cancel => {
                want(ready, "is not in the ready queue");
                want(io.map(|w| !w), "still waits on I/O");
            }
            EventKind::Submit => {
                want(running.map(|r| !r), "is still running on the loop");
                want(ready.map(|r| !r), "is still ready");
            }
            EventKind::GilRequest | EventKind::GilDropRequest => {
                want(waits_gil, "does not wait for the GIL");
                want(running.map(|r| !r), "runs while it waits for the GIL");
            }
            EventKind::GilDrop => {
                want(holds_gil.map(|h| !h), "still holds the GIL");
                want(waits_gil, "does not wait for the GIL again");
                want(running.map(|r| !r), "is still running");
            }
            EventKind::GilRelease => want(holds_gil.map(|h| !h), "still holds the GIL"),
            EventKind::GilAcquire => {
                want(holds_gil, "does not hold the GIL");
                want(waits_gil.map(|w| !w), "still waits for the GIL");
                want(
                    Some(lane_shows_it && lane_state.map(|(s, _)| s) != Some(State::WaitingGil)),
                    "is not shown taking the GIL on its lane",
                );
            }
            EventKind::LoopIdle
            | EventKind::Spawn
            | EventKind::ServerStart
            | EventKind::ProcessReady
            | EventKind::TasksCreated
            | EventKind::ShutdownWait => {}
        }
    }
    problems
}

/// Whether `t` is in a capped list: `Some(true/false)` when the list is whole, `None` when
/// it was cut at `SNAPSHOT_CAP` and `t` is not among those kept.
fn listed(list: &[TaskId], len: usize, t: TaskId) -> Option<bool> {
    if list.contains(&t) {
        Some(true)
    } else if len <= SNAPSHOT_CAP {
        Some(false)
    } else {
        None
    }
}
