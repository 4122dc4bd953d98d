//! Benchmark: the `ten-thousand` lesson (10,000 tasks) under every model, natively.
//! Prints per model the median milliseconds per `simulate()`, the event count, events per
//! second, the memory the finished trace holds and the process's peak resident memory while
//! simulating it (Linux). Targets: under 50 ms per model; memory within the run budget
//! (`sim::RUN_BUDGET`). They are printed, not asserted.
//! Then the pure part of one Step press on the lesson as the app shows it (every model's
//! trace): the reducer, each model's snapshot and picture on a counting painter, its caption
//! and the event log's 120 sentences, against the browser's 16 ms for the whole step.

use std::rc::Rc;
use std::time::Instant;

use concurrency_kitchen::render::scene::{describe, draw_scene};
use concurrency_kitchen::render::{Align, Font, Painter, Palette, Pattern};
use concurrency_kitchen::sim::{lessons, narrate, simulate, ModelConfig, ModelId, RUN_BUDGET};
use concurrency_kitchen::ui::state::{Action, Playback, Session};

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
    step_work();
}

/// The pure work behind one Step press, timed over many presses from the middle of the run.
fn step_work() {
    const STEPS: u32 = 200;
    let lesson = lessons::by_id("ten-thousand").expect("the ten-thousand lesson exists");
    let start = Instant::now();
    let session = Rc::new(Session::new(lesson, &[]).expect("the lesson simulates"));
    let setup = start.elapsed().as_secs_f64() * 1000.0;
    let mut playback = Playback::new(session.clone(), 1.0).reduce(Action::Seek(
        concurrency_kitchen::sim::Micros(session.end.0 / 2),
    ));
    let palette = Palette::default();
    let (mut reduce, mut draw, mut text, mut ops) = (0.0, 0.0, 0.0, 0);
    for _ in 0..STEPS {
        let t = Instant::now();
        playback = playback.reduce(Action::StepForward);
        reduce += t.elapsed().as_secs_f64();
        for (i, trace) in session.traces.iter().enumerate() {
            let latest = playback.latest_in(i);
            let t = Instant::now();
            let mut painter = Counter::default();
            let index = &session.indexes[i];
            draw_scene(
                &mut painter,
                trace,
                index,
                latest,
                playback.time,
                session.end,
                &palette,
            );
            draw += t.elapsed().as_secs_f64();
            ops += painter.0;
            let t = Instant::now();
            std::hint::black_box(describe(trace, latest, playback.time));
            std::hint::black_box(latest.map(|e| narrate::sentence(trace, e)));
            text += t.elapsed().as_secs_f64();
        }
        let t = Instant::now();
        let end = playback.cursor.map_or(0, |c| c + 1);
        for &(trace, event) in &session.order[end.saturating_sub(120)..end] {
            std::hint::black_box(narrate::sentence(&session.traces[trace], event));
        }
        text += t.elapsed().as_secs_f64();
    }
    let per = |seconds: f64| seconds * 1000.0 / f64::from(STEPS);
    println!(
        "one step, pure work ({} events, {} models; the session took {setup:.0} ms to build once): reducer {:.3} ms, pictures {:.3} ms ({} drawing calls), captions and the log's 120 sentences {:.3} ms",
        session.order.len(),
        session.traces.len(),
        per(reduce),
        per(draw),
        ops / STEPS as usize,
        per(text)
    );
}

/// A painter that only counts what it is asked to draw.
#[derive(Default)]
struct Counter(usize);

impl Painter for Counter {
    fn size(&self) -> (f64, f64) {
        // One scene at 1920x1080 with two models side by side.
        (514.0, 715.0)
    }
    fn clear(&mut self, _: &str) {
        self.0 += 1;
    }
    fn clear_transparent(&mut self) {
        self.0 += 1;
    }
    fn fill_rect(&mut self, _: f64, _: f64, _: f64, _: f64, _: &str) {
        self.0 += 1;
    }
    fn pattern_rect(&mut self, _: f64, _: f64, _: f64, _: f64, _: Pattern, _: &str) {
        self.0 += 1;
    }
    fn stroke_rect(&mut self, _: f64, _: f64, _: f64, _: f64, _: &str, _: f64) {
        self.0 += 1;
    }
    fn round_rect(&mut self, _: f64, _: f64, _: f64, _: f64, _: f64, _: &str) {
        self.0 += 1;
    }
    fn line(&mut self, _: f64, _: f64, _: f64, _: f64, _: &str, _: f64) {
        self.0 += 1;
    }
    fn circle(&mut self, _: f64, _: f64, _: f64, _: &str) {
        self.0 += 1;
    }
    fn text(&mut self, _: f64, _: f64, _: &str, _: Font, _: &str, _: Align) {
        self.0 += 1;
    }
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
