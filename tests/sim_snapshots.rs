//! Snapshots show the state right after their event: the queues and lanes the canvas draws
//! must agree with the narration at every step, for every lesson and model.

use concurrency_kitchen::sim::{
    check, lessons, narrate, simulate, EventKind, LaneKind, Micros, ModelId, State, Trace,
};

fn every_trace() -> impl Iterator<Item = (&'static str, Trace)> {
    lessons::all().iter().flat_map(|lesson| {
        lesson
            .scenario
            .models
            .iter()
            .map(|config| (lesson.id, simulate(&lesson.scenario, config).unwrap()))
    })
}

#[test]
fn every_event_of_every_lesson_agrees_with_its_snapshot() {
    for (lesson, trace) in every_trace() {
        let problems = check::check(&trace);
        assert!(
            problems.is_empty(),
            "{lesson} {}: {} problems, first: {}",
            trace.model,
            problems.len(),
            problems[..problems.len().min(5)].join("\n")
        );
    }
}

#[test]
fn after_the_last_event_nothing_runs_and_every_gil_is_free() {
    for (lesson, trace) in every_trace() {
        let last = trace.snapshot(trace.events.len() - 1).unwrap();
        assert!(last.running.is_empty(), "{lesson} {}", trace.model);
        assert!(last.gil_holders.is_empty(), "{lesson} {}", trace.model);
        assert_eq!(
            (last.ready_len, last.io_len),
            (0, 0),
            "{lesson} {}",
            trace.model
        );
    }
}

#[test]
fn a_blocking_call_in_async_code_freezes_the_loop_until_it_returns_and_is_no_io_wait() {
    let lesson = lessons::by_id("blocking-in-async").unwrap();
    let config = lesson
        .scenario
        .models
        .iter()
        .find(|m| m.id.as_str() == "asyncio")
        .unwrap();
    let trace = simulate(&lesson.scenario, config).unwrap();
    let mut returns = 0;
    for (i, e) in trace.events.iter().enumerate() {
        let snap = trace.snapshot(i).unwrap();
        let on_loop = e.lane.is_some_and(|l| trace.lane(l).kind == LaneKind::Loop);
        match e.kind {
            EventKind::BlockingCall => {
                let t = e.task.unwrap();
                assert!(snap.io_waiters.iter().all(|&(w, _)| w != t), "event {i}");
                assert_eq!(snap.loop_frozen, snap.ready_len > 0, "event {i}");
            }
            EventKind::IoDone if on_loop => {
                returns += 1;
                let sentence = narrate::sentence(&trace, i);
                assert!(sentence.contains("the loop can move again"), "{sentence}");
                assert!(!snap.loop_frozen, "event {i} is drawn frozen");
                let loop_state = trace.lane_state(e.lane.unwrap(), i);
                assert_eq!(
                    loop_state.map(|(s, _)| s),
                    Some(State::Running),
                    "event {i}"
                );
            }
            _ => {}
        }
    }
    assert!(returns > 0);
}

#[test]
fn when_the_loop_starts_a_task_the_loop_is_drawn_running_it() {
    for (lesson, trace) in every_trace() {
        for (i, e) in trace.events.iter().enumerate() {
            let on_loop = e.lane.is_some_and(|l| trace.lane(l).kind == LaneKind::Loop);
            if on_loop && matches!(e.kind, EventKind::TaskStart | EventKind::Resume) {
                let state = trace.lane_state(e.lane.unwrap(), i);
                assert_eq!(state, Some((State::Running, e.task)), "{lesson} event {i}");
            }
        }
    }
}

#[test]
fn a_task_that_finished_is_not_running_in_its_own_snapshot() {
    for (lesson, trace) in every_trace() {
        for (i, e) in trace.events.iter().enumerate() {
            if e.kind == EventKind::TaskFinish {
                let snap = trace.snapshot(i).unwrap();
                assert!(
                    !snap.running.contains(&e.task.unwrap()),
                    "{lesson} event {i}"
                );
            }
        }
    }
}

#[test]
fn ten_thousand_waits_are_all_waiting_on_the_loop_but_never_in_threads() {
    let lesson = lessons::by_id("ten-thousand").unwrap();
    for config in &lesson.scenario.models {
        let trace = simulate(&lesson.scenario, config).unwrap();
        let peak = trace.snapshots.iter().map(|s| s.io_len).max().unwrap();
        if config.id == ModelId::Asyncio {
            // The loop starts every task within a tenth of a second: all wait at once.
            let e = trace.event_at(Micros(500_000)).unwrap();
            assert_eq!(trace.snapshot(e).unwrap().io_len, 10_000);
        } else {
            // Starting 10,000 threads one after another takes longer than the 1 s wait, so
            // the first are done before the last have started.
            assert!(
                (3_000..10_000).contains(&peak),
                "{:?}: peak {peak}",
                config.id
            );
        }
    }
}
