//! Which CPython a scenario runs on, and on which operating system (`Runtime`): the closed
//! list of versions a learner meets in 2026 and what really changed between them for these
//! models. Each figure says where it comes from; what is not measured here says so.
//!
//! - The default start method of `multiprocessing`: `fork` on Linux up to 3.13, `forkserver`
//!   from 3.14 ("What's New In Python 3.14": "the default start method changed from fork to
//!   forkserver" on POSIX other than macOS); `spawn` on macOS since 3.8 and always on Windows
//!   (the `multiprocessing` docs, "Contexts and start methods").
//! - The free-threaded build's single-thread cost: about 40% in 3.13t ("What's New In Python
//!   3.13": "a substantial single-threaded performance hit"; PEP 703 and the 3.13 docs' HOWTO
//!   put it near 40% on pyperformance), about 5-10% in 3.14t ("What's New In Python 3.14":
//!   "the performance penalty on single-threaded code in free-threaded mode is now roughly
//!   5-10%"; PEP 779 says about 10%). 3.13t and 3.14t are not installed on these machines, so
//!   neither is measured here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::ScenarioError;
use super::model::StartMethod;
use super::time::Micros;

/// How long one interpreter worker takes to start, across what has been published and
/// measured: from 1.1 ms (a 3.13 beta measurement: 10,000 bare interpreters in 11.1 s,
/// LESSONS.md section 15) to 35 ms (3.12 here, with the worker's imports, see
/// `Python::interpreter_start`). The simulation runs its version's figure; the app and the
/// CLI show the makespan across this range too.
pub const INTERPRETER_START_RANGE: (Micros, Micros) = (Micros(1_100), Micros(35_000));

/// A CPython release (`t`: the free-threaded build). One list for the whole app: a scenario
/// runs on any of them, the race lessons step the bytecode of those whose listings were
/// measured here (`Python::has_listing`), and the menus offer `Python::MENU`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Python {
    #[serde(rename = "3.9")]
    V3_9,
    #[serde(rename = "3.10")]
    V3_10,
    #[serde(rename = "3.11")]
    V3_11,
    /// The default: the oldest version still widely deployed with a per-interpreter GIL.
    #[default]
    #[serde(rename = "3.12")]
    V3_12,
    #[serde(rename = "3.13")]
    V3_13,
    #[serde(rename = "3.13t")]
    V3_13t,
    #[serde(rename = "3.14")]
    V3_14,
    #[serde(rename = "3.14t")]
    V3_14t,
}

/// Where a thread of this CPython may be switched out (LESSONS.md section 15, "Switch points";
/// `Python/ceval.c` of each release).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwitchPoints {
    /// 3.9: the eval breaker is checked after nearly every instruction (all but those that
    /// end in `FAST_DISPATCH`), so a thread can lose the GIL between any two of them.
    Instructions,
    /// 3.10 and later: only at backward jumps and calls (`RESUME` in the function called
    /// since 3.11), which is why `counter += 1` in a plain loop lost nothing in 3.10-3.13.
    CallsAndBackJumps,
    /// A free-threaded build: no GIL to hand over, threads run at once, anywhere.
    Anywhere,
}

impl Python {
    /// Every version, oldest first.
    pub const ALL: [Python; 8] = [
        Python::V3_9,
        Python::V3_10,
        Python::V3_11,
        Python::V3_12,
        Python::V3_13,
        Python::V3_13t,
        Python::V3_14,
        Python::V3_14t,
    ];

    /// What the menus offer for a scenario (issue 15's list: the versions a learner meets in
    /// 2026); 3.10 and 3.11 are accepted from links and files all the same.
    pub const MENU: [Python; 6] = [
        Python::V3_9,
        Python::V3_12,
        Python::V3_13,
        Python::V3_13t,
        Python::V3_14,
        Python::V3_14t,
    ];

    /// The menu's versions, with `current` in its place if a link or file chose another
    /// (3.10, 3.11), so a menu always shows what runs.
    pub fn menu_with(current: Python) -> Vec<Python> {
        let mut all = Python::MENU.to_vec();
        if !all.contains(&current) {
            all.push(current);
            all.sort();
        }
        all
    }

    /// How it is written: "3.12", "3.14t".
    pub fn as_str(self) -> &'static str {
        match self {
            Python::V3_9 => "3.9",
            Python::V3_10 => "3.10",
            Python::V3_11 => "3.11",
            Python::V3_12 => "3.12",
            Python::V3_13 => "3.13",
            Python::V3_13t => "3.13t",
            Python::V3_14 => "3.14",
            Python::V3_14t => "3.14t",
        }
    }

    /// The free-threaded build (no GIL).
    pub fn free_threaded(self) -> bool {
        matches!(self, Python::V3_13t | Python::V3_14t)
    }

    /// A build with a GIL.
    pub fn has_gil(self) -> bool {
        !self.free_threaded()
    }

    /// The release's minor version, for comparisons: 9 to 14.
    pub fn minor(self) -> u32 {
        match self {
            Python::V3_9 => 9,
            Python::V3_10 => 10,
            Python::V3_11 => 11,
            Python::V3_12 => 12,
            Python::V3_13 | Python::V3_13t => 13,
            Python::V3_14 | Python::V3_14t => 14,
        }
    }

    /// Where its threads may be switched out (shared by the race lessons' bytecode stepping).
    pub fn switch_points(self) -> SwitchPoints {
        match self {
            _ if self.free_threaded() => SwitchPoints::Anywhere,
            Python::V3_9 => SwitchPoints::Instructions,
            _ => SwitchPoints::CallsAndBackJumps,
        }
    }

    /// Whether the race lessons have this version's real `dis` listings (run on CPython
    /// 3.9.18-3.13.0 here; 3.13t compiles as 3.13). 3.14 is not installed on these machines,
    /// so its bytecode is not shown rather than guessed.
    pub fn has_listing(self) -> bool {
        self.minor() <= 13
    }

    /// `asyncio.TaskGroup` exists (3.11+); before it, `gather` is how tasks are awaited.
    pub fn has_task_group(self) -> bool {
        self.minor() >= 11
    }

    /// `asyncio.eager_task_factory` exists (3.12+).
    pub fn has_eager_tasks(self) -> bool {
        self.minor() >= 12
    }

    /// How much slower a free-threaded build runs one thread's bytecode, in percent, for the
    /// `threads-nogil` model under this version (see the module's sources). A version with no
    /// free-threaded build (before 3.13) is paired with the newest, 3.14t: the model stands for
    /// "the same program on a build without the GIL".
    pub fn nogil_overhead_pct(self) -> f64 {
        match self.minor() {
            13 => 40.0,
            _ => 10.0,
        }
    }

    /// What one `InterpreterPoolExecutor` worker costs to start: creating an interpreter with
    /// its own GIL and running its first imports (`interpreter_start_ms`: medians 34.7 ms on
    /// 3.12.1 and 20.6 ms on 3.13.0 here, creating it and importing pickle and
    /// concurrent.futures.thread, as a 3.14 worker does). 3.14 is not installed here: it takes
    /// 3.13's figure. Published figures are far apart (`INTERPRETER_START_RANGE`). `None`
    /// before 3.12, which has no interpreter with its own GIL (PEP 684).
    pub fn interpreter_start(self) -> Option<Micros> {
        match self.minor() {
            12 => Some(Micros(35_000)),
            13 | 14 => Some(Micros(21_000)),
            _ => None,
        }
    }

    /// The free-threaded build `threads-nogil` runs on under this version.
    pub fn nogil_build(self) -> Python {
        match self.minor() {
            13 => Python::V3_13t,
            _ => Python::V3_14t,
        }
    }
}

impl fmt::Display for Python {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Python {
    type Err = ScenarioError;
    fn from_str(s: &str) -> Result<Python, ScenarioError> {
        Python::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = Python::ALL.iter().map(|p| p.as_str()).collect();
                ScenarioError::new(
                    "python",
                    format!("unknown Python {s:?}; expected one of {}", all.join(", ")),
                )
            })
    }
}

/// The operating system, which decides `multiprocessing`'s default start method.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    #[default]
    Linux,
    Macos,
    Windows,
}

impl Os {
    pub const ALL: [Os; 3] = [Os::Linux, Os::Macos, Os::Windows];

    pub fn as_str(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::Macos => "macos",
            Os::Windows => "windows",
        }
    }
}

impl FromStr for Os {
    type Err = ScenarioError;
    fn from_str(s: &str) -> Result<Os, ScenarioError> {
        Os::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| {
                ScenarioError::new(
                    "os",
                    format!("unknown OS {s:?}; expected linux, macos or windows"),
                )
            })
    }
}

/// How `asyncio.create_task` starts a task (`loop.set_task_factory`, lesson `eager-tasks`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum TaskFactory {
    /// The default: `create_task` only schedules the task; it first runs when the loop gets
    /// to it, after the code that created it has gone on to its next `await`.
    #[default]
    Lazy,
    /// `asyncio.eager_task_factory` (3.12+): the task runs inside `create_task`, up to its
    /// first `await`, before the creator's next line ("What's New In Python 3.12").
    Eager,
}

impl TaskFactory {
    pub const ALL: [TaskFactory; 2] = [TaskFactory::Lazy, TaskFactory::Eager];

    /// The JSON and URL spelling: "lazy", "eager".
    pub fn as_str(self) -> &'static str {
        match self {
            TaskFactory::Lazy => "lazy",
            TaskFactory::Eager => "eager",
        }
    }
}

impl FromStr for TaskFactory {
    type Err = ScenarioError;
    fn from_str(s: &str) -> Result<TaskFactory, ScenarioError> {
        TaskFactory::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                ScenarioError::new(
                    "task_factory",
                    format!("unknown task factory {s:?}; expected lazy or eager"),
                )
            })
    }
}

/// The version, OS and task factory a scenario runs on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Runtime {
    pub python: Python,
    pub os: Os,
    pub tasks: TaskFactory,
}

impl Runtime {
    /// The runtime of a scenario with these settings: the others at their defaults.
    pub fn new(python: Python, os: Os) -> Runtime {
        Runtime {
            python,
            os,
            tasks: TaskFactory::Lazy,
        }
    }

    /// The same settings with what this version lacks turned off: before 3.12 there is no
    /// eager task factory, so tasks start lazily (what a menu or a link asks is fitted so).
    pub fn fitted(mut self) -> Runtime {
        if !self.python.has_eager_tasks() {
            self.tasks = TaskFactory::Lazy;
        }
        self
    }

    /// Refuses what this version does not have, naming the field: the eager task factory
    /// before 3.12.
    pub fn check(self) -> Result<(), ScenarioError> {
        if self.tasks == TaskFactory::Eager && !self.python.has_eager_tasks() {
            return Err(ScenarioError::new(
                "task_factory",
                format!(
                    "asyncio.eager_task_factory is new in Python 3.12; this scenario runs on {}",
                    self.python
                ),
            ));
        }
        Ok(())
    }

    /// `multiprocessing`'s default start method here (see the module's sources).
    pub fn default_start_method(self) -> StartMethod {
        match (self.os, self.python.minor()) {
            (Os::Linux, 14..) => StartMethod::Forkserver,
            (Os::Linux, _) => StartMethod::Fork,
            (Os::Macos | Os::Windows, _) => StartMethod::Spawn,
        }
    }
}
