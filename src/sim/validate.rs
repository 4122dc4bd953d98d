//! Validation: turns a `Scenario` and a `ModelConfig` into the checked, integer `Plan` and
//! `Params` the models run on, or a `ScenarioError` naming the first bad field.
//!
//! Size caps live here too, so that an oversized scenario is refused before any simulating.

use super::model::{self, ModelConfig, ModelId};
use super::scenario::{Scenario, ScenarioError, StepKind};
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
/// The most events one run may record. Runs estimated to exceed it are refused before
/// simulating; a run that exceeds it anyway stops with an error.
pub const MAX_EVENTS: usize = 500_000;

/// A validated task list with integer durations.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub tasks: Vec<PlanTask>,
}

#[derive(Clone, Debug)]
pub(crate) struct PlanTask {
    pub name: String,
    pub steps: Vec<PlanStep>,
    pub send: Bytes,
    pub recv: Bytes,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct PlanStep {
    pub kind: StepKind,
    pub dur: Micros,
}

/// Validated model parameters with defaults filled in.
#[derive(Clone, Debug)]
pub(crate) struct Params {
    pub id: ModelId,
    pub workers: usize,
    pub cores: usize,
    pub switch: Micros,
    pub startup: Micros,
    pub pickle_bytes_per_s: f64,
    /// Cost of one microsecond of Python bytecode, in thousandths (1000 = normal speed).
    pub cpu_permille: u64,
}

impl Params {
    /// How long pickling `bytes` takes one way; zero bytes cost nothing.
    pub fn pickle_time(&self, bytes: Bytes) -> Micros {
        Micros((bytes.0 as f64 * 1e6 / self.pickle_bytes_per_s).round() as u64)
    }
}

/// Checks a number: finite, at least `min`, at most `max`.
fn number(
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
fn count(value: u32, min: u32, max: u32, path: String) -> Result<usize, ScenarioError> {
    if value < min || value > max {
        return Err(ScenarioError::new(
            path,
            format!("must be between {min} and {max}, got {value}"),
        ));
    }
    Ok(value as usize)
}

/// Validates the task list and compiles it to integer time.
pub(crate) fn plan(s: &Scenario) -> Result<Plan, ScenarioError> {
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
        });
    }
    Ok(Plan { tasks })
}

/// Validates one model configuration (at `path`, like `models[1]`) and fills in defaults.
pub(crate) fn params(m: &ModelConfig, tasks: usize, path: &str) -> Result<Params, ScenarioError> {
    let cores = count(
        m.cores.unwrap_or(model::DEFAULT_CORES),
        1,
        MAX_CORES,
        format!("{path}.cores"),
    )?;
    let max_workers = match m.id {
        ModelId::Processes | ModelId::Hybrid => MAX_PROCESSES,
        _ => MAX_THREADS,
    };
    let default_workers = match m.id {
        ModelId::Threads | ModelId::ThreadsNogil => tasks.min(MAX_THREADS as usize) as u32,
        ModelId::Processes | ModelId::Hybrid => cores as u32,
        ModelId::Sync | ModelId::Asyncio => 1,
    };
    let workers = count(
        m.workers.unwrap_or(default_workers),
        1,
        max_workers,
        format!("{path}.workers"),
    )?;
    let switch_ms = number(
        m.switch_interval_ms
            .unwrap_or(model::DEFAULT_SWITCH_INTERVAL_MS),
        0.05,
        1000.0,
        || format!("{path}.switch_interval_ms"),
    )?;
    let mb_per_s = number(
        m.pickle_mb_per_s.unwrap_or(model::DEFAULT_PICKLE_MB_PER_S),
        0.01,
        100_000.0,
        || format!("{path}.pickle_mb_per_s"),
    )?;
    let overhead = match m.id {
        ModelId::ThreadsNogil => m
            .nogil_overhead_pct
            .unwrap_or(model::DEFAULT_NOGIL_OVERHEAD_PCT),
        _ => m.nogil_overhead_pct.unwrap_or(0.0),
    };
    let overhead = number(overhead, 0.0, 1000.0, || {
        format!("{path}.nogil_overhead_pct")
    })?;
    let cpu_permille = if m.id == ModelId::ThreadsNogil {
        1000 + (overhead * 10.0).round() as u64
    } else {
        1000
    };
    let startup = match m.startup_ms {
        Some(ms) => Micros::from_ms(number(ms, 0.0, 60_000.0, || format!("{path}.startup_ms"))?),
        None => m
            .start_method
            .unwrap_or(model::DEFAULT_START_METHOD)
            .startup(),
    };
    Ok(Params {
        id: m.id,
        workers,
        cores,
        switch: Micros::from_ms(switch_ms),
        startup,
        pickle_bytes_per_s: mb_per_s * 1e6,
        cpu_permille,
    })
}

/// Refuses, before simulating, a run whose event count would clearly exceed `MAX_EVENTS`:
/// forced GIL switches every switch interval and OS time slices on oversubscribed cores
/// are the only things that multiply events beyond a few per step.
pub(crate) fn budget(plan: &Plan, params: &Params) -> Result<(), ScenarioError> {
    let steps: usize = plan.tasks.iter().map(|t| t.steps.len()).sum();
    let mut estimate = 8 * steps as u64 + 6 * plan.tasks.len() as u64;
    let cpu = |kinds: &[StepKind]| -> Vec<u64> {
        let per_task = plan.tasks.iter().map(|t| {
            t.steps
                .iter()
                .filter(|s| kinds.contains(&s.kind))
                .map(|s| s.dur.0)
                .sum()
        });
        per_task.collect()
    };
    let threads = params.workers.min(plan.tasks.len());
    // GIL contention needs two threads wanting Python; the longest task can run alone.
    if params.id == ModelId::Threads && threads > 1 {
        let python = cpu(&[StepKind::Cpu]);
        let rest = python.iter().sum::<u64>() - python.iter().max().copied().unwrap_or(0);
        estimate += 8 * rest / params.switch.0.max(1);
    }
    // Time slices need more runnable threads than cores.
    if threads > params.cores {
        let compute: u64 = cpu(&[StepKind::Cpu, StepKind::NativeCpu]).iter().sum();
        estimate += 4 * compute / super::model::OS_QUANTUM.0;
    }
    if estimate > MAX_EVENTS as u64 {
        return Err(ScenarioError::new(
            "scenario",
            format!("too large to simulate: about {estimate} events (the limit is {MAX_EVENTS}); use fewer or shorter steps"),
        ));
    }
    Ok(())
}
