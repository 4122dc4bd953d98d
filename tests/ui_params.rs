//! The URL contract `?lesson=ID&model=ID&speed=X`: exact ids, lenient with garbage, never panics.

use concurrency_kitchen::sim::ModelId;
use concurrency_kitchen::ui::params::{parse, to_query};
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
    for (lesson, model, speed) in [
        ("convoy", Some(ModelId::Threads), 0.5),
        ("three-waits", None, 1.0),
    ] {
        let p = parse(&to_query(lesson, model, speed));
        assert_eq!(
            (p.lesson.as_str(), p.model, p.speed),
            (lesson, model, speed)
        );
        assert!(p.ignored.is_empty());
    }
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
