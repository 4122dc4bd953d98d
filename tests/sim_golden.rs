//! Golden tests: a text dump of every lesson under every model it compares, checked against
//! `tests/golden/<lesson>.<model>.txt`. Refresh with `UPDATE_EXPECT=1 cargo test --test sim_golden`
//! and review the diff by eye against LESSONS.md.

use concurrency_kitchen::sim::{lessons, simulate, timeline};

/// The one helper: dump `lesson` under `model` and compare it with its golden file.
fn check(lesson: &str, model: &str) {
    let l = lessons::by_id(lesson).unwrap_or_else(|| panic!("no lesson {lesson}"));
    let config = l
        .scenario
        .models
        .iter()
        .find(|m| m.id.as_str() == model)
        .unwrap_or_else(|| panic!("{lesson} has no {model}"));
    let trace = simulate(&l.scenario, config).expect("lessons are valid");
    let dump = format!("lesson: {lesson}\n{}", timeline::dump(&trace));
    expect_test::expect_file![format!("golden/{lesson}.{model}.txt")].assert_eq(&dump);
}

#[test]
fn every_lesson_under_every_model_matches_its_golden_dump() {
    for l in lessons::all() {
        for m in &l.scenario.models {
            check(l.id, m.id.as_str());
        }
    }
}
