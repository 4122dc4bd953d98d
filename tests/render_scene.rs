//! The pictures, drawn natively on a recording painter: every lesson and model draws, and what is
//! drawn follows the playhead.

use concurrency_kitchen::render::scene::{describe, draw_scene};
use concurrency_kitchen::render::timeline::{tick_step, LaneIndex, TimeScale};
use concurrency_kitchen::render::{Palette, RecordingPainter};
use concurrency_kitchen::sim::{lessons, simulate, Micros, Snapshot};

#[test]
fn every_lesson_and_model_draws_at_start_middle_and_end() {
    for lesson in lessons::all() {
        for config in &lesson.scenario.models {
            let trace = simulate(&lesson.scenario, config).unwrap();
            let index = LaneIndex::new(&trace);
            let end = trace.stats.makespan;
            let mut frames = Vec::new();
            for now in [Micros(0), Micros(end.0 / 2), end] {
                let latest = trace.event_at(now);
                let mut r = RecordingPainter::new(640.0, 320.0);
                draw_scene(
                    &mut r,
                    &trace,
                    &index,
                    latest,
                    now,
                    end,
                    &Palette::default(),
                );
                assert!(
                    r.ops.len() > 5,
                    "{} {:?}: drew {} ops",
                    lesson.id,
                    config.id,
                    r.ops.len()
                );
                frames.push(r.ops);
            }
            assert_ne!(
                frames[0], frames[2],
                "{} {:?}: the picture changes",
                lesson.id, config.id
            );
        }
    }
}

/// Draws `model` of `lesson` at the first event whose snapshot satisfies `moment`; returns the
/// texts drawn and the canvas's text alternative.
fn draw_at(
    lesson: &str,
    model: &str,
    width: f64,
    moment: impl Fn(&Snapshot) -> bool,
) -> (Vec<String>, String) {
    let lesson = lessons::by_id(lesson).unwrap();
    let config = lesson
        .scenario
        .models
        .iter()
        .find(|m| m.id.as_str() == model)
        .unwrap();
    let trace = simulate(&lesson.scenario, config).unwrap();
    let e = trace
        .snapshots
        .iter()
        .position(|s| moment(&s))
        .expect("such a moment");
    let now = trace.events[e].time;
    let mut r = RecordingPainter::new(width, 340.0);
    draw_scene(
        &mut r,
        &trace,
        &LaneIndex::new(&trace),
        Some(e),
        now,
        trace.stats.makespan,
        &Palette::default(),
    );
    let texts = r.texts().iter().map(|t| t.to_string()).collect();
    (texts, describe(&trace, Some(e), now))
}

#[test]
fn the_frozen_loop_is_unmistakable() {
    let (texts, alt) = draw_at("blocking-in-async", "asyncio", 640.0, |s| s.loop_frozen);
    assert!(texts.iter().any(|t| t == "LOOP FROZEN"), "{texts:?}");
    assert!(alt.contains("frozen"));
}

#[test]
fn the_gil_token_is_drawn_for_threads() {
    let (texts, alt) = draw_at("cpu-threads-gil", "threads", 800.0, |s| {
        !s.gil_holders.is_empty()
    });
    assert!(texts.iter().any(|t| t.starts_with("held by")), "{texts:?}");
    assert!(alt.contains("GIL held by"));
}

#[test]
fn ten_thousand_tasks_draw_a_bounded_number_of_shapes() {
    let lesson = lessons::by_id("ten-thousand").unwrap();
    for config in &lesson.scenario.models {
        let trace = simulate(&lesson.scenario, config).unwrap();
        let end = trace.stats.makespan;
        let mut r = RecordingPainter::new(1920.0, 420.0);
        draw_scene(
            &mut r,
            &trace,
            &LaneIndex::new(&trace),
            trace.event_at(end),
            end,
            end,
            &Palette::default(),
        );
        assert!(r.ops.len() < 20_000, "{:?}: {} ops", config.id, r.ops.len());
    }
}

#[test]
fn time_scale_and_ticks() {
    let s = TimeScale {
        x0: 100.0,
        x1: 300.0,
        end: Micros(2_000_000),
    };
    assert_eq!(s.x(Micros(0)), 100.0);
    assert_eq!(s.x(Micros(1_000_000)), 200.0);
    assert_eq!(s.x(Micros(9_000_000)), 300.0, "clamped at the end");
    assert_eq!(tick_step(Micros(6_000_000), 5), Micros(2_000_000));
    assert_eq!(tick_step(Micros(1_000), 5), Micros(200));
}

/// Every label fits at the sizes the layouts give a scene (the embed's narrow panel, the
/// learner's three columns, presentation mode's large type), at ten moments of every run:
/// a cut label hides the fact the lesson is about ("held…" instead of who holds the GIL).
#[test]
fn no_label_is_cut_or_drawn_over_another_at_any_layouts_size() {
    // (width, height, presentation mode)
    let sizes = [
        (200.0, 250.0, false),
        (270.0, 400.0, false),
        (340.0, 300.0, false),
        (430.0, 680.0, true),
        // The panels of the four layouts: a phone, a blog's 700 px frame, 1280x800, and three
        // or four panels at 1920x1080 in presentation mode.
        (330.0, 300.0, false),
        (210.0, 330.0, false),
        (200.0, 266.0, false),
        (200.0, 288.0, false),
        (340.0, 222.0, false),
        (280.0, 420.0, false),
        (440.0, 480.0, true),
        (440.0, 300.0, true),
        (650.0, 300.0, true),
    ];
    // Each problem once per lesson, model and size, with the first moment it shows.
    let mut cuts = std::collections::BTreeMap::new();
    for lesson in lessons::all() {
        for config in &lesson.scenario.models {
            let trace = simulate(&lesson.scenario, config).unwrap();
            let index = LaneIndex::new(&trace);
            let end = trace.stats.makespan;
            for &(w, h, large) in &sizes {
                let pal = Palette {
                    large,
                    thick: large,
                    ..Palette::default()
                };
                for k in 0..=40 {
                    let now = Micros(end.0 * k / 40);
                    let mut r = RecordingPainter::new(w, h);
                    let latest = trace.event_at(now);
                    draw_scene(&mut r, &trace, &index, latest, now, end, &pal);
                    let problems = r
                        .overlaps()
                        .into_iter()
                        .map(|(a, b)| format!("\"{a}\" over \"{b}\""))
                        .chain(r.cuts.iter().map(|c| format!("cut: {c}")));
                    for problem in problems {
                        let key = format!("{} {:?} {w}x{h}: {problem}", lesson.id, config.id);
                        cuts.entry(key).or_insert(now);
                    }
                }
            }
        }
    }
    let cuts: Vec<String> = cuts.iter().map(|(k, t)| format!("{k} (at {t})")).collect();
    assert!(
        cuts.is_empty(),
        "{} labels cut or drawn over another:\n{}",
        cuts.len(),
        cuts[..cuts.len().min(60)].join("\n")
    );
}

#[test]
fn compact_lane_names_keep_the_number() {
    use concurrency_kitchen::render::compact_lane;
    assert_eq!(compact_lane("thread 12"), "T12");
    assert_eq!(compact_lane("core 3"), "C3");
    assert_eq!(compact_lane("process 2"), "P2");
    assert_eq!(compact_lane("main thread"), "main");
    assert_eq!(compact_lane("main: feeder"), "main");
    assert_eq!(compact_lane("loop"), "loop");
    assert_eq!(
        compact_lane("task t4954"),
        "t4954",
        "the task's name, not the word"
    );
}
