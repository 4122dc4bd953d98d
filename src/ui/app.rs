//! The root component: reads the URL once, holds the one app state (`app_state::AppState`,
//! changed only through its reducer), lays out the frame and runs the browser's effects.

use std::rc::Rc;

use yew::prelude::*;

use crate::bench::client;
use crate::bench::results::{HostProfile, Report};
use crate::export;
use crate::sim::lessons::{self, CUSTOM};
use crate::sim::models::descriptor;
use crate::sim::{ModelId, Scenario};

use super::app_state::{Answer, AppAction, AppState};
use super::chrome::{EmbedBar, Footer, Header};
use super::controls::Controls;
use super::decide::Explorer;
use super::decide_view::DecideExplorer;
use super::editor::Editor;
use super::embed::{EmbedOptions, RACE_HEIGHT};
use super::embed_dialog::EmbedDialog;
use super::guide::NextLesson;
use super::hooks::{
    use_animation_frames, use_layout_generation, use_phone, use_playback_keys, use_reduced_motion,
    KeyPress,
};
use super::loop_demo::LoopDemo;
use super::measure::MeasurePanel;
use super::panels::{CodePanel, Narration, Results};
use super::params::{self, Theme, View, DECIDE};
use super::predict::Predict;
use super::race_view::RaceLessonView;
use super::runtime::RuntimeMenu;
use super::scene::{Legend, ModelStrip, Scene};
use super::share;
use super::state::{Action, Playhead};
use super::stated::stated;
use super::store;

/// The app state as Yew holds it: a reducer that returns the same `Rc` when nothing changed
/// (a paused tick, a step at the end), so nothing redraws.
struct Store(AppState);

impl Reducible for Store {
    type Action = AppAction;

    fn reduce(self: Rc<Self>, action: AppAction) -> Rc<Self> {
        match self.0.reduce(action) {
            Some(next) => Rc::new(Store(next)),
            None => self,
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

/// The link's view; `lesson=custom` (this tab's own scenario, too large for a link) reopens the
/// tab's autosave.
fn first_view() -> View {
    store::claim_tab();
    let mut view = params::parse(&location_query());
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
    view
}

#[function_component(App)]
pub fn app() -> Html {
    let store = use_reducer(|| Store(AppState::open(first_view())));
    // Callbacks are made once (or once per session) and kept, so a component whose other
    // props did not change skips a playback frame: the header, the editor, the measurements.
    let dispatch = {
        let dispatcher = store.dispatcher();
        use_callback((), move |action: AppAction, _| dispatcher.dispatch(action))
    };
    let play = {
        let dispatch = dispatch.clone();
        use_callback((), move |action: Action, _| {
            dispatch.emit(AppAction::Playback(action))
        })
    };
    let app = &store.0;
    // What a kept callback reads when it runs (the playhead moves on without remaking it).
    let latest = use_mut_ref(|| app.clone());
    *latest.borrow_mut() = app.clone();
    let view = app.view.clone();
    let playback = &app.playback;
    let recent = use_state(|| Rc::new(store::recent_scenarios()));
    let generation = use_layout_generation();
    let reduced_motion = use_reduced_motion();
    let phone = use_phone();

    {
        let (dispatch, latest) = (dispatch.clone(), latest.clone());
        let on_key = use_callback((), move |key: KeyPress, _| {
            dispatch.emit(match key {
                KeyPress::Playback(action) => AppAction::Playback(action),
                KeyPress::Next if latest.borrow().view.present => AppAction::PresenterNext,
                KeyPress::Next => AppAction::Playback(Action::StepForward),
            })
        });
        use_playback_keys(on_key);
    }
    // With reduced motion, playing moves from event to event instead of animating.
    use_animation_frames(
        playback.playing && !reduced_motion,
        play.reform(Action::Tick),
    );
    {
        let play = play.clone();
        let period = (900.0 / playback.speed) as u32;
        use_effect_with(
            (playback.playing && reduced_motion, period),
            move |&(on, period)| {
                let interval = on.then(|| {
                    gloo_timers::callback::Interval::new(period, move || play.emit(Action::Advance))
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
    // The F key's listener outlives a render: it reads whether the page presents from `latest`.
    let toggle_present = {
        let (dispatch, latest) = (dispatch.clone(), latest.clone());
        use_callback((), move |_: (), _| {
            // Fullscreen needs the click or key press itself, so it is asked for here.
            share::set_fullscreen(!latest.borrow().view.present);
            dispatch.emit(AppAction::TogglePresent);
        })
    };
    share::use_presentation(view.present, view.embed, toggle_present.clone());
    // The address bar always holds the view (not the playhead: Copy link adds that). A scenario
    // too large for a link shows as `lesson=custom` (the state's `link_note` says why).
    // The view is compared by identity (the reducer makes a new one for every change), so a
    // frame does not compare a large scenario field by field.
    let url_view = view.clone();
    use_effect_with(
        (Rc::as_ptr(&view) as usize, playback.speed),
        move |(_, speed)| {
            let v = &url_view;
            // A race lesson writes its own address, with its game's moves; the explorer
            // writes its own, with its settings.
            if v.race().is_none() && !v.decide {
                share::replace_url(
                    &View {
                        t: None,
                        speed: *speed,
                        ..(**v).clone()
                    }
                    .to_query(),
                );
            }
        },
    );

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
        let (dispatch, embed) = (dispatch.clone(), view.embed);
        use_effect_with((), move |_| {
            let probe =
                client::probe_on_first_use(move |status| dispatch.emit(AppAction::Worker(status)));
            if !embed {
                share::register_service_worker();
            }
            move || drop(probe)
        });
    }

    // Progress along the path: read once, then kept whenever it grows. A failure to keep it is
    // said once; the page's own progress stays for this visit.
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            dispatch.emit(AppAction::ProgressLoaded(store::load_progress()))
        });
    }
    {
        let (dispatch, progress) = (dispatch.clone(), app.progress.clone());
        let said = use_mut_ref(|| false);
        use_effect_with(progress.count(), move |&count| {
            if count > 0 {
                if let Err(e) = store::save_progress(&progress) {
                    if !std::mem::replace(&mut *said.borrow_mut(), true) {
                        dispatch.emit(AppAction::Notice(Some(format!(
                            "Your progress could not be kept in this browser ({e}); it lasts for this visit."
                        ))));
                    }
                }
            }
        });
    }

    // The prediction survives a reload of this tab: read back when a lesson opens, written when
    // it changes (a custom scenario's is not kept: another scenario would inherit it).
    {
        let (dispatch, id) = (dispatch.clone(), playback.session.lesson.id);
        use_effect_with(id, move |&id| {
            if id != crate::sim::lessons::CUSTOM {
                if let Some(answer) = store::saved_answer(id) {
                    dispatch.emit(AppAction::Answer(answer));
                }
            }
        });
    }
    {
        let id = playback.session.lesson.id;
        let last = use_mut_ref(|| None::<(&'static str, Answer)>);
        use_effect_with((id, app.answer), move |&(id, answer)| {
            // Only a change the learner made is written: the first render's Open is not.
            let before = last.borrow_mut().replace((id, answer));
            let changed = before.is_some_and(|(was_id, was)| was_id == id && was != answer);
            if changed && id != crate::sim::lessons::CUSTOM {
                store::save_answer(id, answer);
            }
        });
    }

    let session = playback.session.clone();
    let lesson = &session.lesson;
    let notify = {
        let dispatch = dispatch.clone();
        use_callback((), move |n: Option<String>, _| {
            dispatch.emit(AppAction::Notice(n))
        })
    };

    let on_lesson = {
        let dispatch = dispatch.clone();
        use_callback((), move |id: String, _| {
            dispatch.emit(AppAction::PickLesson(id))
        })
    };
    let on_apply = {
        let (dispatch, recent) = (dispatch.clone(), recent.clone());
        use_callback((), move |scenario: Scenario, _| {
            // Every write is checked: a failure stays on screen, with Export JSON, until a save works.
            dispatch.emit(AppAction::Saved(store::save_scenario(&scenario)));
            recent.set(Rc::new(store::recent_scenarios()));
            dispatch.emit(AppAction::Apply(scenario));
        })
    };
    let on_theme = {
        let dispatch = dispatch.clone();
        use_callback((), move |t: Option<Theme>, _| {
            dispatch.emit(AppAction::SetTheme(t))
        })
    };
    let on_copy = {
        let (notify, latest) = (notify.clone(), latest.clone());
        use_callback((), move |_: (), _| {
            let (view, at, speed) = {
                let app = latest.borrow();
                (
                    app.view.clone(),
                    app.playback.playhead(),
                    app.playback.speed,
                )
            };
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
                    notify.emit(Some(format!(
                        "Not copied: {e}. Share it as a file with Export JSON (below the stage)."
                    )));
                    return;
                }
            };
            let link = share::url_with(&query);
            let (notify, shown) = (notify.clone(), link.clone());
            share::copy(&link, move |ok| {
                notify.emit(Some(if ok {
                    "Link copied".into()
                } else {
                    format!("Copy this link: {shown}")
                }))
            });
        })
    };
    let on_download = {
        let (latest, notify) = (latest.clone(), notify.clone());
        use_callback((), move |_: (), _| {
            let session = latest.borrow().playback.session.clone();
            let lesson = &session.lesson;
            // Building the file blocks the page: beyond ten-thousand's size, the CLI does it.
            let events: usize = session.traces.iter().map(|t| t.events.len()).sum();
            if events > export::MAX_PAGE_EVENTS {
                notify.emit(Some(format!(
                    "Not downloaded: {events} events are too many to export in the page; \
                     export the scenario as JSON and run trace --scenario FILE --format chrome"
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
        let latest = latest.clone();
        use_callback((), move |_: MouseEvent, _| {
            let session = latest.borrow().playback.session.clone();
            share::download(
                "scenario.json",
                "application/json",
                &session.lesson.scenario.to_json(),
            )
        })
    };
    let on_embed = {
        let dispatch = dispatch.clone();
        use_callback((), move |_: (), _| dispatch.emit(AppAction::Embed(true)))
    };
    let close_embed = {
        let dispatch = dispatch.clone();
        use_callback((), move |_: (), _| dispatch.emit(AppAction::Embed(false)))
    };
    let current_report = app.report.clone();
    let on_report = {
        // A measurement belongs to the session it started on: one finishing after the lesson
        // changed is dropped.
        let dispatch = dispatch.clone();
        use_callback(session.clone(), move |report: Option<Rc<Report>>, of| {
            dispatch.emit(AppAction::Measured {
                of: of.clone(),
                report,
            })
        })
    };
    let on_visit = {
        let play = play.clone();
        use_callback((), move |entry: usize, _| play.emit(Action::Visit(entry)))
    };
    let on_machine = {
        let dispatch = dispatch.clone();
        use_callback((), move |m: HostProfile, _| {
            dispatch.emit(AppAction::MachineChecked(m))
        })
    };
    let on_use_machine = {
        let dispatch = dispatch.clone();
        use_callback((), move |on: bool, _| {
            dispatch.emit(AppAction::UseMachine(on))
        })
    };
    let on_runtime = {
        let dispatch = dispatch.clone();
        use_callback((), move |r: crate::sim::Runtime, _| {
            dispatch.emit(AppAction::SetRuntime(r))
        })
    };
    // The lesson's own settings, when it is a preset (what the menus' "Back to" returns to).
    let own_runtime = view.own_runtime();
    let runtime_menu = |place: &'static str| {
        html! {
            <RuntimeMenu session={session.clone()} own={own_runtime} {place} on_change={on_runtime.clone()} />
        }
    };
    // A preset on other settings than its own: its note, and what it runs on.
    let now_runtime = lesson.scenario.runtime();
    let variant = super::runtime::variant_note(own_runtime, now_runtime);
    let embed_title = match own_runtime.filter(|own| *own != now_runtime) {
        // A variant says what it runs on, since it asks no question.
        Some(own) => format!(
            "{} ({})",
            lesson.title,
            super::runtime::differs(own, now_runtime).1
        ),
        None => lesson.title.to_string(),
    };
    let event_loop_lesson = lesson
        .scenario
        .models
        .iter()
        .any(|m| descriptor(m.id).shape.has_loop());
    let notice = (!view.ignored.is_empty()).then(|| {
        let what = view.ignored.join("; ");
        if view.embed {
            // A frame in someone's post has no room for the list: one line, opened on demand.
            html! {
                <details class="notice compact" id="notice">
                    <summary>{ "Part of the link was ignored" }</summary>
                    { what }
                </details>
            }
        } else {
            html! {
                <p class="notice" role="status" id="notice">
                    { format!("Part of the link was ignored ({what}); the rest is shown below.") }
                </p>
            }
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
    let save_notice = app.save_error.clone().map(|e| {
        keep_notice(
            "save-notice",
            format!("{e} It is still on screen: export it to keep it."),
        )
    });
    let link_notice = app.link_note.clone().filter(|_| !view.embed).map(|e| {
        keep_notice(
            "link-notice",
            format!("Not in the address bar: {e}. It is kept in this tab; to share it, export it as a file."),
        )
    });
    // Links for the Embed dialog and the embed's way out: built only where they are shown,
    // not on every animation frame.
    let lesson_models: Vec<ModelId> = lesson.scenario.models.iter().map(|m| m.id).collect();
    let embed_link = || {
        let (base, all) = (view.clone(), lesson_models.clone());
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
                <Scene session={session.clone()} trace={t} time={playback.time} latest={playback.latest_in(t)} generation={generation} revealed={app.revealed} playing={playback.playing} />
            }) }
        </section>
    };
    let controls = html! {
        <Controls
            playing={playback.playing}
            at_end={playback.at_end()}
            at_start={playback.cursor.is_none() && playback.time.0 == 0}
            time={playback.time}
            end={session.horizon(app.revealed)}
            total={app.revealed.then_some(session.end)}
            speed={playback.speed}
            step={playback.step}
            models={session.traces.iter().map(|t| descriptor(t.model).short).collect::<Vec<_>>()}
            dispatch={play.clone()}
        />
    };
    let next_lesson = if app.revealed {
        html! { <NextLesson lesson={lesson.id.to_string()} progress={app.progress.clone()} on_lesson={on_lesson.clone()} /> }
    } else {
        html! {}
    };
    let predict = |compact: bool, after: Html| {
        html! {
            <Predict session={session.clone()} answer={app.answer} revealed={app.revealed}
                started={playback.started()} present={view.present}
                hands={app.hands.clone()} dispatch={dispatch.clone()} {compact} {after} />
        }
    };
    // Every model's progress in a strip, for a phone, where one scene shows at a time.
    let strip = if phone {
        html! { <ModelStrip session={session.clone()} time={playback.time} horizon={session.horizon(app.revealed)} /> }
    } else {
        html! {}
    };
    // With reduced motion, playing steps from event to event, each said in full: only a run
    // that animates holds the sentence back (`use_throttled`).
    let narration = html! {
        <Narration session={session.clone()} current={playback.current()} steps={session.order.len()} cursor={playback.cursor} seen={playback.seen} playing={playback.playing && !reduced_motion} on_visit={on_visit} ask_first={app.asks() && !app.revealed && app.answer == Answer::Open} />
    };
    // Each model's figures show in the table once the playhead has finished it; once the answer
    // is revealed (the run's end, or a presenter's Reveal), everything shows, wherever the
    // playhead goes next.
    let revealed = app.revealed;
    let finished: Vec<bool> = session
        .traces
        .iter()
        .map(|t| revealed || playback.time >= t.stats.makespan)
        .collect();
    let results = html! {
        <Results session={session.clone()} {finished} generation={generation} measured={current_report.clone()} playing={playback.playing} />
    };

    // A page of its own (a race lesson, the decision explorer): the header, its body, the
    // footer and the Embed dialog; or, embedded, the embed's bar and its body.
    let own_page = |class: &'static str,
                    lesson_id: &'static str,
                    title: String,
                    full: String,
                    link: Callback<EmbedOptions, String>,
                    body: Html| {
        if view.embed {
            return html! {
                <div class="app embed">
                    <EmbedBar title={title} {full} />
                    <main id="main">{ for notice.clone() }{ body }</main>
                </div>
            };
        }
        html! {
            <div class={classes!("app", class)}>
                <Header
                    lesson={lesson_id}
                    on_lesson={on_lesson.clone()}
                    theme={if view.present { Some(Theme::Contrast) } else { view.theme }}
                    on_theme={on_theme.clone()}
                    present={view.present}
                    on_present={toggle_present.clone()}
                    on_copy={Callback::from(|_| ())}
                    on_download={Callback::from(|_| ())}
                    on_embed={on_embed.clone()}
                    copied={None::<String>}
                    race=true
                    progress={app.progress.clone()}
                />
                <main id="main">{ for notice.clone() }{ body }</main>
                <Footer worker={app.worker.clone()} />
                if app.embed_open {
                    <EmbedDialog
                        {title}
                        models={Vec::new()}
                        initial={EmbedOptions { height: RACE_HEIGHT, ..EmbedOptions::new(&view, &[]) }}
                        moment={None::<(Playhead, String)>}
                        layouts={false}
                        asks={None::<bool>}
                        {link}
                        refused={None::<String>}
                        on_close={close_embed.clone()} />
                }
            </div>
        }
    };

    if view.decide {
        let base = View {
            t: None,
            ignored: Vec::new(),
            ..(*view).clone()
        }
        .to_query();
        let explorer = html! {
            <DecideExplorer query={location_query()} base={base.clone()} embed={view.embed} />
        };
        // The explorer's settings ride along, as the address bar has them now.
        let with_settings = |v: &View| {
            let settings = Explorer::parse(&location_query()).0.to_query();
            let q = v.to_query();
            if settings.is_empty() {
                q
            } else {
                format!("{q}&{settings}")
            }
        };
        let full = share::url_with(&with_settings(&View {
            embed: false,
            full: false,
            ..(*view).clone()
        }));
        let link = {
            let view = (*view).clone();
            Callback::from(move |o: EmbedOptions| {
                share::url_with(&with_settings(&View {
                    theme: o.theme,
                    embed: true,
                    ..view.clone()
                }))
            })
        };
        let title = "Which model should I use?".to_string();
        return own_page("decide-app", DECIDE, title, full, link, explorer);
    }

    if let Some(race) = view.race() {
        let base = View {
            t: None,
            ignored: Vec::new(),
            ..(*view).clone()
        }
        .to_query();
        let race_view = html! {
            <RaceLessonView key={race.id()} lesson={race} query={race_query(race.id())} {base} embed={view.embed} present={view.present}
                on_revealed={dispatch.reform(|_: ()| AppAction::RaceRevealed)}
                after={if view.embed { html! {} } else { html! { <NextLesson lesson={race.id()} progress={app.progress.clone()} on_lesson={on_lesson.clone()} /> } }} />
        };
        let link = {
            let view = (*view).clone();
            Callback::from(move |o: EmbedOptions| {
                race_link(
                    &View {
                        theme: o.theme,
                        ..view.clone()
                    },
                    true,
                )
            })
        };
        let full = race_link(&view, false);
        return own_page(
            "race-app",
            race.id(),
            race.title().to_string(),
            full,
            link,
            race_view,
        );
    }
    if view.embed {
        return html! {
            <div class="app embed">
                <EmbedBar title={embed_title} full={full_link()} />
                <main id="main">
                    { for notice }
                    <section class="player" aria-label="Player">
                        if app.asks() {
                            <div class="player-head">{ predict(true, html! {}) }</div>
                        }
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
                on_lesson={on_lesson.clone()}
                theme={if view.present { Some(Theme::Contrast) } else { view.theme }}
                {on_theme}
                present={view.present}
                on_present={toggle_present}
                {on_copy}
                {on_download}
                {on_embed}
                copied={app.notice.clone()}
                progress={app.progress.clone()}
            />
            <main id="main">
                { for notice }
                { for save_notice }
                { for link_notice }
                <section class="player" aria-labelledby="lesson-title">
                    <div class="player-head">
                        <h1 id="lesson-title">{ lesson.title.clone() }</h1>
                        { runtime_menu("head") }
                        // "Next lesson" comes with the answer, or once the run is over when no question is asked.
                        if app.asks() {
                            { predict(false, next_lesson.clone()) }
                        } else if app.revealed {
                            { next_lesson.clone() }
                        }
                    </div>
                    { strip }
                    { stage }
                    { controls }
                    { narration }
                </section>
                <section class="intro" aria-label="About this lesson">
                    { runtime_menu("intro") }
                    if let Some(note) = &variant { <p class="hint variant-note">{ note.clone() }</p> }
                    <p>{ stated(&lesson.summary, revealed) }</p>
                </section>
                <Legend />
                <div class="panels">
                    <CodePanel session={session.clone()} current={playback.current()} {revealed} note={variant.clone().map(AttrValue::from)} playing={playback.playing && !reduced_motion} />
                </div>
                { results }
                <MeasurePanel
                    session={session.clone()}
                    report={current_report}
                    {on_report}
                    machine={app.machine.clone()}
                    {on_machine}
                    using_machine={app.using_machine}
                    {on_use_machine}
                />
                if event_loop_lesson { <LoopDemo /> }
                <Editor session={session.clone()} {on_apply} apply_error={app.apply_error.clone()} recent={(*recent).clone()} />
            </main>
            <Footer worker={app.worker.clone()} />
            if app.embed_open {
                <EmbedDialog
                    title={lesson.title.to_string()}
                    models={lesson_models.iter().map(|m| (*m, AttrValue::from(descriptor(*m).label))).collect::<Vec<_>>()}
                    initial={EmbedOptions::new(&view, &lesson_models)}
                    moment={playback.playhead().map(|at| (at, format!("This moment ({})", at.time.brief())))}
                    layouts={true}
                    asks={Some(!lesson.question.choices.is_empty())}
                    link={embed_link()}
                    refused={app.link_note.clone()}
                    on_close={close_embed.clone()} />
            }
        </div>
    }
}
