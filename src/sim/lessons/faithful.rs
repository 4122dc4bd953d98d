//! "How faithful is this?": for each lesson, what the simulation takes from measurements of
//! real CPython (`calibration/measured.json`, `LESSONS.md`) and where it simplifies. Each
//! line is written once, for one mechanism, and the lessons pick the lines that concern them;
//! a custom scenario gets the lines of the models it compares.

use crate::sim::ModelId;

/// What a lesson's run rests on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Faithfulness {
    /// Figures measured on real CPython that the run reproduces.
    pub measured: Vec<&'static str>,
    /// Where the model simplifies what CPython and the machine really do.
    pub modelled: Vec<&'static str>,
}

const WAKE: &str = "Every wait ends about 0.11 ms late, as time.sleep(0.001) did on CPython 3.9-3.13 here (1.08-1.11 ms).";
const LOOP: &str = "The event loop's own work: about 2.7 µs for each step it starts or resumes and 6.3 µs for each timer (10,000 tasks measured 5-9 µs each; 10,000 half-second sleeps took 0.60-0.62 s).";
const HANDOFF: &str = "A GIL hand-over costs 2 µs at switch intervals up to 1 ms and 12 µs at 5 ms: the gap timed between two CPU-bound threads.";
const CONVOY: &str = "The convoy: ⟦100 sleeps of 0.5 ms beside one CPU-bound thread were 9.1-9.5x slower than alone on 3.9-3.13 here; the simulation is within 10% of each⟧.";
const WAITERS: &str = "With several threads waiting for the GIL, the OS picks which one wakes: the simulation draws that from the seed, so runs differ as CPython's do⟦ (an I/O thread beside two CPU threads: 8-66x slower across real runs)⟧.";
const PROC_START: &str = "Worker start-up as measured here for a small script: fork 2 ms, forkserver 16 ms after the fork server's own 37 ms (once per program), spawn 50 ms. Bigger programs import more and start slower.";
const PICKLE: &str = "Pickling at the rates measured here: the parent pickles each job's arguments one after another (ints 437 MB/s, short strings 93 MB/s); the worker unpickles them (ints 147 MB/s, strings 154 MB/s), and results go back the same way.";
const DISPATCH: &str = "The pool's own cost per job: about 105 µs in the parent for every chunk it sends, which chunksize spreads over many tasks (measured: 73-114 µs a task at chunksize 1, 1.0-1.4 µs at 100).";
const THREAD_START: &str = "Threads are started one after another, 110 µs each plus 28 ns per thread started before⟦: 10,000 took 2.0-3.2 s to start here⟧.";
const MEMORY: &str = "Memory per OS thread (⟦8.5 MB of address space reserved, ~14 KB resident⟧), per asyncio task (⟦~1.5 KB⟧) and per process (⟦tens of MB⟧) from LESSONS.md, measured on CPython 3.11 on Linux.";
const INTERP: &str = "Each interpreter worker starts as measured here with its first imports: 35 ms on 3.12, 21 ms on 3.13 (3.14, not installed, takes 3.13's figure). Published figures disagree (a 3.13 beta made 10,000 bare interpreters in 11.1 s, 1.1 ms each), so the results give the time across 1.1-35 ms of start-up too. Two interpreters each ran a CPU loop 1.8-2.2x faster than one after another on two cores (3.12, 3.13); on 3.11, whose interpreters share one GIL, 1.1x. Each holds ~4 MB resident.";

const CPU: &str = "Python work is a fixed number of milliseconds. Real code runs at different speeds on different versions (3.11 made much of it faster) and machines.";
const CORES: &str = "Cores are ideal: no caches, no frequency changes, no other programs. On this shared two-core machine, ⟦four CPU-bound threads took 1.0-1.4x the serial time (medians per version; single runs 0.9-1.6x); the simulation says 1.0x⟧.";
const GIL_RULES: &str = "The GIL follows take_gil's rules (timed waits, drop requests, forced switching), but the holder drops it the moment it is asked, where CPython drops it at its next check point (since 3.10, calls and backward jumps).";
const FEEDER: &str = "The parent's two pool threads (the manager and the queue's feeder) are drawn as one, which handles results first.";
const OS: &str =
    "The OS shares cores round-robin with a 10 ms time slice; Linux's scheduler is cleverer.";
const IO: &str = "I/O waits last exactly as long as written; real networks and disks vary.";
const NATIVE: &str = "Native code releases the GIL for its whole step, as NumPy's long loops do; short C calls often keep it.";
const FREE: &str = "The free-threaded build costs a flat share more per Python step, by version: 40% for 3.13 and 3.13t (the 3.13 free-threading HOWTO), 10% otherwise (3.14t: about 5-10% per What's New in 3.14, ~10% per PEP 779; 3.12 and 3.9 had no such build, so 3.14t's figure stands in). Neither build is installed here, so neither figure is measured. Only threads-nogil pays it: under 3.13t or 3.14t the other models stand for the standard build, and there is no contention on shared objects.";
const VERSION: &str = "The Python version and OS (3.12 on Linux unless the scenario says otherwise) change multiprocessing's default start method (fork up to 3.13 on Linux, forkserver from 3.14, spawn on macOS and Windows) and the free-threaded build's cost; Python work itself takes the same milliseconds on every version.";
const INTERP_MODEL: &str = "The interpreter pool: submit pickles each call in the main thread; a worker unpickles it, runs it holding only its own GIL and pickles back a result that is not shareable. CPython's worker thread unpickles the result under the main GIL; here the main thread does, which the main GIL serialises the same way. Interpreters start in parallel (two at once took 0.6x of two in a row on 3.13); 3.12.1 hung starting two at once here, which is not shown. Many C extensions, NumPy among them, cannot be imported in a subinterpreter yet.";
const TO_THREAD: &str = "asyncio.to_thread hands each blocking call or CPU step to the loop's default thread pool, min(32, cores + 4) threads, first in, first out. No more threads than tasks are drawn, from the start, where CPython starts one at each call until it has enough (about 110 µs each); their Python shares the loop's GIL under the same rules as threads.";
const SEMAPHORE: &str = "asyncio.Semaphore(N) around each task's body: a task takes a permit when it starts and gives it back when it returns, and a waiting task gets it first come, first served, as asyncio's waiters do. Taking and releasing a permit costs nothing here beyond the loop's step.";
const EAGER: &str = "The eager task factory (3.12+) runs a task's first step inside create_task, so main's next line waits until each task created at the start reaches its first await; it saves the loop about 0.6 µs on that step (10,000 tasks each awaiting once: 6.1 against 6.7 µs a task on 3.12, 5.2 against 6.0 on 3.13, created both ways in the same runs here). A task created later starts as it would without it.";
const FAILURE: &str = "A task that raises: plain code stops there; a pool's threads and processes run on, since neither can be stopped, and leaving the with block waits for them. In asyncio the exception reaches what cancels the other tasks through done callbacks at the back of the ready queue (a TaskGroup's, from 3.11; before, gather's and then main's, after which asyncio.run cancels), so the tasks already queued run their step first; a cancelled task ends at its await, a call it handed to a pool is dropped if no worker has taken it and otherwise runs on, and the program waits for it. Measured here: ⟦0.20 s to the except* with a TaskGroup (3.11-3.13), 3.0 s with a ThreadPoolExecutor (3.9-3.13)⟧. The simulation wakes a task as its timer fires, where CPython moves expired timers in once per turn of the loop: with many tasks waking together, how many finish before the cancellation differs (1,000 sleepers with 1 ms of work, one raising: 364-711 finished in three runs of 3.12 here, 666 in the simulation).";
const MEMORY_MODEL: &str =
    "Memory is counted per thread, task and process, not simulated byte by byte.";

/// What lesson `id`'s run rests on (a custom scenario's, from its `models`).
pub fn faithfulness(id: &str, models: &[ModelId]) -> Faithfulness {
    let (measured, modelled): (&[&str], &[&str]) = match id {
        "three-waits" | "blocking-in-async" => (&[WAKE, LOOP, THREAD_START], &[IO, CPU]),
        "gather-overlap" => (&[WAKE, LOOP], &[IO]),
        "cpu-in-loop" => (
            &[LOOP, PROC_START, PICKLE, DISPATCH],
            &[CPU, FEEDER, VERSION],
        ),
        "cpu-threads-gil" => (&[HANDOFF, THREAD_START], &[CPU, CORES, GIL_RULES]),
        "io-threads" => (&[WAKE, THREAD_START, HANDOFF], &[IO, GIL_RULES]),
        "cpu-processes" => (
            &[PROC_START, PICKLE, DISPATCH, THREAD_START],
            &[CPU, CORES, FEEDER, OS, VERSION],
        ),
        "convoy" => (&[CONVOY, WAITERS, WAKE, HANDOFF], &[GIL_RULES, CORES]),
        "native-release" => (&[HANDOFF, THREAD_START], &[NATIVE, CPU]),
        "free-threaded" => (&[THREAD_START, HANDOFF], &[FREE, VERSION, CPU, CORES]),
        "hybrid-executor" => (
            &[LOOP, WAKE, PROC_START, PICKLE, DISPATCH],
            &[FEEDER, CPU, IO, VERSION],
        ),
        "ten-thousand" => (&[THREAD_START, LOOP, WAKE, MEMORY], &[MEMORY_MODEL, IO]),
        "semaphore-crawler" => (&[LOOP, WAKE, THREAD_START, HANDOFF], &[SEMAPHORE, IO, CPU]),
        "async-to-thread" => (
            &[LOOP, WAKE, HANDOFF, PROC_START, PICKLE, DISPATCH],
            &[TO_THREAD, GIL_RULES, FEEDER, IO, CPU],
        ),
        "eager-tasks" => (&[LOOP, WAKE, EAGER], &[IO]),
        "task-group" => (&[LOOP, WAKE, THREAD_START, FAILURE], &[IO]),
        "cpu-interpreters" => (
            &[INTERP, PROC_START, PICKLE, DISPATCH, HANDOFF, THREAD_START],
            &[INTERP_MODEL, CPU, CORES, FEEDER, VERSION],
        ),
        _ => return custom(models),
    };
    Faithfulness {
        measured: measured.to_vec(),
        modelled: modelled.to_vec(),
    }
}

/// What `lesson`'s run rests on, for `models`: its note, plus the lines its scenario calls
/// for (eager tasks, a task that raises) where the note lacks them.
pub fn faithfulness_of(lesson: &crate::sim::lessons::Lesson, models: &[ModelId]) -> Faithfulness {
    let mut f = faithfulness(lesson.id, models);
    let s = &lesson.scenario;
    let loops = models
        .iter()
        .any(|&m| crate::sim::models::descriptor(m).shape.has_loop());
    if loops
        && s.task_factory == Some(crate::sim::TaskFactory::Eager)
        && !f.measured.contains(&EAGER)
    {
        f.measured.push(EAGER);
    }
    if s.tasks.iter().any(|t| t.raises) && !f.measured.contains(&FAILURE) {
        f.measured.push(FAILURE);
    }
    f
}

/// The lines for any scenario: those of each model it compares.
fn custom(models: &[ModelId]) -> Faithfulness {
    let mut measured = vec![WAKE];
    let mut modelled = vec![CPU, IO];
    let add = |list: &mut Vec<&'static str>, lines: &[&'static str]| {
        for l in lines {
            if !list.contains(l) {
                list.push(l);
            }
        }
    };
    for m in models {
        match m {
            ModelId::Sync => {}
            ModelId::Asyncio => add(&mut measured, &[LOOP]),
            ModelId::Hybrid => {
                add(&mut measured, &[LOOP, PROC_START, PICKLE, DISPATCH]);
                add(&mut modelled, &[FEEDER, VERSION]);
            }
            ModelId::Threads => {
                add(&mut measured, &[THREAD_START, HANDOFF, WAITERS]);
                add(&mut modelled, &[GIL_RULES, CORES]);
            }
            ModelId::ThreadsNogil => {
                add(&mut measured, &[THREAD_START]);
                add(&mut modelled, &[FREE, VERSION, CORES]);
            }
            ModelId::Processes => {
                add(&mut measured, &[PROC_START, PICKLE, DISPATCH]);
                add(&mut modelled, &[FEEDER, OS, VERSION]);
            }
            ModelId::ToThread => {
                add(&mut measured, &[LOOP, HANDOFF]);
                add(&mut modelled, &[TO_THREAD, GIL_RULES]);
            }
            ModelId::Interpreters => {
                add(&mut measured, &[INTERP, PICKLE]);
                add(&mut modelled, &[INTERP_MODEL, CORES]);
            }
        }
    }
    Faithfulness { measured, modelled }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_has_a_note_and_a_custom_scenario_gets_its_models_lines() {
        for l in crate::sim::lessons::all() {
            let f = faithfulness(l.id, &[]);
            assert!(!f.measured.is_empty() && !f.modelled.is_empty(), "{}", l.id);
        }
        let f = faithfulness("custom", &[ModelId::Processes, ModelId::Threads]);
        assert!(f.measured.contains(&PICKLE) && f.measured.contains(&THREAD_START));
        assert!(f.modelled.contains(&FEEDER) && f.modelled.contains(&GIL_RULES));
    }
}
