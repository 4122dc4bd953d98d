//! The URL contract `?lesson=ID&model=ID&speed=X`: exact ids, lenient with garbage, never panics.

mod common;

use concurrency_kitchen::sim::ModelId;
use concurrency_kitchen::sim::{lessons, Micros};
use concurrency_kitchen::ui::codec;
use concurrency_kitchen::ui::params::{parse, Theme, View};
use concurrency_kitchen::ui::state::Playhead;
use proptest::prelude::*;

#[test]
fn reads_lesson_model_and_speed() {
    let p = parse("?lesson=convoy&model=threads&speed=2");
    assert_eq!(p.lesson, "convoy");
    assert_eq!(p.model, Some(ModelId::Threads));
    assert_eq!(p.speed, 2.0);
    assert!(p.ignored.is_empty());
}

#[test]
fn model_may_come_before_lesson() {
    let p = parse("model=asyncio&lesson=three-waits");
    assert_eq!(p.model, Some(ModelId::Asyncio));
}

#[test]
fn empty_query_gives_the_default_lesson() {
    let p = parse("");
    assert_eq!(p.lesson, "three-waits");
    assert_eq!((p.model, p.speed), (None, 1.0));
}

#[test]
fn garbage_is_ignored_with_a_notice() {
    let p = parse("?lesson=%3Cscript%3E&model=gpu&speed=banana&utm_source=x");
    assert_eq!(p.lesson, "three-waits");
    assert_eq!(p.model, None);
    assert_eq!(p.speed, 1.0);
    assert_eq!(p.ignored.len(), 3, "{:?}", p.ignored);
    assert!(
        p.ignored[0].contains("<script>"),
        "the notice shows what was ignored: {:?}",
        p.ignored
    );
}

#[test]
fn a_model_outside_the_lesson_is_ignored() {
    let p = parse("?lesson=three-waits&model=processes");
    assert_eq!(p.model, None);
    assert_eq!(p.ignored.len(), 1);
}

#[test]
fn queries_round_trip() {
    let views = [
        View {
            lesson: "convoy".into(),
            model: Some(ModelId::Threads),
            speed: 0.5,
            t: Some(Playhead::at(Micros(12_501))),
            theme: Some(Theme::Contrast),
            present: true,
            ..View::default()
        },
        View::default(),
        View {
            embed: true,
            theme: Some(Theme::Dark),
            t: Some(Playhead {
                time: Micros(0),
                ordinal: Some(3),
            }),
            ..View::default()
        },
        View {
            scenario: Some(lessons::by_id("gather-overlap").unwrap().scenario),
            model: Some(ModelId::Asyncio),
            ..View::default()
        },
        View {
            lesson: "convoy".into(),
            models: vec![ModelId::Sync, ModelId::Threads],
            embed: true,
            full: true,
            question: false,
            ..View::default()
        },
    ];
    for view in views {
        let query = view.to_query();
        assert_eq!(parse(&query), view, "{query}");
    }
}

#[test]
fn an_embed_names_its_models_and_its_layout() {
    let p = parse("?lesson=convoy&models=threads,sync,threads&embed=full");
    // In the lesson's order, each once.
    assert_eq!(p.models, vec![ModelId::Sync, ModelId::Threads]);
    assert_eq!(p.shown(), vec![ModelId::Sync, ModelId::Threads]);
    assert!(p.embed && p.full && p.ignored.is_empty());
    assert_eq!(
        p.to_query(),
        "?lesson=convoy&models=sync,threads&embed=full"
    );
    // `embed=1` is the player alone, as old embeds were written.
    let compact = parse("?lesson=convoy&embed=1");
    assert!(compact.embed && !compact.full);
    // Garbage and models outside the lesson are named and dropped; `model=` wins over `models=`.
    let odd = parse("?lesson=three-waits&models=gpu,processes,asyncio&model=sync");
    assert_eq!(
        odd.models,
        Vec::<ModelId>::new(),
        "model= names the one to show"
    );
    assert_eq!(odd.shown(), vec![ModelId::Sync]);
    assert_eq!(odd.ignored.len(), 3, "{:?}", odd.ignored);
    assert!(odd.ignored[2].starts_with("models"), "{:?}", odd.ignored);
    assert!(parse("?scenario=").ignored[0].contains("empty"));
    // Every model named is the same as none.
    let all = parse("?lesson=three-waits&models=sync,threads,asyncio");
    assert!(all.models.is_empty() && all.shown().is_empty());
    assert_eq!(all.to_query(), "?lesson=three-waits");
}

#[test]
fn time_theme_and_flags() {
    let p = parse("?lesson=convoy&t=250.5&theme=dark&embed=1&present=1");
    assert_eq!(p.t, Some(Playhead::at(Micros(250_500))));
    let exact = parse("?t=2000.25~3");
    assert_eq!(
        exact.t,
        Some(Playhead {
            time: Micros(2_000_250),
            ordinal: Some(3)
        })
    );
    for bad in ["?t=5~0", "?t=5~x", "?t=~2", "?t=5~99999999999"] {
        let p = parse(bad);
        assert_eq!((p.t, p.ignored.len()), (None, 1), "{bad}");
    }
    assert_eq!(p.theme, Some(Theme::Dark));
    assert!(p.embed && p.present);
    let bad = parse("?t=-4&theme=neon&embed=maybe");
    assert_eq!((bad.t, bad.theme, bad.embed), (None, None, false));
    assert_eq!(bad.ignored.len(), 3, "{:?}", bad.ignored);
}

#[test]
fn question_0_turns_the_question_off_and_nothing_else_does() {
    assert!(parse("?lesson=convoy").question);
    assert!(!parse("?lesson=convoy&question=0").question);
    assert!(parse("?lesson=convoy&question=1").question);
    let odd = parse("?lesson=convoy&question=maybe");
    assert!(odd.question, "a value that is not 0 keeps asking");
    assert!(
        odd.ignored.iter().any(|n| n.contains("question")),
        "{:?}",
        odd.ignored
    );
    assert_eq!(
        parse("?lesson=convoy&embed=1&question=0").to_query(),
        "?lesson=convoy&embed=1&question=0"
    );
}

#[test]
fn a_custom_scenario_replaces_the_lesson() {
    let scenario = lessons::by_id("three-waits").unwrap().scenario;
    let p = parse(&format!(
        "?lesson=convoy&scenario={}",
        codec::encode(&scenario).unwrap()
    ));
    assert_eq!(p.scenario.as_ref(), Some(&scenario));
    assert_eq!(p.lesson().id, "custom");
    let broken = parse("?scenario=%%%");
    assert_eq!(broken.scenario, None);
    assert!(
        broken.ignored[0].contains("scenario"),
        "{:?}",
        broken.ignored
    );
    assert_eq!(broken.lesson().id, "three-waits");
}

#[test]
fn the_notice_for_a_long_garbage_link_stays_short() {
    let query: String = (0..20_000).map(|i| format!("t=x{i}&")).collect();
    let p = parse(&query);
    assert_eq!(p.ignored.len(), 9, "eight notes and a count");
    assert!(p.ignored[8].contains("19992 more"), "{:?}", p.ignored[8]);
    assert!(p.ignored.iter().map(String::len).sum::<usize>() < 4_000);
}

#[test]
fn a_scenario_too_large_for_a_link_shows_as_this_tabs_scenario() {
    let scenario = common::unlinkable_scenario();
    let view = View {
        scenario: Some(scenario),
        ..View::default()
    };
    assert!(view
        .link_query()
        .unwrap_err()
        .contains("too large for a link"));
    assert_eq!(view.to_query(), "?lesson=custom");
    let back = parse("?lesson=custom");
    assert_eq!((back.lesson.as_str(), back.ignored.len()), ("custom", 0));
    assert_eq!(
        back.lesson().id,
        "three-waits",
        "no scenario: the default lesson plays"
    );
}

proptest! {
    #[test]
    fn any_query_parses_without_panicking(query in ".{0,200}") {
        let p = parse(&query);
        prop_assert!(!p.lesson.is_empty());
        prop_assert!(p.speed.is_finite());
    }

    #[test]
    fn percent_soup_parses(query in "[?&=%a-z0-9A-F.\\-]{0,80}") {
        let _ = parse(&query);
    }
}

#[test]
fn a_lesson_runs_on_the_python_os_and_task_factory_a_link_names() {
    use concurrency_kitchen::sim::{Os, Python, TaskFactory};
    let p = parse("?lesson=cpu-processes&python=3.12&os=windows");
    assert!(p.ignored.is_empty(), "{:?}", p.ignored);
    assert_eq!(p.runtime.python, Some(Python::V3_12));
    assert_eq!(p.runtime.os, Some(Os::Windows));
    let lesson = p.lesson();
    assert_eq!(lesson.scenario.runtime().python, Python::V3_12);
    assert!(lesson.question.choices.is_empty(), "a variant asks nothing");
    // Round trip, and the lesson's own settings make the plain link.
    assert_eq!(
        parse(&p.to_query()),
        View {
            ignored: vec![],
            ..p
        }
    );
    assert!(parse("?lesson=cpu-processes&python=3.14").runtime.is_own());
    assert!(parse("?lesson=eager-tasks&task_factory=eager")
        .runtime
        .is_own());
    let lazy = parse("?lesson=eager-tasks&task_factory=lazy");
    assert_eq!(lazy.runtime.tasks, Some(TaskFactory::Lazy));
    // Garbage, a version a lesson cannot run on, and a scenario link's own are said.
    let bad = parse("?lesson=convoy&python=2.7&os=beos&task_factory=warp");
    assert_eq!(bad.ignored.len(), 3, "{:?}", bad.ignored);
    assert!(bad.runtime.is_own());
    let interp = parse("?lesson=cpu-interpreters&python=3.9");
    assert!(
        interp.runtime.is_own() && interp.ignored[0].contains("3.9"),
        "{:?}",
        interp.ignored
    );
    // The race lessons and the explorer read python= themselves.
    assert!(parse("?lesson=counter-race&python=3.9").ignored.is_empty());
    assert!(parse("?view=decide&python=3.14").ignored.is_empty());
}

#[test]
fn a_setting_the_lesson_cannot_show_is_said_and_left_out() {
    // convoy starts no processes and runs no event loop.
    let p = parse("?lesson=convoy&os=windows&task_factory=eager");
    assert!(p.runtime.is_own(), "{:?}", p.runtime);
    assert_eq!(p.ignored.len(), 2, "{:?}", p.ignored);
    // Eager tasks asked of a version without them: said, and the tasks start lazily.
    let p = parse("?lesson=three-waits&task_factory=eager&python=3.9");
    assert!(p.ignored[0].contains("3.9"), "{:?}", p.ignored);
    assert_eq!(p.runtime.tasks, None);
    // The eager lesson on 3.9 runs lazily without a note: the link asked only for 3.9.
    let p = parse("?lesson=eager-tasks&python=3.9");
    assert!(p.ignored.is_empty(), "{:?}", p.ignored);
    assert_eq!(
        p.lesson().scenario.runtime().tasks,
        concurrency_kitchen::sim::TaskFactory::Lazy
    );
}
