//! The root component: reads the URL, owns the view and the playback reducer, lays out the frame.

use std::rc::Rc;

use yew::prelude::*;

use crate::bench::client;
use crate::bench::results::{HostProfile, Report, WorkerStatus};
use crate::export;
use crate::sim::lessons::{self, CUSTOM};
use crate::sim::models::descriptor;
use crate::sim::{ModelId, Scenario};

use super::chrome::{EmbedBar, Footer, Header};
use super::controls::Controls;
use super::editor::Editor;
use super::embed::EmbedOptions;
use super::embed_dialog::EmbedDialog;
use super::hooks::{
    use_animation_frames, use_layout_generation, use_playback_keys, use_reduced_motion,
};
use super::loop_demo::LoopDemo;
use super::measure::MeasurePanel;
use super::panels::{CodePanel, Narration, Results};
use super::params::{self, Theme, View};
use super::predict::Predict;
use super::race_view::RaceLessonView;
use super::scene::{Legend, ModelStrip, Scene};
use super::share;
use super::state::{Action, Playback, Playhead, Session};
use super::store;

/// What the address bar cannot hold, said beside the stage with a way to share it as a file.
fn link_problem(view: &View) -> Option<String> {
    view.scenario.as_ref()?;
    view.link_query().err()
}

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
            && self.0.step == other.0.step
            && self.0.seen == other.0.seen
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

/// The page's query if it is this race lesson's own (a lesson picked from the menu starts fresh).
fn race_query(id: &str) -> String {
    let query = location_query();
    if params::parse(&query).lesson == id {
        query
    } else {
        String::new()
    }
}

/// A link to the race lesson shown, as it stands (its game is in the address bar), for an
/// embed or for the full page.
fn race_link(view: &View, embed: bool) -> String {
    let link = View {
        embed,
        present: false,
        ..view.clone()
    };
    share::url_with(&link.race_link(&location_query()).unwrap_or_default())
}

fn location_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Simulates the view's lesson, for one model or all, on the lesson's machine or the learner's.
fn load(view: &View, machine: Option<&HostProfile>) -> Result<Rc<Session>, String> {
    let mut lesson = view.lesson();
    if let Some(m) = machine {
        for config in &mut lesson.scenario.models {
            config.cores = Some(m.speedup.round().max(1.0) as u32);
            config.startup_ms = Some(m.startup_ms.clamp(0.0, 60_000.0));
        }
    }
    Session::new(lesson, &view.shown()).map(Rc::new)
}

/// The first session: the link's view, or the default lesson (with a notice) if it cannot run.
fn first_session(view: &mut View) -> Rc<Session> {
    match load(view, None) {
        Ok(session) => session,
        Err(e) => {
            view.ignored.push(e);
            *view = View {
                ignored: std::mem::take(&mut view.ignored),
                ..View::default()
            };
            load(view, None).expect("the default lesson always simulates")
        }
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let initial = use_memo((), |_| {
        store::claim_tab();
        let mut view = params::parse(&location_query());
        // `lesson=custom` is this tab's own scenario, too large for a link: reopen its autosave.
        if view.lesson == CUSTOM && view.scenario.is_none() {
            match store::tab_scenario() {
                Some(scenario) => view.scenario = Some(scenario),
                None => {
                    view.lesson = lessons::DEFAULT.to_string();
                    view.ignored.push(
                        "lesson \"custom\" (a scenario too large for a link stays in the browser \
                         tab that made it; see \"Saved in this browser\" in the editor)"
                            .into(),
                    );
                }
            }
        }
        let session = first_session(&mut view);
        (view, session)
    });
    let view = use_state(|| initial.0.clone());
    let player = use_reducer(|| {
        let mut playback = Playback::new(initial.1.clone(), initial.0.speed);
        if let Some(t) = initial.0.t {
            playback = playback.reduce(Action::Jump(t));
        }
        Player(playback)
    });
    let report = use_state(|| None::<(usize, Rc<Report>)>);
    let machine = use_state(|| None::<HostProfile>);
    let using_machine = use_state(|| false);
    let worker = use_state(|| WorkerStatus::NotStarted);
    let copied = use_state(|| None::<String>);
    let embed_open = use_state(|| false);
    let recent = use_state(|| Rc::new(store::recent_scenarios()));
    // Why the last autosave failed, until one succeeds.
    let save_error = use_state(|| None::<String>);
    // Why the view's scenario is not in the address bar (too large for a link).
    let link_note = use_state(|| None::<String>);
    let generation = use_layout_generation();
    let reduced_motion = use_reduced_motion();

    // A race lesson has its own keys (`race_view`): the hidden player must not take them.
    let race_shown = use_mut_ref(|| false);
    *race_shown.borrow_mut() = view.race().is_some();
    let dispatch = {
        let (player, race_shown) = (player.clone(), race_shown.clone());
        Callback::from(move |action: Action| {
            if !*race_shown.borrow() {
                player.dispatch(PlayerAction::Playback(action))
            }
        })
    };
    use_playback_keys(dispatch.clone());
    // With reduced motion, playing moves from event to event instead of animating.
    use_animation_frames(
        player.0.playing && !reduced_motion,
        dispatch.reform(Action::Tick),
    );
    {
        let dispatch = dispatch.clone();
        let period = (900.0 / player.0.speed) as u32;
        use_effect_with(
            (player.0.playing && reduced_motion, period),
            move |&(on, period)| {
                let interval = on.then(|| {
                    gloo_timers::callback::Interval::new(period, move || {
                        dispatch.emit(Action::Advance)
                    })
                });
                move || drop(interval)
            },
        );
    }
    {
        let (theme, present) = (view.theme, view.present);
        use_effect_with((theme, present), move |&(theme, present)| {
            share::apply_theme(theme, present)
        });
    }
    share::use_height_reports(view.embed);
    let toggle_present = {
        let view = view.clone();
        Callback::from(move |_| {
            let on = !view.present;
            share::set_fullscreen(on);
            view.set(View {
                present: on,
                ..(*view).clone()
            });
        })
    };
    share::use_presentation(view.present, view.embed, toggle_present.clone());
    // The address bar always holds the view (not the playhead: Copy link adds that). A scenario
    // too large for a link shows as `lesson=custom`, with a note saying why.
    {
        let link_note = link_note.clone();
        use_effect_with(((*view).clone(), player.0.speed), move |(v, speed)| {
            // A race lesson writes its own address, with its game's moves.
            if v.race().is_some() {
                return;
            }
            let shown = View {
                t: None,
                speed: *speed,
                ..v.clone()
            };
            share::replace_url(&shown.to_query());
            link_note.set(link_problem(&shown));
        });
    }

    // Every listener above is attached once this runs: tests and scripts may start pressing keys.
    use_effect_with((), |_| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-app-ready", "");
        }
    });
    // Prove the measurement pipeline when a worker is first needed, and install the offline
    // cache, once.
    {
        let (worker, embed) = (worker.clone(), view.embed);
        use_effect_with((), move |_| {
            let probe = client::probe_on_first_use(move |status| worker.set(status));
            if !embed {
                share::register_service_worker();
            }
            move || drop(probe)
        });
    }

    let playback = &player.0;
    let session = playback.session.clone();
    let lesson = &session.lesson;
    let mine = (*using_machine).then(|| (*machine).clone()).flatten();

    // Shows another view: a new session if it simulates, otherwise an explanation.
    let show = {
        let (player, view, copied) = (player.clone(), view.clone(), copied.clone());
        Rc::new(
            move |next: View, mine: Option<HostProfile>| match load(&next, mine.as_ref()) {
                Ok(session) => {
                    player.dispatch(PlayerAction::Load(session));
                    copied.set(None);
                    view.set(View {
                        ignored: Vec::new(),
                        ..next
                    });
                }
                Err(e) => copied.set(Some(format!("Could not show that: {e}"))),
            },
        )
    };
    let on_lesson = {
        let (show, view, mine) = (show.clone(), view.clone(), mine.clone());
        Callback::from(move |id: String| {
            if id != CUSTOM {
                show(
                    View {
                        lesson: id,
                        scenario: None,
                        model: None,
                        ..(*view).clone()
                    },
                    mine.clone(),
                );
            }
        })
    };
    let on_apply = {
        let (show, view, mine) = (show.clone(), view.clone(), mine.clone());
        let (recent, save_error) = (recent.clone(), save_error.clone());
        Callback::from(move |scenario: Scenario| {
            // Every write is checked: a failure stays on screen, with Export JSON, until a save works.
            save_error.set(store::save_scenario(&scenario).err());
            recent.set(Rc::new(store::recent_scenarios()));
            let model = view
                .model
                .filter(|m| scenario.model_configs().iter().any(|c| c.id == *m));
            show(
                View {
                    scenario: Some(scenario),
                    model,
                    ..(*view).clone()
                },
                mine.clone(),
            );
        })
    };
    let on_theme = {
        let view = view.clone();
        Callback::from(move |theme: Option<Theme>| {
            view.set(View {
                theme,
                ..(*view).clone()
            })
        })
    };
    let on_copy = {
        let (copied, view, at) = (copied.clone(), view.clone(), playback.playhead());
        let speed = playback.speed;
        Callback::from(move |_| {
            let query = View {
                t: at,
                speed,
                ignored: Vec::new(),
                ..(*view).clone()
            }
            .link_query();
            let query = match query {
                Ok(query) => query,
                Err(e) => {
                    copied.set(Some(format!(
                        "Not copied: {e}. Share it as a file with Export JSON (below the stage)."
                    )));
                    return;
                }
            };
            let link = share::url_with(&query);
            let (copied, shown) = (copied.clone(), link.clone());
            share::copy(&link, move |ok| {
                copied.set(Some(if ok {
                    "Link copied".into()
                } else {
                    format!("Copy this link: {shown}")
                }))
            });
        })
    };
    let on_download = {
        let session = session.clone();
        let copied = copied.clone();
        Callback::from(move |_| {
            let lesson = &session.lesson;
            // Building the file blocks the page: beyond ten-thousand's size, the CLI does it.
            let events: usize = session.traces.iter().map(|t| t.events.len()).sum();
            if events > export::MAX_PAGE_EVENTS {
                copied.set(Some(format!(
                    "Not downloaded: {events} events are too many to export in the page;                      export the scenario as JSON and run trace --scenario FILE --format chrome"
                )));
                return;
            }
            let title = format!("{} ({})", lesson.title, lesson.id);
            share::download(
                &format!("concurrency-kitchen-{}.trace.json", lesson.id),
                "application/json",
                &export::chrome_trace_json(&title, &session.traces),
            );
        })
    };
    let export_json = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| {
            share::download(
                "scenario.json",
                "application/json",
                &session.lesson.scenario.to_json(),
            )
        })
    };
    let on_embed = {
        let embed_open = embed_open.clone();
        Callback::from(move |_| embed_open.set(true))
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
        Callback::from(move |m: HostProfile| machine.set(Some(m)))
    };
    let on_use_machine = {
        let (show, view, machine, using_machine) = (
            show.clone(),
            view.clone(),
            machine.clone(),
            using_machine.clone(),
        );
        Callback::from(move |on: bool| {
            using_machine.set(on);
            show((*view).clone(), if on { (*machine).clone() } else { None });
        })
    };
    let event_loop_lesson = lesson
        .scenario
        .models
        .iter()
        .any(|m| descriptor(m.id).shape.has_loop());
    let notice = (!view.ignored.is_empty()).then(|| {
        html! {
            <p class="notice" role="status" id="notice">
                { format!("Part of the link was ignored ({}); the rest is shown below.", view.ignored.join("; ")) }
            </p>
        }
    });
    let keep_notice = |id: &'static str, text: String| {
        html! {
            <p class="notice keep" role="alert" id={id}>
                <span>{ text }</span>
                <button type="button" class="btn small" onclick={export_json.clone()}>{ "Export JSON" }</button>
            </p>
        }
    };
    let save_notice = (*save_error).clone().map(|e| {
        keep_notice(
            "save-notice",
            format!("{e} It is still on screen: export it to keep it."),
        )
    });
    let link_notice = (*link_note).clone().filter(|_| !view.embed).map(|e| {
        keep_notice(
            "link-notice",
            format!("Not in the address bar: {e}. It is kept in this tab; to share it, export it as a file."),
        )
    });
    // Links for the Embed dialog and the embed's way out: built only where they are shown,
    // not on every animation frame.
    let lesson_models: Vec<ModelId> = lesson.scenario.models.iter().map(|m| m.id).collect();
    let embed_link = {
        let (base, all) = ((*view).clone(), lesson_models.clone());
        Callback::from(move |o: EmbedOptions| share::url_with(&o.view(&base, &all).to_query()))
    };
    let full_link = || {
        share::url_with(
            &View {
                embed: false,
                t: playback.playhead(),
                ..(*view).clone()
            }
            .to_query(),
        )
    };
    // Up to three models share one row; more make two rows, so each keeps a readable width.
    let models = session.traces.len();
    let stage_style = format!(
        "--cols: {}; --rows: {}",
        models.div_ceil(models.div_ceil(3)),
        models.div_ceil(3)
    );
    let stage = html! {
        <section class="stage" aria-label="Simulation" style={stage_style}>
            { for session.traces.iter().enumerate().map(|(t, _)| html! {
                <Scene session={session.clone()} trace={t} time={playback.time} latest={playback.latest_in(t)} generation={generation} />
            }) }
        </section>
    };
    let controls = html! {
        <Controls
            playing={playback.playing}
            at_end={playback.at_end()}
            at_start={playback.cursor.is_none() && playback.time.0 == 0}
            time={playback.time}
            end={session.end}
            speed={playback.speed}
            step={playback.step}
            models={session.traces.iter().map(|t| descriptor(t.model).short).collect::<Vec<_>>()}
            dispatch={dispatch.clone()}
        />
    };
    let strip = html! { <ModelStrip session={session.clone()} time={playback.time} /> };
    let narration = html! {
        <Narration session={session.clone()} current={playback.current()} steps={session.order.len()} cursor={playback.cursor} seen={playback.seen} playing={playback.playing} on_visit={dispatch.reform(Action::Visit)} embed={view.embed} />
    };
    let results = html! {
        <Results session={session.clone()} time={playback.time} generation={generation} measured={current_report.clone()} />
    };

    if let Some(race) = view.race() {
        let base = View {
            t: None,
            ignored: Vec::new(),
            ..(*view).clone()
        }
        .to_query();
        let race_view = html! {
            <RaceLessonView key={race.id()} lesson={race} query={race_query(race.id())} {base} embed={view.embed} present={view.present} />
        };
        if view.embed {
            return html! {
                <div class="app embed">
                    <EmbedBar title={race.title().to_string()} full={race_link(&view, false)} />
                    <main id="main">{ for notice }{ race_view }</main>
                </div>
            };
        }
        return html! {
            <div class="app race-app">
                <Header
                    lesson={race.id()}
                    {on_lesson}
                    theme={if view.present { Some(Theme::Contrast) } else { view.theme }}
                    {on_theme}
                    present={view.present}
                    on_present={toggle_present}
                    on_copy={Callback::from(|_| ())}
                    on_download={Callback::from(|_| ())}
                    {on_embed}
                    copied={None::<String>}
                    race=true
                />
                <main id="main">{ for notice }{ race_view }</main>
                <Footer worker={(*worker).clone()} />
                if *embed_open {
                    <EmbedDialog
                        title={race.title().to_string()}
                        models={Vec::new()}
                        initial={EmbedOptions::new(&view, &[])}
                        moment={None::<(Playhead, String)>}
                        layouts={false}
                        link={let view = (*view).clone(); Callback::from(move |o: EmbedOptions| race_link(&View { theme: o.theme, ..view.clone() }, true))}
                        on_close={let e = embed_open.clone(); Callback::from(move |_| e.set(false))} />
                }
            </div>
        };
    }
    if view.embed {
        return html! {
            <div class="app embed">
                <EmbedBar title={lesson.title.to_string()} full={full_link()} />
                <main id="main">
                    { for notice }
                    <section class="player" aria-label="Player">
                        { strip }
                        { stage }
                        { controls }
                        { narration }
                    </section>
                    // `embed=full` adds the results below the player; `embed=1` is the player alone.
                    if view.full { { results } }
                </main>
            </div>
        };
    }
    html! {
        <div class="app">
            <Header
                lesson={lesson.id}
                {on_lesson}
                theme={if view.present { Some(Theme::Contrast) } else { view.theme }}
                {on_theme}
                present={view.present}
                on_present={toggle_present}
                {on_copy}
                {on_download}
                {on_embed}
                copied={(*copied).clone()}
            />
            <main id="main">
                { for notice }
                { for save_notice }
                { for link_notice }
                <section class="player" aria-labelledby="lesson-title">
                    <div class="player-head">
                        <h1 id="lesson-title">{ lesson.title.clone() }</h1>
                        <Predict session={session.clone()} started={playback.cursor.is_some() || playback.playing} finished={playback.finished()} />
                    </div>
                    { strip }
                    { stage }
                    { controls }
                    { narration }
                </section>
                <section class="intro" aria-label="About this lesson">
                    <p>{ lesson.summary.clone() }</p>
                </section>
                <Legend />
                <div class="panels">
                    <CodePanel session={session.clone()} current={playback.current()} />
                </div>
                { results }
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
                <Editor session={session.clone()} {on_apply} recent={(*recent).clone()} />
            </main>
            <Footer worker={(*worker).clone()} />
            if *embed_open {
                <EmbedDialog
                    title={lesson.title.to_string()}
                    models={lesson_models.iter().map(|m| (*m, AttrValue::from(descriptor(*m).label))).collect::<Vec<_>>()}
                    initial={EmbedOptions::new(&view, &lesson_models)}
                    moment={playback.playhead().map(|at| (at, format!("This moment ({})", at.time.brief())))}
                    layouts={true}
                    link={embed_link}
                    on_close={let e = embed_open.clone(); Callback::from(move |_| e.set(false))} />
            }
        </div>
    }
}
