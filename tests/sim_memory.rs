//! Memory as a run grows (`sim::memory`), reserved and resident apart.

use concurrency_kitchen::sim::memory::Curve;
use concurrency_kitchen::sim::{lessons, simulate, ModelId, TASK_RESIDENT, THREAD_RESERVED};

fn run(model: ModelId) -> concurrency_kitchen::sim::Trace {
    let lesson = lessons::by_id("ten-thousand").unwrap();
    let config = lesson
        .scenario
        .models
        .iter()
        .find(|m| m.id == model)
        .unwrap();
    simulate(&lesson.scenario, config).unwrap()
}

#[test]
fn ten_thousand_tasks_are_all_alive_at_once_and_hold_about_15_mb() {
    let t = run(ModelId::Asyncio);
    let c = Curve::of(&t).unwrap();
    assert_eq!((c.unit.plural(), c.units), ("tasks", 10_000));
    assert_eq!(c.peak.alive, 10_000);
    assert_eq!(c.peak.resident, 10_000 * TASK_RESIDENT.0);
    // At the end every task has returned.
    assert_eq!(c.at(Some(t.events.len() - 1)).alive, 0);
    assert_eq!(c.at(None).alive, 0);
}

#[test]
fn ten_thousand_threads_started_one_after_another_are_never_all_alive() {
    let t = run(ModelId::Threads);
    let c = Curve::of(&t).unwrap();
    assert_eq!((c.unit.plural(), c.units), ("threads", 10_000));
    // Each thread sleeps 1 s from its own start, and starting all of them takes longer
    // than that: the first have ended before the last begin.
    assert!(
        c.peak.alive > 1_000 && c.peak.alive < 10_000,
        "{:?}",
        c.peak
    );
    assert_eq!(c.peak.reserved, c.peak.alive * THREAD_RESERVED.0);
    // The statistics count every thread the run had, as if all were alive at once.
    assert_eq!(t.stats.memory_reserved, 10_000 * THREAD_RESERVED.0);
    // The peak so far only grows, and the memory now never passes it.
    let mut last = 0;
    for i in (0..t.events.len()).step_by(997) {
        let p = c.peak_until(Some(i));
        assert!(p.reserved >= last && c.at(Some(i)).reserved <= p.reserved);
        last = p.reserved;
    }
}
