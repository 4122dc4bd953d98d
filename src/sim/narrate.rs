//! Narration, a reader of the finished trace: one sentence per event, in the learners' own
//! words from `LESSONS.md` (the chef and the kitchen, to-do lists sharing one desk, "I am
//! waiting, run someone else", the loop frozen). The wording that differs between models
//! lives in each model's descriptor (`Phrases`).
//!
//! Architecture invariant: the engine writes no sentence. Rewording one changes no trace,
//! and a trace of 90,000 events carries no text.

use super::models::descriptor;
use super::models::descriptor::{LoopPool, Shape};
use super::time::Micros;
use super::trace::{EventKind, LaneKind, Outcome, Trace};

/// The sentence for event `i` of `trace` (empty past the end).
pub fn sentence(trace: &Trace, i: usize) -> String {
    let said = said(trace, i);
    // A call that a cancelled task handed to a pool runs on after the task has ended (read
    // off its latency: the log narrates many events, and none may walk the trace).
    match trace.events.get(i).map(|e| (e.task, e.time)) {
        Some((Some(t), time))
            if trace.outcome(t) == Outcome::Cancelled
                && time > trace.submitted(t) + trace.stats.task_latency[t.index()] =>
        {
            format!(
                "({} was cancelled; the call it handed away runs on, for nothing.) {said}",
                trace.task_name(t)
            )
        }
        _ => said,
    }
}

/// The sentence for event `i` as the event alone says it.
fn said(trace: &Trace, i: usize) -> String {
    let Some(event) = trace.events.get(i) else {
        return String::new();
    };
    let task = event.task.map_or("the worker", |t| trace.task_name(t));
    let lane = event
        .lane
        .map_or("the machine", |l| trace.lane(l).label.as_str());
    let d = event.dur.unwrap_or(Micros::ZERO);
    let phrases = descriptor(trace.model).phrases;
    // An interpreter pool's calls cross a queue inside the process, pickled in `submit`.
    let in_process =
        descriptor(trace.model).shape == super::models::descriptor::Shape::InterpreterPool;
    let d_text = d.to_string();
    let fill = |template: &str| {
        fill(
            template,
            &[("{task}", task), ("{lane}", lane), ("{d}", &d_text)],
        )
    };
    let on_loop = event
        .lane
        .is_some_and(|l| trace.lane(l).kind == LaneKind::Loop);
    let shape = descriptor(trace.model).shape;
    match event.kind {
        // Under the eager factory a task created at the start runs inside `create_task`.
        EventKind::TaskStart
            if trace.eager_tasks
                && on_loop
                && event.task.is_some_and(|t| trace.submitted(t) == Micros::ZERO) =>
        {
            format!(
                "create_task runs {task} at once (the eager task factory): {task} starts inside the call, before main's next line."
            )
        }
        EventKind::TaskStart => fill(phrases.task_start),
        EventKind::TaskFinish
            if event
                .task
                .is_some_and(|t| trace.outcome(t) == Outcome::Cancelled) =>
        {
            format!(
                "CancelledError reaches {task} at its await: {task} ends, cancelled, at {}.",
                event.time
            )
        }
        EventKind::TaskFinish
            if event
                .task
                .is_some_and(|t| trace.outcome(t) == Outcome::Raised) =>
        {
            format!("Task {task} is over at {}, with its exception.", event.time)
        }
        EventKind::TaskFinish => match event.task.map(|t| trace.submitted(t)) {
            Some(at) if at > crate::sim::Micros::ZERO => format!(
                "Task {task} is done at {}, {} after it was submitted.",
                event.time,
                event.time.saturating_sub(at)
            ),
            _ => format!("Task {task} is done, {} after the start.", event.time),
        },
        EventKind::Compute if on_loop => format!(
            "{task} computes for {d} without awaiting: the chef is chopping non-stop and every other dish waits."
        ),
        EventKind::Compute => fill(phrases.compute),
        EventKind::Native if on_loop => {
            format!("{task} calls native code for {d}: it releases the GIL, but the loop thread is still busy, so the loop waits.")
        }
        EventKind::Native
            if event
                .lane
                .is_some_and(|l| trace.lane(l).kind == LaneKind::Process) =>
        {
            format!("{task} runs native code for {d} in {lane}, a process of its own.")
        }
        EventKind::Native
            if event
                .lane
                .is_some_and(|l| trace.lane(l).kind == LaneKind::Interpreter) =>
        {
            format!("{task} runs native code for {d} in {lane}, an interpreter of its own.")
        }
        EventKind::Native => format!(
            "{task} calls native code (like NumPy) for {d}: it releases the GIL, so other threads can run Python meanwhile."
        ),
        EventKind::Await => format!(
            "{task} awaits {d} of I/O: \"I am waiting, run someone else.\" The dish is in the oven; the chef preps the next one."
        ),
        EventKind::Wake if trace.snapshot(i).is_some_and(|s| s.loop_frozen) => format!(
            "{task}'s I/O is done and it joins the ready queue, but the loop is busy: it has to wait."
        ),
        EventKind::Wake => format!("{task}'s I/O is done; it joins the ready queue."),
        EventKind::Resume => format!("The loop resumes {task} right after its await."),
        EventKind::LoopIdle => "Nothing is ready: the loop sleeps until the next timer, the chef waits by the oven.".to_string(),
        EventKind::BlockingCall => format!(
            "{task} makes a blocking call for {d} inside async def. It never yields: the loop is frozen and every other task waits."
        ),
        EventKind::IoWait => fill(phrases.io_wait),
        EventKind::IoDone if on_loop => "The blocking call returns; the loop can move again.".to_string(),
        EventKind::IoDone => format!("{task}'s wait is over."),
        // The loop's own Python (resuming coroutines, its bookkeeping) needs the GIL too,
        // which a worker thread may hold (`to_thread`).
        EventKind::GilRequest if on_loop => "The event loop needs the GIL to run its own Python, but a worker thread holds it: the whole loop waits.".to_string(),
        EventKind::GilAcquire if on_loop => "The event loop takes the GIL and runs its own Python.".to_string(),
        EventKind::GilRelease if on_loop => "The event loop releases the GIL: a worker thread may take it.".to_string(),
        EventKind::GilDrop if on_loop => "The event loop drops the GIL on request: a worker thread takes it.".to_string(),
        EventKind::GilRequest => {
            format!("{lane} wants to run {task}'s Python, but another thread holds the GIL: it waits.")
        }
        EventKind::GilAcquire => format!("{lane} takes the GIL and runs {task}'s Python."),
        EventKind::GilDropRequest => format!(
            "{lane} has waited a switch interval ({}) for the GIL and asks the holder to drop it.",
            trace.switch_interval
        ),
        EventKind::GilDrop => {
            format!("{lane} drops the GIL on request and must wait until another thread has taken it.")
        }
        EventKind::GilRelease => format!("{lane} releases the GIL: {task} stops running Python for now."),
        EventKind::Preempt
            if event.lane.is_some_and(|l| {
                matches!(trace.lane(l).kind, LaneKind::Process | LaneKind::Interpreter)
            }) =>
        {
            format!("The OS takes {lane}'s core away: more processes and threads want to run than there are cores, so they take turns.")
        }
        EventKind::Preempt => {
            format!("The OS takes {lane}'s core away: more threads want to run than there are cores, so they take turns.")
        }
        EventKind::Dispatch => format!("The OS gives {lane} a core."),
        EventKind::TaskSubmit => format!("{task} is submitted now, {} after the start.", event.time),
        EventKind::Spawn
            if event
                .lane
                .is_some_and(|l| trace.lane(l).kind == LaneKind::Thread) =>
        {
            format!("The program has started {lane}, an OS thread of its own process: {d} per thread, one after another.")
        }
        EventKind::Spawn
            if event
                .lane
                .is_some_and(|l| trace.lane(l).kind == LaneKind::Interpreter) =>
        {
            format!("{lane} creates its own interpreter in this same process, with its own GIL and modules, and runs its first imports: {d} before any work.")
        }
        EventKind::Spawn => format!(
            "{lane} starts up: a whole new interpreter at a separate desk. That costs {d} before any work."
        ),
        EventKind::ProcessReady => format!("{lane} is ready for work."),
        EventKind::ServerStart => format!(
            "The fork server starts: a fresh interpreter that every worker will be forked from. The program pays {d} once, before the first worker."
        ),
        EventKind::PickleSend if in_process => format!(
            "The main thread's submit pickles {task}'s call and puts it on the pool's queue: {d}. One call after another, holding the main interpreter's GIL."
        ),
        EventKind::UnpickleResult if in_process => format!(
            "The main interpreter unpickles {task}'s result: {d}. Only now is the result ready."
        ),
        EventKind::PickleSend => format!(
            "The parent's feeder thread pickles {task}'s arguments and queues them for the pool: {d}, the pool's own work included. It handles one job after another, so jobs queue up behind it."
        ),
        EventKind::UnpickleArgs => {
            format!("{lane} unpickles {task}'s arguments: {d} to rebuild them at its own desk.")
        }
        EventKind::PickleRecv => format!("{lane} pickles {task}'s result to send it back: {d}."),
        EventKind::UnpickleResult => format!(
            "The parent unpickles {task}'s result: {d}. Only now is the result ready."
        ),
        EventKind::Submit if matches!(shape, Shape::EventLoop { pool: LoopPool::Threads }) => format!(
            "{task} hands a call of {d} to a worker thread (asyncio.to_thread) and awaits it: the loop stays free."
        ),
        EventKind::Submit => format!(
            "{task} hands its {d} of CPU work to the process pool (run_in_executor) and awaits the result: the loop stays free."
        ),
        EventKind::PermitWait => format!(
            "{task} reaches async with semaphore, but all {} permits are taken: it waits until a task releases one.",
            trace.semaphore.unwrap_or(0)
        ),
        EventKind::PermitGet => format!("A task released its permit: {task} takes it and joins the ready queue."),
        EventKind::ResultBack => format!("The pool sends back {task}'s result; {task} joins the ready queue."),
        EventKind::TasksCreated if trace.eager_tasks => "main() has created its tasks. Under the eager task factory each one already ran inside create_task, up to its first await, before main went on; now main awaits them all.".to_string(),
        EventKind::TasksCreated => "main() has created its tasks: each waits in the ready queue, and none has run yet. main goes on, then awaits them all.".to_string(),
        EventKind::Raise => {
            let ended = |o: Outcome| trace.stats.task_outcome.contains(&o);
            let never_ran = ended(Outcome::NotRun);
            match shape {
                Shape::Sequential if never_ran => format!(
                    "{task} raises its exception. Nothing catches it, so the program stops here: the tasks after {task} never run."
                ),
                Shape::Sequential => format!(
                    "{task} raises its exception. Nothing catches it, so the program stops here, with {task} its last task."
                ),
                Shape::EventLoop { .. } if never_ran && !ended(Outcome::Cancelled) => format!(
                    "{task} raises its exception inside create_task (the eager task factory ran it there): its TaskGroup is shutting down, so main creates no more tasks."
                ),
                Shape::EventLoop { .. } if !ended(Outcome::Cancelled) => format!(
                    "{task} raises its exception; no other task is left to cancel."
                ),
                Shape::EventLoop { .. }
                    if trace.task_group && trace.snapshot(i).is_some_and(|s| s.ready_len > 0) =>
                {
                    format!(
                        "{task} raises its exception. Its TaskGroup cancels every other task, once the tasks already in the ready queue have had their turn."
                    )
                }
                Shape::EventLoop { .. } if trace.task_group => format!(
                    "{task} raises its exception: its TaskGroup cancels every other task at once."
                ),
                Shape::EventLoop { .. } => format!(
                    "{task} raises its exception: gather hands it to main(), which raises out of asyncio.run, and asyncio.run cancels every task still alive (TaskGroup is new in 3.11)."
                ),
                _ => format!(
                    "{task} raises its exception; its future keeps it. The pool cannot stop the others: leaving the with block waits for every task already submitted."
                ),
            }
        }
        EventKind::ShutdownWait => "main() gets the exception and leaves its with ProcessPoolExecutor() block: shutdown(wait=True) blocks the loop until the pool has run every call submitted, queued ones too. Only then does asyncio.run cancel the tasks.".to_string(),
        EventKind::Cancel => format!(
            "{task} is cancelled: CancelledError will be thrown in at its await, so it joins the ready queue."
        ),
    }
}

/// `template` with each placeholder replaced once, in one pass, so a value that looks like a
/// placeholder (a task named "{lane}") is left as written.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        match values.iter().find(|(key, _)| tail.starts_with(key)) {
            Some((key, value)) => {
                out.push_str(value);
                rest = &tail[key.len()..];
            }
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn placeholders_are_filled_once_and_values_are_left_as_written() {
        let got = fill(
            "{lane} runs {task} for {d}",
            &[
                ("{task}", "{lane}"),
                ("{lane}", "thread 1"),
                ("{d}", "5 ms"),
            ],
        );
        assert_eq!(got, "thread 1 runs {lane} for 5 ms");
        assert_eq!(fill("no {x} here", &[("{task}", "A")]), "no {x} here");
    }
}
