//! The simulation against real CPython: the figures `./kitchen calibrate` measured on this
//! machine kind (committed in `calibration/measured.json`, read here; nothing is timed in the
//! tests). Ratios within 10% where CPython is steady; where it varies from run to run (GIL
//! contention between several threads), the measured median must fall inside the range the
//! simulation gives across seeds.

use concurrency_kitchen::sim::{
    simulate, Micros, ModelConfig, ModelId, Scenario, Step, Task, WAKE_UP_LATE,
};
use serde_json::Value;

fn measured() -> Value {
    let text = std::fs::read_to_string("calibration/measured.json").expect("the committed figures");
    serde_json::from_str(&text).expect("valid JSON")
}

/// Every interpreter's median for `case`, with its version.
fn medians(case: &str) -> Vec<(String, f64)> {
    measured()["interpreters"]
        .as_array()
        .expect("a list of interpreters")
        .iter()
        .filter_map(|i| {
            let median = i["cases"][case]["median"].as_f64()?;
            Some((i["version"].as_str()?.to_string(), median))
        })
        .collect()
}

/// A thread doing `count` waits of `wait_ms`, each followed by `spin_ms` of Python, alone or
/// beside `cpu_threads` CPU-bound threads: its time with them over its time alone.
fn slowdown(count: usize, wait_ms: f64, spin_ms: f64, cpu_threads: usize, seed: u64) -> f64 {
    let steps: Vec<Step> = (0..count)
        .flat_map(|_| [Step::await_io(wait_ms), Step::cpu(spin_ms)])
        .collect();
    let config = ModelConfig::new(ModelId::Threads);
    let reader = || Task::new("reader", steps.clone());
    let alone = simulate(&Scenario::new(vec![reader()], vec![]), &config).unwrap();
    let mut tasks = vec![reader()];
    // Long enough to outlast the reader.
    tasks
        .extend((0..cpu_threads).map(|i| Task::new(&format!("cpu{i}"), vec![Step::cpu(60_000.0)])));
    let with = simulate(&Scenario::new(tasks, vec![]).seed(seed), &config).unwrap();
    with.stats.task_latency[0].0 as f64 / alone.stats.task_latency[0].0 as f64
}

#[test]
fn the_convoy_slowdown_is_within_10_percent_of_every_interpreter() {
    // The harness: 100 x (time.sleep(0.0005), then 0.05 ms of Python) beside one CPU thread.
    let simulated = slowdown(100, 0.5, 0.05, 1, 0);
    let all = medians("convoy_reader_slowdown");
    assert!(
        all.len() >= 3,
        "several interpreters were measured: {all:?}"
    );
    for (version, median) in all {
        let error = (simulated - median).abs() / median;
        assert!(
            error <= 0.10,
            "CPython {version}: measured {median:.2}x, simulated {simulated:.2}x"
        );
    }
}

#[test]
fn an_io_thread_beside_two_cpu_threads_varies_as_cpython_does() {
    // The harness: 100 x (time.sleep(0.001), then a tiny spin) beside two CPU threads. CPython
    // gives widely different figures from run to run; so do seeds here.
    let runs: Vec<f64> = (0..30)
        .map(|seed| slowdown(100, 1.0, 0.01, 2, seed))
        .collect();
    let lo = runs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = runs.iter().copied().fold(0.0, f64::max);
    assert!(
        hi > lo * 1.5,
        "the seeds give a range, not one figure: {lo:.1}-{hi:.1}x"
    );
    for (version, median) in medians("io_beside_two_cpu_slowdown") {
        assert!(
            (lo..=hi).contains(&median),
            "CPython {version}: measured median {median:.1}x outside the simulated {lo:.1}-{hi:.1}x"
        );
    }
}

#[test]
fn sleeps_wake_as_late_as_measured() {
    let lateness: Vec<f64> = medians("sleep_1ms_actual_us")
        .into_iter()
        .map(|(_, us)| us - 1000.0)
        .collect();
    let lo = lateness.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = lateness.iter().copied().fold(0.0, f64::max);
    let ours = WAKE_UP_LATE.0 as f64;
    assert!(
        (lo..=hi).contains(&ours),
        "WAKE_UP_LATE {} lies outside the measured {lo:.0}-{hi:.0} us",
        Micros(WAKE_UP_LATE.0)
    );
}
