//! One model's scene: a canvas with the model's picture over its timeline, redrawn at the playhead.

use std::rc::Rc;

use yew::prelude::*;

use crate::render::scene::{describe, draw_scene_layer};
use crate::sim::{grouped, Bytes, Micros, State};

use super::canvas::{palette, use_canvas_size, CanvasPainter};
use super::panels::{model_name, short_name};
use super::state::Session;
use crate::render::Layer;

#[derive(Properties, PartialEq)]
pub struct SceneProps {
    pub session: Rc<Session>,
    pub trace: usize,
    pub time: Micros,
    /// The trace's latest event at or before the playhead.
    pub latest: Option<usize>,
    pub generation: u32,
    /// The answer is revealed: the timeline reaches the run's real end (`Session::horizon`).
    pub revealed: bool,
    /// The run is playing (the picture's description waits for it to stop).
    pub playing: bool,
}

#[function_component(Scene)]
pub fn scene(props: &SceneProps) -> Html {
    let canvas = use_node_ref();
    let backdrop = use_node_ref();
    let size = use_canvas_size(canvas.clone());
    // The theme's colours are read from CSS once per layout or theme change, not per frame.
    let pal = use_memo(props.generation, |_| palette());
    // What was last written to `data-cut` and `data-min-text`: unchanged, they are not written.
    let reported = use_mut_ref(|| (String::from("(not drawn)"), String::new()));
    // What stays while the playhead moves (the timeline's labels, rows and axis) is drawn on a
    // canvas of its own, under the picture, and only when the size, theme or axis change.
    {
        let backdrop = backdrop.clone();
        let session = props.session.clone();
        let t = props.trace;
        let pal = pal.clone();
        let horizon = props.session.horizon(props.revealed);
        let deps = (
            Rc::as_ptr(&session) as usize,
            t,
            props.generation,
            (size.0.to_bits(), size.1.to_bits()),
            horizon,
        );
        use_effect_with(deps, move |_| {
            if let Some(element) = backdrop.cast::<web_sys::HtmlCanvasElement>() {
                if let Some(mut painter) = CanvasPainter::new(&element, size) {
                    let trace = &session.traces[t];
                    let index = &session.indexes[t];
                    draw_scene_layer(
                        &mut painter,
                        trace,
                        index,
                        None,
                        Micros::ZERO,
                        horizon,
                        &pal,
                        Layer::Back,
                    );
                    let _ = element.set_attribute("data-cut", &painter.cuts().join(" | "));
                    let _ = element
                        .set_attribute("data-min-text", &format!("{:.1}", painter.min_text()));
                }
            }
        });
    }
    {
        let canvas = canvas.clone();
        let session = props.session.clone();
        let (t, time, latest) = (props.trace, props.time, props.latest);
        let pal = pal.clone();
        let deps = (
            Rc::as_ptr(&session) as usize,
            t,
            time,
            latest,
            props.generation,
            (size.0.to_bits(), size.1.to_bits()),
            props.revealed,
        );
        let horizon = props.session.horizon(props.revealed);
        use_effect_with(deps, move |_| {
            if let Some(element) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                if let Some(mut painter) = CanvasPainter::new(&element, size) {
                    let trace = &session.traces[t];
                    draw_scene_layer(
                        &mut painter,
                        trace,
                        &session.indexes[t],
                        latest,
                        time,
                        horizon,
                        &pal,
                        Layer::Front,
                    );
                    // Tests read which labels did not fit (none should).
                    let now = (
                        painter.cuts().join(" | "),
                        format!("{:.1}", painter.min_text()),
                    );
                    let mut last = reported.borrow_mut();
                    if *last != now {
                        let _ = element.set_attribute("data-cut", &now.0);
                        let _ = element.set_attribute("data-min-text", &now.1);
                        *last = now;
                    }
                }
            }
        });
    }
    // A lesson about memory draws it as the run grows: what is held now, reserved against
    // resident, on a log scale shared by the lesson's models (the session's curves).
    let curves = &props.session.memory;
    let memory = curves.get(props.trace).and_then(Option::as_ref).map(|curve| {
        let now = curve.at(props.latest);
        let peak = curve.peak_until(props.latest);
        let top = curves
            .iter()
            .flatten()
            .map(|c| c.peak.reserved)
            .max()
            .unwrap_or(1);
        // 100 KB at the left, the lesson's largest peak at the right.
        let scale = |b: u64| {
            let lo = 5.0;
            let hi = (top.max(1) as f64).log10().max(lo + 1.0);
            (((b.max(1) as f64).log10() - lo) / (hi - lo)).clamp(0.0, 1.0) * 100.0
        };
        let text = format!(
            "{} reserved · {} resident",
            Bytes(now.reserved),
            Bytes(now.resident)
        );
        let alive = format!(
            "{} {} alive · most {}",
            grouped(now.alive),
            curve.unit.plural(),
            Bytes(peak.reserved)
        );
        let label = format!(
            "Memory now: {text}, {} {} alive; the most so far: {} reserved with {} alive.",
            grouped(now.alive),
            curve.unit.plural(),
            Bytes(peak.reserved),
            grouped(peak.alive)
        );
        html! {
            // Described when the run stands still (like the picture), not at every frame.
            <div class="scene-memory" role="img" aria-label={if props.playing { "Memory, as the run grows".to_string() } else { label }}>
                <span class="mem-bar" aria-hidden="true">
                    <span class="mem-peak" style={format!("width: {:.1}%", scale(peak.reserved))}></span>
                    <span class="mem-reserved" style={format!("width: {:.1}%", scale(now.reserved))}></span>
                    <span class="mem-resident" style={format!("width: {:.1}%", scale(now.resident))}></span>
                </span>
                <span class="mem-text" aria-hidden="true">
                    <span>{ text }</span>
                    <span class="mem-alive">{ alive }</span>
                </span>
            </div>
        }
    });
    let trace = &props.session.traces[props.trace];
    let done = props.time >= trace.stats.makespan;
    // A narrow heading keeps the model's name whole: "done in 5.07 s" becomes "✓ 5.07 s".
    let clock = if done {
        html! { <>
            <span class="done-in">{ "done in " }</span>
            <span class="done-mark" aria-hidden="true">{ "✓ " }</span>
            { trace.stats.makespan.brief() }
        </> }
    } else {
        html! { { props.time.brief() } }
    };
    // What the picture shows, for a screen reader: described when the run stands still; while
    // it plays, the narration's live region speaks (a label rewritten every frame would only
    // cost the frame).
    let alt = if props.playing {
        format!("{}: playing", model_name(trace.model))
    } else {
        describe(trace, props.latest, props.time)
    };
    html! {
        <article class="scene card" data-model={trace.model.as_str()}>
            <div class="scene-head">
                <h3 title={model_name(trace.model)}>{ short_name(trace.model) }</h3>
                <span class="clock">{ clock }</span>
            </div>
            { for memory }
            <div class="scene-canvases">
                <canvas ref={canvas} role="img" aria-label={alt}></canvas>
                <canvas ref={backdrop} class="backdrop" aria-hidden="true"></canvas>
            </div>
        </article>
    }
}

#[derive(Properties, PartialEq)]
pub struct StripProps {
    pub session: Rc<Session>,
    pub time: Micros,
    /// The shared time scale of the bars: `Session::horizon`, so that before the reveal no
    /// bar's rate of filling gives its model's total away.
    pub horizon: Micros,
}

/// Every shown model's progress in one line: on a phone, where one scene fills the screen,
/// the others' clocks stay in view; a tap brings that model's scene up.
#[function_component(ModelStrip)]
pub fn model_strip(props: &StripProps) -> Html {
    let session = &props.session;
    if session.traces.len() < 2 {
        return html! {};
    }
    html! {
        <nav class="model-strip" aria-label="Every model's progress">
            { for session.traces.iter().map(|trace| {
                let makespan = trace.stats.makespan;
                let done = props.time >= makespan;
                let share = props.time.0.min(makespan.0) as f64 / props.horizon.0.max(1) as f64;
                let model = trace.model.as_str();
                let onclick = Callback::from(move |_: MouseEvent| show_scene(model));
                html! {
                    <button type="button" class={classes!("strip-model", done.then_some("done"))} {onclick}>
                        <span class="name">{ short_name(trace.model) }</span>
                        <span class="clock">{ if done { format!("done {}", makespan.brief()) } else { props.time.min(makespan).brief() } }</span>
                        <span class="bar" aria-hidden="true"><span style={format!("width: {:.1}%", share * 100.0)}></span></span>
                    </button>
                }
            }) }
        </nav>
    }
}

/// Scrolls the stage (a swipeable row on a phone) to one model's scene.
pub fn show_scene(model: &str) {
    let scene = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        d.query_selector(&format!(".stage .scene[data-model=\"{model}\"]"))
            .ok()
            .flatten()
    });
    if let Some(scene) = scene {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        options.set_inline(web_sys::ScrollLogicalPosition::Start);
        scene.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// The key to the timelines: each state's colour, pattern and name (never colour alone).
#[function_component(Legend)]
pub fn legend() -> Html {
    html! {
        <ul class="legend" aria-label="Timeline key">
            { for State::ALL.iter().map(|state| {
                let class = format!("swatch state-{}", state_class(*state));
                html! { <li><span class={class} aria-hidden="true"></span>{ state.label() }</li> }
            }) }
            // Drawn as the timeline draws them (a cross; a bar with a slash), not as glyphs a
            // font may lack.
            <li>
                <svg class="mark raised" viewBox="0 0 12 12" aria-hidden="true"><path d="M2 2L10 10M2 10L10 2" /></svg>
                { "raised an exception" }
            </li>
            <li>
                <svg class="mark cancelled" viewBox="0 0 12 12" aria-hidden="true"><path d="M6 2V10M2 10L10 2" /></svg>
                { "cancelled" }
            </li>
        </ul>
    }
}

fn state_class(state: State) -> &'static str {
    match state {
        State::Running => "running",
        State::Ready => "ready",
        State::WaitingIo => "io",
        State::WaitingGil => "gil",
        State::WaitingPermit => "permit",
        State::Blocked => "blocked",
        State::Starting => "starting",
        State::Pickling => "pickling",
        State::Idle => "idle",
    }
}
