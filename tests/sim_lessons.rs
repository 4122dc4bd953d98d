//! The lessons against LESSONS.md: the golden results in model time, the expected figures
//! each lesson carries, and the lesson metadata the UI relies on (ids, code, questions).

use concurrency_kitchen::sim::{lessons, simulate, Micros, ModelId, Trace};

fn run(lesson: &str, model: ModelId) -> Trace {
    let l = lessons::by_id(lesson).expect("lesson exists");
    let config = l
        .scenario
        .models
        .iter()
        .find(|m| m.id == model)
        .expect("lesson compares this model");
    simulate(&l.scenario, config).expect("lessons are valid")
}

fn secs(t: Micros) -> f64 {
    t.as_secs_f64()
}

/// `got` is `want` but for the OS's late wake-ups (`WAKE_UP_LATE` per wait): within 0.1%.
#[track_caller]
fn about(got: Micros, want: Micros) {
    let slack = want.0 / 1000;
    assert!(
        got >= want && got.0 - want.0 <= slack,
        "expected about {want}, got {got}"
    );
}

#[test]
fn three_waits_sync_6s_threads_2s_asyncio_2s() {
    about(
        run("three-waits", ModelId::Sync).stats.makespan,
        Micros::from_secs(6),
    );
    about(
        run("three-waits", ModelId::Threads).stats.makespan,
        Micros::from_secs(2),
    );
    about(
        run("three-waits", ModelId::Asyncio).stats.makespan,
        Micros::from_secs(2),
    );
}

#[test]
fn gather_total_is_the_max_and_b_is_done_at_1s() {
    let t = run("gather-overlap", ModelId::Asyncio);
    about(t.stats.makespan, Micros::from_secs(2));
    about(t.stats.task_latency[0], Micros::from_secs(2));
    about(t.stats.task_latency[1], Micros::from_secs(1));
}

#[test]
fn blocking_in_async_takes_6s_with_the_loop_frozen() {
    let t = run("blocking-in-async", ModelId::Asyncio);
    about(t.stats.makespan, Micros::from_secs(6));
    let frozen = t.snapshots.iter().filter(|s| s.loop_frozen).count();
    assert!(
        frozen > 0,
        "the loop must be shown frozen while B and C are ready"
    );
    about(
        run("blocking-in-async", ModelId::Threads).stats.makespan,
        Micros::from_secs(2),
    );
}

#[test]
fn cpu_in_loop_blocks_ping_until_crunch_is_done() {
    let asyncio = run("cpu-in-loop", ModelId::Asyncio);
    about(asyncio.stats.task_latency[0], Micros::from_secs(12));
    let hybrid = run("cpu-in-loop", ModelId::Hybrid);
    about(hybrid.stats.task_latency[0], Micros::from_secs(3));
}

#[test]
fn cpu_threads_under_the_gil_are_within_a_few_percent_of_serial() {
    let serial = secs(run("cpu-threads-gil", ModelId::Sync).stats.makespan);
    let threads = secs(run("cpu-threads-gil", ModelId::Threads).stats.makespan);
    assert!((serial - 0.62).abs() < 1e-9);
    assert!(
        threads >= serial && threads <= serial * 1.05,
        "threads {threads} s against serial {serial} s"
    );
}

#[test]
fn processes_take_about_one_task_plus_startup_and_pickling() {
    let t = run("cpu-processes", ModelId::Processes);
    // Python 3.14 on Linux: one task 155 ms + the fork server's own start (37 ms) + forking a
    // worker from it (16 ms), then 1 MB of ints unpickled in the worker (6.8 ms at 147 MB/s).
    // The parent pickles the jobs (2.3 ms each at 437 MB/s, 105 us of dispatch) while the
    // fork server starts, and the last worker may wait for the parent's core (a 10 ms slice).
    let expected = 0.155 + 0.037 + 0.016 + 1.0 / 147.0;
    assert!(
        (0.0..0.010).contains(&(secs(t.stats.makespan) - expected)),
        "{}",
        t.stats.makespan
    );
    assert!(t
        .segments
        .iter()
        .any(|s| s.state == concurrency_kitchen::sim::State::Starting));
    assert!(t
        .segments
        .iter()
        .any(|s| s.state == concurrency_kitchen::sim::State::Pickling));
}

#[test]
fn convoy_slows_the_io_thread_7_to_11_times() {
    let alone = secs(run("convoy", ModelId::Sync).stats.task_latency[0]);
    let beside = secs(run("convoy", ModelId::Threads).stats.task_latency[0]);
    let ratio = beside / alone;
    assert!(
        (7.0..=11.0).contains(&ratio),
        "reader alone {alone} s, beside a CPU thread {beside} s: {ratio}x"
    );
    let nogil = secs(run("convoy", ModelId::ThreadsNogil).stats.task_latency[0]);
    assert!(
        nogil < alone * 1.2,
        "without a GIL there is no convoy: {nogil} s"
    );
}

#[test]
fn native_code_runs_in_parallel_and_free_threading_uses_every_core() {
    assert!(secs(run("native-release", ModelId::Threads).stats.makespan) < 0.45);
    assert!(secs(run("free-threaded", ModelId::ThreadsNogil).stats.makespan) < 0.2);
}

#[test]
fn ten_thousand_memory_matches_lesson_10() {
    let threads = run("ten-thousand", ModelId::Threads);
    let asyncio = run("ten-thousand", ModelId::Asyncio);
    let gb = threads.stats.memory_reserved as f64 / 1e9;
    assert!(
        (80.0..=95.0).contains(&gb),
        "10,000 threads reserve ~85 GB, got {gb}"
    );
    let mb = asyncio.stats.memory_resident as f64 / 1e6;
    assert!(
        (13.0..=17.0).contains(&mb),
        "10,000 tasks take ~14-15 MB, got {mb}"
    );
}

#[test]
fn every_lesson_meets_its_own_expected_figures() {
    for l in lessons::all() {
        for (model, want) in &l.expected {
            let got = run(l.id, *model).stats.makespan;
            // The expected figures are CPython measurements: their own spread from run to run
            // is several percent (calibration/measured.json), and issue 13 asks for 10%.
            let err = (got.0 as f64 - want.0 as f64).abs() / want.0 as f64;
            assert!(
                err <= 0.05,
                "{} under {model}: expected {want}, simulated {got}",
                l.id
            );
        }
    }
}

#[test]
fn lesson_ids_are_stable_and_complete() {
    let ids: Vec<&str> = lessons::all().iter().map(|l| l.id).collect();
    assert_eq!(ids, lessons::IDS.to_vec());
    assert!(lessons::by_id(lessons::DEFAULT).is_some());
    assert!(lessons::by_id("no-such-lesson").is_none());
}

#[test]
fn every_lesson_has_code_lines_and_a_fair_question() {
    for l in lessons::all() {
        assert!(l.scenario.validate().is_ok(), "{}", l.id);
        assert!(
            !l.title.is_empty() && !l.summary.is_empty() && !l.takeaway.is_empty(),
            "{}",
            l.id
        );
        let q = &l.question;
        assert!(
            (2..=4).contains(&q.choices.len()) && q.correct < q.choices.len(),
            "{}",
            l.id
        );
        let models: Vec<ModelId> = l.scenario.models.iter().map(|m| m.id).collect();
        let expected: Vec<ModelId> = l.expected.iter().map(|(m, _)| *m).collect();
        assert_eq!(models, expected, "{}: one expectation per model", l.id);
        for m in &models {
            let code = l
                .code
                .iter()
                .find(|c| c.model == *m)
                .unwrap_or_else(|| panic!("{}: no code for {m}", l.id));
            let lines = code.source.lines().count() as u32;
            assert_eq!(code.lines.len(), l.scenario.tasks.len(), "{} {m}", l.id);
            for (task, row) in code.lines.iter().enumerate() {
                assert_eq!(
                    row.len(),
                    l.scenario.tasks[task].steps.len(),
                    "{} {m} task {task}",
                    l.id
                );
                assert!(row.iter().all(|&n| n >= 1 && n <= lines), "{} {m}", l.id);
            }
        }
    }
}

#[test]
fn a_custom_scenario_with_a_semaphore_writes_async_with_in_its_code() {
    use concurrency_kitchen::sim::{lessons, Scenario};
    let json = r#"{"tasks":[{"name":"a","steps":[{"kind":"await_io","ms":100}]},{"name":"b","steps":[{"kind":"await_io","ms":100}]},{"name":"c","steps":[{"kind":"await_io","ms":100}]}],"models":[{"id":"asyncio","semaphore":2},{"id":"threads"}]}"#;
    let lesson = lessons::custom(Scenario::from_json(json).unwrap());
    let code = |id: ModelId| lesson.code.iter().find(|c| c.model == id).unwrap();
    let asyncio = code(ModelId::Asyncio);
    assert!(asyncio.source.contains("sem = asyncio.Semaphore(2)"));
    assert!(asyncio
        .source
        .contains("    async with sem:\n        await asyncio.sleep(0.1)"));
    // Each step's line is the indented one.
    let line = asyncio.lines[0][0] as usize;
    assert!(asyncio
        .source
        .lines()
        .nth(line - 1)
        .unwrap()
        .contains("await asyncio.sleep"));
    assert!(!code(ModelId::Threads).source.contains("Semaphore"));
    // The run: two at once, then the third.
    let t = simulate(&lesson.scenario, &lesson.scenario.models[0]).unwrap();
    assert!(
        t.stats.makespan.0 > 200_000 && t.stats.makespan.0 < 210_000,
        "{}",
        t.stats.makespan
    );
}
