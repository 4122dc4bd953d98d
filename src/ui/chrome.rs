//! The frame around the lesson: the header (lesson, theme, Present, Copy link, Download trace,
//! Embed), the embed bar and the footer.

use yew::prelude::*;

use crate::bench::results::WorkerStatus;
use crate::sim::lessons::{path::PATH, CUSTOM};

use super::embed_dialog::OPENER_ID;
use super::guide::title;
use super::params::{Theme, DECIDE};
use super::progress::Progress;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub lesson: &'static str,
    pub on_lesson: Callback<String>,
    pub theme: Option<Theme>,
    pub on_theme: Callback<Option<Theme>>,
    pub present: bool,
    pub on_present: Callback<()>,
    pub on_copy: Callback<()>,
    /// Downloads the run as Chrome Trace Event JSON (for Perfetto).
    pub on_download: Callback<()>,
    pub on_embed: Callback<()>,
    /// "Link copied", or the link itself when the clipboard is not available.
    pub copied: Option<String>,
    /// A race lesson: it has no trace to download and copies its own replay link.
    #[prop_or_default]
    pub race: bool,
    /// The lessons done in this browser: ticked in the menu.
    pub progress: Progress,
}

#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let on_lesson = {
        let on_lesson = props.on_lesson.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            on_lesson.emit(select.value());
        })
    };
    let on_theme = {
        let on_theme = props.on_theme.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            on_theme.emit(Theme::parse(&select.value()));
        })
    };
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let theme = props.theme.map_or("auto", Theme::as_str);
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
                <select id="lesson-picker" onchange={on_lesson}>
                    if props.lesson == CUSTOM {
                        <option value={CUSTOM} selected=true>{ "Your scenario" }</option>
                    }
                    // The guided path's order, each lesson done in this browser ticked.
                    { for PATH.iter().enumerate().map(|(i, &id)| {
                        let tick = if props.progress.is_done(id) { " ✓" } else { "" };
                        html! {
                            <option value={id} selected={id == props.lesson}>{ format!("{}. {}{tick}", i + 1, title(id)) }</option>
                        }
                    }) }
                    // After the path: the map of which model to choose.
                    <option value={DECIDE} selected={props.lesson == DECIDE}>{ "Which model should I use? (the map)" }</option>
                </select>
            </label>

            <div class="tools">
                <label class="picker">
                    <span>{ "Theme" }</span>
                    <select id="theme-picker" onchange={on_theme}>
                        <option value="auto" selected={theme == "auto"}>{ "Auto" }</option>
                        <option value="light" selected={theme == "light"}>{ "Light" }</option>
                        <option value="dark" selected={theme == "dark"}>{ "Dark" }</option>
                        <option value="contrast" title="High contrast" selected={theme == "contrast"}>{ "Contrast" }</option>
                    </select>
                </label>
                <button type="button" class="btn phone-hidden" aria-pressed={props.present.to_string()} onclick={click(&props.on_present)}
                    title="Presentation mode (F)">{ "Present" }</button>
                if !props.race {
                    <button type="button" class="btn" onclick={click(&props.on_copy)}>{ "Copy link" }</button>
                    <button type="button" class="btn phone-hidden" onclick={click(&props.on_download)}
                        title="The run as Chrome Trace Event JSON: open it in ui.perfetto.dev or chrome://tracing">{ "Download trace" }</button>
                }
                <button type="button" id={OPENER_ID} class="btn" onclick={click(&props.on_embed)}>{ "Embed" }</button>
                if let Some(text) = &props.copied {
                    <span class="copied" role="status">{ text }</span>
                }
            </div>
        </header>
    }
}

#[derive(Properties, PartialEq)]
pub struct EmbedBarProps {
    pub title: String,
    /// The same view in the full app.
    pub full: String,
}

/// The embed's only chrome: the lesson's title and a way out to the full app.
#[function_component(EmbedBar)]
pub fn embed_bar(props: &EmbedBarProps) -> Html {
    html! {
        <header class="embed-bar">
            <strong>{ props.title.clone() }</strong>
            <a href={props.full.clone()} target="_blank" rel="noopener">{ "Open in full app ↗" }</a>
        </header>
    }
}

#[derive(Properties, PartialEq)]
pub struct FooterProps {
    pub worker: WorkerStatus,
}

#[function_component(Footer)]
pub fn footer(props: &FooterProps) -> Html {
    let (state, text, ok) = match &props.worker {
        WorkerStatus::NotStarted => (
            "not-started",
            "Measurement worker loads when first needed".to_string(),
            false,
        ),
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
