//! The editor's draft, in plain Rust: each edit (`Edit`) applied to the scenario being edited,
//! the text typed into each field kept as typed, and the reason a draft cannot be applied.
//! `Draft::edit` returns the scenario to apply when it is valid; it never runs the scenario.

use std::collections::HashMap;

use crate::sim::{fits, ModelConfig, ModelId, Scenario, ScenarioError, Step, StepKind, Task};

/// The scenario being edited, what was typed, and why it is not applied (if it is not).
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub scenario: Scenario,
    raw: Raw,
    pub error: Option<ScenarioError>,
}

impl Draft {
    pub fn new(scenario: Scenario) -> Draft {
        Draft {
            scenario,
            raw: Raw::new(),
            error: None,
        }
    }

    /// Applies one edit; the scenario to run when the draft is valid, `None` (and `error` set)
    /// when it is not. Text that is not a number is named as typed, before any rule about its
    /// value.
    pub fn edit(&mut self, edit: Edit) -> Option<Scenario> {
        let mut unparsed = Unparsed::new();
        let next = apply(self.scenario.clone(), edit, &mut self.raw, &mut unparsed);
        self.scenario = next;
        self.error = unparsed
            .pop()
            .map_or_else(|| check(&self.scenario), Err)
            .err();
        self.error.is_none().then(|| self.scenario.clone())
    }

    /// What was typed into the field at `key` (a path such as `tasks[0].steps[1].ms`), if it
    /// was typed rather than loaded.
    pub fn typed(&self, key: &str) -> Option<&str> {
        self.raw.get(key).map(String::as_str)
    }
}

/// One edit, addressed by task and step index.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    TaskName(usize, String),
    TaskStart(usize, String),
    /// The task raises an exception after its last step, or not.
    TaskRaises(usize, bool),
    StepKind(usize, usize, StepKind),
    StepMs(usize, usize, String),
    AddStep(usize),
    RemoveStep(usize, usize),
    AddTask,
    RemoveTask(usize),
    Model(ModelId, bool),
    Workers(ModelId, String),
    Cores(ModelId, String),
    Switch(ModelId, String),
    Start(ModelId, String),
    Chunksize(ModelId, String),
    /// `asyncio.Semaphore(N)` around each task's body (empty: none).
    Semaphore(ModelId, String),
    /// The CPython version ("3.12"; empty: the default).
    Python(String),
    /// The operating system ("linux"; empty: the default).
    Os(String),
    /// How `create_task` starts tasks ("lazy", "eager"; empty: the default).
    TaskFactory(String),
    Replace(Scenario),
}

/// Text fields keep what was typed (even "-" or "1e") while the scenario holds its value.
type Raw = HashMap<String, String>;

/// Typed text that is not a number: reported as typed, never as a value it was turned into.
type Unparsed = Vec<ScenarioError>;

fn number(text: &str, path: String, unparsed: &mut Unparsed) -> f64 {
    text.trim().parse().unwrap_or_else(|_| {
        unparsed.push(ScenarioError::new(
            path,
            format!("expected a number of milliseconds, got {:?}", shorten(text)),
        ));
        f64::NAN
    })
}

/// An optional whole number: empty means the default; anything else unparsable is reported and
/// leaves the current value in place.
fn optional(
    text: &str,
    current: Option<u32>,
    path: String,
    unparsed: &mut Unparsed,
) -> Option<u32> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    t.parse().map(Some).unwrap_or_else(|_| {
        unparsed.push(ScenarioError::new(
            path,
            format!("expected a whole number, got {:?}", shorten(text)),
        ));
        current
    })
}

fn shorten(text: &str) -> String {
    text.chars().take(24).collect()
}

fn config(s: &mut Scenario, id: ModelId) -> Option<&mut ModelConfig> {
    s.models.iter_mut().find(|m| m.id == id)
}

fn apply(mut s: Scenario, edit: Edit, raw: &mut Raw, unparsed: &mut Unparsed) -> Scenario {
    let model_path = |s: &Scenario, id: ModelId, field: &str| {
        let index = s.models.iter().position(|m| m.id == id).unwrap_or(0);
        format!("models[{index}].{field}")
    };
    match edit {
        Edit::TaskName(t, name) => s.tasks[t].name = name,
        Edit::TaskStart(t, text) => {
            // Empty means at once, as a scenario without `start_ms` says.
            s.tasks[t].start_ms = if text.trim().is_empty() {
                0.0
            } else {
                number(&text, format!("tasks[{t}].start_ms"), unparsed)
            };
            raw.insert(format!("tasks[{t}].start_ms"), text);
        }
        Edit::TaskRaises(t, raises) => s.tasks[t].raises = raises,
        Edit::StepKind(t, i, kind) => s.tasks[t].steps[i].kind = kind,
        Edit::StepMs(t, i, text) => {
            s.tasks[t].steps[i].ms = number(&text, format!("tasks[{t}].steps[{i}].ms"), unparsed);
            raw.insert(format!("tasks[{t}].steps[{i}].ms"), text);
        }
        Edit::AddStep(t) => s.tasks[t].steps.push(Step::cpu(100.0)),
        Edit::RemoveStep(t, i) => {
            s.tasks[t].steps.remove(i);
            raw.clear();
        }
        Edit::AddTask => {
            let name = format!("T{}", s.tasks.len() + 1);
            s.tasks.push(Task::new(&name, vec![Step::await_io(1000.0)]));
        }
        Edit::RemoveTask(t) => {
            s.tasks.remove(t);
            raw.clear();
        }
        Edit::Model(id, on) => {
            s.models.retain(|m| m.id != id);
            if on {
                s.models.push(ModelConfig::new(id));
                s.models
                    .sort_by_key(|m| ModelId::ALL.iter().position(|&x| x == m.id));
            }
        }
        Edit::Workers(id, text) => {
            let path = model_path(&s, id, "workers");
            if let Some(m) = config(&mut s, id) {
                m.workers = optional(&text, m.workers, path, unparsed);
            }
        }
        Edit::Chunksize(id, text) => {
            let path = model_path(&s, id, "chunksize");
            if let Some(m) = config(&mut s, id) {
                m.chunksize = optional(&text, m.chunksize, path, unparsed);
            }
        }
        Edit::Semaphore(id, text) => {
            let path = model_path(&s, id, "semaphore");
            if let Some(m) = config(&mut s, id) {
                m.semaphore = optional(&text, m.semaphore, path, unparsed);
            }
        }
        Edit::Cores(id, text) => {
            let path = model_path(&s, id, "cores");
            if let Some(m) = config(&mut s, id) {
                m.cores = optional(&text, m.cores, path, unparsed);
            }
        }
        Edit::Switch(id, text) => {
            let path = model_path(&s, id, "switch_interval_ms");
            if let Some(m) = config(&mut s, id) {
                m.switch_interval_ms =
                    (!text.trim().is_empty()).then(|| number(&text, path, unparsed));
                raw.insert(format!("switch.{}", id.as_str()), text);
            }
        }
        Edit::Start(id, text) => {
            if let Some(m) = config(&mut s, id) {
                m.start_method = serde_json::from_str(&format!("\"{text}\"")).ok();
            }
        }
        // From a menu of the valid spellings: anything else is the default.
        Edit::Python(text) => s.python = text.parse().ok(),
        Edit::Os(text) => s.os = text.parse().ok(),
        Edit::TaskFactory(text) => s.task_factory = text.parse().ok(),
        Edit::Replace(new) => {
            raw.clear();
            s = new;
        }
    }
    s
}

/// Checks a draft before the app runs it: the format's rules, then every model's estimated
/// size against the page's budget. Nothing runs here: the app's reducer runs an applied
/// scenario once (`app_state`), and says in the editor if that run fails.
pub fn check(s: &Scenario) -> Result<(), ScenarioError> {
    s.validate()?;
    for m in s.model_configs() {
        fits(s, &m)?;
    }
    Ok(())
}
