//! Each lesson's results chart shows its own point: the convoy lesson the reader's latency,
//! ten-thousand memory reserved against resident, every other lesson the total time. The
//! chart is built from the app's own `Session`, as `ui::chart` builds it.

use concurrency_kitchen::sim::lessons::{self, Amount, Chart, ChartMeasure, Scale, Series};
use concurrency_kitchen::sim::{
    Bytes, Micros, ModelId, Scenario, Step, Task, TASK_RESIDENT, THREAD_RESERVED, THREAD_RESIDENT,
};
use concurrency_kitchen::ui::state::Session;

/// The lesson's session and its chart with every model's run revealed or none.
fn chart(id: &str, revealed: bool) -> (Session, Chart) {
    let lesson = lessons::by_id(id).expect("lesson exists");
    let session = Session::new(lesson, &[]).expect("lessons simulate");
    let shown = vec![revealed; session.traces.len()];
    let chart = Chart::of(&session.lesson, &session.traces, &shown);
    (session, chart)
}

/// The one value of `model`'s bar of `series`.
fn value(chart: &Chart, model: ModelId, series: Series) -> Amount {
    let row = chart.rows.iter().find(|r| r.model == model).expect("row");
    let bar = row.bars.iter().find(|b| b.series == series).expect("bar");
    bar.value.expect("revealed")
}

fn time(a: Amount) -> Micros {
    match a {
        Amount::Time(t) => t,
        Amount::Memory(b) => panic!("expected a time, got {b}"),
    }
}

fn bytes(a: Amount) -> Bytes {
    match a {
        Amount::Memory(b) => b,
        Amount::Time(t) => panic!("expected memory, got {t}"),
    }
}

#[test]
fn convoy_charts_the_readers_latency_not_the_total() {
    let (session, chart) = chart("convoy", true);
    assert_eq!(chart.measure, ChartMeasure::Latency { task: "reader" });
    assert_eq!(chart.title, "Reader's latency");
    assert_eq!(chart.series, [Series::Time]);
    let reader = |model| time(value(&chart, model, Series::Time));
    let (alone, gil, nogil) = (
        reader(ModelId::Sync),
        reader(ModelId::Threads),
        reader(ModelId::ThreadsNogil),
    );
    // Alone, 100 reads of 0.5 ms (each ending ~0.11 ms late) and 0.05 ms of Python: ~66 ms;
    // the program's comment says ~55 ms for the sleeps and sums without the late wake-ups.
    assert!(
        (Micros(55_000)..=Micros(70_000)).contains(&alone),
        "alone {alone}"
    );
    // LESSONS.md 11: 7-11x longer beside one CPU-bound thread (9.1-9.5x measured here).
    let ratio = gil.0 as f64 / alone.0 as f64;
    assert!(
        (7.0..=11.0).contains(&ratio),
        "with the GIL {gil}: {ratio:.1}x"
    );
    // Without a GIL the reader runs at once on its own core: about as fast as alone.
    let free = nogil.0 as f64 / alone.0 as f64;
    assert!((0.9..=1.1).contains(&free), "no GIL {nogil}: {free:.2}x");
    // It is the reader's figure from its trace, not the total the cruncher sets.
    for t in &session.traces {
        assert_eq!(reader(t.model), t.stats.task_latency[0], "{}", t.model);
        assert!(reader(t.model) < t.stats.makespan, "{}", t.model);
    }
    assert_eq!(chart.axis.scale, Scale::Time);
    assert!(chart.axis.hi >= gil.as_secs_f64() && chart.axis.hi < 0.7);
    assert_eq!(chart.axis.label(0.2), "200 ms");
    let summary = chart.summary();
    assert!(summary.contains("reader's latency"), "{summary}");
    assert!(summary.contains(&format!("threads: {gil}")), "{summary}");
    assert!(summary.contains(&format!("sync: {alone}")), "{summary}");
}

#[test]
fn ten_thousand_charts_memory_reserved_apart_from_resident() {
    let (_, chart) = chart("ten-thousand", true);
    assert_eq!(chart.measure, ChartMeasure::Memory);
    assert_eq!(chart.title, "Memory: reserved vs resident");
    assert_eq!(chart.series, [Series::Reserved, Series::Resident]);
    let get = |model, series| bytes(value(&chart, model, series));
    // LESSONS.md 10: an 8 MB stack (8.5 MB of address space) reserved per thread, ~85 GB for
    // 10,000, of which ~14 KB each is resident; asyncio tasks ~1.5 KB each.
    let reserved = get(ModelId::Threads, Series::Reserved);
    assert_eq!(reserved, Bytes(10_000 * THREAD_RESERVED.0));
    assert!(reserved.0 >= 10_000 * 8_000_000, "{reserved}");
    assert_eq!(reserved.to_string(), "85 GB");
    let resident = get(ModelId::Threads, Series::Resident);
    assert_eq!(resident, Bytes(10_000 * THREAD_RESIDENT.0));
    assert_eq!(resident.to_string(), "140 MB");
    assert!(
        reserved.0 > 500 * resident.0,
        "{reserved} against {resident}"
    );
    let tasks = get(ModelId::Asyncio, Series::Resident);
    assert_eq!(tasks, Bytes(10_000 * TASK_RESIDENT.0));
    assert_eq!(tasks.to_string(), "15 MB");
    assert!(get(ModelId::Asyncio, Series::Reserved) < resident);
    // A log axis from a decade below the smallest figure to the power of ten above 85 GB,
    // labelled in bytes' units.
    assert_eq!(chart.axis.scale, Scale::LogBytes);
    assert_eq!((chart.axis.lo, chart.axis.hi), (6.0, 11.0));
    assert_eq!(chart.axis.ticks(), 6);
    let labels: Vec<String> = (6..=11).map(|p| chart.axis.label(p as f64)).collect();
    assert_eq!(
        labels,
        ["1 MB", "10 MB", "100 MB", "1 GB", "10 GB", "100 GB"]
    );
    assert_eq!(chart.axis.label(6.5), "");
    let at = |b: Bytes| chart.axis.position(Amount::Memory(b)).expect("drawable");
    assert!(at(tasks) < at(resident) && at(resident) < at(reserved));
    assert!(at(reserved) < chart.axis.hi && at(tasks) > chart.axis.lo);
    let summary = chart.summary();
    assert!(
        summary.contains("reserved against memory resident"),
        "{summary}"
    );
    assert!(
        summary.contains("threads: 85 GB reserved, 140 MB resident"),
        "{summary}"
    );
}

#[test]
fn every_other_lesson_charts_each_models_total_time() {
    for lesson in lessons::all() {
        if matches!(lesson.id, "convoy" | "ten-thousand") {
            continue;
        }
        let (session, chart) = chart(lesson.id, true);
        assert_eq!(chart.measure, ChartMeasure::Makespan, "{}", lesson.id);
        assert_eq!(chart.title, "Total time");
        assert_eq!(chart.rows.len(), session.traces.len());
        for (row, trace) in chart.rows.iter().zip(&session.traces) {
            assert_eq!(row.model, trace.model);
            assert_eq!(row.bars.len(), 1);
            assert_eq!(row.bars[0].value, Some(Amount::Time(trace.stats.makespan)));
        }
        let longest = session.traces.iter().map(|t| t.stats.makespan).max();
        let longest = longest.expect("a trace").as_secs_f64();
        assert!(chart.axis.hi > longest && chart.axis.hi < longest * 1.1);
        assert!(chart
            .summary()
            .starts_with("Bar chart of total time per model."));
    }
}

#[test]
fn bars_wait_for_the_playhead_and_the_axis_gives_no_hidden_figure_away() {
    for id in ["three-waits", "convoy", "ten-thousand"] {
        let (session, hidden) = chart(id, false);
        let shown = Chart::of(&session.lesson, &session.traces, &[true]);
        let (_, all) = chart(id, true);
        // Before any bar, the axis is the same for every lesson: it says nothing of the answer.
        let (_, other) = chart(
            if id == "ten-thousand" {
                "ten-thousand"
            } else {
                "gather-overlap"
            },
            false,
        );
        assert_eq!(hidden.axis, other.axis, "{id}");
        // With one bar, the axis reaches that bar, not the others' (three-waits: sync's 6 s is
        // the longest, so there it already holds them all).
        assert!(shown.axis.hi <= all.axis.hi + 1e-9, "{id}");
        if id == "convoy" {
            assert!(
                shown.axis.hi < all.axis.hi,
                "{id}: {:?} vs {:?}",
                shown.axis,
                all.axis
            );
        }
        assert!(hidden
            .rows
            .iter()
            .flat_map(|r| &r.bars)
            .all(|b| b.value.is_none()));
        // Only the first model has reached its end.
        assert!(shown.rows[0].bars.iter().all(|b| b.value.is_some()));
        assert!(shown.rows[1].bars.iter().all(|b| b.value.is_none()));
        let summary = shown.summary();
        let second = session.traces[1].model.as_str();
        assert!(
            summary.contains(&format!("{second}: not finished yet")),
            "{summary}"
        );
    }
}

#[test]
fn a_custom_scenario_charts_total_time() {
    let scenario = Scenario::new(
        vec![Task::new("reader", vec![Step::await_io(10.0)])],
        Vec::new(),
    );
    let lesson = lessons::custom(scenario);
    assert_eq!(lesson.chart, ChartMeasure::Makespan);
}
