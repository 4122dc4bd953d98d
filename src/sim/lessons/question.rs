//! A lesson's predict-then-reveal question: what it asks (`Ask`, a closed list of kinds), its
//! lettered choices, why the answer is right, and the moment of the run that proves it
//! (`Proof`). Each kind says how the run itself picks the right choice (`Question::decide`),
//! so a test can hold every lesson's answer to its simulation.

use std::borrow::Cow;

use crate::sim::{Bytes, EventKind, Micros, ModelId, Outcome, Trace};

/// A predict-then-reveal question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The question.
    pub prompt: Cow<'static, str>,
    /// Two to four answers.
    pub choices: Vec<Cow<'static, str>>,
    /// Index of the right answer in `choices`.
    pub correct: usize,
    /// Why, in two or three sentences and the learners' own words (the chef, the desk, "I am
    /// waiting, run someone else"): shown with the answer.
    pub why: Cow<'static, str>,
    /// The moment of the run that proves it, which "Show me" jumps to.
    pub proof: Proof,
    /// What kind of question it is, with what each choice means to the run.
    pub ask: Ask,
}

/// What a question asks, with the fact each choice stands for, in the order of the choices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ask {
    /// How long until the proof's moment: choice i says about `times[i]`; the nearest is right.
    Time(Vec<Micros>),
    /// Which range of wall time holds the proof's moment: choice i runs from `edges[i]` up to
    /// `edges[i + 1]`, and the last has no upper end.
    Range(Vec<Micros>),
    /// Which task finishes first under the proof's model: choice i names task `tasks[i]`.
    FirstDone(Vec<&'static str>),
    /// Which model finishes its run first: choice i names `models[i]`.
    FirstModel(Vec<ModelId>),
    /// Who holds the GIL at the proof's moment under its model: choice i names a task's
    /// thread, or nobody (`None`).
    GilHolder(Vec<Option<&'static str>>),
    /// In which order the program prints its lines under the proof's model: choice i is one
    /// order of "NAME starting" (the task's start) and "NAME done" (its finish) lines.
    PrintOrder(Vec<Vec<(&'static str, Line)>>),
    /// How much address space the proof's model reserves at its peak: the nearest of
    /// `sizes` on a log scale (a factor, not a difference, is what a learner guesses).
    Reserved(Vec<Bytes>),
}

/// A line a lesson's program prints about one task (or, named "main", about `main()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line {
    /// "NAME starting": the task begins its first step.
    Starting,
    /// "NAME done": the task has finished its last step and returned.
    Done,
    /// "NAME failed": the task raised its exception.
    Raised,
    /// "NAME cancelled": another task's exception cancelled it.
    Cancelled,
    /// "main: tasks created": `main()` has created the tasks it starts with (event loops).
    Created,
}

impl Ask {
    /// A short name of the kind, shown over the question: "wall time", "print order".
    pub fn kind(&self) -> &'static str {
        match self {
            Ask::Time(_) | Ask::Range(_) => "wall time",
            Ask::FirstDone(_) | Ask::FirstModel(_) => "which finishes first",
            Ask::GilHolder(_) => "who holds the GIL",
            Ask::PrintOrder(_) => "print order",
            Ask::Reserved(_) => "memory",
        }
    }

    /// How many choices it has facts for.
    pub fn len(&self) -> usize {
        match self {
            Ask::Time(v) | Ask::Range(v) => v.len(),
            Ask::FirstDone(v) => v.len(),
            Ask::FirstModel(v) => v.len(),
            Ask::GilHolder(v) => v.len(),
            Ask::PrintOrder(v) => v.len(),
            Ask::Reserved(v) => v.len(),
        }
    }

    /// Whether it has no choices.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// When a proof's moment comes in a model's run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment {
    /// The run ends.
    End,
    /// The named task finishes (its last event).
    Done(&'static str),
    /// The last task has started: every task is alive at once (memory at its peak).
    AllStarted,
    /// A given instant of model time.
    At(Micros),
    /// `main()` has created the tasks it starts with (the `TasksCreated` event).
    TasksCreated,
}

/// A moment of one model's run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Proof {
    pub model: ModelId,
    pub moment: Moment,
}

impl Proof {
    /// The model's run ends.
    pub const fn end(model: ModelId) -> Proof {
        Proof {
            model,
            moment: Moment::End,
        }
    }

    /// `task` finishes under `model`.
    pub const fn done(model: ModelId, task: &'static str) -> Proof {
        Proof {
            model,
            moment: Moment::Done(task),
        }
    }

    /// Every task of `model`'s run has started.
    pub const fn all_started(model: ModelId) -> Proof {
        Proof {
            model,
            moment: Moment::AllStarted,
        }
    }

    /// `main()` has created its first tasks under `model` (an event loop).
    pub const fn tasks_created(model: ModelId) -> Proof {
        Proof {
            model,
            moment: Moment::TasksCreated,
        }
    }

    /// The instant `at` of `model`'s run.
    pub const fn at(model: ModelId, at: Micros) -> Proof {
        Proof {
            model,
            moment: Moment::At(at),
        }
    }

    /// The model's trace among `traces`.
    fn trace<'a>(&self, traces: &'a [Trace]) -> Option<&'a Trace> {
        traces.iter().find(|t| t.model == self.model)
    }

    /// When the moment comes in these traces: `None` if they lack the model or the task.
    pub fn time(&self, traces: &[Trace]) -> Option<Micros> {
        let trace = self.trace(traces)?;
        match self.moment {
            Moment::End => Some(trace.stats.makespan),
            Moment::Done(name) => {
                let task = trace.task_names.iter().position(|n| n == name)?;
                trace
                    .events
                    .iter()
                    .filter(|e| e.task.map(|t| t.index()) == Some(task))
                    .map(|e| e.time)
                    .max()
            }
            Moment::AllStarted => trace
                .events
                .iter()
                .filter(|e| e.kind == EventKind::TaskStart)
                .map(|e| e.time)
                .max(),
            Moment::At(at) => (at <= trace.stats.makespan).then_some(at),
            Moment::TasksCreated => trace
                .events
                .iter()
                .find(|e| e.kind == EventKind::TasksCreated)
                .map(|e| e.time),
        }
    }
}

/// The choice nearest to `value` by `distance`; `None` for a tie or no choices.
fn nearest<T: Copy>(facts: &[T], distance: impl Fn(T) -> f64) -> Option<usize> {
    let mut order: Vec<(usize, f64)> = facts
        .iter()
        .enumerate()
        .map(|(i, &f)| (i, distance(f)))
        .collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1));
    match order.as_slice() {
        [] => None,
        [(i, _)] => Some(*i),
        [(i, a), (_, b), ..] => (b - a > 1e-9).then_some(*i),
    }
}

/// The only choice whose `key` is least; `None` for a tie, no choices or a missing key.
fn first<T: Copy>(facts: &[T], key: impl Fn(T) -> Option<Micros>) -> Option<usize> {
    let keys: Vec<Micros> = facts.iter().map(|&f| key(f)).collect::<Option<_>>()?;
    let least = *keys.iter().min()?;
    let mut at = keys.iter().enumerate().filter(|(_, &k)| k == least);
    let (i, _) = at.next()?;
    at.next().is_none().then_some(i)
}

impl Question {
    /// Which choice the run makes right: `None` when the traces cannot tell (a model or task
    /// missing, a tie). A lesson's `correct` must agree with it (tests/lesson_questions.rs).
    pub fn decide(&self, traces: &[Trace]) -> Option<usize> {
        let trace = self.proof.trace(traces);
        match &self.ask {
            Ask::Time(times) => {
                let t = self.proof.time(traces)?.0 as f64;
                nearest(times, |c| (c.0 as f64 - t).abs())
            }
            Ask::Range(edges) => {
                let t = self.proof.time(traces)?;
                if edges.first().is_some_and(|&lo| t < lo) {
                    return None;
                }
                edges.iter().rposition(|&lo| lo <= t)
            }
            Ask::FirstDone(tasks) => {
                let trace = trace?;
                first(tasks, |name| {
                    Proof::done(trace.model, name).time(std::slice::from_ref(trace))
                })
            }
            Ask::FirstModel(models) => first(models, |m| {
                traces
                    .iter()
                    .find(|t| t.model == m)
                    .map(|t| t.stats.makespan)
            }),
            Ask::GilHolder(tasks) => {
                let trace = trace?;
                let at = self.proof.time(traces)?;
                let snap = trace.snapshot(trace.event_at(at)?)?;
                let holder = match snap.gil_holders.as_slice() {
                    [] => None,
                    [one] => Some(trace.task_name(*one)),
                    _ => return None,
                };
                tasks.iter().position(|&c| c == holder)
            }
            Ask::PrintOrder(orders) => {
                let trace = trace?;
                let printed = printed(trace);
                orders.iter().position(|order| {
                    let named: Vec<(&str, Line)> = printed
                        .iter()
                        .copied()
                        .filter(|(n, _)| order.iter().any(|(m, _)| m == n))
                        .collect();
                    named.as_slice() == order.as_slice()
                })
            }
            Ask::Reserved(sizes) => {
                let reserved = trace?.stats.memory_reserved.max(1) as f64;
                nearest(sizes, |b| (b.0.max(1) as f64 / reserved).log10().abs())
            }
        }
    }
}

/// The lines a run's program prints about its tasks, in the order they happen.
fn printed(trace: &Trace) -> Vec<(&str, Line)> {
    trace
        .events
        .iter()
        .filter_map(|e| {
            let line = match e.kind {
                EventKind::TasksCreated => return Some(("main", Line::Created)),
                EventKind::TaskStart => Line::Starting,
                EventKind::TaskFinish => match trace.outcome(e.task?) {
                    Outcome::Done => Line::Done,
                    Outcome::Raised => Line::Raised,
                    Outcome::Cancelled => Line::Cancelled,
                    Outcome::NotRun => return None,
                },
                _ => return None,
            };
            Some((trace.task_name(e.task?), line))
        })
        .collect()
}
