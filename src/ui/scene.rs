//! One model's scene: a canvas with the model's picture over its timeline, redrawn at the playhead.

use std::rc::Rc;

use yew::prelude::*;

use crate::render::scene::{describe, draw_scene};
use crate::sim::{Micros, State};

use super::canvas::{palette, CanvasPainter};
use super::panels::model_name;
use super::state::Session;

#[derive(Properties, PartialEq)]
pub struct SceneProps {
    pub session: Rc<Session>,
    pub trace: usize,
    pub time: Micros,
    /// The trace's latest event at or before the playhead.
    pub latest: Option<usize>,
    pub generation: u32,
}

#[function_component(Scene)]
pub fn scene(props: &SceneProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        let session = props.session.clone();
        let (t, time, latest) = (props.trace, props.time, props.latest);
        let deps = (
            Rc::as_ptr(&session) as usize,
            t,
            time,
            latest,
            props.generation,
        );
        use_effect_with(deps, move |_| {
            if let Some(element) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                if let Some(mut painter) = CanvasPainter::new(&element) {
                    let trace = &session.traces[t];
                    draw_scene(
                        &mut painter,
                        trace,
                        &session.indexes[t],
                        latest,
                        time,
                        session.end,
                        &palette(),
                    );
                }
            }
        });
    }
    let trace = &props.session.traces[props.trace];
    let done = props.time >= trace.stats.makespan;
    let clock = if done {
        format!("done in {}", trace.stats.makespan)
    } else {
        props.time.to_string()
    };
    let caption = props.latest.map_or_else(
        || "Not started.".to_string(),
        |e| crate::sim::narrate::sentence(trace, e),
    );
    let alt = describe(trace, props.latest, props.time);
    html! {
        <article class="scene card" data-model={trace.model.as_str()}>
            <div class="scene-head">
                <h3>{ model_name(trace.model) }</h3>
                <span class="clock">{ clock }</span>
            </div>
            <canvas ref={canvas} role="img" aria-label={alt}></canvas>
            <p class="scene-caption">{ caption }</p>
        </article>
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
        </ul>
    }
}

fn state_class(state: State) -> &'static str {
    match state {
        State::Running => "running",
        State::Ready => "ready",
        State::WaitingIo => "io",
        State::WaitingGil => "gil",
        State::Blocked => "blocked",
        State::Starting => "starting",
        State::Pickling => "pickling",
        State::Idle => "idle",
    }
}
