//! The lessons of `LESSONS.md` as playable presets: one workload, the models it compares,
//! the Python code per model with a step-to-line map, the expected results, a takeaway and
//! a predict-then-reveal question.
//!
//! Lesson ids are stable (URLs and embeds use them): never rename one. The presets live in
//! `io.rs` (waiting), `cpu.rs` (computing) and `gil.rs` (the GIL in detail).

mod chart;
mod cpu;
mod custom;
mod faithful;
mod gil;
mod io;
mod mixed;
pub mod path;
mod question;
pub mod spoiler;
mod tasks;

pub use chart::{Amount, Axis, Bar, Chart, ChartMeasure, Row, Scale, Series};
pub use custom::{custom, CUSTOM};
pub use faithful::{faithfulness, faithfulness_of, Faithfulness};
pub use question::{Ask, Line, Moment, Proof, Question};

use super::{Micros, ModelId, Scenario};
use std::borrow::Cow;
use std::sync::OnceLock;

/// The lesson shown when none is chosen.
pub const DEFAULT: &str = "three-waits";

/// Every simulated lesson id, in the order of `all()` (the guided path, races included, is
/// `path::PATH`).
pub const IDS: [&str; 17] = [
    "three-waits",
    "gather-overlap",
    "blocking-in-async",
    "cpu-in-loop",
    "cpu-threads-gil",
    "io-threads",
    "cpu-processes",
    "cpu-interpreters",
    "convoy",
    "native-release",
    "free-threaded",
    "hybrid-executor",
    "async-to-thread",
    "semaphore-crawler",
    "eager-tasks",
    "task-group",
    "ten-thousand",
];

/// One preset.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// Stable id, like "three-waits".
    pub id: &'static str,
    /// A short title.
    pub title: Cow<'static, str>,
    /// One paragraph on what the lesson shows.
    pub summary: Cow<'static, str>,
    /// The workload and the models it compares.
    pub scenario: Scenario,
    /// The Python code for each compared model.
    pub code: Vec<ModelCode>,
    /// Expected makespan per model, in model time (from `LESSONS.md` or its rules).
    pub expected: Vec<(ModelId, Micros)>,
    /// What the results chart shows per model: the figure the lesson is about.
    pub chart: ChartMeasure,
    /// One line shown after the run.
    pub takeaway: Cow<'static, str>,
    /// Asked before the run; revealed after.
    pub question: Question,
}

/// The Python version of a lesson for one model.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelCode {
    /// Which model this code is written for.
    pub model: ModelId,
    /// Complete source.
    pub source: Cow<'static, str>,
    /// `lines[task][step]`: the 1-based line that step executes, for highlighting.
    pub lines: Vec<Vec<u32>>,
}

impl Lesson {
    /// Whether this is a preset run on another runtime than its own (`on`).
    pub fn is_variant(&self) -> bool {
        all()
            .iter()
            .find(|l| l.id == self.id)
            .is_some_and(|l| l.scenario.runtime() != self.scenario.runtime())
    }

    /// What real CPython was measured doing for `model` in this lesson (`cpython`), unless
    /// the lesson runs on another runtime than the one measured.
    pub fn measured_cpython(&self, model: ModelId) -> Option<&'static str> {
        if self.is_variant() {
            None
        } else {
            cpython(self.id, model)
        }
    }

    /// The lesson run on `runtime` instead of its own: the same workload and code, but its
    /// question, its expected figures and CPython's measured ones are about its own version
    /// and OS, so the variant asks nothing and claims nothing (the page says so).
    pub fn on(mut self, runtime: crate::sim::Runtime) -> Lesson {
        if runtime == self.scenario.runtime() {
            return self;
        }
        self.scenario = self.scenario.on(runtime);
        self.question.choices.clear();
        self.expected.clear();
        self
    }

    /// Every phrase of the lesson's text that states a result (marked in its summary, its code
    /// and the faithfulness notes of `models`), with the real CPython figures of those models:
    /// what the page keeps hidden until the run reveals it.
    pub fn stated_results(&self, models: &[ModelId]) -> Vec<String> {
        let note = faithfulness_of(self, models);
        let texts = std::iter::once(self.summary.as_ref())
            .chain(
                self.code
                    .iter()
                    .filter(|c| models.contains(&c.model))
                    .map(|c| c.source.as_ref()),
            )
            .chain(note.measured.iter().chain(&note.modelled).copied());
        let mut out: Vec<String> = Vec::new();
        let figures = models.iter().filter_map(|&m| cpython(self.id, m));
        for phrase in texts.flat_map(spoiler::results).chain(figures) {
            if !out.iter().any(|p| p == phrase) {
                out.push(phrase.to_string());
            }
        }
        out
    }
}

/// Every lesson, in teaching order (built once).
pub fn all() -> &'static [Lesson] {
    static ALL: OnceLock<Vec<Lesson>> = OnceLock::new();
    ALL.get_or_init(|| {
        vec![
            io::three_waits(),
            io::gather_overlap(),
            io::blocking_in_async(),
            cpu::cpu_in_loop(),
            cpu::cpu_threads_gil(),
            io::io_threads(),
            cpu::cpu_processes(),
            cpu::cpu_interpreters(),
            gil::convoy(),
            gil::native_release(),
            gil::free_threaded(),
            cpu::hybrid_executor(),
            mixed::to_thread(),
            mixed::semaphore_crawler(),
            tasks::eager_tasks(),
            tasks::task_group(),
            io::ten_thousand(),
        ]
    })
}

/// The lesson with this id, if any.
pub fn by_id(id: &str) -> Option<Lesson> {
    by_id_ref(id).cloned()
}

/// The lesson with this id, if any, without a copy.
pub fn by_id_ref(id: &str) -> Option<&'static Lesson> {
    all().iter().find(|l| l.id == id)
}

/// The 1-based line of the first line of `source` containing `needle`.
fn line_of(source: &str, needle: &str) -> u32 {
    let found = source.lines().position(|l| l.contains(needle));
    let index = found.unwrap_or_else(|| panic!("lesson code has no line containing {needle:?}"));
    index as u32 + 1
}

impl ModelCode {
    /// Code whose every task runs the same function: `needles[step]` finds each step's line.
    fn same(model: ModelId, source: &'static str, tasks: usize, needles: &[&str]) -> ModelCode {
        let row: Vec<u32> = needles.iter().map(|n| line_of(source, n)).collect();
        ModelCode {
            model,
            source: source.into(),
            lines: vec![row; tasks],
        }
    }

    /// Code with a needle list per task.
    fn per_task(model: ModelId, source: &'static str, needles: &[Vec<&str>]) -> ModelCode {
        let lines = needles
            .iter()
            .map(|row| row.iter().map(|n| line_of(source, n)).collect())
            .collect();
        ModelCode {
            model,
            source: source.into(),
            lines,
        }
    }
}

/// Shorthand for a question.
fn question(
    prompt: &'static str,
    choices: &[&'static str],
    correct: usize,
    why: &'static str,
    proof: Proof,
    ask: Ask,
) -> Question {
    Question {
        prompt: prompt.into(),
        choices: choices.iter().map(|&c| c.into()).collect(),
        correct,
        why: why.into(),
        proof,
        ask,
    }
}

/// Shorthand for milliseconds of model time in expectations.
fn ms(x: u64) -> Micros {
    Micros(x * 1000)
}

/// What real CPython was measured doing for a lesson's model, in words from `LESSONS.md`.
/// Only measured facts appear here; the simulation's own totals are never repeated as if
/// they had been measured.
pub fn cpython(lesson: &str, model: ModelId) -> Option<&'static str> {
    use ModelId::*;
    Some(match (lesson, model) {
        ("three-waits", Sync) => "6 s",
        ("three-waits", Threads | Asyncio) => "2 s",
        ("gather-overlap", Asyncio) => "2 s (B done at ~1 s)",
        ("gather-overlap", Sync) => "3 s",
        ("blocking-in-async", Sync | Asyncio) => "6 s",
        ("blocking-in-async", Threads) => "2 s",
        ("cpu-in-loop", Asyncio) => "others wait 10 s",
        ("cpu-threads-gil" | "cpu-processes", Sync) => "0.62 s (3.11)",
        ("cpu-threads-gil" | "cpu-processes", Threads) => "0.64 s (3.11)",
        ("cpu-processes", Processes) => {
            "+ start-up here: forkserver ~16 ms + 37 once (fork ~2, spawn ~50)"
        }
        ("convoy", Threads) => "reader 9.1-9.5× slower here (7-11× in LESSONS.md)",
        ("async-to-thread", Asyncio) => "1.25-1.30 s here (3.9-3.13)",
        ("async-to-thread", ToThread) => "0.67-0.74 s here (3.9-3.13)",
        ("task-group", Asyncio) => "0.20 s here (3.11-3.13)",
        ("task-group", Threads) => "3.0 s here (3.9-3.13)",
        ("ten-thousand", Threads) => "~85 GB reserved; ~3.6 s (calibrated)",
        ("ten-thousand", Asyncio) => "~14 MB resident; ~1.1 s (calibrated)",
        _ => return None,
    })
}
