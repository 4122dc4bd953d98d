//! Bounded memory: every scenario inside the caps either simulates within the run budget or
//! is refused before its first event, with a message naming what to reduce; the estimate
//! made before simulating is never below what a run really holds.

use concurrency_kitchen::sim::{
    self, lessons, simulate, simulate_all, ModelConfig, ModelId, Scenario, StartMethod, Step, Task,
    RUN_BUDGET,
};

fn refused(s: &Scenario, m: &ModelConfig) -> String {
    simulate(s, m)
        .expect_err("a run this large must be refused")
        .to_string()
}

#[test]
fn the_188_character_link_is_refused_at_once_with_what_to_reduce() {
    // One 1 ms task, hybrid, 1 core, 1,024 workers, 60 s start-up: once it took the wasm
    // heap to 4 GB and left a blank page.
    let json = r#"{"tasks":[{"name":"A","steps":[{"kind":"cpu","ms":1}]}],"models":[{"id":"hybrid","workers":1024,"cores":1,"startup_ms":60000}]}"#;
    let s = Scenario::from_json(json).expect("valid: inside every cap");
    let err = simulate_all(&s).expect_err("too large").to_string();
    assert!(err.contains("too large to simulate"), "{err}");
    assert!(err.contains("fewer workers"), "{err}");
}

#[test]
fn process_start_up_and_time_slices_count_in_the_estimate() {
    let one = Scenario::new(vec![Task::new("A", vec![Step::cpu(1.0)])], vec![]);
    for id in [ModelId::Processes, ModelId::Hybrid] {
        let mut m = ModelConfig::new(id).workers(1024).cores(1);
        m.startup_ms = Some(60_000.0);
        let err = refused(&one, &m);
        assert!(err.contains(id.as_str()), "{err}");
        // A thousand spawned processes booting on one core is large but fine: it runs.
        let spawn = ModelConfig::new(id)
            .workers(1024)
            .cores(1)
            .start_method(StartMethod::Spawn);
        let trace = simulate(&one, &spawn).expect("fits");
        assert!(trace.bytes() <= RUN_BUDGET);
    }
    // Twenty thousand threads on one core with an hour of Python each.
    let tasks = (0..20_000)
        .map(|i| Task::new(&format!("t{i}"), vec![Step::cpu(3_600_000.0)]))
        .collect();
    let many = Scenario::new(tasks, vec![]);
    refused(&many, &ModelConfig::new(ModelId::Threads).cores(1));
}

#[test]
fn what_runs_holds_no_more_than_its_estimate_and_fits_the_budget() {
    for lesson in lessons::all() {
        for m in &lesson.scenario.models {
            let trace = simulate(&lesson.scenario, m).unwrap();
            let estimate = sim::estimate(&lesson.scenario, m).unwrap();
            assert!(
                trace.bytes() as u64 <= estimate.bytes,
                "{} {}: {} bytes held, {} estimated",
                lesson.id,
                m.id,
                trace.bytes(),
                estimate.bytes
            );
            assert!(trace.bytes() <= RUN_BUDGET);
        }
    }
}

#[test]
fn the_largest_accepted_runs_stay_inside_the_run_budget() {
    // Just inside the caps: many threads contending for the GIL on few cores.
    let tasks = (0..2_000)
        .map(|i| Task::new(&format!("t{i}"), vec![Step::cpu(20.0), Step::await_io(5.0)]))
        .collect();
    let s = Scenario::new(tasks, vec![]);
    for m in [
        ModelConfig::new(ModelId::Threads).cores(2),
        ModelConfig::new(ModelId::Asyncio),
        ModelConfig::new(ModelId::Processes).workers(64).cores(2),
    ] {
        match simulate(&s, &m) {
            Ok(trace) => assert!(trace.bytes() <= RUN_BUDGET, "{}", m.id),
            Err(e) => assert!(
                e.to_string().contains("too large to simulate")
                    || e.to_string().contains("too slow to simulate"),
                "{e}"
            ),
        }
    }
}

#[test]
fn thousands_of_threads_waiting_for_the_gil_are_refused_at_once_not_after_minutes() {
    // Each waiter wakes every switch interval, as in CPython: 10,000 CPU-bound threads would
    // wake ten million times. Refused before the first event, with what to change.
    let tasks = (0..10_000)
        .map(|i| Task::new(&format!("t{i}"), vec![Step::cpu(1.0)]))
        .collect();
    let s = Scenario::new(tasks, vec![]);
    let e = simulate(&s, &ModelConfig::new(ModelId::Threads)).unwrap_err();
    assert!(e.to_string().contains("too slow to simulate"), "{e}");
    assert!(e.to_string().contains("fewer threads"), "{e}");
    // A pool of 100 threads does the same work and runs.
    let pool = ModelConfig::new(ModelId::Threads).workers(100);
    assert!(simulate(&s, &pool).is_ok());
}
