//! The text panels: narration of the current event, the Python code with its current line, results.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::sim::models::descriptor;
use crate::sim::{narrate, Across, Bytes, EventKind, Micros, ModelId, Outcome, Spread};

use super::chart::{MeasuredChart, TotalsChart};
use super::hooks::use_throttled;
use super::state::Session;
use super::stated::stated;
use crate::bench::results::{ModelResult, Report};
use crate::sim::lessons::{path, spoiler::HIDDEN};

/// A model's name as learners read it.
pub fn model_name(id: ModelId) -> &'static str {
    descriptor(id).label
}

/// A model's name where space is short (scene headings, the phone's strip, the step choice).
pub fn short_name(id: ModelId) -> &'static str {
    descriptor(id).short
}

#[derive(Properties, PartialEq)]
pub struct NarrationProps {
    pub session: Rc<Session>,
    pub current: Option<(usize, usize)>,
    pub cursor: Option<usize>,
    /// The furthest entry of `session.order` the learner has reached: the log's last line.
    pub seen: Option<usize>,
    pub steps: usize,
    pub playing: bool,
    /// Jumps the playhead to an entry of `session.order` (a click on a log line).
    pub on_visit: Callback<usize>,
    /// The question waits for a prediction: the first sentence asks for one.
    #[prop_or_default]
    pub ask_first: bool,
}

/// How many lines the log keeps in the page around the cursor (older ones scroll out).
const LOG_LINES: usize = 120;

/// While playing, the log holds only about what its tallest box shows (the side column at
/// 1920x1080, drawn from its bottom): a window that moves replaces all its lines, and 120 of them cost a dropped frame
/// every LOG_EVERY_MS. Pausing brings back the full LOG_LINES to scroll through.
const PLAYING_LOG_LINES: usize = 20;

/// While playing, the log's lines move at most once per this many milliseconds.
const LOG_EVERY_MS: u32 = 500;

/// While playing, the sentence on screen changes at most once per this many milliseconds.
const NARRATE_EVERY_MS: u32 = 300;

/// While playing, a screen reader hears at most one sentence per this many milliseconds.
const ANNOUNCE_EVERY_MS: u32 = 1_500;

/// One line of the log: the model, the moment and what happened.
fn log_line(session: &Session, entry: usize) -> (String, String) {
    let (t, e) = session.order[entry];
    let trace = &session.traces[t];
    let who = if session.traces.len() > 1 {
        format!("{}: ", model_name(trace.model))
    } else {
        String::new()
    };
    (
        trace.events[e].time.to_string(),
        format!("{who}{}", narrate::sentence(trace, e)),
    )
}

#[function_component(Narration)]
pub fn narration(props: &NarrationProps) -> Html {
    // While playing, the sentence on screen moves on at most every NARRATE_EVERY_MS: at sixty
    // events a second nobody can read it, and each change costs the frame a layout.
    let (current, cursor) = use_throttled(
        (props.current, props.cursor),
        props.playing,
        NARRATE_EVERY_MS,
    );
    let (who, sentence) = match current {
        Some((t, e)) => {
            let trace = &props.session.traces[t];
            (Some(model_name(trace.model)), narrate::sentence(trace, e))
        }
        // Before anything moves: the lesson's opening question, then what to do.
        None => {
            // While the question card waits, it says what to do: the opener alone is enough.
            let opener = path::opener(props.session.lesson.id);
            let sentence = match (opener, props.ask_first) {
                (Some(q), true) => format!("Think first: {q}"),
                (Some(q), false) => {
                    format!("Think first: {q} Then press Play, or step through it moment by moment.")
                }
                (None, true) => "Press Play, or step through it moment by moment. Before you start: what do you predict?".into(),
                (None, false) => "Press Play, or step through it moment by moment.".into(),
            };
            (None, sentence)
        }
    };
    let spoken = match who {
        Some(who) => format!("{who}: {sentence}"),
        None => sentence.clone(),
    };
    // The live region: every step is said when paused; while playing, one sentence per
    // ANNOUNCE_EVERY_MS, so a screen reader is not flooded at sixty events a second.
    let say = use_throttled(spoken, props.playing, ANNOUNCE_EVERY_MS);
    // The log's window: up to LOG_LINES lines ending at the furthest point reached, moved
    // back when the cursor is before it; rebuilt only when the window moves.
    let end = props.seen.map_or(0, |s| s + 1);
    // While playing, the log moves at most every LOG_EVERY_MS: a frame cannot show a hundred new
    // lines legibly, and laying them out was most of a frame's work.
    let end = use_throttled(end, props.playing, LOG_EVERY_MS);
    let kept = if props.playing {
        PLAYING_LOG_LINES
    } else {
        LOG_LINES
    };
    let mut start = end.saturating_sub(kept);
    if let Some(c) = props.cursor.filter(|&c| c < start) {
        start = c.saturating_sub(kept / 2);
    }
    let stop = (start + kept).min(end);
    let lines = {
        let session = props.session.clone();
        use_memo((Rc::as_ptr(&session) as usize, start, stop), move |_| {
            (start..stop)
                .map(|i| log_line(&session, i))
                .collect::<Vec<_>>()
        })
    };
    // The current line stays in view in the log (not the page) as the cursor moves; while
    // playing, only when the log itself moves (reading a line's place forces a layout, and
    // the cursor moves every frame).
    let log = use_node_ref();
    {
        let log = log.clone();
        let cursor = props.cursor.filter(|_| !props.playing);
        use_effect_with((cursor, start, stop), move |(cursor, _, _)| {
            // While playing the log is drawn from its bottom (CSS), with nothing to measure.
            if cursor.is_none() {
                return;
            }
            if let Some(list) = log.cast::<web_sys::HtmlElement>() {
                if let Ok(Some(line)) = list.query_selector("[aria-current]") {
                    if let Ok(line) = line.dyn_into::<web_sys::HtmlElement>() {
                        let (top, height) = (line.offset_top(), line.offset_height());
                        let (view_top, view_h) = (list.scroll_top(), list.client_height());
                        if top < view_top || top + height > view_top + view_h {
                            // Centred, or its top at the top when it is taller than the log.
                            list.set_scroll_top(top - ((view_h - height) / 2).max(0));
                        }
                    }
                }
            }
        });
    }
    // The count moves with the sentence.
    let position = cursor.map_or(0, |c| c + 1);
    html! {
        <section class="card narration" aria-labelledby="narration-title">
            <h2 id="narration-title">{ format!("What is happening · event {position} of {}", props.steps) }</h2>
            <p class="now" id="narration">
                if let Some(who) = who { <span class="who">{ format!("{who}: ") }</span> }
                { sentence }
            </p>
            <p class="visually-hidden" id="announce" aria-live="polite">{ say }</p>
            if !lines.is_empty() {
                <ol class={classes!("log", props.playing.then_some("playing"))} ref={log} aria-label="Event log" start={(start + 1).to_string()}>
                    { for lines.iter().enumerate().map(|(k, (at, text))| {
                        let i = start + k;
                        // The line the sentence above speaks of (held with it while playing).
                        let current = cursor == Some(i);
                        let onclick = props.on_visit.reform(move |_: MouseEvent| i);
                        html! {
                            <li key={i} aria-current={current.then_some("step")} class={classes!(current.then_some("current"))}>
                                <button type="button" class="log-line" {onclick}>
                                    <span class="at">{ at.clone() }</span>{ text.clone() }
                                </button>
                            </li>
                        }
                    }) }
                </ol>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct CodeProps {
    pub session: Rc<Session>,
    pub current: Option<(usize, usize)>,
    /// The answer is revealed: the comments that state results show.
    pub revealed: bool,
    /// What the code was written for, when the run shows other settings (a variant).
    #[prop_or_default]
    pub note: Option<AttrValue>,
    /// The run is playing: the code follows it a few times a second.
    #[prop_or_default]
    pub playing: bool,
}

#[function_component(CodePanel)]
pub fn code_panel(props: &CodeProps) -> Html {
    let session = &props.session;
    // While playing, the code (and its highlighted line) follows the run at most every
    // NARRATE_EVERY_MS, as the narration does: with several models, each event could switch
    // the shown model's code, and redrawing the code every frame cost the frame.
    let current = use_throttled(props.current, props.playing, NARRATE_EVERY_MS);
    // The learner may pin a tab; otherwise the code follows the model of the current event.
    let pinned = use_state(|| None::<usize>);
    {
        let pinned = pinned.clone();
        use_effect_with(Rc::as_ptr(session) as usize, move |_| pinned.set(None));
    }
    let shown = (*pinned)
        .or(current.map(|(t, _)| t))
        .unwrap_or(0)
        .min(session.traces.len() - 1);
    let trace = &session.traces[shown];
    let code = session.lesson.code.iter().find(|c| c.model == trace.model);
    let current_line = current.filter(|&(t, _)| t == shown).and_then(|(t, e)| {
        let event = &session.traces[t].events[e];
        let code = code?;
        let task = event.task?;
        // The task's latest step, found by walking back from this event: usually a few
        // events, where replaying the whole trace would cost every frame of a large lesson.
        let step = session.traces[t].events[..=e]
            .iter()
            .rev()
            .filter(|ev| ev.task == Some(task))
            .find_map(|ev| {
                if ev.kind == EventKind::TaskFinish {
                    Some(None)
                } else {
                    ev.step.map(Some)
                }
            })??;
        code.lines.get(task.index())?.get(step.index()).copied()
    });
    let tabs = session.traces.iter().enumerate().map(|(i, t)| {
        let pinned = pinned.clone();
        let onclick = Callback::from(move |_| pinned.set(Some(i)));
        html! {
            <button type="button" aria-pressed={(i == shown).to_string()} {onclick}>{ t.model.as_str() }</button>
        }
    });
    html! {
        <section class="card code" aria-labelledby="code-title">
            <h2 id="code-title">{ "The Python code" }</h2>
            if let Some(note) = &props.note { <p class="hint code-note">{ note.clone() }</p> }
            if session.traces.len() > 1 { <div class="tabs" role="group" aria-label="Code for model">{ for tabs }</div> }
            <pre aria-label={format!("Python code for {}", model_name(trace.model))}><code>
                { for code.map(|c| c.source.as_ref()).unwrap_or("").lines().enumerate().map(|(i, text)| {
                    let number = i as u32 + 1;
                    let current = current_line == Some(number);
                    html! {
                        <span class={classes!("line", current.then_some("current"))} aria-current={current.then_some("step")}>
                            <span class="no">{ number }</span>{ stated(text, props.revealed) }{ "\n" }
                        </span>
                    }
                }) }
            </code></pre>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub session: Rc<Session>,
    /// Which models have finished at the playhead, one per trace: the table changes only when
    /// one finishes, not every frame.
    pub finished: Vec<bool>,
    pub generation: u32,
    /// Real timings from "Measure for real", if any.
    pub measured: Option<Rc<Report>>,
    /// The run is playing (the chart draws a new bar after the frame).
    #[prop_or_default]
    pub playing: bool,
}

/// A measured cell: the median in model time and the spread of the repeats.
fn measured_cell(report: &Report, model: ModelId) -> String {
    match report.models.iter().find(|m| m.model == model) {
        Some(ModelResult {
            spread: Some(s), ..
        }) => format!(
            "{} ({}–{})",
            Micros::from_ms(s.median),
            Micros::from_ms(s.min),
            Micros::from_ms(s.max)
        ),
        Some(ModelResult {
            note: Some(note), ..
        }) => (*note).to_string(),
        _ => "—".to_string(),
    }
}

/// "lo-hi" for a range across seeds wide enough to matter (`Spread::wide`), else `None`.
fn range_text((lo, hi): (Micros, Micros)) -> Option<String> {
    Spread::wide((lo, hi)).then(|| format!("{lo}-{hi}"))
}

/// What a range is across, after the range: "depending on the run", or the start-up figures.
fn across_text(spread: &Spread) -> String {
    match spread.across {
        Across::Seeds => format!("across {} runs", spread.runs),
        Across::Startup(lo, hi) => format!("with start-up from {lo} to {hi}"),
    }
}

/// Each model's total appears once the playhead reaches it, so that predictions come first.
#[function_component(Results)]
pub fn results(props: &ResultsProps) -> Html {
    let session = &props.session;
    let lesson = &session.lesson;
    let memory = lesson.id == "ten-thousand";
    let done = props.finished.iter().all(|&f| f);
    let revealed: Vec<Option<Micros>> = session
        .traces
        .iter()
        .zip(&props.finished)
        .map(|(t, &f)| f.then_some(t.stats.makespan))
        .collect();
    html! {
        <section class="card results-card" aria-labelledby="results-title">
            <h2 id="results-title">{ "Results" }</h2>
            <table class="results">
                <thead>
                    <tr>
                        <th scope="col">{ "Model" }</th>
                        <th scope="col" class="num">{ "Simulated total" }</th>
                        <th scope="col" class="num">{ "Real CPython (measured)" }</th>
                        if props.measured.is_some() { <th scope="col" class="num">{ "Measured" }</th> }
                        if memory {
                            <th scope="col" class="num">{ "Memory reserved" }</th>
                            <th scope="col" class="num">{ "Memory resident" }</th>
                        }
                    </tr>
                </thead>
                <tbody>
                    { for session.traces.iter().zip(&revealed).zip(&session.spreads).map(|((trace, total), spread)| {
                        let measured = lesson.measured_cpython(trace.model);
                        // Where CPython varies from run to run, so does the answer: a range.
                        let range = spread
                            .as_ref()
                            .filter(|_| total.is_some())
                            .and_then(|r| Some((range_text(r.makespan)?, r)))
                            .map(|(text, r)| match r.across {
                                Across::Seeds => format!("{text}, depending on the run"),
                                Across::Startup(..) => format!("{text}, {}", across_text(r)),
                            });
                        html! {
                            <tr data-model={trace.model.as_str()}>
                                <th scope="row">{ model_name(trace.model) }</th>
                                <td class="num total">
                                    <span class="value">{ total.map_or(HIDDEN.to_string(), |t| t.to_string()) }</span>
                                    if let Some(range) = range { <span class="range">{ range }</span> }
                                </td>
                                // Real figures are answers too: each shows with its model's total.
                                <td class="num cpython">{ match (measured, total.is_some()) {
                                    (None, _) => "—",
                                    (Some(m), true) => m,
                                    (Some(_), false) => HIDDEN,
                                } }</td>
                                if let Some(report) = &props.measured {
                                    <td class="num measured">{ if total.is_some() { measured_cell(report, trace.model) } else { HIDDEN.to_string() } }</td>
                                }
                                if memory {
                                    <td class="num">{ total.map_or(HIDDEN.to_string(), |_| Bytes(trace.stats.memory_reserved).to_string()) }</td>
                                    <td class="num">{ total.map_or(HIDDEN.to_string(), |_| Bytes(trace.stats.memory_resident).to_string()) }</td>
                                }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            if session.lesson.scenario.tasks.len() <= 4 {
                <ul class="latencies" aria-label="When each task finished">
                    { for session.traces.iter().zip(&revealed).zip(&session.spreads).filter(|((_, r), _)| r.is_some()).map(|((trace, _), spread)| {
                        let times = trace.task_names.iter().zip(&trace.stats.task_latency).enumerate()
                            .map(|(i, (name, t))| match (trace.outcome(crate::sim::TaskId::new(i)), spread.as_ref().and_then(|r| Some((across_text(r), range_text(*r.task_latency.get(i)?)?)))) {
                                (Outcome::NotRun, _) => format!("{name} never ran"),
                                (Outcome::Cancelled, _) => format!("{name} cancelled at {t}"),
                                (Outcome::Raised, _) => format!("{name} raised at {t}"),
                                (Outcome::Done, Some((across, range))) => format!("{name} {t} ({range} {across})"),
                                (Outcome::Done, None) => format!("{name} {t}"),
                            })
                            .collect::<Vec<_>>()
                            .join(" · ");
                        html! { <li><strong>{ trace.model.as_str() }</strong>{ format!(": {times}") }</li> }
                    }) }
                </ul>
            }
            if props.measured.is_some() && !done {
                <p class="hint" id="measured-held">{ "Measured. Your figures show with the answer, when the run reaches its end: predict first." }</p>
            }
            if let Some(report) = &props.measured {
                <MeasuredChart session={session.clone()} report={report.clone()} shown={props.finished.clone()} generation={props.generation} />
            } else {
                <TotalsChart session={session.clone()} revealed={revealed.clone()} generation={props.generation} playing={props.playing} />
            }
            if done { <p class="takeaway" id="takeaway">{ lesson.takeaway.clone() }</p> }
            <Faithful session={session.clone()} revealed={done} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct FaithfulProps {
    pub session: Rc<Session>,
    /// The run has reached its end: the notes' measured results show.
    pub revealed: bool,
}

/// "How faithful is this?": what the run takes from real CPython and where it simplifies.
#[function_component(Faithful)]
pub fn faithful(props: &FaithfulProps) -> Html {
    let lesson = &props.session.lesson;
    let models: Vec<ModelId> = props.session.traces.iter().map(|t| t.model).collect();
    let note = crate::sim::lessons::faithfulness_of(lesson, &models);
    html! {
        <details class="faithful" id="faithful">
            <summary>{ "How faithful is this?" }</summary>
            <h3>{ "Measured on real CPython" }</h3>
            <ul>{ for note.measured.iter().map(|l| html! { <li>{ stated(l, props.revealed) }</li> }) }</ul>
            <h3>{ "Modelled, and where it simplifies" }</h3>
            <ul>{ for note.modelled.iter().map(|l| html! { <li>{ stated(l, props.revealed) }</li> }) }</ul>
            <p class="source">{ "Figures from calibration/measured.json (./kitchen calibrate, CPython 3.9-3.13 on a two-core Linux machine) and LESSONS.md." }</p>
        </details>
    }
}
