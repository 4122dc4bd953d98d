//! Copy link reopens what was copied: at every event of every lesson (and at random scrub
//! positions), the link's `t` brings the playhead back to the same event and the same time.

use std::rc::Rc;

use concurrency_kitchen::sim::{lessons, Micros, ModelId};
use concurrency_kitchen::ui::params::{parse, View};
use concurrency_kitchen::ui::state::{Action, Playback, Session};
use proptest::prelude::*;

/// The app's Copy link for this view and playhead, then the app's way of opening it.
fn reopen(view: &View, p: &Playback, full_link: bool) -> Playback {
    let query = if full_link {
        View {
            t: p.playhead(),
            ..view.clone()
        }
        .link_query()
        .expect("lesson links always fit")
    } else {
        // The same `t` parameter without the lesson, for lessons whose lookup is costly.
        let t = View {
            t: p.playhead(),
            ..View::default()
        }
        .to_query();
        t.split('&')
            .filter(|s| s.starts_with("t="))
            .collect::<Vec<_>>()
            .join("&")
    };
    let parsed = parse(&query);
    assert!(parsed.ignored.is_empty(), "{query}: {:?}", parsed.ignored);
    let opened = Playback::new(p.session.clone(), 1.0);
    match parsed.t {
        Some(t) => opened.reduce(Action::Jump(t)),
        None => opened,
    }
}

fn same_place(a: &Playback, b: &Playback) -> bool {
    a.cursor == b.cursor && a.time == b.time
}

/// Steps through every event of a session and checks each Copy link.
fn check_every_event(view: &View, session: Rc<Session>, full_link: bool) -> usize {
    let mut p = Playback::new(session, 1.0);
    let mut checked = 0;
    let steps = p.session.order.len();
    for _ in 0..=steps {
        let back = reopen(view, &p, full_link || checked % 97 == 0);
        assert!(
            same_place(&p, &back),
            "{}: at {:?}/{:?} the link {:?} reopened {:?}/{:?}",
            view.lesson,
            p.cursor,
            p.time,
            p.playhead(),
            back.cursor,
            back.time
        );
        checked += 1;
        // Every event, one by one (the log's lines), then the end.
        let next = p.cursor.map_or(0, |c| c + 1);
        let end = p.session.end;
        p = p.reduce(if next < steps {
            Action::Visit(next)
        } else {
            Action::Seek(end)
        });
    }
    checked
}

#[test]
fn copy_link_at_every_event_of_every_lesson_reopens_that_event() {
    let mut total = 0;
    for lesson in lessons::all() {
        let big = lesson.scenario.tasks.len() > 100;
        let mut views = vec![None];
        if !big {
            views.extend(lesson.scenario.models.iter().map(|m| Some(m.id)));
        }
        for model in views {
            let view = View {
                lesson: lesson.id.to_string(),
                model,
                ..View::default()
            };
            let session = Rc::new(Session::new(lesson.clone(), &view.shown()).unwrap());
            total += check_every_event(&view, session, !big);
        }
    }
    assert!(total > 1000, "{total} positions");
}

#[test]
fn the_first_event_at_time_zero_is_not_the_start() {
    let lesson = lessons::by_id("three-waits").unwrap();
    let session = Rc::new(Session::new(lesson, &[]).unwrap());
    let one = Playback::new(session, 1.0).reduce(Action::Visit(0));
    assert_eq!((one.cursor, one.time), (Some(0), Micros(0)));
    let t = one.playhead().expect("a position, though at time zero");
    assert_eq!(t.ordinal, Some(1));
    let view = View::default();
    assert!(same_place(&one, &reopen(&view, &one, true)));
}

#[test]
fn old_time_only_links_still_open_after_every_event_up_to_then() {
    let lesson = lessons::by_id("convoy").unwrap();
    let session = Rc::new(Session::new(lesson, &[ModelId::Threads]).unwrap());
    let p = parse("?lesson=convoy&model=threads&t=300");
    let opened = Playback::new(session.clone(), 1.0).reduce(Action::Jump(p.t.unwrap()));
    let seeked = Playback::new(session, 1.0).reduce(Action::Seek(Micros(300_000)));
    assert!(same_place(&opened, &seeked));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn copy_link_at_any_scrub_position_reopens_it(index in 0usize..11, fraction in 0.0f64..1.0) {
        let lesson = &lessons::all()[index];
        let session = Rc::new(Session::new(lesson.clone(), &[]).unwrap());
        let at = Micros((session.end.0 as f64 * fraction) as u64);
        let p = Playback::new(session, 1.0).reduce(Action::Seek(at));
        let view = View { lesson: lesson.id.to_string(), ..View::default() };
        let back = reopen(&view, &p, true);
        prop_assert!(same_place(&p, &back), "{} at {:?}", lesson.id, at);
    }
}
