//! Snapshots show the state right after their event: the queues the canvas draws must agree
//! with the narration at every step.

use concurrency_kitchen::sim::{lessons, simulate, EventKind, Micros};

#[test]
fn after_the_last_event_nothing_runs_and_every_gil_is_free() {
    for lesson in lessons::all() {
        for config in &lesson.scenario.models {
            let trace = simulate(&lesson.scenario, config).unwrap();
            let last = trace.snapshots.last().unwrap();
            assert!(
                last.running.is_empty(),
                "{} {:?}: {:?}",
                lesson.id,
                config.id,
                last.running
            );
            assert!(
                last.gil_holder.iter().all(Option::is_none),
                "{} {:?}",
                lesson.id,
                config.id
            );
            assert_eq!(
                (last.ready_len, last.io_len),
                (0, 0),
                "{} {:?}",
                lesson.id,
                config.id
            );
        }
    }
}

#[test]
fn a_task_that_finished_is_not_running_in_its_own_snapshot() {
    for lesson in lessons::all()
        .iter()
        .filter(|l| l.scenario.tasks.len() < 100)
    {
        for config in &lesson.scenario.models {
            let trace = simulate(&lesson.scenario, config).unwrap();
            for (e, event) in trace.events.iter().enumerate() {
                if event.kind == EventKind::TaskFinish {
                    let task = event.task.unwrap();
                    assert!(
                        !trace.snapshots[e].running.contains(&task),
                        "{} {:?} event {e}",
                        lesson.id,
                        config.id
                    );
                }
            }
        }
    }
}

#[test]
fn ten_thousand_waits_are_all_waiting_once_started() {
    let lesson = lessons::by_id("ten-thousand").unwrap();
    for config in &lesson.scenario.models {
        let trace = simulate(&lesson.scenario, config).unwrap();
        let e = trace.event_at(Micros(500_000)).unwrap();
        assert_eq!(trace.snapshots[e].io_len, 10_000, "{:?}", config.id);
    }
}
