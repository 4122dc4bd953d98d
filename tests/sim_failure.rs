//! A task that raises, model by model, against what CPython 3.9-3.13 did with the same
//! programs here (tests read no clock: the figures below were measured once and are cited).

use concurrency_kitchen::sim::{
    check, simulate, ModelConfig, ModelId, Outcome, Python, Scenario, StartMethod, Step, Task,
    TaskFactory, TaskId, Trace,
};

fn run(s: &Scenario, m: ModelConfig) -> Trace {
    let t = simulate(s, &m).expect("simulates");
    let problems = check::check(&t);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    t
}

fn outcomes(t: &Trace) -> Vec<Outcome> {
    (0..t.task_names.len())
        .map(|i| t.outcome(TaskId::new(i)))
        .collect()
}

#[test]
fn a_task_queued_before_the_failure_runs_its_step_first() {
    // A's timer fires while C blocks the loop; B raises first, but A was queued before the
    // TaskGroup's callback: real 3.9 and 3.12 printed "A done" at 1.2 s.
    let s = Scenario::new(
        vec![
            Task::new("A", vec![Step::await_io(1_000.0)]),
            Task::new("B", vec![Step::await_io(200.0)]).raising(),
            Task::new("C", vec![Step::blocking_io(1_200.0)]),
        ],
        vec![],
    );
    let t = run(&s, ModelConfig::new(ModelId::Asyncio));
    assert_eq!(
        outcomes(&t),
        [Outcome::Done, Outcome::Raised, Outcome::Done]
    );
}

#[test]
fn the_permit_the_failed_task_releases_goes_on_before_the_cancellation() {
    // Semaphore(2), eager tasks: B raises after its wait and releases its permit, which wakes
    // C before the TaskGroup hears of B; C's blocking call runs to its end. Real 3.12: the
    // program ended at 222 ms.
    let s = Scenario {
        python: Some(Python::V3_12),
        task_factory: Some(TaskFactory::Eager),
        ..Scenario::new(
            vec![
                Task::new("A", vec![Step::await_io(300.0)]),
                Task::new("B", vec![Step::cpu(20.0), Step::await_io(100.0)]).raising(),
                Task::new("C", vec![Step::blocking_io(50.0), Step::native_cpu(50.0)]),
            ],
            vec![],
        )
    };
    let t = run(&s, ModelConfig::new(ModelId::Asyncio).semaphore(2));
    assert_eq!(t.outcome(TaskId::new(2)), Outcome::Done);
    let ms = t.stats.makespan.as_ms_f64();
    assert!((215.0..230.0).contains(&ms), "{ms}");
}

#[test]
fn an_eager_task_that_fails_inside_create_task_stops_the_tasks_not_yet_created() {
    // Real 3.12/3.13: the next tg.create_task raises "TaskGroup is shutting down".
    let s = Scenario {
        python: Some(Python::V3_12),
        task_factory: Some(TaskFactory::Eager),
        ..Scenario::new(
            vec![
                Task::new("bad", vec![Step::cpu(1.0)]).raising(),
                Task::new("g1", vec![Step::await_io(300.0)]),
                Task::new("g2", vec![Step::await_io(300.0)]),
            ],
            vec![],
        )
    };
    let t = run(&s, ModelConfig::new(ModelId::Asyncio));
    assert_eq!(
        outcomes(&t),
        [Outcome::Raised, Outcome::NotRun, Outcome::NotRun]
    );
}

#[test]
fn before_task_group_the_pool_runs_every_call_before_anything_is_cancelled() {
    // hybrid: gather inside `with ProcessPoolExecutor()`. On 3.9 leaving the block runs every
    // pending call (real: t1-t6 all ran); with a TaskGroup (3.12) the queued calls are dropped
    // and only the running ones finish.
    let mut tasks = vec![Task::new("bad", vec![Step::cpu(50.0)]).raising()];
    tasks.extend((1..=6).map(|i| Task::new(&format!("t{i}"), vec![Step::cpu(300.0)])));
    let pool = ModelConfig::new(ModelId::Hybrid)
        .workers(2)
        .cores(2)
        .start_method(StartMethod::Fork);
    let old = run(
        &Scenario::new(tasks.clone(), vec![]).python(Python::V3_9),
        pool.clone(),
    );
    let new = run(&Scenario::new(tasks, vec![]).python(Python::V3_12), pool);
    let (old_ms, new_ms) = (
        old.stats.makespan.as_ms_f64(),
        new.stats.makespan.as_ms_f64(),
    );
    // Three rounds of two 300 ms calls after bad's 50 ms, against two rounds.
    assert!(old_ms > 900.0 && new_ms < 700.0, "{old_ms} {new_ms}");
    assert!(old
        .events
        .iter()
        .any(|e| e.kind == concurrency_kitchen::sim::EventKind::ShutdownWait));
}

#[test]
fn plain_code_stops_and_a_pool_runs_on() {
    let tasks = vec![
        Task::new("A", vec![Step::await_io(100.0)]).raising(),
        Task::new("B", vec![Step::await_io(100.0)]),
    ];
    let s = Scenario::new(tasks, vec![]);
    let sync = run(&s, ModelConfig::new(ModelId::Sync));
    assert_eq!(outcomes(&sync), [Outcome::Raised, Outcome::NotRun]);
    for id in [ModelId::Threads, ModelId::Processes, ModelId::Interpreters] {
        let t = run(&s, ModelConfig::new(id));
        assert_eq!(outcomes(&t), [Outcome::Raised, Outcome::Done], "{id}");
    }
}
