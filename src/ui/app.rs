//! The root component: reads the URL, owns the playback reducer and lays out the frame.

use std::rc::Rc;

use yew::prelude::*;

use crate::bench::client::{self, WorkerStatus};
use crate::bench::runner::{Machine, Report};
use crate::sim::{lessons, ModelId};

use super::controls::Controls;
use super::hooks::{use_animation_frames, use_layout_generation, use_playback_keys};
use super::loop_demo::LoopDemo;
use super::measure::MeasurePanel;
use super::panels::{CodePanel, Narration, Results};
use super::params;
use super::scene::{Legend, Scene};
use super::state::{Action, Playback, Session};

/// The playback state as Yew sees it: every action goes through `Playback::reduce`.
#[derive(Clone)]
struct Player(Playback);

impl PartialEq for Player {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0.session, &other.0.session)
            && self.0.cursor == other.0.cursor
            && self.0.time == other.0.time
            && self.0.playing == other.0.playing
            && self.0.speed == other.0.speed
    }
}

enum PlayerAction {
    Playback(Action),
    Load(Rc<Session>),
}

impl Reducible for Player {
    type Action = PlayerAction;

    fn reduce(self: Rc<Self>, action: PlayerAction) -> Rc<Self> {
        let current = self.0.clone();
        let next = Player(match action {
            PlayerAction::Playback(action) => current.reduce(action),
            PlayerAction::Load(session) => Playback::new(session, current.speed),
        });
        // Returning the same Rc tells Yew nothing changed (a paused tick, a step at the end).
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

fn location_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Puts the current view in the address bar without adding a history entry.
fn replace_url(query: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(query));
    }
}

/// Simulates a lesson, for one model or all, on the lesson's machine or on the learner's.
fn load(lesson: &str, model: Option<ModelId>, machine: Option<&Machine>) -> Rc<Session> {
    let mut lesson = lessons::by_id(lesson)
        .or_else(|| lessons::by_id(lessons::DEFAULT))
        .expect("the default lesson exists");
    if let Some(m) = machine {
        for config in &mut lesson.scenario.models {
            config.cores = Some(m.speedup.round().max(1.0) as u32);
            config.startup_ms = Some(m.startup_ms.clamp(0.0, 60_000.0));
        }
    }
    // Every preset is tested to simulate cleanly, so a failure here is a bug worth a panic screen.
    Rc::new(Session::new(lesson, model).expect("presets always simulate"))
}

/// The one model a session shows, if it shows only one.
fn only_model(session: &Session) -> Option<ModelId> {
    (session.traces.len() < session.lesson.scenario.models.len()).then(|| session.traces[0].model)
}

#[function_component(App)]
pub fn app() -> Html {
    let params = use_memo((), |_| params::parse(&location_query()));
    let player = use_reducer(|| {
        Player(Playback::new(
            load(&params.lesson, params.model, None),
            params.speed,
        ))
    });
    let report = use_state(|| None::<(usize, Rc<Report>)>);
    let machine = use_state(|| None::<Machine>);
    let using_machine = use_state(|| false);
    let worker = use_state(|| WorkerStatus::Starting);
    let generation = use_layout_generation();

    let dispatch = {
        let player = player.clone();
        Callback::from(move |action: Action| player.dispatch(PlayerAction::Playback(action)))
    };
    use_playback_keys(dispatch.clone());
    use_animation_frames(player.0.playing, dispatch.reform(Action::Tick));

    // Prove the measurement pipeline: spawn the worker, wait for "ready", exchange a ping.
    {
        let worker = worker.clone();
        use_effect_with((), move |_| {
            let probe = client::probe(move |status| worker.set(status));
            move || drop(probe)
        });
    }

    let playback = &player.0;
    let session = playback.session.clone();
    let lesson = &session.lesson;

    let mine = (*using_machine).then(|| (*machine).clone()).flatten();
    let on_lesson = {
        let (player, mine) = (player.clone(), mine.clone());
        let speed = playback.speed;
        Callback::from(move |id: String| {
            replace_url(&params::to_query(&id, None, speed));
            player.dispatch(PlayerAction::Load(load(&id, None, mine.as_ref())));
        })
    };
    let session_key = Rc::as_ptr(&session) as usize;
    let current_report = (*report)
        .clone()
        .filter(|(key, _)| *key == session_key)
        .map(|(_, r)| r);
    let on_report = {
        let report = report.clone();
        Callback::from(move |r: Option<Rc<Report>>| report.set(r.map(|r| (session_key, r))))
    };
    let on_machine = {
        let machine = machine.clone();
        Callback::from(move |m: Machine| machine.set(Some(m)))
    };
    let on_use_machine = {
        let (player, machine, using_machine, session) = (
            player.clone(),
            machine.clone(),
            using_machine.clone(),
            session.clone(),
        );
        Callback::from(move |on: bool| {
            using_machine.set(on);
            let mine = if on { (*machine).clone() } else { None };
            player.dispatch(PlayerAction::Load(load(
                session.lesson.id,
                only_model(&session),
                mine.as_ref(),
            )));
        })
    };
    let event_loop_lesson = lesson
        .scenario
        .models
        .iter()
        .any(|m| matches!(m.id, ModelId::Asyncio | ModelId::Hybrid));

    let notice = (!params.ignored.is_empty()).then(|| {
        html! {
            <p class="notice" role="status">
                { format!("Ignored from the link: {}. Showing the lesson below instead.", params.ignored.join("; ")) }
            </p>
        }
    });

    html! {
        <div class="app">
            <Header lesson={lesson.id} on_lesson={on_lesson} />
            <main id="main">
                { for notice }
                <section class="intro" aria-labelledby="lesson-title">
                    <h1 id="lesson-title">{ lesson.title.clone() }</h1>
                    <p>{ lesson.summary.clone() }</p>
                </section>
                <section class="stage" aria-label="Simulation">
                    { for session.traces.iter().enumerate().map(|(t, _)| html! {
                        <Scene
                            session={session.clone()}
                            trace={t}
                            time={playback.time}
                            latest={playback.latest_in(t)}
                            generation={generation}
                        />
                    }) }
                </section>
                <Legend />
                <Controls
                    playing={playback.playing}
                    finished={playback.finished()}
                    at_start={playback.cursor.is_none() && playback.time.0 == 0}
                    time={playback.time}
                    end={session.end}
                    speed={playback.speed}
                    dispatch={dispatch.clone()}
                />
                <div class="panels">
                    <Narration session={session.clone()} current={playback.current()} steps={session.order.len()} cursor={playback.cursor} />
                    <CodePanel session={session.clone()} current={playback.current()} />
                </div>
                <Results session={session.clone()} time={playback.time} generation={generation} measured={current_report.clone()} />
                <MeasurePanel
                    session={session.clone()}
                    report={current_report}
                    {on_report}
                    machine={(*machine).clone()}
                    {on_machine}
                    using_machine={*using_machine}
                    {on_use_machine}
                />
                if event_loop_lesson { <LoopDemo /> }
            </main>
            <Footer worker={(*worker).clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct HeaderProps {
    lesson: &'static str,
    on_lesson: Callback<String>,
}

#[function_component(Header)]
fn header(props: &HeaderProps) -> Html {
    let onchange = {
        let on_lesson = props.on_lesson.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            on_lesson.emit(select.value());
        })
    };
    html! {
        <header class="topbar">
            <a class="brand" href="./" aria-label="Concurrency Kitchen, home">
                <svg viewBox="0 0 32 32" aria-hidden="true">
                    <rect x="2" y="2" width="28" height="28" rx="7" fill="#c2410c" />
                    <rect x="7" y="9" width="18" height="3.5" rx="1.75" fill="#fff" />
                    <rect x="7" y="14.25" width="11" height="3.5" rx="1.75" fill="#fde68a" />
                    <rect x="14" y="19.5" width="11" height="3.5" rx="1.75" fill="#fff" />
                </svg>
                <span>
                    <span class="brand-name">{ "Concurrency Kitchen" }</span>
                    <span class="brand-tag">{ "How Python runs concurrent work, step by step" }</span>
                </span>
            </a>
            <label class="picker">
                <span>{ "Lesson" }</span>
                <select id="lesson-picker" {onchange}>
                    { for lessons::all().iter().enumerate().map(|(i, l)| html! {
                        <option value={l.id} selected={l.id == props.lesson}>{ format!("{}. {}", i + 1, l.title) }</option>
                    }) }
                </select>
            </label>
        </header>
    }
}

#[derive(Properties, PartialEq)]
struct FooterProps {
    worker: WorkerStatus,
}

#[function_component(Footer)]
fn footer(props: &FooterProps) -> Html {
    let (state, text, ok) = match &props.worker {
        WorkerStatus::Starting => (
            "starting",
            "Measurement worker starting…".to_string(),
            false,
        ),
        WorkerStatus::Ready { round_trip_ms } => (
            "ready",
            format!("Measurement worker ready ({round_trip_ms:.1} ms round trip)"),
            true,
        ),
        WorkerStatus::Unavailable { reason } => (
            "unavailable",
            format!("Real measurements are off here: {reason}. The simulation works as usual."),
            false,
        ),
    };
    html! {
        <footer class="sitefoot">
            <span>
                { "Concurrency Kitchen · open source · " }
                <a href="https://github.com/concurrency-kitchen/concurrency-kitchen">{ "source code" }</a>
            </span>
            <span id="worker-status" data-worker={state}>
                <span class={classes!("status-dot", ok.then_some("ok"))} aria-hidden="true"></span>
                { text }
            </span>
        </footer>
    }
}
