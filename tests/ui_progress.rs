//! The guided path and the progress kept along it: every lesson on the path once, in the
//! order of LESSONS.md, each with an opening question that gives nothing away; progress that
//! reads leniently and grows as answers are revealed, through the one reducer.

use concurrency_kitchen::sim::lessons::{self, path, spoiler};
use concurrency_kitchen::sim::race::report::LESSONS as RACES;
use concurrency_kitchen::ui::app_state::{Answer, AppAction, AppState};
use concurrency_kitchen::ui::params::parse;
use concurrency_kitchen::ui::progress::Progress;

#[test]
fn the_path_holds_every_lesson_once_each_with_an_opener() {
    let mut all: Vec<&str> = lessons::IDS.iter().chain(RACES.iter()).copied().collect();
    let mut on_path = path::PATH.to_vec();
    all.sort();
    on_path.sort();
    assert_eq!(on_path, all);
    assert_eq!(
        path::PATH[0],
        "three-waits",
        "waiting against computing comes first"
    );
    assert_eq!(path::next("cpu-processes"), Some("refcount-race"));
    assert_eq!(path::next("hybrid-executor"), Some("async-to-thread"));
    assert_eq!(path::next("async-to-thread"), Some("semaphore-crawler"));
    assert_eq!(path::next("semaphore-crawler"), Some("eager-tasks"));
    assert_eq!(path::next("eager-tasks"), Some("task-group"));
    assert_eq!(path::next("task-group"), None, "the path's end");
    assert_eq!(path::next("custom"), None);
    for id in path::PATH {
        let q = path::opener(id).unwrap_or_else(|| panic!("{id} has an opener"));
        assert!(
            q.ends_with('?') && q.len() < 110,
            "{id}: a short question: {q}"
        );
        // It states no result: none of the lesson's marked phrases.
        if let Some(lesson) = lessons::by_id(id) {
            let models: Vec<_> = lesson.scenario.models.iter().map(|m| m.id).collect();
            for phrase in lesson.stated_results(&models) {
                assert!(!q.contains(&phrase), "{id}'s opener states {phrase:?}");
            }
            assert!(!q.contains(spoiler::OPEN));
        }
    }
}

#[test]
fn stored_progress_reads_leniently() {
    assert_eq!(Progress::parse("not json").count(), 0);
    assert_eq!(Progress::parse(r#"{"a": 1}"#).count(), 0);
    let p = Progress::parse(r#"["convoy", "nope", "convoy", "three-waits"]"#);
    assert_eq!(p.count(), 2, "unknown ids and repeats dropped");
    assert_eq!(
        p.to_text(),
        r#"["three-waits","convoy"]"#,
        "kept in the path's order"
    );
    assert_eq!(Progress::parse(&p.to_text()), p);
    assert_eq!(p.first_open(), Some("gather-overlap"));
    let mut p = p;
    assert!(!p.mark("custom"), "a custom scenario is not on the path");
    assert!(!p.mark("convoy"), "already done");
    assert!(p.mark("counter-race"));
}

#[test]
fn a_reveal_marks_the_lesson_done_and_stored_progress_merges() {
    let app = AppState::open(parse("?lesson=three-waits"));
    assert_eq!(app.progress.count(), 0);
    let app = app.reduce(AppAction::Answer(Answer::Chose(0))).unwrap();
    assert_eq!(app.progress.count(), 0, "an answer alone is not done");
    let app = app.reduce(AppAction::Reveal).unwrap();
    assert!(app.progress.is_done("three-waits"));
    assert_eq!(app.next_lesson(), Some("gather-overlap"));
    // What another visit stored joins what this one did.
    let app = app
        .reduce(AppAction::ProgressLoaded(Progress::parse(r#"["convoy"]"#)))
        .unwrap();
    assert!(app.progress.is_done("three-waits") && app.progress.is_done("convoy"));
    // A race lesson counts when its question is answered.
    let race = AppState::open(parse("?lesson=counter-race"));
    let race = race.reduce(AppAction::RaceRevealed).unwrap();
    assert!(race.progress.is_done("counter-race"));
    assert_eq!(race.next_lesson(), Some("ten-thousand"));
    // A link to a lesson's end opens it done.
    assert!(AppState::open(parse("?lesson=convoy&t=99999"))
        .progress
        .is_done("convoy"));
}
