//! The scenario document: tasks, their steps, and the models to compare.
//!
//! This is the one serde format behind share links, JSON import/export and the CLI; see
//! `SCENARIO.md` beside this file. Durations are milliseconds as JSON numbers; validation
//! (in `plan.rs` and `validate.rs`) turns them into integer microseconds before anything is simulated.

pub use super::model::PayloadKind;
use super::model::{ModelConfig, ModelId};
use super::python::{Os, Python, Runtime, TaskFactory};
use serde::{Deserialize, Serialize};

/// A workload and the models to run it under.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The tasks, submitted in this order (at time zero unless a task says otherwise).
    pub tasks: Vec<Task>,
    /// The models to compare; empty means every model with default parameters.
    #[serde(default)]
    pub models: Vec<ModelConfig>,
    /// The seed for what CPython leaves to chance (which GIL waiter the OS wakes); runs with
    /// the same seed are identical. Absent means `DEFAULT_SEED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The CPython it runs on ("3.9", "3.12", "3.13", "3.13t", "3.14", "3.14t"); absent means
    /// 3.12 (`sim::python`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<Python>,
    /// The operating system ("linux", "macos", "windows"), which picks `multiprocessing`'s
    /// default start method; absent means Linux.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<Os>,
    /// How `asyncio.create_task` starts tasks ("lazy", "eager": `eager_task_factory`, 3.12+);
    /// absent means lazy. Read by the event-loop models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_factory: Option<TaskFactory>,
}

/// One task (a function call, coroutine or job): a sequence of steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// A short name shown in lanes and narration, like "A"; empty means "task N".
    #[serde(default)]
    pub name: String,
    /// What the task does, in order.
    pub steps: Vec<Step>,
    /// Size of the arguments pickled to a worker process, in KB (1 KB = 1000 bytes).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub send_kb: f64,
    /// Size of the result pickled back from a worker process, in KB.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub recv_kb: f64,
    /// What the pickled arguments and result hold, which sets how fast they pickle.
    #[serde(default, skip_serializing_if = "PayloadKind::is_default")]
    pub payload: PayloadKind,
    /// When the task is submitted, in ms from the start (`create_task` or `submit` later
    /// in the program); 0 means at once.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub start_ms: f64,
    /// The task raises an exception after its last step (`raise ConnectionError(...)`).
    /// What becomes of the others depends on the model: plain code stops, a pool's other
    /// threads run on, an asyncio `TaskGroup` cancels its other tasks.
    #[serde(default, skip_serializing_if = "is_false")]
    pub raises: bool,
}

fn is_false(x: &bool) -> bool {
    !*x
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// One step of a task: a kind and a duration in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What kind of work this is.
    pub kind: StepKind,
    /// How long it takes on its own, in milliseconds.
    pub ms: f64,
}

/// The kinds of step a task can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Python bytecode: needs the GIL and a core.
    Cpu,
    /// An awaited wait (`await asyncio.sleep`, an async client). In sync or threaded code
    /// the same wait is written with `time.sleep` or a blocking client, releasing the GIL.
    AwaitIo,
    /// A blocking call (`time.sleep`, `requests.get`): releases the GIL in a thread, but
    /// inside `async def` it freezes the whole event loop.
    BlockingIo,
    /// C code that releases the GIL (NumPy): needs a core, not the GIL.
    NativeCpu,
}

impl StepKind {
    /// The JSON spelling, also used in narration and dumps.
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Cpu => "cpu",
            StepKind::AwaitIo => "await_io",
            StepKind::BlockingIo => "blocking_io",
            StepKind::NativeCpu => "native_cpu",
        }
    }

    /// True for steps that keep a core busy.
    pub fn is_compute(self) -> bool {
        matches!(self, StepKind::Cpu | StepKind::NativeCpu)
    }
}

impl Step {
    /// Python computation for `ms` milliseconds.
    pub fn cpu(ms: f64) -> Step {
        Step {
            kind: StepKind::Cpu,
            ms,
        }
    }
    /// An awaited (or, in threads, GIL-releasing) wait of `ms` milliseconds.
    pub fn await_io(ms: f64) -> Step {
        Step {
            kind: StepKind::AwaitIo,
            ms,
        }
    }
    /// A blocking call of `ms` milliseconds.
    pub fn blocking_io(ms: f64) -> Step {
        Step {
            kind: StepKind::BlockingIo,
            ms,
        }
    }
    /// Native code that releases the GIL, for `ms` milliseconds.
    pub fn native_cpu(ms: f64) -> Step {
        Step {
            kind: StepKind::NativeCpu,
            ms,
        }
    }
}

impl Task {
    /// A task with a name and steps and no pickled payload.
    pub fn new(name: &str, steps: Vec<Step>) -> Task {
        Task {
            name: name.to_string(),
            steps,
            send_kb: 0.0,
            recv_kb: 0.0,
            payload: PayloadKind::Ints,
            start_ms: 0.0,
            raises: false,
        }
    }

    /// Makes the task raise an exception after its last step.
    pub fn raising(mut self) -> Task {
        self.raises = true;
        self
    }

    /// Sets what the pickled payload holds.
    pub fn payload(mut self, kind: PayloadKind) -> Task {
        self.payload = kind;
        self
    }

    /// Submits the task `ms` milliseconds after the start instead of at once.
    pub fn start_ms(mut self, ms: f64) -> Task {
        self.start_ms = ms;
        self
    }

    /// Sets the pickled payload sizes, in KB, sent to and received from a worker process.
    pub fn payload_kb(mut self, send_kb: f64, recv_kb: f64) -> Task {
        self.send_kb = send_kb;
        self.recv_kb = recv_kb;
        self
    }
}

impl Scenario {
    /// A scenario from tasks and models.
    pub fn new(tasks: Vec<Task>, models: Vec<ModelConfig>) -> Scenario {
        Scenario {
            tasks,
            models,
            seed: None,
            python: None,
            os: None,
            task_factory: None,
        }
    }

    /// The CPython and OS it runs on, defaults filled in.
    pub fn runtime(&self) -> Runtime {
        Runtime {
            python: self.python.unwrap_or_default(),
            os: self.os.unwrap_or_default(),
            tasks: self.task_factory.unwrap_or_default(),
        }
    }

    /// The same scenario on `runtime`: each of its fields written out.
    pub fn on(self, runtime: Runtime) -> Scenario {
        Scenario {
            python: Some(runtime.python),
            os: Some(runtime.os),
            task_factory: Some(runtime.tasks),
            ..self
        }
    }

    /// Runs it on `python`.
    pub fn python(mut self, python: Python) -> Scenario {
        self.python = Some(python);
        self
    }

    /// Sets the seed for what CPython leaves to chance.
    pub fn seed(mut self, seed: u64) -> Scenario {
        self.seed = Some(seed);
        self
    }

    /// Serialises to pretty JSON (the share and export format).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The models to run: the listed ones, or every model with defaults if none is listed.
    pub fn model_configs(&self) -> Vec<ModelConfig> {
        if self.models.is_empty() {
            // Every model the scenario's Python has: 3.9 has no interpreter with its own GIL.
            let python = self.runtime().python;
            ModelId::ALL
                .into_iter()
                .filter(|&id| id != ModelId::Interpreters || python.interpreter_start().is_some())
                .map(ModelConfig::new)
                .collect()
        } else {
            self.models.clone()
        }
    }
}
