//! The checked task list the models run on (`Plan`: integer time, names filled in), compiled
//! from a `Scenario`, with the size caps that keep any scenario small enough to simulate.

use super::error::ScenarioError;
use super::ids::StepId;
use super::scenario::{PayloadKind, Scenario, StepKind};
use super::time::{Bytes, Micros};

/// The most tasks a scenario may have (10,000 work; a million are refused at once).
pub const MAX_TASKS: usize = 20_000;
/// The most steps one task may have.
pub const MAX_STEPS_PER_TASK: usize = 10_000;
/// The most steps in the whole scenario.
pub const MAX_TOTAL_STEPS: usize = 200_000;
/// The longest step: one hour, in ms.
pub const MAX_STEP_MS: f64 = 3_600_000.0;
/// The largest pickled payload: 1 GB, in KB.
pub const MAX_PAYLOAD_KB: f64 = 1_000_000.0;
/// The longest task name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// The most cores a model may have.
pub const MAX_CORES: u32 = 1_024;
/// The most worker threads in a pool.
pub const MAX_THREADS: u32 = 20_000;
/// The most worker processes in a pool.
pub const MAX_PROCESSES: u32 = 1_024;
/// The largest JSON document accepted, in bytes.
pub const MAX_JSON_BYTES: usize = 16 * 1024 * 1024;

/// A validated task list with integer durations.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub tasks: Vec<PlanTask>,
    /// The seed for what CPython leaves to chance.
    pub seed: u64,
}

#[derive(Clone, Debug)]
pub(crate) struct PlanTask {
    pub name: String,
    pub steps: Vec<PlanStep>,
    pub send: Bytes,
    pub recv: Bytes,
    /// What its payload holds (how fast it pickles).
    pub payload: PayloadKind,
    /// When it is submitted.
    pub start: Micros,
    /// It raises an exception after its last step.
    pub raises: bool,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct PlanStep {
    pub kind: StepKind,
    pub dur: Micros,
}

/// Checks a number: finite, at least `min`, at most `max`.
pub(crate) fn number(
    value: f64,
    min: f64,
    max: f64,
    path: impl FnOnce() -> String,
) -> Result<f64, ScenarioError> {
    if !value.is_finite() || value < min {
        return Err(ScenarioError::new(
            path(),
            format!("must be a finite number >= {min}, got {value}"),
        ));
    }
    if value > max {
        return Err(ScenarioError::new(
            path(),
            format!("must be at most {max}, got {value}"),
        ));
    }
    Ok(value)
}

/// Checks a count: at least `min`, at most `max`.
pub(crate) fn count(value: u32, min: u32, max: u32, path: String) -> Result<usize, ScenarioError> {
    if value < min || value > max {
        return Err(ScenarioError::new(
            path,
            format!("must be between {min} and {max}, got {value}"),
        ));
    }
    Ok(value as usize)
}

/// Unicode's explicit text-direction marks, embeddings, overrides and isolates.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Validates the task list and compiles it to integer time.
pub(crate) fn compile(s: &Scenario) -> Result<Plan, ScenarioError> {
    s.runtime().check()?;
    let n = s.tasks.len();
    if n == 0 {
        return Err(ScenarioError::new(
            "tasks",
            "must contain at least one task",
        ));
    }
    if n > MAX_TASKS {
        return Err(ScenarioError::new(
            "tasks",
            format!("has {n} tasks; the limit is {MAX_TASKS}"),
        ));
    }
    let total: usize = s.tasks.iter().map(|t| t.steps.len()).sum();
    if total > MAX_TOTAL_STEPS {
        return Err(ScenarioError::new(
            "tasks",
            format!("has {total} steps in all; the limit is {MAX_TOTAL_STEPS}"),
        ));
    }
    let mut tasks = Vec::with_capacity(n);
    for (i, t) in s.tasks.iter().enumerate() {
        if t.name.chars().count() > MAX_NAME_CHARS {
            return Err(ScenarioError::new(
                format!("tasks[{i}].name"),
                format!("must be at most {MAX_NAME_CHARS} characters"),
            ));
        }
        // A name is printed in terminals and drawn in narration: no control characters
        // (escape sequences) and no text-direction overrides that would reorder the sentence.
        if t.name
            .chars()
            .any(|c| c.is_control() || is_direction_control(c))
        {
            return Err(ScenarioError::new(
                format!("tasks[{i}].name"),
                "must not contain control or text-direction characters",
            ));
        }
        if t.steps.len() > MAX_STEPS_PER_TASK {
            return Err(ScenarioError::new(
                format!("tasks[{i}].steps"),
                format!(
                    "has {} steps; the limit is {MAX_STEPS_PER_TASK}",
                    t.steps.len()
                ),
            ));
        }
        let mut steps = Vec::with_capacity(t.steps.len());
        for (j, st) in t.steps.iter().enumerate() {
            let ms = number(st.ms, 0.0, MAX_STEP_MS, || {
                format!("tasks[{i}].steps[{j}].ms")
            })?;
            steps.push(PlanStep {
                kind: st.kind,
                dur: Micros::from_ms(ms),
            });
        }
        let send = number(t.send_kb, 0.0, MAX_PAYLOAD_KB, || {
            format!("tasks[{i}].send_kb")
        })?;
        let recv = number(t.recv_kb, 0.0, MAX_PAYLOAD_KB, || {
            format!("tasks[{i}].recv_kb")
        })?;
        let start = number(t.start_ms, 0.0, MAX_STEP_MS, || {
            format!("tasks[{i}].start_ms")
        })?;
        let name = if t.name.is_empty() {
            format!("task {}", i + 1)
        } else {
            t.name.clone()
        };
        tasks.push(PlanTask {
            name,
            steps,
            send: Bytes::from_kb(send),
            recv: Bytes::from_kb(recv),
            payload: t.payload,
            start: Micros::from_ms(start),
            raises: t.raises,
        });
    }
    Ok(Plan {
        tasks,
        seed: s.seed.unwrap_or(super::model::DEFAULT_SEED),
    })
}

impl Plan {
    /// Step `step` of task `task`.
    pub fn step(&self, task: super::ids::TaskId, step: StepId) -> PlanStep {
        self.tasks[task.index()].steps[step.index()]
    }

    /// Every step of every task.
    pub fn steps(&self) -> impl Iterator<Item = &PlanStep> + '_ {
        self.tasks.iter().flat_map(|t| &t.steps)
    }
}
