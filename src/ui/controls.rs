//! The controls bar: Play/Pause, Step back, Step forward, Reset, the scrub slider and the speed.

use yew::prelude::*;

use crate::sim::Micros;

use super::state::{Action, StepMode, SPEEDS};

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playing: bool,
    /// The cursor is on the last event: nothing left to step to.
    pub at_end: bool,
    pub at_start: bool,
    pub time: Micros,
    /// How far the slider reaches (`Session::horizon`).
    pub end: Micros,
    /// The run's length, once the answer is revealed: before, the time reads alone.
    pub total: Option<Micros>,
    pub speed: f64,
    pub step: StepMode,
    /// The shown models' names, in trace order, for the step choice.
    pub models: Vec<&'static str>,
    pub dispatch: Callback<Action>,
}

// Icons are decorative: each button's accessible name is its visible word.
const ICON_PLAY: &str = "M7 4.5v15l13-7.5z";
const ICON_PAUSE: &str = "M6 4h4.5v16H6zm7.5 0H18v16h-4.5z";
const ICON_BACK: &str = "M6 5h2.5v14H6zm3.5 7L19 5v14z";
const ICON_FORWARD: &str = "M15.5 5H18v14h-2.5zM5 5l9.5 7L5 19z";
const ICON_RESET: &str = "M12 5a7 7 0 1 1-6.7 9h2.2A5 5 0 1 0 12 7v3L7.5 6 12 2z";

fn icon(path: &'static str) -> Html {
    html! { <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d={path} /></svg> }
}

#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let send = |action: Action| {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(action.clone()))
    };
    let on_scrub = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            if let Ok(value) = input.value().parse::<f64>() {
                dispatch.emit(Action::Seek(Micros(value.max(0.0) as u64)));
            }
        })
    };
    let on_speed = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            if let Ok(speed) = select.value().parse::<f64>() {
                dispatch.emit(Action::SetSpeed(speed));
            }
        })
    };
    let on_step = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            let mode = match select.value().parse::<usize>() {
                Ok(t) => StepMode::Model(t),
                Err(_) => StepMode::Moment,
            };
            dispatch.emit(Action::SetStepMode(mode));
        })
    };
    let step_choice = (props.models.len() > 1).then(|| {
        let chosen = |t: usize| props.step == StepMode::Model(t);
        html! {
            <label class="step-mode">
                <span>{ "Step by" }</span>
                <select onchange={on_step}>
                    <option value="moment" selected={props.step == StepMode::Moment}>{ "every moment" }</option>
                    { for props.models.iter().enumerate().map(|(t, name)| html! {
                        <option value={t.to_string()} selected={chosen(t)}>{ format!("{name} events") }</option>
                    }) }
                </select>
            </label>
        }
    });
    let (play_label, play_icon) = if props.playing {
        ("Pause", ICON_PAUSE)
    } else {
        ("Play", ICON_PLAY)
    };

    html! {
        <section class="controls card" aria-label="Playback controls">
            <div class="buttons">
                <button type="button" class="btn" title="Reset (Home)" onclick={send(Action::Reset)} disabled={props.at_start}>
                    { icon(ICON_RESET) }<span>{ "Reset" }</span>
                </button>
                <button type="button" class="btn" title="Step back (←)" onclick={send(Action::StepBack)} disabled={props.at_start}>
                    { icon(ICON_BACK) }<span>{ "Step back" }</span>
                </button>
                <button type="button" class="btn primary" id="play" onclick={send(Action::TogglePlay)}>
                    { icon(play_icon) }<span>{ play_label }</span>
                </button>
                <button type="button" class="btn" title="Step forward (→)" onclick={send(Action::StepForward)} disabled={props.at_end}>
                    { icon(ICON_FORWARD) }<span>{ "Step forward" }</span>
                </button>
            </div>
            <div class="scrub">
                <input
                    type="range"
                    aria-label="Playhead (model time)"
                    min="0"
                    max={props.end.0.to_string()}
                    step="any"
                    value={props.time.0.to_string()}
                    aria-valuetext={match props.total { Some(total) => format!("{} of {}", props.time, total), None => props.time.to_string() }}
                    oninput={on_scrub}
                />
                <span class="time" aria-hidden="true">{ match props.total { Some(total) => format!("{} / {}", props.time.brief(), total.brief()), None => props.time.brief() } }</span>
            </div>
            { for step_choice }
            <label class="speed">
                <span>{ "Speed" }</span>
                <select onchange={on_speed}>
                    { for SPEEDS.iter().map(|&s| html! {
                        <option value={s.to_string()} selected={s == props.speed}>{ format!("{s}×") }</option>
                    }) }
                </select>
            </label>
            <p class="keys-hint">
                <kbd>{ "Space" }</kbd>{ " play/pause · " }
                <kbd>{ "←" }</kbd>{ " " }<kbd>{ "→" }</kbd>{ " step · " }
                <kbd>{ "Home" }</kbd>{ " reset · clickers: " }
                <kbd>{ "PgUp" }</kbd>{ " " }<kbd>{ "PgDn" }</kbd>
            </p>
        </section>
    }
}
