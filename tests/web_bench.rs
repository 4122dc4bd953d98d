//! `./kitchen bench` only: the simulation's speed in wasm, printed, never asserted.
#![cfg(target_arch = "wasm32")]

use concurrency_kitchen::sim::{lessons, simulate, ModelConfig, ModelId};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn ten_thousand_under_every_model() {
    let performance = web_sys::window().unwrap().performance().unwrap();
    let lesson = lessons::by_id("ten-thousand").unwrap();
    // Every model, not only the two the lesson compares.
    for config in ModelId::ALL.map(ModelConfig::new).iter() {
        let mut runs = Vec::new();
        let mut events = 0;
        for _ in 0..5 {
            let start = performance.now();
            let trace = simulate(&lesson.scenario, config).unwrap();
            runs.push(performance.now() - start);
            events = trace.events.len();
        }
        runs.sort_by(f64::total_cmp);
        let median = runs[runs.len() / 2];
        console_log!(
            "bench wasm ten-thousand {:<14} {:>8.1} ms median of 5, {:>7} events, {:>6.2} M events/s",
            config.id.as_str(),
            median,
            events,
            events as f64 / median / 1000.0
        );
    }
}
