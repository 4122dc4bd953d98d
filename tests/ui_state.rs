//! The playback reducer, natively: stepping, scrubbing, playing to the end, speeds.

use std::rc::Rc;

use concurrency_kitchen::sim::{lessons, Micros, ModelId};
use concurrency_kitchen::ui::state::{clamp_speed, Action, Playback, Session, StepMode};

fn playback(lesson: &str) -> Playback {
    let lesson = lessons::by_id(lesson).expect("lesson exists");
    Playback::new(Rc::new(Session::new(lesson, &[]).expect("simulates")), 1.0)
}

#[test]
fn every_lesson_builds_a_session_with_ordered_events() {
    for lesson in lessons::all() {
        let id = lesson.id;
        let session = Session::new(lesson.clone(), &[]).expect("simulates");
        assert!(!session.order.is_empty(), "{id}: no events");
        let times: Vec<Micros> = session
            .order
            .iter()
            .map(|&(t, e)| session.traces[t].events[e].time)
            .collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "{id}: order is by time"
        );
        assert_eq!(
            session.end,
            session
                .traces
                .iter()
                .map(|t| t.stats.makespan)
                .max()
                .unwrap()
        );
    }
}

#[test]
fn one_model_only_when_asked() {
    let lesson = lessons::by_id("three-waits").unwrap();
    let session = Session::new(lesson, &[ModelId::Asyncio]).unwrap();
    assert_eq!(session.traces.len(), 1);
    assert_eq!(session.traces[0].model, ModelId::Asyncio);
    let lesson = lessons::by_id("three-waits").unwrap();
    assert!(Session::new(lesson, &[ModelId::Processes]).is_err());
}

#[test]
fn step_forward_then_back_returns_to_the_same_place_in_both_modes() {
    for mode in [StepMode::Moment, StepMode::Model(1)] {
        let mut p = playback("three-waits").reduce(Action::SetStepMode(mode));
        for _ in 0..5 {
            p = p.reduce(Action::StepForward);
        }
        let (cursor, time) = (p.cursor, p.time);
        let there_and_back = p.reduce(Action::StepForward).reduce(Action::StepBack);
        assert_eq!(
            (there_and_back.cursor, there_and_back.time),
            (cursor, time),
            "{mode:?}"
        );
        let mut back = there_and_back;
        for _ in 0..5 {
            back = back.reduce(Action::StepBack);
        }
        assert_eq!((back.cursor, back.time), (None, Micros(0)), "{mode:?}");
        assert_eq!(
            back.reduce(Action::StepBack).cursor,
            None,
            "stepping back at the start stays there"
        );
    }
}

#[test]
fn a_moment_step_moves_the_clock_every_time() {
    let mut p = playback("three-waits");
    let mut times = vec![];
    while !p.at_end() {
        p = p.reduce(Action::StepForward);
        times.push(p.time);
    }
    // Each press lands on a new moment, after every event at it, up to the end.
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    assert_eq!(*times.last().unwrap(), p.session.end);
    let (t, e) = p.current().unwrap();
    assert_eq!(p.session.traces[t].events[e].time, p.session.end);
    let moments = {
        let mut all: Vec<Micros> = p
            .session
            .order
            .iter()
            .map(|&(t, e)| p.session.traces[t].events[e].time)
            .collect();
        all.dedup();
        all.len()
    };
    assert_eq!(times.len(), moments, "one press per moment, none skipped");
}

#[test]
fn a_model_step_visits_that_models_events_only() {
    let p = playback("three-waits");
    for t in 0..p.session.traces.len() {
        let mut p = p.clone().reduce(Action::SetStepMode(StepMode::Model(t)));
        let mut seen = vec![];
        for _ in 0..p.session.traces[t].events.len() {
            p = p.reduce(Action::StepForward);
            let (ct, ce) = p.current().unwrap();
            assert_eq!(ct, t, "only model {t}'s events");
            assert_eq!(p.latest_in(t), Some(ce));
            seen.push(ce);
        }
        assert_eq!(
            seen,
            (0..p.session.traces[t].events.len()).collect::<Vec<_>>()
        );
    }
    // A model that is not shown falls back to moments.
    let p = p.reduce(Action::SetStepMode(StepMode::Model(99)));
    assert_eq!(p.step, StepMode::Moment);
}

#[test]
fn with_one_model_a_step_visits_each_of_its_events() {
    // Asyncio's first two events (A starts, A awaits) are both at 0 ms: a moment step would
    // pass over the first, so one model steps event by event whatever the mode says.
    let lesson = lessons::by_id("three-waits").unwrap();
    let session = Rc::new(Session::new(lesson, &[ModelId::Asyncio]).unwrap());
    let events = session.traces[0].events.len();
    let mut p = Playback::new(session, 1.0);
    assert_eq!(p.step, StepMode::Moment);
    for e in 0..events {
        p = p.reduce(Action::StepForward);
        assert_eq!(p.current(), Some((0, e)));
    }
    assert!(p.at_end());
    assert_eq!(p.reduce(Action::StepBack).current(), Some((0, events - 2)));
}

#[test]
fn playing_reaches_the_end_and_stops() {
    let mut p = playback("three-waits").reduce(Action::TogglePlay);
    assert!(p.playing);
    let mut frames = 0;
    while p.playing && frames < 100_000 {
        p = p.reduce(Action::Tick(16.7));
        frames += 1;
    }
    assert!(p.finished(), "finished after {frames} frames");
    assert_eq!(p.time, p.session.end);
    assert_eq!(p.cursor, Some(p.session.order.len() - 1));
    // At 1x a 6-second lesson plays in about real time: 60 frames a second.
    assert!(
        (300..=420).contains(&frames),
        "{frames} frames for 6 s at 1x"
    );
    // Play again after the end starts over.
    let again = p.reduce(Action::TogglePlay);
    assert!(again.playing);
    assert_eq!(again.time, Micros(0));
}

#[test]
fn speed_scales_the_clock_and_ticks_do_nothing_while_paused() {
    let p = playback("three-waits");
    assert_eq!(
        p.clone().reduce(Action::Tick(500.0)).time,
        Micros(0),
        "paused"
    );
    let slow = p
        .clone()
        .reduce(Action::TogglePlay)
        .reduce(Action::Tick(100.0));
    let fast = p
        .reduce(Action::SetSpeed(4.0))
        .reduce(Action::TogglePlay)
        .reduce(Action::Tick(100.0));
    assert_eq!(fast.time.0, slow.time.0 * 4);
}

#[test]
fn seeking_places_the_cursor_on_the_last_event_at_or_before() {
    let p = playback("gather-overlap");
    let mid = Micros(p.session.end.0 / 2);
    let s = p.reduce(Action::Seek(mid));
    let (t, e) = s.current().expect("events before the middle");
    assert!(s.session.traces[t].events[e].time <= mid);
    if let Some(next) = s
        .cursor
        .map(|c| c + 1)
        .filter(|&n| n < s.session.order.len())
    {
        let (t2, e2) = s.session.order[next];
        assert!(s.session.traces[t2].events[e2].time > mid);
    }
    let far = s.reduce(Action::Seek(Micros(u64::MAX)));
    assert!(far.finished());
}

#[test]
fn speeds_are_clamped_and_nan_is_one() {
    assert_eq!(clamp_speed(100.0), 8.0);
    assert_eq!(clamp_speed(0.0), 0.25);
    assert_eq!(clamp_speed(f64::NAN), 1.0);
}

#[test]
fn visiting_one_instant_reveals_its_events_one_by_one() {
    let mut p = playback("three-waits");
    let mut seen = Vec::new();
    // The models' first events share time zero (threads start 0.11 ms in): the event log
    // visits them one by one without moving the clock.
    let at_zero: usize = p
        .session
        .traces
        .iter()
        .map(|t| t.events.iter().take_while(|e| e.time == Micros(0)).count())
        .sum();
    assert!(at_zero >= 4, "several events at time zero: {at_zero}");
    for i in 0..at_zero {
        p = p.reduce(Action::Visit(i));
        assert_eq!(p.time, Micros(0));
        let latest: Vec<Option<usize>> = (0..p.session.traces.len())
            .map(|t| p.latest_in(t))
            .collect();
        let (t, e) = p.current().unwrap();
        assert_eq!(
            latest[t],
            Some(e),
            "the current event is the latest of its trace"
        );
        seen.push(latest);
    }
    seen.dedup();
    assert_eq!(
        seen.len(),
        at_zero,
        "each step changes what the scenes show"
    );
}

#[test]
fn advancing_steps_while_playing_and_stops_at_the_end() {
    let paused = playback("gather-overlap").reduce(Action::Advance);
    assert_eq!(paused.cursor, None, "advancing does nothing while paused");
    let mut p = playback("gather-overlap").reduce(Action::TogglePlay);
    let events = p.session.order.len();
    // Even with the step on one model, playing goes moment by moment.
    p = p.reduce(Action::SetStepMode(StepMode::Model(0)));
    let mut last = None;
    while p.cursor.map_or(0, |c| c + 1) < events {
        p = p.reduce(Action::Advance);
        assert!(p.cursor > last, "each advance moves on");
        assert!(p.playing);
        last = p.cursor;
    }
    p = p.reduce(Action::Advance);
    assert!(p.finished() && !p.playing);
}

#[test]
fn the_log_keeps_what_was_reached_when_stepping_back() {
    let mut p = playback("three-waits");
    for _ in 0..4 {
        p = p.reduce(Action::StepForward);
    }
    let reached = p.cursor;
    p = p.reduce(Action::StepBack).reduce(Action::Visit(0));
    assert_eq!(p.cursor, Some(0));
    assert_eq!(
        p.seen, reached,
        "the log still ends where the learner got to"
    );
    assert_eq!(
        p.reduce(Action::Visit(usize::MAX)).cursor,
        Some(0),
        "a bad line is ignored"
    );
}

#[test]
fn before_the_reveal_the_axes_reach_a_round_figure_past_the_end() {
    for lesson in lessons::all() {
        let session = Session::new(lesson.clone(), &[]).expect("simulates");
        let (end, before) = (session.end, session.horizon(false));
        assert_eq!(session.horizon(true), end, "{}", lesson.id);
        assert!(
            before.0 as f64 >= end.0 as f64 * 1.5,
            "{}: {before:?} for {end:?}",
            lesson.id
        );
        assert!(
            before.0 as f64 <= end.0 as f64 * 3.4,
            "{}: not absurdly far",
            lesson.id
        );
        // 1, 2 or 5 times a power of ten.
        let mut lead = before.0;
        while lead >= 10 && lead % 10 == 0 {
            lead /= 10;
        }
        assert!([1, 2, 5].contains(&lead), "{}: {before:?}", lesson.id);
    }
}
