//! The editor's draft reducer, natively: edits apply at once when valid, typed text is kept as
//! typed and named when it is not a number, and checking a draft never simulates it.

use concurrency_kitchen::sim::{lessons, ModelId, StepKind};
use concurrency_kitchen::ui::draft::{Draft, Edit};

fn draft() -> Draft {
    Draft::new(lessons::by_id("three-waits").unwrap().scenario)
}

#[test]
fn a_valid_edit_is_the_scenario_to_apply() {
    let mut d = draft();
    let applied = d.edit(Edit::StepMs(0, 0, "2500".into())).expect("valid");
    assert_eq!(applied.tasks[0].steps[0].ms, 2500.0);
    assert_eq!(d.scenario, applied);
    assert_eq!(d.error, None);
    assert_eq!(d.typed("tasks[0].steps[0].ms"), Some("2500"));
    let applied = d.edit(Edit::StepKind(0, 0, StepKind::Cpu)).expect("valid");
    assert_eq!(applied.tasks[0].steps[0].kind, StepKind::Cpu);
}

#[test]
fn text_that_is_not_a_number_is_kept_and_named_as_typed() {
    let mut d = draft();
    assert_eq!(d.edit(Edit::StepMs(0, 0, "1e".into())), None);
    assert_eq!(
        d.typed("tasks[0].steps[0].ms"),
        Some("1e"),
        "the field keeps what was typed"
    );
    let error = d.error.clone().expect("an error");
    assert_eq!(error.path, "tasks[0].steps[0].ms");
    assert!(error.message.contains("\"1e\""), "{}", error.message);
    // Finishing the number applies it.
    assert!(d.edit(Edit::StepMs(0, 0, "1e3".into())).is_some());
    assert_eq!(d.error, None);
    let workers = d.edit(Edit::Workers(ModelId::Threads, "3x".into()));
    assert_eq!(workers, None);
    assert!(d.error.unwrap().message.contains("whole number"));
}

#[test]
fn a_rule_broken_says_where_and_the_next_good_edit_recovers() {
    let mut d = draft();
    assert_eq!(
        d.edit(Edit::StepMs(0, 0, "-5".into())),
        None,
        "a negative duration"
    );
    assert!(
        d.error
            .as_ref()
            .unwrap()
            .path
            .starts_with("tasks[0].steps[0]"),
        "{:?}",
        d.error
    );
    assert!(d.edit(Edit::StepMs(0, 0, "5".into())).is_some());
    let replaced = lessons::by_id("convoy").unwrap().scenario;
    assert_eq!(d.edit(Edit::Replace(replaced.clone())), Some(replaced));
}

#[test]
fn a_scenario_past_the_budget_is_refused_by_its_estimate_without_simulating() {
    let mut d = draft();
    let mut huge = d.scenario.clone();
    let task = huge.tasks[0].clone();
    huge.tasks = vec![task; 2_000_000];
    assert_eq!(d.edit(Edit::Replace(huge)), None);
    assert!(d.error.is_some());
}

#[test]
fn the_draft_module_never_simulates() {
    // One keystroke simulates once: in the app's reducer, never in the draft's check.
    let source = std::fs::read_to_string("src/ui/draft.rs").unwrap();
    let code = source.split("#[cfg(test)]").next().unwrap();
    assert!(
        !code.contains("simulate"),
        "src/ui/draft.rs calls the simulation"
    );
    assert!(
        !code.contains("Session"),
        "src/ui/draft.rs builds a session"
    );
}

#[test]
fn a_task_may_raise_and_tasks_may_start_eagerly_from_3_12() {
    use concurrency_kitchen::sim::{Python, TaskFactory};
    let mut d = draft();
    let s = d.edit(Edit::TaskRaises(0, true)).expect("valid");
    assert!(s.tasks[0].raises);
    let s = d
        .edit(Edit::TaskFactory("eager".into()))
        .expect("valid on 3.12");
    assert_eq!(s.task_factory, Some(TaskFactory::Eager));
    // 3.9 has no eager factory: refused, naming the field.
    assert!(d.edit(Edit::Python("3.9".into())).is_none());
    assert_eq!(d.error.as_ref().unwrap().path, "task_factory");
    assert_eq!(d.scenario.python, Some(Python::V3_9));
    let s = d
        .edit(Edit::TaskFactory("lazy".into()))
        .expect("lazy runs anywhere");
    assert!(!s.to_json().contains("eager"));
}
