//! The Embed dialog: the blogger picks models, theme, start moment, compact or full and height
//! (`embed::EmbedOptions`), watches a live preview and copies the snippet. Focus stays inside
//! while it is open and goes back to the header's Embed button when it closes.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::sim::ModelId;

use super::embed::{self, EmbedOptions};
use super::params::Theme;
use super::share::copy;
use super::state::Playhead;

/// One change to the dialog's options.
type Edit = Box<dyn Fn(&mut EmbedOptions)>;

/// The header's Embed button, which gets the focus back on close.
pub const OPENER_ID: &str = "embed-open";

/// The preview shows the embed as a 700 px blog column would, scaled to fit the dialog.
const PREVIEW_WIDTH: u32 = 700;
const PREVIEW_SCALE: f64 = 0.45;
const PREVIEW_MAX_HEIGHT: f64 = 400.0;

/// What can receive the focus by Tab inside the dialog (an unchecked radio cannot).
const TABBABLE: &str = "button:not([disabled]), textarea, select, a[href], \
    input:not([disabled]):not([type=radio]), input[type=radio]:checked";

#[derive(Properties, PartialEq)]
pub struct EmbedDialogProps {
    pub title: String,
    /// The lesson's models and their names; one or none offers no choice (a race lesson).
    pub models: Vec<(ModelId, AttrValue)>,
    pub initial: EmbedOptions,
    /// The playhead, with how it reads ("at 1.23 s"), when it is past the start.
    pub moment: Option<(Playhead, String)>,
    /// Whether the page has results to show below the player (compact or full).
    pub layouts: bool,
    /// Whether the lesson has a question the embed can ask; `None` offers no choice (a race
    /// lesson's question is part of its game).
    pub asks: Option<bool>,
    /// The embed's link for a choice of options.
    pub link: Callback<EmbedOptions, String>,
    /// Why this view cannot be embedded (a scenario too large for a link lives only in its
    /// tab, so a reader's frame could not show it); the dialog then says so instead.
    pub refused: Option<String>,
    pub on_close: Callback<()>,
}

#[function_component(EmbedDialog)]
pub fn embed_dialog(props: &EmbedDialogProps) -> Html {
    let dialog = use_node_ref();
    let area = use_node_ref();
    let close_button = use_node_ref();
    let copied = use_state(|| false);
    let options = use_state(|| props.initial.clone());
    let url = props.link.emit((*options).clone());
    let snippet = embed::snippet(&url, &props.title, options.height);
    {
        let (area, close_button) = (area.clone(), close_button.clone());
        use_effect_with((), move |_| {
            if let Some(el) = area.cast::<web_sys::HtmlTextAreaElement>() {
                let _ = el.focus();
                el.select();
                // Selected for copying, but scrolled to show the iframe line first.
                el.set_scroll_top(0);
            } else if let Some(el) = close_button.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
            // On close, the focus returns to the button that opened the dialog.
            move || {
                if let Some(opener) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(OPENER_ID))
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = opener.focus();
                }
            }
        });
    }
    let all: Vec<ModelId> = props.models.iter().map(|(m, _)| *m).collect();
    // Every change goes through one place: the new options, and "Copied" no longer true.
    let change = {
        let (options, copied) = (options.clone(), copied.clone());
        move |edit: Edit| {
            let mut next = (*options).clone();
            edit(&mut next);
            options.set(next);
            copied.set(false);
        }
    };
    let on_key = {
        let (cb, dialog) = (props.on_close.clone(), dialog.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => cb.emit(()),
            "Tab" => {
                if let Some(dialog) = dialog.cast::<web_sys::Element>() {
                    keep_focus_inside(&dialog, &e);
                }
            }
            _ => {}
        })
    };
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let do_copy = {
        let (text, copied) = (snippet.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            let copied = copied.clone();
            copy(&text, move |ok| copied.set(ok));
        })
    };

    let model_choice = (props.models.len() > 1).then(|| {
        html! {
            <fieldset>
                <legend>{ "Models" }</legend>
                { for props.models.iter().map(|(id, name)| {
                    let (id, all, change) = (*id, all.clone(), change.clone());
                    let on = options.models.contains(&id);
                    // The last model cannot be switched off.
                    let last = on && options.models.len() == 1;
                    html! {
                        <label class="choice">
                            <input type="checkbox" checked={on} disabled={last}
                                onchange={Callback::from(move |_: Event| {
                                    let all = all.clone();
                                    change(Box::new(move |o| o.toggle(id, &all)))
                                })} />
                            { name.clone() }
                        </label>
                    }
                }) }
            </fieldset>
        }
    });
    // A group of radio buttons: each choice is an edit of the options.
    let radios = |legend: &str, name: &'static str, choices: Vec<(bool, String, Edit)>| {
        html! {
            <fieldset>
                <legend>{ legend }</legend>
                { for choices.into_iter().map(|(checked, label, edit)| {
                    let change = change.clone();
                    let edit = Rc::new(edit);
                    html! {
                        <label class="choice">
                            <input type="radio" {name} {checked}
                                onchange={Callback::from(move |_: Event| {
                                    let edit = edit.clone();
                                    change(Box::new(move |o| edit(o)))
                                })} />
                            { label }
                        </label>
                    }
                }) }
            </fieldset>
        }
    };
    let theme_choice = radios(
        "Theme",
        "embed-theme",
        [
            (None, "Follow the reader"),
            (Some(Theme::Light), "Light"),
            (Some(Theme::Dark), "Dark"),
            (Some(Theme::Contrast), "High contrast"),
        ]
        .into_iter()
        .map(|(theme, label)| {
            let edit: Edit = Box::new(move |o| o.theme = theme);
            (options.theme == theme, label.to_string(), edit)
        })
        .collect(),
    );
    let start_choice = props.moment.clone().map(|(at, label)| {
        let starts = [(None, "The beginning".to_string()), (Some(at), label)];
        radios(
            "Start at",
            "embed-start",
            starts
                .into_iter()
                .map(|(start, label)| {
                    let edit: Edit = Box::new(move |o| o.start = start);
                    (options.start == start, label, edit)
                })
                .collect(),
        )
    });
    let layout_choice = props.layouts.then(|| {
        let layouts = [
            (false, "Compact: the player"),
            (true, "Full: with the results"),
        ];
        radios(
            "Layout",
            "embed-layout",
            layouts
                .into_iter()
                .map(|(full, label)| {
                    let edit: Edit = Box::new(move |o| o.set_full(full));
                    (options.full == full, label.to_string(), edit)
                })
                .collect(),
        )
    });
    let question_choice = if props.asks == Some(true) {
        let choices = [(true, "Ask it before the run"), (false, "No question")];
        radios(
            "Question",
            "embed-question",
            choices
                .into_iter()
                .map(|(on, label)| {
                    let edit: Edit = Box::new(move |o| o.question = on);
                    (options.question == on, label.to_string(), edit)
                })
                .collect(),
        )
    } else if props.asks == Some(false) {
        html! { <p class="hint" id="embed-no-question">{ "This lesson asks no question: the embed starts with Play." }</p> }
    } else {
        html! {}
    };
    let on_height = {
        let (change, options) = (change.clone(), options.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let px = input.value_as_number();
            // The field shows the height in force: clamped, or the last one if it held no number.
            let mut next = (*options).clone();
            next.set_height(px);
            let height = next.height;
            input.set_value(&height.to_string());
            change(Box::new(move |o| o.height = height));
        })
    };
    let height = options.height;
    // A tall frame is previewed smaller, so the options stay in view.
    let scale = PREVIEW_SCALE.min(PREVIEW_MAX_HEIGHT / f64::from(height));
    let scaled = |px: u32| (px as f64 * scale).round() as u32;
    let box_style = format!(
        "width:{}px;height:{}px",
        scaled(PREVIEW_WIDTH),
        scaled(height)
    );
    let frame_style =
        format!("width:{PREVIEW_WIDTH}px;height:{height}px;transform:scale({PREVIEW_SCALE})");

    if let Some(reason) = &props.refused {
        return html! {
            <div class="modal-backdrop" onkeydown={on_key}>
                <div ref={dialog} class="modal card embed-dialog" tabindex="-1" role="dialog" aria-modal="true" aria-labelledby="embed-title">
                    <h2 id="embed-title">{ "Embed this lesson" }</h2>
                    <p class="notice" id="embed-refused" role="alert">
                        { format!("This scenario cannot be embedded: {reason}. A reader's frame would show another lesson. Make it smaller, or share it as a file with Export JSON.") }
                    </p>
                    <div class="measure-actions">
                        <button ref={close_button} type="button" class="btn" onclick={close}>{ "Close" }</button>
                    </div>
                </div>
            </div>
        };
    }
    html! {
        <div class="modal-backdrop" onkeydown={on_key}>
            <div ref={dialog} class="modal card embed-dialog" tabindex="-1" role="dialog" aria-modal="true" aria-labelledby="embed-title">
                <h2 id="embed-title">{ "Embed this lesson" }</h2>
                <div class="embed-builder">
                    <form class="embed-options" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                        { for model_choice }
                        { theme_choice }
                        { for start_choice }
                        if options.start.is_some() && props.asks == Some(true) && options.question {
                            <p class="hint" id="embed-start-note">{ "Past the moment that proves the answer, the embed opens with the answer shown, not asked." }</p>
                        }
                        { for layout_choice }
                        { question_choice }
                        <label class="embed-height">
                            <span>{ "Height" }</span>
                            <input id="embed-height" type="number" min={embed::MIN_HEIGHT.to_string()} max={embed::MAX_HEIGHT.to_string()}
                                step="10" value={height.to_string()} onchange={on_height} />
                            <span>{ "px" }</span>
                        </label>
                    </form>
                    // A picture of the embed, not a second player: inert, so Tab and Escape stay
                    // with the dialog.
                    <figure class="embed-preview">
                        <figcaption>{ format!("Preview in a {PREVIEW_WIDTH} px column") }</figcaption>
                        <div class="preview-box" style={box_style} inert=true>
                            <iframe id="embed-preview" src={url.clone()} title="Preview of the embed" tabindex="-1"
                                loading="lazy" sandbox="allow-scripts allow-same-origin" style={frame_style}></iframe>
                        </div>
                    </figure>
                </div>
                <label class="snippet-label" for="embed-snippet">{ "Paste this into your page. The script lets the frame grow to fit; it trusts only messages from this app." }</label>
                <textarea ref={area} id="embed-snippet" readonly=true rows="5" value={snippet} />
                <div class="measure-actions">
                    <button type="button" class="btn primary" onclick={do_copy}>{ if *copied { "Copied" } else { "Copy snippet" } }</button>
                    <button ref={close_button} type="button" class="btn" onclick={close}>{ "Close" }</button>
                </div>
            </div>
        </div>
    }
}

/// Tab from the last control goes to the first, Shift+Tab from the first to the last, and a
/// focus that has left the dialog is brought back: the page behind cannot be reached.
fn keep_focus_inside(dialog: &web_sys::Element, e: &KeyboardEvent) {
    let Ok(list) = dialog.query_selector_all(TABBABLE) else {
        return;
    };
    let elements: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let (Some(first), Some(last)) = (elements.first(), elements.last()) else {
        return;
    };
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let inside = active
        .as_ref()
        .is_some_and(|a| dialog.contains(Some(a.unchecked_ref())));
    let is = |el: &web_sys::HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a.is_same_node(Some(el.unchecked_ref())))
    };
    let target = if e.shift_key() {
        (!inside || is(first)).then_some(last)
    } else {
        (!inside || is(last)).then_some(first)
    };
    if let Some(target) = target {
        e.prevent_default();
        let _ = target.focus();
    }
}
