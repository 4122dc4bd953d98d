//! Every lesson's question is answered by its own run: `Question::decide` reads the right
//! choice from the simulation (a time, a range, the first task or model done, the GIL's
//! holder, the printed order, the memory reserved), and it must be the lesson's `correct`.

use concurrency_kitchen::sim::lessons::{self, custom, Ask, Line, Proof, Question};
use concurrency_kitchen::sim::{simulate, Micros, ModelId, Scenario, Step, Task, Trace};

fn run(scenario: &Scenario) -> Vec<Trace> {
    let simulate = |m| simulate(scenario, m).expect("lessons simulate");
    scenario.models.iter().map(simulate).collect()
}

#[test]
fn every_lesson_s_answer_is_what_its_run_shows() {
    for lesson in lessons::all() {
        let q = &lesson.question;
        assert_eq!(
            q.ask.len(),
            q.choices.len(),
            "{}: a fact per choice",
            lesson.id
        );
        assert!(q.correct < q.choices.len(), "{}", lesson.id);
        let traces = run(&lesson.scenario);
        assert_eq!(
            q.decide(&traces),
            Some(q.correct),
            "{}: the run answers {:?}, the lesson says {:?} ({:?})",
            lesson.id,
            q.decide(&traces).map(|i| &q.choices[i]),
            q.choices[q.correct],
            q.ask
        );
    }
}

#[test]
fn the_lessons_ask_every_kind_of_question() {
    let kinds: Vec<&str> = lessons::all()
        .iter()
        .map(|l| l.question.ask.kind())
        .collect();
    for kind in [
        "wall time",
        "which finishes first",
        "who holds the GIL",
        "print order",
        "memory",
    ] {
        assert!(kinds.contains(&kind), "no lesson asks {kind}: {kinds:?}");
    }
    let range = lessons::all()
        .iter()
        .any(|l| matches!(l.question.ask, Ask::Range(_)));
    assert!(range, "a lesson asks for a range of wall time");
}

/// A question about two workers under gather, `a` and `b` seconds long.
fn gather(a: f64, b: f64) -> (Vec<Trace>, Question) {
    let lesson = lessons::by_id("gather-overlap").expect("lesson");
    let scenario = Scenario {
        tasks: vec![
            Task::new("A", vec![Step::await_io(a * 1000.0)]),
            Task::new("B", vec![Step::await_io(b * 1000.0)]),
        ],
        ..lesson.scenario.clone()
    };
    (run(&scenario), lesson.question.clone())
}

#[test]
fn the_print_order_follows_the_waits() {
    let (traces, q) = gather(2.0, 1.0);
    assert_eq!(q.decide(&traces), Some(2), "B done before A done");
    // With A's wait the shorter, the run prints the order no choice offers but the second.
    let (traces, q) = gather(1.0, 2.0);
    assert_eq!(q.decide(&traces), Some(1), "A done before B done");
}

#[test]
fn first_done_and_ties() {
    let (traces, _) = gather(2.0, 1.0);
    let first = |tasks: Vec<&'static str>| Question {
        ask: Ask::FirstDone(tasks),
        proof: Proof::end(ModelId::Asyncio),
        ..lessons::by_id("gather-overlap").unwrap().question
    };
    assert_eq!(first(vec!["A", "B"]).decide(&traces), Some(1));
    assert_eq!(first(vec!["B", "A"]).decide(&traces), Some(0));
    assert_eq!(first(vec!["A", "Z"]).decide(&traces), None, "no such task");
    assert_eq!(
        first(vec!["A", "A"]).decide(&traces),
        None,
        "a tie has no answer"
    );
}

#[test]
fn ranges_and_times_pick_the_interval_and_the_nearest() {
    let (traces, q) = gather(2.0, 1.0);
    let ask = |ask: Ask| Question {
        ask,
        proof: Proof::end(ModelId::Asyncio),
        ..q.clone()
    };
    let s = Micros::from_secs;
    assert_eq!(
        ask(Ask::Range(vec![s(0), s(1), s(3)])).decide(&traces),
        Some(1)
    );
    assert_eq!(
        ask(Ask::Range(vec![s(0), s(1), s(2)])).decide(&traces),
        Some(2)
    );
    assert_eq!(
        ask(Ask::Range(vec![s(3), s(5)])).decide(&traces),
        None,
        "below every range"
    );
    let end = Proof::end(ModelId::Asyncio).time(&traces).expect("asyncio");
    let around = vec![Micros(end.0 - 1000), Micros(end.0 + 1000)];
    assert_eq!(ask(Ask::Time(around)).decide(&traces), None, "equally near");
    assert_eq!(
        ask(Ask::Time(vec![s(1), s(2), s(3)])).decide(&traces),
        Some(1)
    );
}

#[test]
fn the_gil_holder_is_read_from_the_run() {
    let lesson = lessons::by_id("native-release").expect("lesson");
    let traces = run(&lesson.scenario);
    let holder = |at_ms: u64| Question {
        proof: Proof::at(ModelId::Threads, Micros(at_ms * 1000)),
        ask: Ask::GilHolder(vec![Some("A"), Some("B"), Some("C"), Some("D"), None]),
        ..lesson.question.clone()
    };
    // Inside NumPy nobody holds it; at the very start one thread runs its Python.
    assert_eq!(holder(200).decide(&traces), Some(4));
    let start = holder(1).decide(&traces);
    assert!(matches!(start, Some(0..=3)), "{start:?}");
    // A moment past the run's end proves nothing.
    assert_eq!(holder(10_000).decide(&traces), None);
}

#[test]
fn a_custom_scenario_asks_which_model_finishes_first() {
    let scenario = lessons::by_id("three-waits").unwrap().scenario;
    let lesson = custom(Scenario {
        models: scenario.models[..2].to_vec(),
        ..scenario
    });
    assert!(matches!(lesson.question.ask, Ask::FirstModel(_)));
    let traces = run(&lesson.scenario);
    assert_eq!(
        lesson.question.decide(&traces),
        Some(lesson.question.correct)
    );
    let _ = Line::Done;
}
