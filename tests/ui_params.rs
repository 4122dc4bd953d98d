//! The URL contract `?lesson=ID&model=ID&speed=X`: exact ids, lenient with garbage, never panics.

use concurrency_kitchen::sim::ModelId;
use concurrency_kitchen::sim::{lessons, Micros};
use concurrency_kitchen::ui::codec;
use concurrency_kitchen::ui::params::{parse, Params, Theme};
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
        Params {
            lesson: "convoy".into(),
            model: Some(ModelId::Threads),
            speed: 0.5,
            t: Some(Micros(12_500)),
            theme: Some(Theme::Contrast),
            present: true,
            ..Params::default()
        },
        Params::default(),
        Params {
            embed: true,
            theme: Some(Theme::Dark),
            ..Params::default()
        },
        Params {
            scenario: Some(lessons::by_id("gather-overlap").unwrap().scenario),
            model: Some(ModelId::Asyncio),
            ..Params::default()
        },
    ];
    for view in views {
        let query = view.to_query();
        assert_eq!(parse(&query), view, "{query}");
    }
}

#[test]
fn time_theme_and_flags() {
    let p = parse("?lesson=convoy&t=250.5&theme=dark&embed=1&present=1");
    assert_eq!(p.t, Some(Micros(250_500)));
    assert_eq!(p.theme, Some(Theme::Dark));
    assert!(p.embed && p.present);
    let bad = parse("?t=-4&theme=neon&embed=maybe");
    assert_eq!((bad.t, bad.theme, bad.embed), (None, None, false));
    assert_eq!(bad.ignored.len(), 3, "{:?}", bad.ignored);
}

#[test]
fn a_custom_scenario_replaces_the_lesson() {
    let scenario = lessons::by_id("three-waits").unwrap().scenario;
    let p = parse(&format!(
        "?lesson=convoy&scenario={}",
        codec::encode(&scenario)
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
