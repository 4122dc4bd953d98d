//! `./kitchen bench` only: the simulation's speed in wasm, printed, never asserted.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use concurrency_kitchen::render::scene::draw_scene;
use concurrency_kitchen::render::{Palette, RecordingPainter};
use concurrency_kitchen::sim::{lessons, narrate, simulate, Micros, ModelConfig, ModelId};
use concurrency_kitchen::ui::state::{Action, Playback, Session};
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

/// The pure part of one Step press on the largest lesson, in wasm: the reducer, every model's
/// picture (recorded, not painted) and the event log's 120 sentences.
#[wasm_bindgen_test]
fn one_step_on_ten_thousand() {
    const STEPS: u32 = 100;
    let performance = web_sys::window().unwrap().performance().unwrap();
    let lesson = lessons::by_id("ten-thousand").unwrap();
    let session = Rc::new(Session::new(lesson, &[]).unwrap());
    let mut playback =
        Playback::new(session.clone(), 1.0).reduce(Action::Seek(Micros(session.end.0 / 2)));
    let palette = Palette::default();
    let start = performance.now();
    for _ in 0..STEPS {
        playback = playback.reduce(Action::StepForward);
        for (i, trace) in session.traces.iter().enumerate() {
            let mut painter = RecordingPainter::new(514.0, 715.0);
            let (latest, index) = (playback.latest_in(i), &session.indexes[i]);
            draw_scene(
                &mut painter,
                trace,
                index,
                latest,
                playback.time,
                session.end,
                &palette,
            );
        }
        let end = playback.cursor.map_or(0, |c| c + 1);
        for &(t, e) in &session.order[end.saturating_sub(120)..end] {
            std::hint::black_box(narrate::sentence(&session.traces[t], e));
        }
    }
    console_log!(
        "bench wasm one step on ten-thousand (pure work: reducer, {} pictures recorded, 120 log sentences): {:.2} ms",
        session.traces.len(),
        (performance.now() - start) / f64::from(STEPS)
    );
}

/// The decision explorer's whole grid (`?view=decide`), computed in wasm as the page does:
/// issue 15's budget is under 1 s in the browser.
#[wasm_bindgen_test]
fn decision_explorer_grid() {
    use concurrency_kitchen::sim::decide::{map, Choice, CPU_PCT, TASKS};
    let performance = web_sys::window().unwrap().performance().unwrap();
    for (name, choice) in [
        ("default", Choice::default()),
        (
            "native",
            Choice {
                native: true,
                ..Choice::default()
            },
        ),
    ] {
        let mut runs = Vec::new();
        for _ in 0..3 {
            let start = performance.now();
            let m = map(choice).unwrap();
            runs.push(performance.now() - start);
            assert_eq!(m.cells.len(), TASKS.len() * CPU_PCT.len());
        }
        runs.sort_by(f64::total_cmp);
        console_log!(
            "bench wasm decide grid {:<8} {:>8.1} ms median of 3 ({} cells; budget 1000 ms)",
            name,
            runs[1],
            TASKS.len() * CPU_PCT.len()
        );
    }
}
