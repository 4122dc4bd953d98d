//! One sentence per event, in the learners' own words from `LESSONS.md`: the chef and the
//! kitchen, to-do lists sharing one desk, "I am waiting, run someone else", the loop frozen.

use super::machine::Machine;
use super::model::ModelId;
use super::time::Micros;
use super::trace::{Event, EventKind};

/// The sentence for `event`; `dur` is the length of the step or wait it starts, if any.
pub(crate) fn sentence(m: &Machine, event: &Event, dur: Option<Micros>) -> String {
    let task = event
        .task
        .map(|t| m.plan.tasks[t].name.as_str())
        .unwrap_or("the worker");
    let lane = event
        .lane
        .map(|l| m.rec.lanes[l].label.as_str())
        .unwrap_or("the machine");
    let d = dur.unwrap_or(Micros::ZERO);
    let model = m.params.id;
    let on_loop = matches!(model, ModelId::Asyncio | ModelId::Hybrid) && event.lane == Some(0);
    match event.kind {
        EventKind::TaskStart => match model {
            ModelId::Asyncio | ModelId::Hybrid => {
                format!("The loop starts task {task}: the chef picks up dish {task}.")
            }
            ModelId::Sync => format!("Task {task} starts; the others wait their turn, one thing at a time."),
            ModelId::Processes => {
                format!("{lane} starts task {task} at its own desk: a separate interpreter with its own memory and GIL.")
            }
            ModelId::Threads | ModelId::ThreadsNogil => {
                format!("{lane} picks task {task} from the to-do lists; all threads share one desk (memory).")
            }
        },
        EventKind::TaskFinish => format!("Task {task} is done, {} after the start.", event.time),
        EventKind::Compute if on_loop => format!(
            "{task} computes for {d} without awaiting: the chef is chopping non-stop and every other dish waits."
        ),
        EventKind::Compute => match model {
            ModelId::Threads => format!("{task} runs Python for {d} on {lane}; only the thread holding the GIL may do that."),
            ModelId::ThreadsNogil => format!("{task} runs Python for {d} on {lane}; there is no GIL, so threads compute in parallel."),
            _ => format!("{task} computes for {d} on {lane}."),
        },
        EventKind::Native if on_loop => {
            format!("{task} calls native code for {d}: it releases the GIL, but the loop thread is still busy, so the loop waits.")
        }
        EventKind::Native => format!(
            "{task} calls native code (like NumPy) for {d}: it releases the GIL, so other threads can run Python meanwhile."
        ),
        EventKind::Await => format!(
            "{task} awaits {d} of I/O: \"I am waiting, run someone else.\" The dish is in the oven; the chef preps the next one."
        ),
        EventKind::Wake if m.board.loop_busy => format!(
            "{task}'s I/O is done and it joins the ready queue, but the loop is busy: it has to wait."
        ),
        EventKind::Wake => format!("{task}'s I/O is done; it joins the ready queue."),
        EventKind::Resume => format!("The loop resumes {task} right after its await."),
        EventKind::LoopIdle => "Nothing is ready: the loop sleeps until the next timer, the chef waits by the oven.".to_string(),
        EventKind::BlockingCall => format!(
            "{task} makes a blocking call for {d} inside async def. It never yields: the loop is frozen and every other task waits."
        ),
        EventKind::IoWait => match model {
            ModelId::Sync => format!("{task} waits {d} for I/O; nothing else can happen meanwhile."),
            ModelId::Threads => {
                format!("{task} waits {d} for I/O on {lane}; waiting releases the GIL, so other threads can run.")
            }
            _ => format!("{task} waits {d} for I/O on {lane}."),
        },
        EventKind::IoDone if on_loop => "The blocking call returns; the loop can move again.".to_string(),
        EventKind::IoDone => format!("{task}'s wait is over."),
        EventKind::GilRequest => {
            format!("{lane} wants to run {task}'s Python, but another thread holds the GIL: it waits.")
        }
        EventKind::GilAcquire => format!("{lane} takes the GIL and runs {task}'s Python."),
        EventKind::GilDropRequest => format!(
            "{lane} has waited a switch interval ({}) for the GIL and asks the holder to drop it.",
            m.params.switch
        ),
        EventKind::GilDrop => {
            format!("{lane} drops the GIL on request and must wait until another thread has taken it.")
        }
        EventKind::GilRelease => format!("{lane} releases the GIL: {task} stops running Python for now."),
        EventKind::Preempt => {
            format!("The OS takes {lane}'s core away: more threads want to run than there are cores, so they take turns.")
        }
        EventKind::Dispatch => format!("The OS gives {lane} a core."),
        EventKind::Spawn => format!(
            "{lane} starts up: a whole new interpreter at a separate desk. That costs {d} before any work."
        ),
        EventKind::ProcessReady => format!("{lane} is ready for work."),
        EventKind::PickleSend => {
            format!("{task}'s arguments are pickled over to {lane}: {d} to copy them across the process boundary.")
        }
        EventKind::PickleRecv => format!("{task}'s result is pickled back from {lane}: {d}."),
        EventKind::Submit => format!(
            "{task} hands its {d} of CPU work to the process pool (run_in_executor) and awaits the result: the loop stays free."
        ),
        EventKind::ResultBack => format!("The pool sends back {task}'s result; {task} joins the ready queue."),
    }
}
