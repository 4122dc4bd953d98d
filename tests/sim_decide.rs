//! The decision explorer's map against the decision table (LESSONS.md 14): inside each
//! rule's region, the simulation's choice is the rule's tool, on the default machine.

use concurrency_kitchen::sim::decide::{self, Choice, Outcome, RULES};
use concurrency_kitchen::sim::{lessons, simulate, simulate_stats, ModelId, Python};

#[test]
fn the_map_agrees_with_each_rule_of_the_decision_table_in_its_region() {
    for native in [false, true] {
        let choice = Choice {
            native,
            ..Choice::default()
        };
        let map = decide::map(choice).unwrap();
        let mut checked = 0;
        for rule in RULES.iter().filter(|r| r.native == native) {
            for cell in map
                .cells
                .iter()
                .filter(|c| rule.covers(c.tasks, c.cpu_pct, native))
            {
                assert!(!cell.uncertain, "{cell:?}");
                assert!(
                    rule.models.contains(&cell.best),
                    "{} ({}) at {} tasks, {}% CPU: {:?}",
                    rule.workload,
                    rule.tool,
                    cell.tasks,
                    cell.cpu_pct,
                    cell.results
                );
                checked += 1;
            }
        }
        assert!(checked >= 5, "each map has cells in its rules' regions");
    }
}

#[test]
fn every_cell_has_every_candidate_and_a_bound_only_where_threads_cannot_be_simulated() {
    let map = decide::map(Choice::default()).unwrap();
    assert_eq!(map.cells.len(), decide::TASKS.len() * decide::CPU_PCT.len());
    for cell in &map.cells {
        assert_eq!(cell.results.len(), 4);
        for (model, outcome) in &cell.results {
            if let Outcome::AtLeast(bound, why) = outcome {
                assert_eq!(*model, ModelId::Threads, "{why}");
                assert_ne!(cell.best, ModelId::Threads, "a bound is never the choice");
                // Where the bound comes near the choice, the cell says it is uncertain.
                let best = cell.of(cell.best).unwrap().time();
                if bound.0 as f64 <= best.0 as f64 * (1.0 + decide::TIE) {
                    assert!(cell.uncertain, "{cell:?}");
                }
            }
        }
    }
    // Pure waiting is never bounded: a thread that only sleeps needs no GIL.
    assert!(map
        .cells
        .iter()
        .filter(|c| c.cpu_pct == 0)
        .all(|c| matches!(c.of(ModelId::Threads), Some(Outcome::Ran { .. }))));
}

#[test]
fn interpreters_take_part_when_asked_and_the_version_has_them() {
    let on = Choice {
        interpreters: true,
        python: Python::V3_14,
        ..Choice::default()
    };
    assert!(decide::candidates(on).contains(&ModelId::Interpreters));
    let old = Choice {
        python: Python::V3_9,
        ..on
    };
    assert!(!decide::candidates(old).contains(&ModelId::Interpreters));
    // On 3.14, whose processes start from a fork server, interpreters win CPU-bound work
    // with a few tasks.
    let cell = decide::cell(4, 100, on).unwrap();
    assert_eq!(cell.best, ModelId::Interpreters, "{cell:?}");
}

#[test]
fn a_cell_opens_as_a_lesson_whose_runs_give_the_map_s_figures() {
    let choice = Choice::default();
    let cell = decide::cell(20, 25, choice).unwrap();
    let lesson = lessons::custom(decide::workload(20, 25, choice));
    for m in &lesson.scenario.models {
        let t = simulate(&lesson.scenario, m).unwrap();
        assert_eq!(Some(t.stats.makespan), cell.of(m.id).map(Outcome::time));
    }
}

#[test]
fn a_statistics_only_run_gives_the_same_statistics_as_a_full_one() {
    for lesson in lessons::all() {
        for m in &lesson.scenario.models {
            let full = simulate(&lesson.scenario, m).unwrap();
            let stats = simulate_stats(&lesson.scenario, m).unwrap();
            assert_eq!(full.stats, stats, "{} {}", lesson.id, m.id);
        }
    }
}

#[test]
fn a_free_threaded_build_compares_threads_without_the_gil() {
    let choice = Choice {
        python: Python::V3_14t,
        ..Choice::default()
    };
    assert_eq!(decide::threads(choice), ModelId::ThreadsNogil);
    assert!(!decide::candidates(choice).contains(&ModelId::Threads));
    // Three CPU-bound tasks: threads run in parallel there, and start faster than processes.
    let cell = decide::cell(3, 100, choice).unwrap();
    assert_eq!(cell.best, ModelId::ThreadsNogil, "{cell:?}");
}
