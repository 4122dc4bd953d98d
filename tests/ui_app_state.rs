//! The app's one reducer, natively: links open what they say, lessons and scenarios load with
//! a fresh playback, measurements belong to their session, the learner's machine re-simulates,
//! and a frame that changes nothing changes nothing.

mod common;

use std::rc::Rc;

use concurrency_kitchen::bench::results::{HostProfile, Report, WorkerStatus};
use concurrency_kitchen::sim::{lessons, Micros, ModelId};
use concurrency_kitchen::ui::app_state::{AppAction, AppState};
use concurrency_kitchen::ui::params::{parse, Theme};
use concurrency_kitchen::ui::state::Action;

fn machine() -> HostProfile {
    HostProfile {
        hardware_concurrency: 8,
        isolated: false,
        timer_resolution_ms: 0.1,
        speedup: 6.0,
        workers: 8,
        startup_ms: 40.0,
    }
}

fn report() -> Rc<Report> {
    Rc::new(Report {
        scale: 1.0,
        atomics: false,
        models: Vec::new(),
    })
}

#[test]
fn a_link_opens_its_view_at_its_moment_and_garbage_opens_the_default() {
    let app = AppState::open(parse("?lesson=convoy&models=sync,threads&t=66&speed=2"));
    assert_eq!(app.view.lesson, "convoy");
    assert_eq!(app.playback.session.traces.len(), 2);
    assert_eq!(app.playback.time, Micros(66_000));
    assert_eq!(app.playback.speed, 2.0);
    assert_eq!(
        app.worker,
        WorkerStatus::NotStarted,
        "no worker until first use"
    );
    assert!(
        !AppState::open(parse("?embed=1&present=1")).view.present,
        "an embed never presents"
    );
    let bad = AppState::open(parse("?lesson=nope&speed=banana"));
    assert_eq!(bad.view.lesson, lessons::DEFAULT);
    assert_eq!(bad.view.ignored.len(), 2, "{:?}", bad.view.ignored);
}

#[test]
fn a_frame_or_step_that_changes_nothing_returns_nothing() {
    let app = AppState::open(parse("?lesson=three-waits"));
    assert_eq!(
        app.reduce(AppAction::Playback(Action::Tick(16.0))),
        None,
        "paused"
    );
    assert_eq!(
        app.reduce(AppAction::Playback(Action::StepBack)),
        None,
        "at the start"
    );
    assert_eq!(
        app.reduce(AppAction::Worker(WorkerStatus::NotStarted)),
        None
    );
    let stepped = app
        .reduce(AppAction::Playback(Action::StepForward))
        .unwrap();
    assert!(stepped.playback.cursor.is_some());
    // A frame shares the view: a large scenario is not copied for every tick.
    assert!(Rc::ptr_eq(&stepped.view, &app.view));
}

#[test]
fn picking_a_lesson_starts_it_fresh_and_forgets_the_measurement() {
    let app = AppState::open(parse("?lesson=three-waits&model=asyncio&speed=4"));
    let of = app.playback.session.clone();
    let app = app
        .reduce(AppAction::Measured {
            of: of.clone(),
            report: Some(report()),
        })
        .unwrap();
    assert!(app.report.is_some());
    let app = app
        .reduce(AppAction::Playback(Action::StepForward))
        .unwrap();
    let next = app.reduce(AppAction::PickLesson("convoy".into())).unwrap();
    assert_eq!(next.view.lesson, "convoy");
    assert_eq!(
        next.view.model, None,
        "the other lesson's model is not asked for"
    );
    assert_eq!(next.playback.cursor, None);
    assert_eq!(next.playback.speed, 4.0, "the speed stays");
    assert_eq!(next.report, None, "a measurement belongs to its session");
    let late = AppAction::Measured {
        of,
        report: Some(report()),
    };
    assert_eq!(
        next.reduce(late),
        None,
        "one that finishes after the change is dropped"
    );
    assert_eq!(app.reduce(AppAction::PickLesson("custom".into())), None);
}

#[test]
fn an_applied_scenario_runs_once_and_a_refused_one_says_why_in_the_editor() {
    let app = AppState::open(parse("?lesson=three-waits&model=threads"));
    let mut scenario = lessons::by_id("three-waits").unwrap().scenario;
    scenario.models.retain(|m| m.id != ModelId::Threads);
    let next = app.reduce(AppAction::Apply(scenario.clone())).unwrap();
    assert_eq!(next.view.scenario.as_ref(), Some(&scenario));
    assert_eq!(next.view.model, None, "threads left the scenario");
    assert_eq!(next.playback.session.traces.len(), scenario.models.len());
    assert_eq!(next.apply_error, None);
    // Valid by its format, but too large to simulate in the page: refused with the reason.
    let mut huge = scenario.clone();
    for _ in 0..200_000 {
        huge.tasks.push(huge.tasks[0].clone());
    }
    let refused = next.reduce(AppAction::Apply(huge)).unwrap();
    assert!(refused.apply_error.is_some());
    assert_eq!(
        refused.view.scenario.as_ref(),
        Some(&scenario),
        "the last good scenario stays"
    );
}

#[test]
fn the_learners_machine_resimulates_and_back() {
    let app = AppState::open(parse("?lesson=cpu-processes"));
    let processes = |a: &AppState| {
        let s = &a.playback.session;
        s.traces
            .iter()
            .find(|t| t.model == ModelId::Processes)
            .unwrap()
            .stats
            .makespan
    };
    let lesson_total = processes(&app);
    assert_eq!(
        app.reduce(AppAction::UseMachine(true))
            .map(|a| a.using_machine),
        Some(true)
    );
    let app = app.reduce(AppAction::MachineChecked(machine())).unwrap();
    let mine = app.reduce(AppAction::UseMachine(true)).unwrap();
    assert!(mine.mine().is_some());
    assert_ne!(
        processes(&mine),
        lesson_total,
        "six cores' speed-up and 40 ms start-up"
    );
    let back = mine.reduce(AppAction::UseMachine(false)).unwrap();
    assert_eq!(processes(&back), lesson_total);
}

#[test]
fn theme_presentation_notices_dialogs_and_saves() {
    let app = AppState::open(parse("?lesson=three-waits"));
    let app = app.reduce(AppAction::SetTheme(Some(Theme::Dark))).unwrap();
    assert_eq!(app.view.theme, Some(Theme::Dark));
    let app = app.reduce(AppAction::TogglePresent).unwrap();
    assert!(app.view.present);
    let app = app.reduce(AppAction::Embed(true)).unwrap();
    assert!(app.embed_open);
    let app = app
        .reduce(AppAction::Saved(Err("storage is full".into())))
        .unwrap();
    assert_eq!(app.save_error.as_deref(), Some("storage is full"));
    let app = app.reduce(AppAction::Saved(Ok(()))).unwrap();
    assert_eq!(app.save_error, None);
    let app = app
        .reduce(AppAction::Notice(Some("Link copied".into())))
        .unwrap();
    assert_eq!(app.notice.as_deref(), Some("Link copied"));
}

#[test]
fn a_race_lesson_keeps_the_hidden_player_still() {
    let app = AppState::open(parse("?lesson=counter-race"));
    assert_eq!(app.reduce(AppAction::Playback(Action::StepForward)), None);
    assert_eq!(app.reduce(AppAction::Playback(Action::TogglePlay)), None);
}

#[test]
fn a_scenario_too_large_for_a_link_is_noted() {
    let scenario = common::unlinkable_scenario();
    let app = AppState::open(parse("?lesson=three-waits"));
    assert_eq!(app.link_note, None);
    let next = app.reduce(AppAction::Apply(scenario)).unwrap();
    assert_eq!(next.apply_error, None, "it runs");
    assert!(next.link_note.is_some(), "too large for a link: said so");
}

/// `app` after each action in turn (an action that changes nothing leaves it as it was).
fn after(app: AppState, actions: impl IntoIterator<Item = AppAction>) -> AppState {
    actions
        .into_iter()
        .fold(app, |app, a| app.reduce(a).unwrap_or(app))
}

#[test]
fn the_answer_is_revealed_at_the_end_and_stays_revealed() {
    use concurrency_kitchen::ui::app_state::Answer;
    let app = after(
        AppState::open(parse("?lesson=three-waits")),
        [AppAction::Answer(Answer::Chose(1))],
    );
    assert_eq!(app.answer, Answer::Chose(1));
    assert!(!app.revealed);
    let end = app.playback.session.end;
    let app = after(app, [AppAction::Playback(Action::Seek(end))]);
    assert!(app.revealed, "the run's end reveals");
    // "Show me" jumps back: the answer stays on screen.
    let app = after(app, [AppAction::Playback(Action::Seek(Micros(1_000_000)))]);
    assert!(app.revealed && app.answer == Answer::Chose(1));
    // A link to the end opens revealed; another lesson asks afresh.
    assert!(
        AppState::open(parse(&format!(
            "?lesson=three-waits&t={}",
            end.0.div_ceil(1000)
        )))
        .revealed
    );
    // A link to a moment before the proof asks; at or past it (asyncio's C done at 2.0 s) the
    // answer is on screen, so it opens answered.
    assert!(!AppState::open(parse("?lesson=three-waits&t=1500")).revealed);
    assert!(AppState::open(parse("?lesson=three-waits&t=2500")).revealed);
    assert!(!AppState::open(parse("?lesson=three-waits&t=2500&question=0")).asks());
    let other = after(app, [AppAction::PickLesson("convoy".into())]);
    assert_eq!((other.answer, other.revealed), (Answer::Open, false));
}

#[test]
fn a_clicker_reveals_first_then_plays_and_never_skips_the_question() {
    let app = AppState::open(parse("?lesson=gather-overlap&present=1"));
    let app = after(app, [AppAction::PresenterNext]);
    assert!(app.revealed, "the first press reveals");
    assert!(
        !app.playback.playing && app.playback.cursor.is_none(),
        "and moves nothing"
    );
    let app = after(app, [AppAction::PresenterNext]);
    assert!(app.playback.playing, "the second plays");
    let app = after(
        app,
        [
            AppAction::Playback(Action::Tick(300.0)),
            AppAction::PresenterNext,
        ],
    );
    assert!(!app.playback.playing, "the third pauses");
    let at = app.playback.cursor;
    let app = after(app, [AppAction::PresenterNext]);
    assert!(app.playback.cursor > at, "then each press steps");
    // Past the end, the clicker moves on along the path, and the next lesson asks first.
    let end = app.playback.session.end;
    let app = after(
        app,
        [
            AppAction::Playback(Action::Seek(end)),
            AppAction::PresenterNext,
        ],
    );
    assert_eq!(app.playback.session.lesson.id, "blocking-in-async");
    assert!(!app.revealed && app.asks(), "its question is open");
    let app = after(app, [AppAction::PresenterNext]);
    assert!(app.revealed, "and the first press reveals it");
    // A lesson without a question (custom with one model) plays on the first press.
    let one = AppState::open(parse("?lesson=three-waits&model=sync"));
    if one.asks() {
        let one = after(one, [AppAction::Reveal, AppAction::PresenterNext]);
        assert!(one.playback.playing);
    }
    // A race lesson's own player takes the clicker: the page's hidden session does nothing.
    let race = AppState::open(parse("?lesson=counter-race&present=1"));
    assert!(race.reduce(AppAction::PresenterNext).is_none());
    // So does a link that turns the question off.
    let off = AppState::open(parse("?lesson=gather-overlap&present=1&question=0"));
    assert!(!off.asks());
    let off = after(off, [AppAction::PresenterNext]);
    assert!(
        off.playback.playing,
        "no question to reveal: the first press plays"
    );
}

#[test]
fn hands_are_counted_per_choice_within_bounds() {
    let app = after(
        AppState::open(parse("?lesson=three-waits")),
        [
            AppAction::Hands {
                choice: 2,
                count: 7,
            },
            AppAction::Hands {
                choice: 0,
                count: 100_000,
            },
        ],
    );
    assert_eq!(app.hands, vec![999, 0, 7]);
    assert!(
        app.reduce(AppAction::Hands {
            choice: 3,
            count: 1
        })
        .is_none(),
        "no fourth choice"
    );
}

#[test]
fn the_runtime_menus_run_a_preset_as_a_variant_and_back() {
    use concurrency_kitchen::sim::{Os, Python, Runtime, StartMethod, TaskFactory};
    let app = AppState::open(parse("?lesson=cpu-processes"));
    assert!(app.asks(), "the lesson as written asks its question");
    let own = app.playback.session.lesson.scenario.runtime();
    assert_eq!(own.python, Python::V3_14);
    // On macOS the pool spawns: a variant, whose question and CPython figures are withdrawn.
    let mac = app
        .reduce(AppAction::SetRuntime(Runtime {
            os: Os::Macos,
            ..own
        }))
        .unwrap();
    assert_eq!(mac.view.runtime.os, Some(Os::Macos));
    assert_eq!(mac.view.runtime.python, None, "only what differs is kept");
    assert!(mac.view.to_query().contains("os=macos"));
    assert!(!mac.asks());
    let lesson = &mac.playback.session.lesson;
    assert!(lesson.is_variant() && lesson.measured_cpython(ModelId::Processes).is_none());
    assert_eq!(
        lesson.scenario.runtime().default_start_method(),
        StartMethod::Spawn
    );
    assert!(
        mac.playback.session.traces[2].stats.makespan
            > app.playback.session.traces[2].stats.makespan,
        "spawn starts slower than forkserver"
    );
    // Back to the lesson's own: the plain link, and the question again.
    let back = mac.reduce(AppAction::SetRuntime(own)).unwrap();
    assert!(back.view.runtime.is_own() && back.asks());
    assert_eq!(back.view.to_query(), "?lesson=cpu-processes");
    // A version the lesson's models cannot run on is refused with a notice; the page stays.
    let interp = AppState::open(parse("?lesson=cpu-interpreters"));
    let own = interp.playback.session.lesson.scenario.runtime();
    let refused = interp
        .reduce(AppAction::SetRuntime(Runtime {
            python: Python::V3_9,
            ..own
        }))
        .unwrap();
    assert!(
        refused.notice.as_deref().unwrap().contains("3.9"),
        "{:?}",
        refused.notice
    );
    assert!(refused.view.runtime.is_own());
    // Eager tasks: a version without the factory runs its tasks lazily.
    let eager = AppState::open(parse("?lesson=eager-tasks"));
    let own = eager.playback.session.lesson.scenario.runtime();
    assert_eq!(own.tasks, TaskFactory::Eager);
    let old = eager
        .reduce(AppAction::SetRuntime(Runtime {
            python: Python::V3_9,
            ..own
        }))
        .unwrap();
    assert_eq!(
        old.playback.session.lesson.scenario.runtime().tasks,
        TaskFactory::Lazy
    );
    assert!(old.view.to_query().contains("task_factory=lazy"));
    // Another lesson runs on its own settings again.
    let next = mac
        .reduce(AppAction::PickLesson("three-waits".into()))
        .unwrap();
    assert!(next.view.runtime.is_own());
}

#[test]
fn the_runtime_menus_change_a_custom_scenario_itself() {
    use concurrency_kitchen::sim::{Python, Runtime};
    let mut scenario = lessons::by_id("three-waits").unwrap().scenario;
    scenario.python = None;
    let app = AppState::open(parse("?lesson=three-waits"))
        .reduce(AppAction::Apply(scenario.clone()))
        .unwrap();
    let own = scenario.runtime();
    let next = app
        .reduce(AppAction::SetRuntime(Runtime {
            python: Python::V3_13,
            ..own
        }))
        .unwrap();
    let s = next.view.scenario.as_ref().unwrap();
    assert_eq!(s.python, Some(Python::V3_13));
    assert_eq!(
        (s.os, s.task_factory),
        (None, None),
        "untouched fields stay absent"
    );
    assert!(
        next.view.runtime.is_own(),
        "a scenario carries its own runtime"
    );
}
