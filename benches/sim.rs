//! Benchmark: the `ten-thousand` lesson (10,000 tasks) under every model, natively.
//! Prints per model the median milliseconds per `simulate()`, the event count and events
//! per second. The target is under 50 ms per model in release; it is printed, not asserted.

use concurrency_kitchen::sim::{lessons, simulate, ModelConfig, ModelId};
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
        "{:<14} {:>10} {:>10} {:>14} {:>8}",
        "model", "ms/run", "events", "events/s", "target"
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
        for _ in 0..RUNS {
            let start = Instant::now();
            let trace = simulate(scenario, &config).expect("the lesson is valid");
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            events = trace.events.len();
            drop(std::hint::black_box(trace));
        }
        times.sort_by(f64::total_cmp);
        let median = times[RUNS / 2];
        let per_sec = events as f64 / (median / 1000.0);
        let verdict = if median < 50.0 { "ok" } else { "SLOW" };
        println!(
            "{:<14} {:>10.2} {:>10} {:>14.0} {:>8}",
            id.as_str(),
            median,
            events,
            per_sec,
            verdict
        );
    }
}
