//! The decision explorer's URL contract and cell links (`ui::decide`, `ui::params`).

use concurrency_kitchen::sim::decide::{self, Choice};
use concurrency_kitchen::sim::{ModelId, Python};
use concurrency_kitchen::ui::decide::{cell_link, memory_shade, Explorer, Layer};
use concurrency_kitchen::ui::params::parse;

#[test]
fn view_decide_opens_the_explorer_and_keeps_its_settings_in_the_link() {
    let view = parse("?view=decide&theme=dark");
    assert!(view.decide && view.ignored.is_empty(), "{view:?}");
    assert_eq!(view.to_query(), "?view=decide&theme=dark");
    let (e, notes) =
        Explorer::parse("?view=decide&cores=8&python=3.14&interpreters=1&native=1&layer=memory");
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(
        e,
        Explorer {
            choice: Choice {
                cores: 8,
                python: Python::V3_14,
                interpreters: true,
                native: true
            },
            layer: Layer::Memory
        }
    );
    assert_eq!(
        e.to_query(),
        "cores=8&python=3.14&interpreters=1&native=1&layer=memory"
    );
    assert_eq!(Explorer::default().to_query(), "");
}

#[test]
fn garbage_settings_are_ignored_with_a_note() {
    let (e, notes) = Explorer::parse("?view=decide&cores=0&python=2.7&layer=pink");
    assert_eq!(e, Explorer::default());
    assert_eq!(notes.len(), 3, "{notes:?}");
    let view = parse("?view=decid");
    assert!(!view.decide && view.ignored.iter().any(|n| n.contains("view")));
}

#[test]
fn a_cell_link_opens_its_workload_as_a_scenario_even_with_ten_thousand_tasks() {
    let choice = Choice {
        python: Python::V3_14,
        interpreters: true,
        ..Choice::default()
    };
    let link = cell_link(10_000, 50, choice);
    assert_eq!(link, "?workload=10000,50&python=3.14&interpreters=1");
    let view = parse(&link);
    assert!(view.ignored.is_empty(), "{:?}", view.ignored);
    let scenario = view.scenario.expect("the workload");
    assert_eq!(scenario, decide::openable(10_000, 50, choice));
    assert_eq!(scenario.tasks.len(), 10_000);
    // Ten thousand threads contending for the GIL cannot be played: left out, not refused.
    let ids: Vec<ModelId> = scenario.models.iter().map(|m| m.id).collect();
    assert!(
        !ids.contains(&ModelId::Threads) && ids.contains(&ModelId::Asyncio),
        "{ids:?}"
    );
    // A small cell keeps every candidate.
    let small = parse(&cell_link(10, 0, Choice::default()))
        .scenario
        .unwrap();
    assert_eq!(
        small.models.len(),
        decide::candidates(Choice::default()).len()
    );
}

#[test]
fn a_bad_workload_is_a_notice_not_an_error() {
    for bad in [
        "?workload=0,50",
        "?workload=20000,1",
        "?workload=10,101",
        "?workload=ten",
        "?workload=",
    ] {
        let view = parse(bad);
        assert!(
            view.scenario.is_none() && view.ignored.len() == 1,
            "{bad}: {view:?}"
        );
    }
}

#[test]
fn memory_shades_run_from_kilobytes_to_gigabytes() {
    assert_eq!(memory_shade(1_000), 0);
    assert_eq!(memory_shade(10_000_000), 3);
    assert!(memory_shade(85_000_000_000) == 5);
}

#[test]
fn a_cell_s_lesson_keeps_its_short_link_in_the_address() {
    let view = parse("?workload=10000,0&python=3.14");
    assert!(view.scenario.is_some());
    assert_eq!(view.to_query(), "?workload=10000,0&python=3.14");
    assert_eq!(view.link_query().unwrap(), "?workload=10000,0&python=3.14");
    // A flag other than 1 or 0 is noted; interpreters on 3.9 are turned off, with a note.
    let (e, notes) = Explorer::parse("?view=decide&interpreters=yes");
    assert!(!e.choice.interpreters && notes.len() == 1, "{notes:?}");
    let (e, notes) = Explorer::parse("?view=decide&python=3.9&interpreters=1");
    assert!(!e.choice.interpreters && notes.len() == 1, "{notes:?}");
}
