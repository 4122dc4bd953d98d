//! Races on shared data, instruction by instruction (LESSONS.md sections 8 and 9): threads run
//! the real bytecode of a short loop (`bytecode.rs`), each version of CPython may switch
//! threads only where its eval loop checks, and many seeded runs give the share of updates
//! kept (`runs.rs`). The reference-count race is stepped in `refcount.rs`.
//!
//! Simplifications (also in the lesson's faithfulness note): every instruction costs the
//! same time; a GIL build hands the GIL over after a switch interval of one million
//! instructions (5 ms at ~5 ns an instruction, as CPython 3.9-3.13 ran these loops here),
//! varied by ±20% from turn to turn, to a waiter the OS picks (seeded, uniform); the main
//! thread starting the threads waits for the GIL between starts like any thread; a
//! free-threaded build runs two threads at once on two cores, one instruction each at a time
//! in a seeded order. Known miss: with a call between the read and the write the model keeps
//! 64-69% on 3.10-3.13, where real medians go from 56% (3.10) to 88% (3.13): newer versions
//! spend more of that loop inside the call, after the callee's check, which equal
//! instruction costs cannot show (3.13's real runs, 78-100%, lie above the model).

pub mod bytecode;
pub mod refcount;
pub mod report;
pub mod runs;
pub mod scheduler;
pub mod vm;

/// The one CPython version enum (`sim::python`): the races offer those with measured
/// listings (`Python::has_listing`) and switch where `Python::switch_points` says.
pub use super::python::{Python, SwitchPoints};

/// The versions the race lessons can step: those whose bytecode was listed here.
pub fn versions() -> impl Iterator<Item = Python> {
    Python::ALL.into_iter().filter(|p| p.has_listing())
}

/// Reads a race's version, refusing one with no listing here (3.14, 3.14t) by name.
pub fn parse_version(text: &str) -> Result<Python, String> {
    let python: Python = text.parse().map_err(|e: super::ScenarioError| e.message)?;
    if python.has_listing() {
        Ok(python)
    } else {
        let have: Vec<&str> = versions().map(|p| p.as_str()).collect();
        Err(format!(
            "no bytecode listing for CPython {python} here (not installed on these machines); \
             the races step {}",
            have.join(", ")
        ))
    }
}

/// The loop each thread runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Snippet {
    /// `counter[0] += 1`
    Plain,
    /// `counter[0] = f(counter[0]) + 1`: a call between the read and the write.
    Call,
    /// `with lock: counter[0] += 1`
    Lock,
}

impl Snippet {
    /// Every snippet.
    pub const ALL: [Snippet; 3] = [Snippet::Plain, Snippet::Call, Snippet::Lock];

    /// A short id: "plain", "call", "lock".
    pub fn as_str(self) -> &'static str {
        match self {
            Snippet::Plain => "plain",
            Snippet::Call => "call",
            Snippet::Lock => "lock",
        }
    }

    /// The Python each thread runs, `N` times.
    pub fn source(self) -> &'static str {
        match self {
            Snippet::Plain => "for _ in range(N):\n    counter[0] += 1",
            Snippet::Call => "for _ in range(N):\n    counter[0] = f(counter[0]) + 1",
            Snippet::Lock => "for _ in range(N):\n    with lock:\n        counter[0] += 1",
        }
    }
}

/// What real CPython kept, 4 threads x 200,000 increments, 9 runs per version on this
/// machine kind (`calibration/measured.json`, cases `counter_race_kept_*`; LESSONS.md section
/// 9 measured 84% for 3.9 and 43-65% with a call elsewhere): the lowest, the median and the
/// highest kept share. A test checks these against the JSON.
pub fn measured(python: Python, snippet: Snippet) -> Option<(f64, f64, f64)> {
    use Python::*;
    Some(match (python, snippet) {
        (V3_9, Snippet::Plain) => (0.731, 0.854, 1.0),
        (V3_10 | V3_11 | V3_12 | V3_13, Snippet::Plain) => (1.0, 1.0, 1.0),
        (V3_9, Snippet::Call) => (0.564, 0.651, 0.902),
        (V3_10, Snippet::Call) => (0.400, 0.559, 0.776),
        (V3_11, Snippet::Call) => (0.641, 0.845, 1.0),
        (V3_12, Snippet::Call) => (0.650, 0.867, 1.0),
        (V3_13, Snippet::Call) => (0.779, 0.877, 1.0),
        (V3_9 | V3_10 | V3_11 | V3_12 | V3_13, Snippet::Lock) => (1.0, 1.0, 1.0),
        (V3_13t | V3_14 | V3_14t, _) => return None,
    })
}

/// The calibration case that measured `snippet`.
pub fn case(snippet: Snippet) -> &'static str {
    match snippet {
        Snippet::Plain => "counter_race_kept_plain",
        Snippet::Call => "counter_race_kept_call",
        Snippet::Lock => "counter_race_kept_lock",
    }
}
