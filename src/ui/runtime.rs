//! The runtime menus of a lesson: which CPython, which OS (where a process pool's start
//! method depends on it) and which task factory (where an event loop runs), and, when the
//! lesson runs on other settings than its own, a line saying so with a way back. Choosing
//! sends one `Runtime` to the app's reducer (`AppAction::SetRuntime`).

use std::rc::Rc;

use yew::prelude::*;

use super::state::Session;
use crate::sim::{Os, Python, Runtime, Scenario, TaskFactory};

#[derive(Properties, PartialEq)]
pub struct RuntimeProps {
    /// The session shown (compared by identity, so a playback frame costs nothing here).
    pub session: Rc<Session>,
    /// The lesson's own settings, when it is a preset (a custom scenario has no other).
    pub own: Option<Runtime>,
    /// Where the menus stand: "head" (beside the title) or "intro" (with the lesson's text),
    /// which CSS shows at different widths.
    pub place: &'static str,
    pub on_change: Callback<Runtime>,
}

/// An OS as the menu names it.
pub fn os_name(os: Os) -> &'static str {
    match os {
        Os::Linux => "Linux",
        Os::Macos => "macOS",
        Os::Windows => "Windows",
    }
}

/// Why the lesson cannot run on `runtime`, if it cannot (interpreters need 3.12).
fn refused(scenario: &Scenario, runtime: Runtime) -> Option<String> {
    scenario
        .clone()
        .on(runtime)
        .validate()
        .err()
        .map(|e| e.message)
}

/// What differs between two runtimes, in words, for each: ("Python 3.12, eager tasks",
/// "Python 3.9, lazy tasks").
pub fn differs(own: Runtime, now: Runtime) -> (String, String) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    if own.python != now.python {
        a.push(format!("Python {}", own.python));
        b.push(format!("Python {}", now.python));
    }
    if own.os != now.os {
        a.push(os_name(own.os).to_string());
        b.push(os_name(now.os).to_string());
    }
    if own.tasks != now.tasks {
        a.push(format!("{} tasks", own.tasks.as_str()));
        b.push(format!("{} tasks", now.tasks.as_str()));
    }
    (a.join(", "), b.join(", "))
}

/// The note a variant's code and text carry: what they were written for, against the run.
pub fn variant_note(own: Option<Runtime>, now: Runtime) -> Option<String> {
    let own = own.filter(|o| *o != now)?;
    let (was, is) = differs(own, now);
    Some(format!(
        "Written for {was}; the run shows {is}, so the code and text may not match what you see."
    ))
}

#[function_component(RuntimeMenu)]
pub fn runtime_menu(props: &RuntimeProps) -> Html {
    let scenario = &props.session.lesson.scenario;
    let now = scenario.runtime();
    // The OS matters where a process pool picks its start method; the task factory where an
    // event loop creates tasks.
    let (pools, loops) = (scenario.runs_pool(), scenario.runs_loop());
    let send = |make: fn(Runtime, &str) -> Option<Runtime>| {
        let (on_change, now) = (props.on_change.clone(), now);
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(want) = make(now, &select.value()) {
                on_change.emit(want);
            }
        })
    };
    let on_python = {
        let (on_change, own) = (props.on_change.clone(), props.own);
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let Ok(python) = select.value().parse::<Python>() else {
                return;
            };
            // A version without the eager factory runs its tasks lazily (`fitted`); back on
            // one that has it, a lesson written for eager tasks has them again.
            let tasks = match own {
                Some(own) if !now.python.has_eager_tasks() => own.tasks,
                _ => now.tasks,
            };
            on_change.emit(
                Runtime {
                    python,
                    tasks,
                    ..now
                }
                .fitted(),
            );
        })
    };
    let on_os = send(|now, v| v.parse::<Os>().ok().map(|os| Runtime { os, ..now }));
    let on_tasks = send(|now, v| {
        v.parse::<TaskFactory>()
            .ok()
            .map(|tasks| Runtime { tasks, ..now })
    });
    let python_options = Python::menu_with(now.python).into_iter().map(|p| {
        let why = refused(scenario, Runtime { python: p, ..now }.fitted());
        let (disabled, title) = (why.is_some(), why.unwrap_or_default());
        let label = if p.free_threaded() {
            format!("{p} (no GIL)")
        } else {
            p.to_string()
        };
        html! {
            <option value={p.as_str()} selected={p == now.python} {disabled} {title}>{ label }</option>
        }
    });
    let back = props
        .own
        .filter(|own| *own != now)
        .map(|own| {
            let on_change = props.on_change.clone();
            let text = differs(own, now).0;
            html! {
                <p class="runtime-note" role="status">
                    <span>{ format!("The lesson's question is asked on {text}.") }</span>
                    <button type="button" class="btn small" onclick={Callback::from(move |_| on_change.emit(own))}>
                        { format!("Back to {text}") }
                    </button>
                </p>
            }
        });
    let id = |what: &str| format!("runtime-{what}-{}", props.place);
    html! {
        <div class={classes!("runtime", props.place)} role="group" aria-label="Runs on">
            <label class="picker">
                <span>{ "Python" }</span>
                <select id={id("python")} onchange={on_python}>{ for python_options }</select>
            </label>
            if pools {
                <label class="picker">
                    <span>{ "OS" }</span>
                    <select id={id("os")} onchange={on_os}>
                        { for Os::ALL.iter().map(|&o| html! {
                            <option value={o.as_str()} selected={o == now.os}>{ os_name(o) }</option>
                        }) }
                    </select>
                </label>
            }
            if loops {
                <label class="picker">
                    <span>{ "Tasks" }</span>
                    <select id={id("tasks")} onchange={on_tasks}>
                        { for TaskFactory::ALL.iter().map(|&f| html! {
                            <option value={f.as_str()} selected={f == now.tasks}
                                disabled={f == TaskFactory::Eager && !now.python.has_eager_tasks()}
                                title={if f == TaskFactory::Eager { "asyncio.eager_task_factory: Python 3.12 and later" } else { "create_task only schedules the task (the default)" }}>
                                { if f == TaskFactory::Eager { "eager" } else { "lazy" } }
                            </option>
                        }) }
                    </select>
                </label>
            }
            { for back }
        </div>
    }
}
