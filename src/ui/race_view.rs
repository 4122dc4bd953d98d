//! The race lessons on screen: each thread's Python and bytecode (or C steps) with its next
//! instruction highlighted, the shared memory box, the learner as scheduler (keys A and B,
//! greyed where CPython could not switch), the step log, the question and the many runs.
//! All state is `ui::race::RaceState`; this file only draws it and sends actions.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::sim::lessons::path;
use crate::sim::race::bytecode::{line, may_switch_after};
use crate::sim::race::refcount::{Counts, GAME_DELTAS};
use crate::sim::race::Snippet;

use super::hooks::page_key;
use super::race::{letter, Board, RaceAction, RaceLesson, RaceState, RaceView, Runs};
use super::share;

#[derive(Clone, PartialEq)]
struct Model(RaceState);

impl Reducible for Model {
    type Action = RaceAction;
    fn reduce(self: Rc<Self>, action: RaceAction) -> Rc<Self> {
        Rc::new(Model(self.0.clone().reduce(action)))
    }
}

#[derive(Properties, PartialEq)]
pub struct RaceProps {
    pub lesson: RaceLesson,
    /// The page's query at start, for the race parameters.
    pub query: String,
    /// The view's own query (`?lesson=...&theme=...`), which the race parameters extend.
    pub base: String,
    pub embed: bool,
    /// Presentation mode: a clicker's first PageDown reveals the answer, then it steps.
    pub present: bool,
    /// The question has been answered (the page counts the lesson done).
    pub on_revealed: Callback<()>,
    /// Shown under the answer: the guided path's "Next lesson".
    #[prop_or_default]
    pub after: Html,
}

/// The key's action, unless a form control owns the key.
fn key_action(key: &str) -> Option<RaceAction> {
    Some(match key {
        "a" | "A" | "1" => RaceAction::Pick(0),
        "b" | "B" | "2" => RaceAction::Pick(1),
        "ArrowRight" | "PageDown" | "n" | " " => RaceAction::Auto,
        "ArrowLeft" | "PageUp" | "Backspace" | "u" => RaceAction::Undo,
        "Home" | "r" => RaceAction::Reset,
        _ => return None,
    })
}

#[function_component(RaceLessonView)]
pub fn race_lesson_view(props: &RaceProps) -> Html {
    let model = {
        let (lesson, query) = (props.lesson, props.query.clone());
        use_reducer(move || Model(RaceState::new(RaceView::parse(lesson, &query))))
    };
    let copied = use_state(|| None::<String>);
    // Keys drive the game; a form control keeps its own keys.
    {
        let model = model.clone();
        let present = props.present;
        use_effect_with(present, move |&present| {
            let listener = Closure::<dyn FnMut(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                let Some(key) = page_key(&e) else {
                    return;
                };
                let Some(action) = key_action(&key) else {
                    return;
                };
                e.prevent_default();
                let clicker = matches!(key.as_str(), "PageDown" | "ArrowRight" | " ");
                model.dispatch(if present && clicker {
                    RaceAction::Clicker
                } else {
                    action
                });
            });
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(d) = &document {
                let _ = d
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = document {
                    let _ = d.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    let state = &model.0;
    {
        let on_revealed = props.on_revealed.clone();
        use_effect_with(state.answer.is_some(), move |&answered| {
            if answered {
                on_revealed.emit(());
            }
        });
    }
    let link = format!("{}{}", props.base, state.link_view().query_part());
    {
        let link = link.clone();
        use_effect_with(link, |link| share::replace_url(link));
    }
    let act = |a: RaceAction| {
        let model = model.clone();
        Callback::from(move |_: MouseEvent| model.dispatch(a.clone()))
    };
    let on_copy = {
        let (copied, url) = (copied.clone(), share::url_with(&link));
        Callback::from(move |_: MouseEvent| {
            let (copied, shown) = (copied.clone(), url.clone());
            share::copy(&url, move |ok| {
                copied.set(Some(if ok {
                    "Replay link copied".into()
                } else {
                    format!("Copy this link: {shown}")
                }))
            });
        })
    };
    let lesson = props.lesson;
    let notice = (!state.view.ignored.is_empty()).then(|| html! {
        <p class="notice" role="status" id="notice">
            { format!("Part of the link was ignored ({}); the rest is shown below.", state.view.ignored.join("; ")) }
        </p>
    });
    let status = if state.won() {
        match lesson {
            RaceLesson::Counter => "You made it lose an update: a thread wrote back a value it read before the other thread's write.".to_string(),
            RaceLesson::Refcount => "The count is too low: when A drops its references, the object is freed while A still uses it (a crash).".to_string(),
        }
    } else if state.over() {
        match lesson {
            RaceLesson::Counter => {
                "Every thread is done and no update was lost. Undo, or try another version or code."
                    .to_string()
            }
            RaceLesson::Refcount => {
                "Both threads are done and the count is right. Undo, or try other counts."
                    .to_string()
            }
        }
    } else if state.answer.is_some() {
        lesson.goal().to_string()
    } else {
        lesson.goal_before().to_string()
    };
    let threads: Html = (0..state.threads())
        .map(|t| thread_panel(state, t, act(RaceAction::Pick(t))))
        .collect();
    let settings = match &state.board {
        Board::Counter(_) => {
            let model1 = model.clone();
            let on_python = Callback::from(move |e: Event| {
                let s: web_sys::HtmlSelectElement = e.target_unchecked_into();
                if let Ok(p) = crate::sim::race::parse_version(&s.value()) {
                    model1.dispatch(RaceAction::Python(p));
                }
            });
            let model2 = model.clone();
            let on_code = Callback::from(move |e: Event| {
                let s: web_sys::HtmlSelectElement = e.target_unchecked_into();
                if let Some(c) = Snippet::ALL.into_iter().find(|c| c.as_str() == s.value()) {
                    model2.dispatch(RaceAction::Snippet(c));
                }
            });
            html! {
                <>
                    <label class="picker"><span>{ "Python" }</span>
                        <select id="race-python" onchange={on_python}>
                            { for crate::sim::race::versions().map(|p| html! {
                                <option value={p.as_str()} selected={p == state.view.python}>{ if p.has_gil() { p.to_string() } else { format!("{p} (no GIL)") } }</option>
                            }) }
                        </select>
                    </label>
                    <label class="picker"><span>{ "Code" }</span>
                        <select id="race-code" onchange={on_code}>
                            { for Snippet::ALL.iter().map(|c| html! {
                                <option value={c.as_str()} selected={*c == state.view.snippet}>{ snippet_label(*c) }</option>
                            }) }
                        </select>
                    </label>
                </>
            }
        }
        Board::Refcount(_) => {
            let model = model.clone();
            let on_counts = Callback::from(move |e: Event| {
                let s: web_sys::HtmlSelectElement = e.target_unchecked_into();
                if let Some(c) = Counts::parse(&s.value()) {
                    model.dispatch(RaceAction::Counts(c));
                }
            });
            html! {
                <label class="picker"><span>{ "Counts" }</span>
                    <select id="race-counts" onchange={on_counts}>
                        { for Counts::ALL.iter().map(|c| html! {
                            <option value={c.as_str()} selected={*c == state.view.counts}>{ counts_label(*c) }</option>
                        }) }
                    </select>
                </label>
            }
        }
    };
    html! {
        <section class={classes!("race", props.embed.then_some("race-embed"))} aria-labelledby="race-title">
            { for notice }
            if !props.embed {
                <h1 id="race-title" class="race-title">{ lesson.title() }</h1>
            }
            { question(state, &model, &props.after) }
            <div class="race-controls" role="group" aria-label="Scheduler">
                { settings }
                <button type="button" class="btn small" id="race-auto" onclick={act(RaceAction::Auto)} disabled={state.over()} title="Keys: N, Right arrow, PageDown">{ "Next step" }</button>
                <button type="button" class="btn small" id="race-undo" onclick={act(RaceAction::Undo)} disabled={state.log.is_empty()} title="Keys: U, Backspace, Left arrow">{ "Undo" }</button>
                <button type="button" class="btn small" id="race-reset" onclick={act(RaceAction::Reset)} disabled={state.log.is_empty()}>{ "Reset" }</button>
                <button type="button" class="btn small" id="race-copy" onclick={on_copy}>{ "Copy replay link" }</button>
                if let Some(c) = &*copied { <span class="copied" role="status">{ c.clone() }</span> }
            </div>
            <p id="race-status" class={classes!("race-status", state.won().then_some("won"))} role="status" aria-live="polite">
                { status }
                if let Some(m) = &state.message { <span class="refused">{ format!(" {m}") }</span> }
            </p>
            <div class="race-stage">
                { threads }
                { shared_box(state) }
            </div>
            <ol class="race-log" id="race-log" aria-label="Steps so far">
                { for state.log.iter().enumerate().rev().take(6).map(|(i, s)| html! {
                    <li class={classes!(s.lost.then_some("lost"), (i + 1 == state.log.len()).then_some("current"), format!("t{}", s.thread))} value={(i + 1).to_string()}>{ s.text.clone() }</li>
                }) }
                if state.log.is_empty() { <li class="empty">{ "Press A or B (or click a thread's Run button) to run its next step." }</li> }
            </ol>
            { runs_panel(state, &model) }
            if !props.embed {
                <p class="race-about">{ lesson.summary() }</p>
                <details class="faithful">
                    <summary>{ "What is measured and what is modelled" }</summary>
                    { for faithful(lesson).iter().map(|l| html! { <p>{ *l }</p> }) }
                </details>
            }
        </section>
    }
}

fn snippet_label(s: Snippet) -> &'static str {
    match s {
        Snippet::Plain => "counter[0] += 1",
        Snippet::Call => "counter[0] = f(counter[0]) + 1",
        Snippet::Lock => "with lock: counter[0] += 1",
    }
}

fn counts_label(c: Counts) -> &'static str {
    match c {
        Counts::Plain => "No GIL, plain counts (what the GIL prevents)",
        Counts::Gil => "With the GIL (CPython 3.9-3.14)",
        Counts::Atomic => "Free-threaded 3.13t (atomic counts)",
    }
}

fn thread_panel(state: &RaceState, t: usize, on_run: Callback<MouseEvent>) -> Html {
    let refusal = state.may_run(t).err();
    let name = letter(t);
    let running = state.running() == Some(t);
    let rows = match &state.board {
        Board::Counter(g) => g.listing().len().div_ceil(2),
        Board::Refcount(_) => 3,
    };
    let (source, current_line, listing): (Vec<&str>, u32, Html) = match &state.board {
        Board::Counter(g) => {
            let body = g.listing();
            let th = &g.threads[t];
            let listing = body
                .iter()
                .enumerate()
                .map(|(i, op)| {
                    let here = !th.done && i == th.pc;
                    let switch = g.python.has_gil() && may_switch_after(g.python, op);
                    html! {
                        <li class={classes!(here.then_some("here"))} aria-current={here.then_some("step")}>
                            <span class="n">{ i + 1 }</span>
                            <span class="op">{ op.name }</span>
                            <span class="arg">{ op.arg }</span>
                            if switch { <span class="switch" title="CPython may switch threads after this instruction">{ "⇄" }</span> }
                        </li>
                    }
                })
                .collect();
            let current = if th.done {
                0
            } else {
                line(g.snippet, body, th.pc)
            };
            (g.snippet.source().lines().collect(), current, listing)
        }
        Board::Refcount(g) => {
            let sign = if GAME_DELTAS[t] > 0 { '+' } else { '-' };
            let steps = [
                "r = ob->ob_refcnt".to_string(),
                format!("r = r {sign} 1"),
                "ob->ob_refcnt = r".to_string(),
            ];
            let listing = steps
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let here = i == g.next[t];
                    html! { <li class={classes!(here.then_some("here"))} aria-current={here.then_some("step")}><span class="n">{ i + 1 }</span><span class="op">{ s.clone() }</span></li> }
                })
                .collect();
            let source = if t == 0 {
                vec!["b = a    # Py_INCREF(ob)"]
            } else {
                vec!["del c    # Py_DECREF(ob)"]
            };
            let current = u32::from(g.next[t] < 3);
            (source, current, listing)
        }
    };
    let holds = match &state.board {
        Board::Counter(g) => g.threads[t].local.map(|v| format!("holds {v}")),
        Board::Refcount(g) => g.reg[t].map(|v| format!("r = {v}")),
    };
    let done = match &state.board {
        Board::Counter(g) => g.threads[t].done,
        Board::Refcount(g) => g.next[t] >= 3,
    };
    html! {
        <section class={classes!("thread", format!("t{t}"), running.then_some("running"))} aria-label={format!("Thread {name}")}>
            <header>
                <h2>{ format!("Thread {name}") }</h2>
                if let Some(h) = holds { <span class="holds">{ h }</span> }
                if done { <span class="holds">{ "done" }</span> }
                <button type="button" id={format!("race-run-{}", name.to_ascii_lowercase())}
                    class={classes!("btn", "small", "run", refusal.is_some().then_some("refused"))}
                    aria-disabled={refusal.is_some().then_some("true")}
                    title={refusal.map(|r| format!("Cannot run now: {r}")).unwrap_or_else(|| format!("Run thread {name}'s next step (key {name})"))}
                    onclick={on_run}>{ format!("Run {name}") }</button>
            </header>
            <pre class="py">{ for source.iter().enumerate().map(|(i, l)| html! {
                <span class={classes!("line", (i as u32 + 1 == current_line).then_some("here"))}>{ format!("{l}\n") }</span>
            }) }</pre>
            <ol class="bytecode" style={format!("grid-template-rows:repeat({rows},auto)")}>{ listing }</ol>
        </section>
    }
}

fn shared_box(state: &RaceState) -> Html {
    let last = state.log.last();
    let lost_now = last.is_some_and(|s| s.lost);
    let (label, value, writer, extra) = match &state.board {
        Board::Counter(g) => {
            let lock = (g.snippet == Snippet::Lock).then(|| match g.shared.lock {
                Some(h) => format!("lock: held by {}", letter(h)),
                None => "lock: free".to_string(),
            });
            let lost = format!("updates lost: {}", g.lost);
            (
                "counter[0]",
                g.shared.counter,
                g.shared.last_writer,
                [lock, Some(lost)],
            )
        }
        Board::Refcount(g) => (
            "ob_refcnt",
            g.count.max(0) as u64,
            g.last_writer,
            [
                Some(format!("should end at {}", g.right())),
                g.over().then(|| match g.count.cmp(&g.right()) {
                    std::cmp::Ordering::Less => "too low: freed while in use".to_string(),
                    std::cmp::Ordering::Greater => "too high: a leak".to_string(),
                    std::cmp::Ordering::Equal => "right".to_string(),
                }),
            ],
        ),
    };
    html! {
        <section class={classes!("shared", lost_now.then_some("lost"))} aria-label="Shared memory" id="race-shared">
            <h2>{ "Shared memory" }</h2>
            <p class="cell"><span class="name">{ label }</span><span class="value" id="race-value">{ value }</span></p>
            <p class="writer">{ writer.map_or("not written yet".to_string(), |w| format!("last written by {}", letter(w))) }</p>
            { for extra.into_iter().flatten().map(|e| html! { <p>{ e }</p> }) }
            if lost_now { <p class="mark" role="alert">{ "LOST UPDATE" }</p> }
        </section>
    }
}

fn question(state: &RaceState, model: &UseReducerHandle<Model>, after: &Html) -> Html {
    let (prompt, choices, correct) = state.view.lesson.question();
    let opener = path::opener(state.view.lesson.id());
    match state.answer {
        None => html! {
            <section class="question race-question" aria-labelledby="race-q">
                if let Some(q) = opener { <p class="opener">{ format!("Think first: {q}") }</p> }
                <p id="race-q"><strong>{ "Predict: " }</strong>{ prompt }</p>
                <div class="choices">
                    { for choices.iter().enumerate().map(|(i, c)| {
                        let model = model.clone();
                        html! { <button type="button" class="btn small choice" onclick={Callback::from(move |_| model.dispatch(RaceAction::Answer(i)))}>{ format!("{}) {c}", char::from(b'A' + i as u8)) }</button> }
                    }) }
                </div>
            </section>
        },
        Some(a) => {
            let right = a == correct;
            let verdict = if a >= choices.len() {
                ""
            } else if right {
                "Right. "
            } else {
                "Not quite. "
            };
            html! {
                <section class={classes!("question", "race-question", "revealed", right.then_some("right"))} aria-live="polite" id="race-reveal">
                    <p><strong>{ verdict }</strong>{ format!("The answer is {}) {}. ", char::from(b'A' + correct as u8), choices[correct]) }{ state.view.lesson.why() }</p>
                    { after.clone() }
                </section>
            }
        }
    }
}

fn runs_panel(state: &RaceState, model: &UseReducerHandle<Model>) -> Html {
    match (&state.board, &state.runs) {
        (Board::Counter(_), None) => {
            let model = model.clone();
            html! {
                <section class="race-runs" aria-label="Many runs">
                    <button type="button" class="btn" id="race-run-many" onclick={Callback::from(move |_| model.dispatch(RaceAction::RunMany))}>{ "Run it 200 times (shows the answer)" }</button>
                </section>
            }
        }
        (Board::Counter(_), Some(r)) => histogram(r),
        (Board::Refcount(_), _) if state.answer.is_none() => html! {},
        (Board::Refcount(_), _) => {
            use crate::sim::race::refcount;
            let all = refcount::orders().len();
            let right = refcount::GAME_START + GAME_DELTAS.iter().sum::<i64>();
            let meaning = |c: i64| match c.cmp(&right) {
                std::cmp::Ordering::Less => " (too low: freed while in use)",
                std::cmp::Ordering::Equal => " (right)",
                std::cmp::Ordering::Greater => " (too high: a leak)",
            };
            html! {
                <section class="race-runs" aria-label="Every interleaving" id="race-classes">
                    <h2>{ format!("All {all} orders of A's three steps and B's three steps, from a count of {}", refcount::GAME_START) }</h2>
                    <table class="classes"><tbody>
                        { for refcount::game_classes().into_iter().map(|(count, orders, gil)| html! {
                            <tr><td>{ format!("ends at {count}{}", meaning(count)) }</td>
                                <td><span class="bar" style={format!("width:{}%", orders * 100 / all)}></span></td>
                                <td>{ format!("{orders} of {all} orders; {gil} with the GIL") }</td></tr>
                        }) }
                    </tbody></table>
                </section>
            }
        }
    }
}

fn histogram(r: &Runs) -> Html {
    let most = r.bins.iter().copied().max().unwrap_or(1).max(1);
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    let measured = match r.measured {
        Some((lo, med, hi)) => format!(
            "Real CPython {} here, 9 runs: {} to {}, median {}.",
            r.python,
            pct(lo),
            pct(hi),
            pct(med)
        ),
        None => format!(
            "Real CPython {}: not measured on this machine kind.",
            r.python
        ),
    };
    html! {
        <section class="race-runs" aria-label="Many runs" id="race-histogram">
            <h2>{ format!("Updates kept in 200 seeded runs: {} threads × {} increments, CPython {}", r.threads, crate::sim::grouped(r.increments), r.python) }</h2>
            <div class="hist" role="img" aria-label={format!("Kept share of updates: mean {}, from {} to {}", pct(r.mean), pct(r.min), pct(r.max))}>
                { for r.bins.iter().enumerate().map(|(i, &b)| html! {
                    <div class="bin" title={format!("{}-{}% kept: {b} runs", i * 10, i * 10 + 10)}>
                        <span class="bar" style={format!("height:{}%", b * 100 / most)}></span>
                        <span class="lab">{ format!("{}%", i * 10 + 10) }</span>
                    </div>
                }) }
            </div>
            <p>{ format!("The model keeps {} on average ({} to {}). ", pct(r.mean), pct(r.min), pct(r.max)) }{ measured }</p>
        </section>
    }
}

fn faithful(lesson: RaceLesson) -> &'static [&'static str] {
    match lesson {
        RaceLesson::Counter => &[
            "Measured: the bytecode listings are what dis prints on CPython 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 here; the kept shares beside the histogram are real runs (4 threads × 200,000 increments, 9 runs per version, calibration/measured.json).",
            "Modelled: every instruction costs the same time; a GIL build hands the GIL over after a 5 ms switch interval (about a million instructions), ±20%, to a waiter picked by a seeded generator, and only at the version's switch points (3.9: after most instructions; 3.10-3.13: calls and backward jumps). A free-threaded build runs two threads at once, one instruction each at a time in a seeded order. In the game you switch as often as the rules allow, not every 5 ms.",
            "Known miss: with a call between the read and the write the model keeps 64-69% on 3.10-3.13, where real medians rise from 56% (3.10) to 88% (3.13). 3.14t listings are not shown: no 3.14 is installed here to print them.",
        ],
        RaceLesson::Refcount => &[
            "Modelled: Py_INCREF and Py_DECREF as three steps each (read, change, write), as C compiles them without atomics. With the GIL a thread is never switched out inside them (they run within one bytecode).",
            "Simplified: a free-threaded build (3.13t) really uses biased reference counting (PEP 703): the owning thread changes its own count without atomics and other threads use atomic operations. Here each change is shown as one atomic step.",
        ],
    }
}
