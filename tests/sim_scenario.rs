//! The scenario format: JSON round trips, validation messages that name the field, size
//! caps that refuse oversized input at once, and byte-identical traces across runs.

use concurrency_kitchen::sim::{
    lessons, narrate, simulate, simulate_all, ModelConfig, ModelId, Scenario, Step, StepId, Task,
};
use std::time::Instant;

fn error(json: &str) -> String {
    Scenario::from_json(json)
        .expect_err("should be refused")
        .to_string()
}

#[test]
fn json_round_trips_and_uses_readable_ids() {
    let l = lessons::by_id("cpu-processes").unwrap();
    let text = l.scenario.to_json();
    assert!(
        text.contains("\"kind\": \"cpu\"") && text.contains("\"python\": \"3.14\""),
        "{text}"
    );
    assert_eq!(Scenario::from_json(&text).unwrap(), l.scenario);
    let minimal = r#"{"tasks":[{"steps":[{"kind":"await_io","ms":2000}]}],"models":[{"id":"threads-nogil"}]}"#;
    let s = Scenario::from_json(minimal).unwrap();
    assert_eq!(s.models[0].id, ModelId::ThreadsNogil);
}

#[test]
fn bad_values_name_their_field() {
    let steps = |ms: &str| {
        format!(
            r#"{{"tasks":[{{"steps":[]}},{{"steps":[]}},{{"steps":[{{"kind":"cpu","ms":{ms}}}]}}]}}"#
        )
    };
    assert_eq!(
        error(&steps("-1")),
        "tasks[2].steps[0].ms: must be a finite number >= 0, got -1"
    );
    assert_eq!(
        error(&steps("1e12")),
        "tasks[2].steps[0].ms: must be at most 3600000, got 1000000000000"
    );
    assert!(
        error(&steps("1e999")).starts_with("json: "),
        "huge JSON numbers are refused by the parser"
    );
    let model = |m: &str| format!(r#"{{"tasks":[{{"steps":[]}}],"models":[{{"id":"sync"}},{m}]}}"#);
    assert_eq!(
        error(&model(r#"{"id":"threads","workers":0}"#)),
        "models[1].workers: must be between 1 and 20000, got 0"
    );
    assert_eq!(
        error(&model(r#"{"id":"threads","cores":0}"#)),
        "models[1].cores: must be between 1 and 1024, got 0"
    );
    assert!(error(&model(r#"{"id":"fibers"}"#)).starts_with("json: unknown variant `fibers`"));
    assert!(error(&model(r#"{"id":"sync"}"#)).starts_with("models[1].id: "));
    assert!(error(r#"{"tasks":[]}"#).starts_with("tasks: must contain at least one task"));
    assert!(error(r#"{"tasks":[{"steps":[],"colour":1}]}"#).contains("unknown field `colour`"));
    assert!(error(r#"{"tasks":[{"steps":[],"send_kb":-3}]}"#).starts_with("tasks[0].send_kb: "));
}

#[test]
fn nan_and_infinity_from_rust_are_refused_too() {
    let mut s = Scenario::new(vec![Task::new("A", vec![Step::cpu(f64::NAN)])], vec![]);
    assert_eq!(
        s.validate().unwrap_err().to_string(),
        "tasks[0].steps[0].ms: must be a finite number >= 0, got NaN"
    );
    s.tasks[0].steps[0].ms = f64::INFINITY;
    assert!(s.validate().is_err());
    let bad = ModelConfig::new(ModelId::Threads).switch_interval_ms(f64::NAN);
    let err = simulate(&Scenario::new(vec![Task::new("A", vec![])], vec![]), &bad).unwrap_err();
    assert!(
        err.to_string().starts_with("model.switch_interval_ms: "),
        "{err}"
    );
}

#[test]
fn a_million_tasks_are_refused_at_once() {
    let tasks = vec![Task::new("t", vec![Step::cpu(1.0)]); 1_000_000];
    let s = Scenario::new(tasks, vec![]);
    let start = Instant::now();
    let err = simulate(&s, &ModelConfig::new(ModelId::Asyncio)).unwrap_err();
    assert_eq!(err.path, "tasks");
    assert!(
        start.elapsed().as_millis() < 500,
        "refusal must not simulate anything"
    );
}

#[test]
fn runaway_event_counts_stop_with_an_error() {
    // Two CPU threads of an hour each switch the GIL every 5 ms: far beyond the event cap.
    let tasks = vec![
        Task::new("A", vec![Step::cpu(3_600_000.0)]),
        Task::new("B", vec![Step::cpu(3_600_000.0)]),
    ];
    let err = simulate(
        &Scenario::new(tasks, vec![]),
        &ModelConfig::new(ModelId::Threads),
    )
    .unwrap_err();
    assert!(err.message.contains("too large to simulate"), "{err}");
}

#[test]
fn the_same_scenario_gives_a_byte_identical_trace() {
    for l in lessons::all().iter().filter(|l| l.id != "ten-thousand") {
        let a = simulate_all(&l.scenario).unwrap();
        let b = simulate_all(&l.scenario).unwrap();
        assert_eq!(a, b, "{}", l.id);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap(),
            "{}",
            l.id
        );
    }
}

#[test]
fn events_are_time_ordered_with_one_snapshot_and_sentence_each() {
    for l in lessons::all() {
        for t in simulate_all(&l.scenario).unwrap() {
            assert_eq!(t.events.len(), t.snapshots.len());
            assert!(
                t.events.windows(2).all(|w| w[0].time <= w[1].time),
                "{} {}",
                l.id,
                t.model
            );
            assert!((0..t.events.len()).all(|i| !narrate::sentence(&t, i).is_empty()));
        }
    }
}

#[test]
fn task_steps_at_replays_the_current_step() {
    let l = lessons::by_id("gather-overlap").unwrap();
    let t = simulate(&l.scenario, &ModelConfig::new(ModelId::Asyncio)).unwrap();
    // Event 0 is main() creating the tasks; event 1 starts A.
    assert_eq!(t.task_steps_at(0), vec![None, None]);
    assert_eq!(t.task_steps_at(1), vec![Some(StepId(0)), None]);
    assert_eq!(t.task_steps_at(t.events.len() - 1), vec![None, None]);
    assert_eq!(t.event_at(t.stats.makespan), Some(t.events.len() - 1));
}

#[test]
fn startup_ms_overrides_the_start_method_and_is_validated() {
    use concurrency_kitchen::sim::{lessons, simulate, ModelId};
    let lesson = lessons::by_id("cpu-processes").unwrap();
    let base = lesson
        .scenario
        .models
        .iter()
        .find(|m| m.id == ModelId::Processes)
        .unwrap()
        .clone();
    let slow = simulate(&lesson.scenario, &base).unwrap().stats.makespan;
    let mut quick = base.clone();
    quick.startup_ms = Some(1.0);
    let fast = simulate(&lesson.scenario, &quick).unwrap().stats.makespan;
    assert!(
        fast < slow,
        "a 1 ms start-up finishes sooner: {fast} vs {slow}"
    );
    quick.startup_ms = Some(-3.0);
    let err = simulate(&lesson.scenario, &quick).unwrap_err().to_string();
    assert!(err.contains("startup_ms"), "{err}");
}

#[test]
fn task_names_with_escape_sequences_or_direction_overrides_are_refused() {
    use concurrency_kitchen::sim::Scenario;
    for name in [
        "\u{1b}[2J",
        "bell\u{7}",
        "nul\u{0}",
        "abc\u{202e}def",
        "\u{2066}x",
    ] {
        let json =
            serde_json::json!({"tasks": [{"name": name, "steps": [{"kind": "cpu", "ms": 1}]}]});
        let err = Scenario::from_json(&json.to_string()).expect_err(name);
        assert_eq!(err.path, "tasks[0].name", "{name:?}");
    }
    let ok = serde_json::json!({"tasks": [{"name": "façade 咖啡 ☕", "steps": []}]});
    assert!(Scenario::from_json(&ok.to_string()).is_ok());
}
