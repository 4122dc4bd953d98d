//! Benchmark: the `ten-thousand` lesson (10,000 tasks) under every model, natively.
//! Prints per model the median milliseconds per `simulate()`, the event count, events per
//! second, the memory the finished trace holds and the process's peak resident memory while
//! simulating it (Linux). Targets: under 50 ms per model; memory within the run budget
//! (`sim::RUN_BUDGET`). They are printed, not asserted.

use concurrency_kitchen::sim::{lessons, simulate, ModelConfig, ModelId, RUN_BUDGET};
use std::time::Instant;

const RUNS: usize = 7;

fn main() {
    let lesson = lessons::by_id("ten-thousand").expect("the ten-thousand lesson exists");
    let scenario = &lesson.scenario;
    println!(
        "ten-thousand: {} tasks, median of {RUNS} runs",
        scenario.tasks.len()
    );
    println!(
        "{:<14} {:>10} {:>10} {:>14} {:>12} {:>12} {:>8}",
        "model", "ms/run", "events", "events/s", "trace MB", "peak RSS MB", "target"
    );
    for id in ModelId::ALL {
        let config = scenario
            .models
            .iter()
            .find(|m| m.id == id)
            .cloned()
            .unwrap_or_else(|| ModelConfig::new(id));
        let mut times = Vec::with_capacity(RUNS);
        let mut events = 0;
        let mut held = 0;
        reset_peak();
        let before = peak_rss_mb();
        for _ in 0..RUNS {
            let start = Instant::now();
            let trace = simulate(scenario, &config).expect("the lesson is valid");
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            events = trace.events.len();
            held = trace.bytes();
            drop(std::hint::black_box(trace));
        }
        times.sort_by(f64::total_cmp);
        let median = times[RUNS / 2];
        let per_sec = events as f64 / (median / 1000.0);
        let peak = peak_rss_mb().map_or("n/a".to_string(), |p| {
            format!("{:.1}", p - before.unwrap_or(0.0))
        });
        let verdict = if median < 50.0 && held <= RUN_BUDGET {
            "ok"
        } else {
            "OVER"
        };
        println!(
            "{:<14} {:>10.2} {:>10} {:>14.0} {:>12.1} {:>12} {:>8}",
            id.as_str(),
            median,
            events,
            per_sec,
            held as f64 / 1e6,
            peak,
            verdict
        );
    }
    println!(
        "memory budget: {:.0} MB per run, {:.0} MB per scenario; peak RSS is the growth over the process's resident memory before the model ran",
        RUN_BUDGET as f64 / 1e6,
        concurrency_kitchen::sim::MEMORY_BUDGET as f64 / 1e6
    );
}

/// Resets the kernel's peak-RSS counter for this process (Linux 4.0+; ignored elsewhere).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// This process's peak resident memory in MB (`VmHWM`), where the kernel tells it.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1000.0)
}
