//! Stated results (`sim::lessons::spoiler`): the marks parse as written, every lesson's are
//! well formed, and no lesson states its answer outside them.

use concurrency_kitchen::sim::lessons::{self, faithfulness_of, spoiler};

#[test]
fn marks_split_hide_and_reveal() {
    let text = "Three tasks. ⟦Both take 2 s⟧, not ⟦6 s⟧.";
    let parts = spoiler::segments(text);
    assert_eq!(parts.len(), 5);
    assert_eq!((parts[1].text, parts[1].result), ("Both take 2 s", true));
    assert_eq!(spoiler::plain(text), "Three tasks. Both take 2 s, not 6 s.");
    assert_eq!(spoiler::hidden(text), "Three tasks. …, not ….");
    assert_eq!(spoiler::shown(text, true), spoiler::plain(text));
    assert_eq!(spoiler::results(text), vec!["Both take 2 s", "6 s"]);
    assert!(spoiler::is_well_formed(text));
    // Unmarked text passes through untouched (and borrowed).
    assert!(matches!(
        spoiler::hidden("plain"),
        std::borrow::Cow::Borrowed("plain")
    ));
}

#[test]
fn a_broken_mark_hides_too_much_rather_than_too_little() {
    assert_eq!(spoiler::hidden("took ⟦6 s and more"), "took …");
    assert!(!spoiler::is_well_formed("took ⟦6 s"));
    assert!(!spoiler::is_well_formed("took 6 s⟧"));
    assert!(!spoiler::is_well_formed("⟦a ⟦b⟧⟧"));
    // A stray close reads as text, not as a mark.
    assert_eq!(spoiler::plain("a⟧b"), "a⟧b");
}

/// Every text of a lesson the page shows before the run: its summary, each model's code and
/// the faithfulness notes.
fn texts(lesson: &lessons::Lesson) -> Vec<String> {
    let models: Vec<_> = lesson.scenario.models.iter().map(|m| m.id).collect();
    let note = faithfulness_of(lesson, &models);
    std::iter::once(lesson.summary.to_string())
        .chain(lesson.code.iter().map(|c| c.source.to_string()))
        .chain(
            note.measured
                .iter()
                .chain(&note.modelled)
                .map(|l| l.to_string()),
        )
        .collect()
}

#[test]
fn every_lesson_text_is_well_formed() {
    for lesson in lessons::all() {
        for text in texts(lesson) {
            assert!(spoiler::is_well_formed(&text), "{}: {text}", lesson.id);
        }
        assert!(
            !lesson.title.contains(spoiler::OPEN),
            "{}: titles show in the menu, always",
            lesson.id
        );
        assert!(
            !lesson.question.prompt.contains(spoiler::OPEN),
            "{}",
            lesson.id
        );
    }
}

/// The figure of an answer: "about 0.64 s" -> "0.64 s", "No, about 1 s" -> "1 s"; an answer
/// with no figure (a print order, a task's name) whole.
fn figure(choice: &str) -> String {
    let start = choice.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
    choice[start..].to_string()
}

#[test]
fn no_lesson_states_its_answer_before_the_reveal() {
    for lesson in lessons::all() {
        let q = &lesson.question;
        let answer = figure(&q.choices[q.correct]);
        assert!(!answer.is_empty(), "{}", lesson.id);
        for text in texts(lesson) {
            let before = spoiler::hidden(&text);
            // As a figure on its own: "2 s" must not match inside "12 s", "0.2 s" or "2 seconds"
            // (a setup such as "a 1 second wait" is not the answer "1 s").
            let found = before.match_indices(answer.as_str()).any(|(i, m)| {
                let prev = before[..i].chars().next_back();
                let next = before[i + m.len()..].chars().next();
                !prev.is_some_and(|c| c.is_ascii_digit() || c == '.' || c == ',')
                    && !next.is_some_and(char::is_alphanumeric)
            });
            assert!(
                !found,
                "{} states its answer {answer:?} unmarked in: {before}",
                lesson.id
            );
        }
    }
}

#[test]
fn the_answer_is_among_what_the_reveal_shows() {
    // Each lesson marks at least one result, so the reveal has something to show and the
    // page's check has something to look for.
    for lesson in lessons::all() {
        let models: Vec<_> = lesson.scenario.models.iter().map(|m| m.id).collect();
        let stated = lesson.stated_results(&models);
        assert!(!stated.is_empty(), "{}", lesson.id);
        assert!(stated
            .iter()
            .all(|s| !s.contains([spoiler::OPEN, spoiler::CLOSE])));
    }
}

#[test]
fn every_reveal_explains_and_points_at_a_moment_of_the_run() {
    for lesson in lessons::all() {
        let q = &lesson.question;
        let sentences = q.why.matches(". ").count() + 1;
        assert!(
            (2..=3).contains(&sentences),
            "{}: two or three sentences: {}",
            lesson.id,
            q.why
        );
        let traces = run(lesson);
        let at = q.proof.time(&traces);
        let at =
            at.unwrap_or_else(|| panic!("{}: the proof {:?} is in the run", lesson.id, q.proof));
        let model = traces
            .iter()
            .find(|t| t.model == q.proof.model)
            .expect("the proof's model");
        assert!(
            at.0 > 0 && at <= model.stats.makespan,
            "{}: {at:?}",
            lesson.id
        );
    }
}

#[test]
fn a_proof_names_a_task_that_finishes_before_the_end() {
    // gather-overlap's proof is B done at 1 s, before A's own end (2 s), as printed.
    let lesson = lessons::by_id("gather-overlap").expect("lesson");
    let traces = run(&lesson);
    let b = lesson.question.proof.time(&traces).expect("B");
    let a = lessons::Proof::done(concurrency_kitchen::sim::ModelId::Asyncio, "A")
        .time(&traces)
        .expect("A");
    assert!(b < a, "{b:?} < {a:?}");
    assert!(
        lessons::Proof::done(concurrency_kitchen::sim::ModelId::Asyncio, "Z")
            .time(&traces)
            .is_none()
    );
}

/// The lesson's run under each of its models.
fn run(lesson: &lessons::Lesson) -> Vec<concurrency_kitchen::sim::Trace> {
    let scenario = &lesson.scenario;
    let simulate = |m| concurrency_kitchen::sim::simulate(scenario, m).expect("lessons simulate");
    scenario.models.iter().map(simulate).collect()
}

#[test]
fn a_custom_scenario_with_a_tie_for_first_asks_nothing() {
    use concurrency_kitchen::sim::{ModelConfig, ModelId, Scenario, Step, Task};
    let tasks = vec![Task::new("A", vec![Step::await_io(500.0)])];
    let tie = Scenario::new(
        tasks.clone(),
        vec![
            ModelConfig::new(ModelId::Threads),
            ModelConfig::new(ModelId::Asyncio),
        ],
    );
    // One task: threads and asyncio finish together (or nearly); only a strict first is asked.
    let lesson = lessons::custom(tie);
    let run = run(&lesson);
    let totals: Vec<_> = run.iter().map(|t| t.stats.makespan).collect();
    assert_eq!(
        lesson.question.choices.is_empty(),
        totals[0] == totals[1],
        "{totals:?}"
    );
    let apart = Scenario::new(
        tasks,
        vec![
            ModelConfig::new(ModelId::Sync),
            ModelConfig::new(ModelId::Processes),
        ],
    );
    assert_eq!(lessons::custom(apart).question.choices.len(), 2);
}
