//! The `interpreters` model: `InterpreterPoolExecutor(workers).submit(task)` (Python 3.14,
//! PEP 734; an interpreter per worker with its own GIL since 3.12, PEP 684), lesson
//! `cpu-interpreters`.
//!
//! One process, several interpreters: each worker thread runs its own interpreter with its
//! own GIL and its own modules, so Python runs in parallel up to the core count, as with
//! processes. What it costs sits between a thread and a process: each worker creates its
//! interpreter and runs its first imports when the pool starts it (`Python::interpreter_start`,
//! far apart in published figures: `INTERPRETER_START_RANGE`); `submit` pickles each call in
//! the calling thread, one after another, and each worker unpickles it, pickles its result
//! back unless it is a shareable object (an int, str, bytes...) and no object is shared.
//!
//! What it simplifies (said in the faithfulness notes): in CPython a worker thread unpickles
//! its result under the main interpreter's GIL; here the main thread does it, which the main
//! GIL serialises in the same way. Creating interpreters from two threads at once took
//! 0.55-0.7 of the time of two in a row on 3.13 here (`interpreter_start_two_threads_ratio`),
//! so each start here runs on its own core, in parallel; 3.12.1 hung doing it (the case
//! timed out), a bug this model does not show.

use super::descriptor::{
    Code, DefaultWorkers, Descriptor, LoopPool, Measure, Phrases, Setting, Shape,
};
use super::feeder::Across;
use super::processes::{run_desks, Desks};
use crate::sim::budget::Load;
use crate::sim::error::ScenarioError;
use crate::sim::model::{
    ModelId, ModelParams, INTERPRETER_RESERVED, INTERPRETER_RESIDENT, PROCESS_RESERVED,
    PROCESS_RESIDENT,
};
use crate::sim::plan::Plan;
use crate::sim::trace::{LaneKind, Trace};

/// Everything the app asks about `interpreters`.
pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    id: ModelId::Interpreters,
    title: "Subinterpreters (InterpreterPoolExecutor)",
    label: "Interpreters (one GIL each)",
    short: "Interpreters",
    shape: Shape::InterpreterPool,
    settings: &[
        Setting::Workers,
        Setting::Cores,
        Setting::PickleRate,
        Setting::Startup,
    ],
    default_workers: DefaultWorkers::PerCore,
    phrases: Phrases {
        task_start: "{lane} starts task {task} in its own interpreter: same process, but its own GIL and its own objects.",
        compute: "{task} runs Python for {d} on {lane}, holding only its own interpreter's GIL.",
        io_wait: "{task} waits {d} for I/O on {lane}.",
    },
    code: Code {
        imports: "import time\nfrom concurrent.futures import InterpreterPoolExecutor   # Python 3.14",
        is_async: false,
        sends: LoopPool::None,
        main: "with InterpreterPoolExecutor() as pool:\n    for task in [{calls}]:\n        pool.submit(task)",
    },
    measure: Measure::Pool {
        locked: false,
        fresh: true,
    },
    run,
    load,
};

/// The pool starts a thread (and its interpreter) per submitted call until it has `workers`:
/// never more than there are tasks.
fn workers(plan: &Plan, params: &ModelParams) -> usize {
    params.workers.min(plan.tasks.len()).max(1)
}

fn load(plan: &Plan, params: &ModelParams) -> Load {
    let n = workers(plan, params);
    Load {
        threads: n + 1,
        gil_threads: 1,
        processes: 1,
        pickle_per_cpu_step: false,
        lanes: n + 1,
        helpers: 1,
        offloads: false,
    }
}

/// Runs `plan` on an interpreter pool.
fn run(plan: &Plan, params: &ModelParams) -> Result<Trace, ScenarioError> {
    let n = workers(plan, params);
    let each = (INTERPRETER_RESERVED.0, INTERPRETER_RESIDENT.0);
    let desks = Desks {
        kind: LaneKind::Interpreter,
        name: "interpreter",
        workers: n,
        main: "main: submit",
        across: Across::Queue,
        // `map` on a thread pool sends one call per item: `chunksize` is ignored.
        chunksize: 1,
        memory: (
            PROCESS_RESERVED.0 + n as u64 * each.0,
            PROCESS_RESIDENT.0 + n as u64 * each.1,
        ),
    };
    run_desks(plan, params, &desks)
}

#[cfg(test)]
mod tests {
    use crate::sim::{simulate, ModelConfig, ModelId, Python, Scenario, Step, Task};

    fn four(ms: f64) -> Vec<Task> {
        (0..4)
            .map(|i| Task::new(&format!("T{i}"), vec![Step::cpu(ms)]))
            .collect()
    }

    #[test]
    fn each_interpreter_computes_on_its_own_core_after_starting() {
        let s = Scenario::new(four(100.0), vec![]).python(Python::V3_13);
        let cfg = ModelConfig::new(ModelId::Interpreters).workers(4).cores(4);
        let t = simulate(&s, &cfg).unwrap();
        // Four interpreters start at once on four cores (21 ms on 3.13), then each computes
        // 100 ms holding only its own GIL: no payload, nothing pickled.
        assert_eq!(t.stats.makespan.0, 21_000 + 100_000);
        assert_eq!(t.stats.gil_wait.0, 0);
    }

    #[test]
    fn it_starts_no_more_interpreters_than_calls() {
        let tasks = vec![Task::new("only", vec![Step::cpu(10.0)])];
        let s = Scenario::new(tasks, vec![]);
        let cfg = ModelConfig::new(ModelId::Interpreters).workers(8).cores(8);
        let t = simulate(&s, &cfg).unwrap();
        let lanes = t
            .lanes
            .iter()
            .filter(|l| l.label.starts_with("interpreter"))
            .count();
        assert_eq!(lanes, 1);
    }

    #[test]
    fn python_3_9_has_no_interpreter_with_its_own_gil() {
        let s = Scenario::new(four(1.0), vec![]).python(Python::V3_9);
        let err = simulate(&s, &ModelConfig::new(ModelId::Interpreters)).unwrap_err();
        assert!(err.to_string().contains("3.12"), "{err}");
    }
}
