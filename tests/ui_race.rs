//! The race lessons' state: links replay the learner's game, refusals say why, the clicker's
//! step never stalls, and the answer is not shown before the question.

use concurrency_kitchen::sim::race::refcount::Counts;
use concurrency_kitchen::sim::race::{Python, Snippet};
use concurrency_kitchen::ui::race::{RaceAction, RaceLesson, RaceState, RaceView};

fn state(lesson: RaceLesson, query: &str) -> RaceState {
    RaceState::new(RaceView::parse(lesson, query))
}

#[test]
fn a_lost_update_on_3_9_replays_from_its_link() {
    let mut s = state(RaceLesson::Counter, "?lesson=counter-race");
    assert_eq!(
        (s.view.python, s.view.snippet),
        (Python::V3_9, Snippet::Plain)
    );
    // A runs to its read, B runs a whole iteration, A writes its old value back.
    for t in [0, 0, 0, 0, 0, 0] {
        s = s.reduce(RaceAction::Pick(t));
    }
    for _ in 0..11 {
        s = s.reduce(RaceAction::Pick(1));
    }
    while !s.won() {
        s = s.reduce(RaceAction::Pick(0));
        assert!(s.message.is_none(), "{:?}", s.message);
    }
    assert!(s.log.last().unwrap().lost);
    let link = format!("?lesson=counter-race{}", s.link_view().query_part());
    let replayed = state(RaceLesson::Counter, &link);
    assert!(replayed.won() && replayed.view.ignored.is_empty());
    assert_eq!(replayed.board, s.board);
    // Undo takes the winning step back.
    let undone = s.clone().reduce(RaceAction::Undo);
    assert!(!undone.won());
    assert_eq!(undone.log.len(), s.log.len() - 1);
}

#[test]
fn refusals_say_why_and_bad_links_are_noted() {
    let mut s = state(RaceLesson::Counter, "?python=3.12");
    s = s.reduce(RaceAction::Pick(0)).reduce(RaceAction::Pick(0));
    s = s.reduce(RaceAction::Pick(1));
    let why = s.message.clone().expect("a refusal");
    assert!(why.contains("cannot switch here"), "{why}");
    assert_eq!(s.log.len(), 2);
    let s = state(
        RaceLesson::Counter,
        "?python=2.7&code=goto&moves=AAAAAAB&moves=abc",
    );
    assert_eq!(s.view.ignored.len(), 3, "{:?}", s.view.ignored);
    let s = state(RaceLesson::Counter, "?python=3.12&moves=AAAB");
    assert_eq!(s.log.len(), 3, "replayed up to the refused move");
    assert!(s.view.ignored[0].contains("step 4"), "{:?}", s.view.ignored);
}

#[test]
fn the_clicker_steps_to_the_end_on_every_version() {
    for p in concurrency_kitchen::sim::race::versions() {
        for code in Snippet::ALL {
            let mut s = RaceState::new(RaceView {
                python: p,
                snippet: code,
                ..RaceView::new(RaceLesson::Counter)
            });
            let mut steps = 0;
            while !s.over() {
                s = s.reduce(RaceAction::Auto);
                steps += 1;
                assert!(steps < 500, "{p} {code:?} does not finish");
            }
            // Switching whenever allowed loses an update exactly where the version allows it.
            let loses = code != Snippet::Lock
                && (p == Python::V3_9 || code == Snippet::Call || !p.has_gil());
            assert_eq!(s.won(), loses, "{p} {code:?}");
        }
    }
}

#[test]
fn the_refcount_game_frees_too_early_only_with_plain_counts() {
    for (counts, query) in [
        (Counts::Plain, ""),
        (Counts::Gil, "?counts=gil"),
        (Counts::Atomic, "?counts=atomic"),
    ] {
        let mut s = state(RaceLesson::Refcount, query);
        assert_eq!(s.view.counts, counts);
        while !s.over() {
            s = s.reduce(RaceAction::Auto);
        }
        assert_eq!(s.won(), counts == Counts::Plain, "{counts:?}");
    }
}

#[test]
fn the_runs_wait_for_the_answer() {
    let s = state(RaceLesson::Counter, "");
    assert!(s.runs.is_none() && s.answer.is_none());
    let s = s.reduce(RaceAction::Answer(0));
    let runs = s.runs.clone().expect("answering shows the runs");
    assert_eq!(runs.bins.iter().sum::<usize>(), 200);
    assert!(runs.mean > 0.7 && runs.mean < 0.95, "{}", runs.mean);
    assert!(runs.measured.is_some());
    // Changing the version runs the new version's runs.
    let s = s.reduce(RaceAction::Python(Python::V3_12));
    assert_eq!(s.runs.as_ref().unwrap().mean, 1.0);
}

#[test]
fn a_clicker_reveals_without_an_answer_and_answers_count_once() {
    let s = state(RaceLesson::Counter, "").reduce(RaceAction::Answer(9));
    assert!(s.answer.is_none(), "no such choice");
    let s = s.reduce(RaceAction::Reveal);
    assert_eq!(s.answer, Some(concurrency_kitchen::ui::race::NO_ANSWER));
    assert!(s.runs.is_some());
    let s = s.reduce(RaceAction::Answer(1));
    assert_eq!(s.answer, Some(concurrency_kitchen::ui::race::NO_ANSWER));
    // The clicker never skips the question: its first press reveals, the next ones step.
    let s = state(RaceLesson::Counter, "").reduce(RaceAction::Clicker);
    assert!(s.answer.is_some() && s.log.is_empty());
    let s = s.reduce(RaceAction::Clicker);
    assert_eq!(s.log.len(), 1);
}

#[test]
fn race_links_carry_the_game_and_choose_the_page() {
    use concurrency_kitchen::ui::params::{self, View};
    let page = "?lesson=counter-race&python=3.12&code=call&moves=AAB&present=1&theme=dark";
    let view = params::parse(page);
    let embed = View {
        embed: true,
        present: false,
        ..view.clone()
    };
    let link = embed.race_link(page).expect("a race lesson");
    assert!(link.contains("lesson=counter-race"), "{link}");
    assert!(
        link.contains("embed=1") && !link.contains("present=1"),
        "{link}"
    );
    assert!(link.contains("python=3.12&code=call&moves=AAB"), "{link}");
    assert!(link.contains("theme=dark"), "{link}");
    // The way out of an embed is the full page, with the same game.
    let full = View {
        embed: false,
        ..params::parse(&link)
    };
    let back = full.race_link(&link).unwrap();
    assert!(
        !back.contains("embed=1") && back.contains("moves=AAB"),
        "{back}"
    );
    // Not a race lesson: no race link.
    assert_eq!(params::parse("?lesson=convoy").race_link(""), None);
}
