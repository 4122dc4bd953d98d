//! The scenario editor: tasks, steps and models with inline validation, JSON import and export.
//! Every valid edit is applied at once (and autosaved by the app); invalid ones say why.

use std::rc::Rc;

use wasm_bindgen_futures::{spawn_local, JsFuture};
use yew::prelude::*;

use super::runtime::os_name;
use crate::sim::models::descriptor;
use crate::sim::{ModelId, Os, Python, Scenario, Setting, StartMethod, StepKind, TaskFactory};

use super::autosave::{self, Summary};
use super::draft::{self, Draft, Edit};
use super::share;
use super::state::Session;
use super::store;

const KINDS: [(StepKind, &str); 4] = [
    (StepKind::Cpu, "CPU (Python)"),
    (StepKind::AwaitIo, "await I/O"),
    (StepKind::BlockingIo, "blocking I/O"),
    (StepKind::NativeCpu, "native CPU (no GIL)"),
];

/// Tasks shown for editing; larger scenarios are edited as JSON (Export, then Import).
const EDITABLE_TASKS: usize = 40;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The lesson on show; compared by identity, so playback frames cost the editor nothing.
    pub session: Rc<Session>,
    pub on_apply: Callback<Scenario>,
    /// Why the app could not run the last scenario applied (too large to simulate here).
    pub apply_error: Option<String>,
    /// Scenarios saved in this browser by other tabs and visits, newest first, offered back.
    pub recent: Rc<Vec<Summary>>,
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    // The draft is read fresh by every event (two keystrokes before a redraw both count); a
    // change asks for a redraw.
    let draft = use_mut_ref(|| Draft::new(props.session.lesson.scenario.clone()));
    let redraw = use_force_update();
    let open = use_state(|| false);
    let import_error = use_state(|| None::<String>);
    {
        // A new lesson (or an applied edit coming back) replaces the draft.
        let (draft, redraw) = (draft.clone(), redraw.clone());
        let session = props.session.clone();
        use_effect_with(Rc::as_ptr(&props.session) as usize, move |_| {
            let s = &session.lesson.scenario;
            if draft.borrow().scenario != *s {
                *draft.borrow_mut() = Draft::new(s.clone());
                redraw.force_update();
            }
        });
    }
    let edit = {
        let (draft, redraw, on_apply) = (draft.clone(), redraw.clone(), props.on_apply.clone());
        Callback::from(move |e: Edit| {
            let applied = draft.borrow_mut().edit(e);
            redraw.force_update();
            // Valid: the app runs it (once) and autosaves it.
            if let Some(scenario) = applied {
                on_apply.emit(scenario);
            }
        })
    };
    // Read in place: a large scenario is not copied for a redraw.
    let shown = draft.borrow();
    let s = &shown.scenario;
    // The draft's own reason first; else why the app could not run the last applied one.
    let error = shown.error.clone();
    let err_for = |path: &str| {
        error
            .as_ref()
            .filter(|e| e.path == path || e.path.starts_with(&format!("{path}.")))
            .map(|e| html! { <span class="field-error" role="alert">{ e.message.clone() }</span> })
    };
    let raw_value = |key: String, value: f64| {
        shown
            .typed(&key)
            .map_or_else(|| value.to_string(), str::to_string)
    };

    let hidden = s.tasks.len().saturating_sub(EDITABLE_TASKS);
    let tasks = s.tasks.iter().enumerate().take(EDITABLE_TASKS).map(|(t, task)| {
        let name = edit.reform(move |e: InputEvent| Edit::TaskName(t, e.target_unchecked_into::<web_sys::HtmlInputElement>().value()));
        let start = edit.reform(move |e: InputEvent| Edit::TaskStart(t, e.target_unchecked_into::<web_sys::HtmlInputElement>().value()));
        let start_key = format!("tasks[{t}].start_ms");
        let start_text = shown.typed(&start_key).map(str::to_string).unwrap_or_else(|| {
            if task.start_ms > 0.0 { task.start_ms.to_string() } else { String::new() }
        });
        let steps = task.steps.iter().enumerate().map(|(i, step)| {
            let kind = edit.reform(move |e: Event| {
                let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                Edit::StepKind(t, i, KINDS.iter().find(|k| k.0.as_str() == v).map_or(StepKind::Cpu, |k| k.0))
            });
            let ms = edit.reform(move |e: InputEvent| Edit::StepMs(t, i, e.target_unchecked_into::<web_sys::HtmlInputElement>().value()));
            let path = format!("tasks[{t}].steps[{i}]");
            html! {
                <li class="step">
                    <select aria-label={format!("Task {} step {} kind", t + 1, i + 1)} onchange={kind}>
                        { for KINDS.iter().map(|(k, label)| html! { <option value={k.as_str()} selected={*k == step.kind}>{ *label }</option> }) }
                    </select>
                    <input type="text" inputmode="decimal" aria-label={format!("Task {} step {} milliseconds", t + 1, i + 1)}
                        value={raw_value(format!("{path}.ms"), step.ms)} oninput={ms} />
                    <span class="unit">{ "ms" }</span>
                    <button type="button" class="btn small" aria-label={format!("Remove step {} of task {}", i + 1, t + 1)}
                        onclick={edit.reform(move |_| Edit::RemoveStep(t, i))}>{ "×" }</button>
                    { for err_for(&path) }
                </li>
            }
        });
        html! {
            <fieldset class="task">
                <legend>{ format!("Task {}", t + 1) }</legend>
                <input type="text" class="task-name" aria-label={format!("Task {} name", t + 1)} value={task.name.clone()} oninput={name} />
                { for err_for(&format!("tasks[{t}].name")) }
                <label class="start">{ "starts at " }
                    <input type="text" inputmode="decimal" placeholder="0" aria-label={format!("Task {} starts at, in milliseconds", t + 1)}
                        value={start_text} oninput={start} />
                    <span class="unit">{ "ms" }</span>
                </label>
                { for err_for(&start_key) }
                <ol class="steps">{ for steps }</ol>
                <label class="raises">
                    <input type="checkbox" checked={task.raises}
                        onchange={edit.reform(move |e: Event| Edit::TaskRaises(t, e.target_unchecked_into::<web_sys::HtmlInputElement>().checked()))} />
                    { " then raises an exception" }
                </label>
                { for err_for(&format!("tasks[{t}].steps")).filter(|_| task.steps.is_empty()) }
                <div class="row">
                    <button type="button" class="btn small" aria-label={format!("Add a step to task {}", t + 1)} onclick={edit.reform(move |_| Edit::AddStep(t))}>{ "Add step" }</button>
                    <button type="button" class="btn small" aria-label={format!("Remove task {}", t + 1)} onclick={edit.reform(move |_| Edit::RemoveTask(t))}>{ "Remove task" }</button>
                </div>
            </fieldset>
        }
    });

    let models = ModelId::ALL.iter().map(|&id| {
        let current = s.models.iter().find(|m| m.id == id);
        let toggle = edit.reform(move |e: Event| Edit::Model(id, e.target_unchecked_into::<web_sys::HtmlInputElement>().checked()));
        let text = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
        let params = current.map(|m| {
            let workers = edit.reform(move |e: InputEvent| Edit::Workers(id, e.target_unchecked_into::<web_sys::HtmlInputElement>().value()));
            let cores = edit.reform(move |e: InputEvent| Edit::Cores(id, e.target_unchecked_into::<web_sys::HtmlInputElement>().value()));
            let switch = edit.reform(move |e: InputEvent| Edit::Switch(id, e.target_unchecked_into::<web_sys::HtmlInputElement>().value()));
            let start = edit.reform(move |e: Event| Edit::Start(id, e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()));
            let chunksize = edit.reform(move |e: InputEvent| Edit::Chunksize(id, e.target_unchecked_into::<web_sys::HtmlInputElement>().value()));
            let semaphore = edit.reform(move |e: InputEvent| Edit::Semaphore(id, e.target_unchecked_into::<web_sys::HtmlInputElement>().value()));
            let d = descriptor(id);
            let method = m.start_method.map_or("", |s| s.as_str());
            html! {
                <span class="params">
                    if d.uses(Setting::Workers) {
                        <label>{ "workers " }<input type="text" inputmode="numeric" placeholder="default" value={text(m.workers)} oninput={workers} /></label>
                    }
                    <label>{ "cores " }<input type="text" inputmode="numeric" placeholder={crate::sim::DEFAULT_CORES.to_string()} value={text(m.cores)} oninput={cores} /></label>
                    if d.uses(Setting::SwitchInterval) {
                        <label>{ "switch interval (ms) " }<input type="text" inputmode="decimal" placeholder={crate::sim::DEFAULT_SWITCH_INTERVAL_MS.to_string()}
                            value={shown.typed(&format!("switch.{}", id.as_str())).map(str::to_string).or(m.switch_interval_ms.map(|v| v.to_string())).unwrap_or_default()}
                            oninput={switch} /></label>
                    }
                    if d.uses(Setting::StartMethod) {
                        <label>{ "start method " }
                            <select onchange={start}>
                                <option value="" selected={method.is_empty()}>{ format!("default ({})", s.runtime().default_start_method().as_str()) }</option>
                                { for [StartMethod::Fork, StartMethod::Forkserver, StartMethod::Spawn].iter().map(|sm| html! {
                                    <option value={sm.as_str()} selected={method == sm.as_str()}>{ sm.as_str() }</option>
                                }) }
                            </select>
                        </label>
                    }
                    if d.uses(Setting::Chunksize) {
                        <label>{ "chunksize " }<input type="text" inputmode="numeric" placeholder="1" value={text(m.chunksize)} oninput={chunksize} /></label>
                    }
                    if d.uses(Setting::Semaphore) {
                        <label title="asyncio.Semaphore(N) around each task's body">{ "semaphore " }<input type="text" inputmode="numeric" placeholder="none" value={text(m.semaphore)} oninput={semaphore} /></label>
                    }
                    { for err_for(&format!("models[{}]", s.models.iter().position(|x| x.id == id).unwrap_or(0))) }
                </span>
            }
        });
        html! {
            <li class="model">
                // An empty model list would mean "every model": the last one cannot be unticked.
                <label class="check"><input type="checkbox" checked={current.is_some()} onchange={toggle}
                    disabled={current.is_some() && s.models.len() == 1}
                    title={if current.is_some() && s.models.len() == 1 { "At least one model is needed" } else { "" }} />{ id.as_str() }</label>
                { for params }
            </li>
        }
    });

    let export = {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            share::download(
                "scenario.json",
                "application/json",
                &draft.borrow().scenario.to_json(),
            )
        })
    };
    let import = {
        let (edit, import_error) = (edit.clone(), import_error.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let (edit, import_error) = (edit.clone(), import_error.clone());
            spawn_local(async move {
                let text = JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|t| t.as_string())
                    .unwrap_or_default();
                match Scenario::from_json(&text).and_then(|s| draft::check(&s).map(|_| s)) {
                    Ok(s) => {
                        import_error.set(None);
                        edit.emit(Edit::Replace(s));
                    }
                    Err(e) => import_error.set(Some(format!("The file was not imported: {e}"))),
                }
            });
            input.set_value("");
        })
    };
    let now = store::now_ms();
    let recent = props.recent.iter().enumerate().map(|(i, saved)| {
        let (tab, import_error) = (saved.tab.clone(), import_error.clone());
        let edit = edit.clone();
        let onclick = Callback::from(move |_: MouseEvent| match store::saved_scenario(&tab) {
            Some(s) => edit.emit(Edit::Replace(s)),
            None => import_error.set(Some("That saved scenario is no longer in this browser.".into())),
        });
        let when = if saved.saved_ms > 0.0 { autosave::ago(now, saved.saved_ms) } else { "earlier".into() };
        let mine = if store::is_this_tab(saved) { ", in this tab" } else { "" };
        html! {
            <li>
                <button type="button" class="btn small" {onclick}>{ if i == 0 { "Open my last scenario" } else { "Open" } }</button>
                <span class="recent-label">{ format!("{} · saved {when}{mine}", saved.label) }</span>
            </li>
        }
    });
    // The form is built only while open: a closed editor costs nothing per frame.
    let toggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            open.set(
                e.target_unchecked_into::<web_sys::HtmlDetailsElement>()
                    .open(),
            )
        })
    };
    let summary = error
        .as_ref()
        .map(|e| e.to_string())
        .or_else(|| props.apply_error.clone())
        .map(|e| {
            html! {
                <p class="notice" role="alert" id="editor-error">{ format!("Not applied: {e}") }</p>
            }
        });

    html! {
        <details class="card editor" id="editor" ontoggle={toggle}>
            <summary><h2>{ "Edit this scenario" }</h2></summary>
            if *open {
            <p class="hint">{ "Change tasks, steps and models: the stage updates as you type, and the link and this browser keep your scenario." }</p>
            { for summary }
            <div class="tasks">{ for tasks }</div>
            if hidden > 0 {
                <p class="hint">{ format!("…and {hidden} more tasks. To edit them all, export the JSON, change it and import it.") }</p>
            }
            <div class="row">
                <button type="button" class="btn small" onclick={edit.reform(|_| Edit::AddTask)}>{ "Add task" }</button>
            </div>
            { for err_for("tasks").filter(|_| s.tasks.is_empty()) }
            <h3>{ "Models" }</h3>
            <div class="row runtime">
                <label>{ "Python " }
                    <select id="editor-python" onchange={edit.reform(|e: Event| Edit::Python(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))}>
                        { for Python::menu_with(s.runtime().python).into_iter().map(|p| html! {
                            <option value={p.as_str()} selected={s.runtime().python == p}>{ p.as_str() }</option>
                        }) }
                    </select>
                </label>
                <label>{ "OS " }
                    <select id="editor-os" onchange={edit.reform(|e: Event| Edit::Os(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))}>
                        { for Os::ALL.iter().map(|o| html! {
                            <option value={o.as_str()} selected={s.runtime().os == *o}>{ os_name(*o) }</option>
                        }) }
                    </select>
                </label>
                <label>{ "Tasks " }
                    <select id="editor-tasks" title="How asyncio.create_task starts a task: lazy (the default) or eager (asyncio.eager_task_factory, 3.12+)"
                        onchange={edit.reform(|e: Event| Edit::TaskFactory(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))}>
                        { for TaskFactory::ALL.iter().map(|f| html! {
                            <option value={f.as_str()} selected={s.runtime().tasks == *f}>{ f.as_str() }</option>
                        }) }
                    </select>
                </label>
            </div>
            { for err_for("task_factory") }
            <ul class="models">{ for models }</ul>
            <div class="row">
                <button type="button" class="btn small" onclick={export}>{ "Export JSON" }</button>
                <label class="btn small file">{ "Import JSON" }<input type="file" accept=".json,application/json" onchange={import} /></label>
            </div>
            if let Some(e) = &*import_error { <p class="notice" role="alert">{ e.clone() }</p> }
            if !props.recent.is_empty() {
                <h3>{ "Saved in this browser" }</h3>
                <ul class="recent" id="recent">{ for recent }</ul>
            }
            }
        </details>
    }
}
