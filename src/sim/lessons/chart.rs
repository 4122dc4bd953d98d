//! What each lesson's results chart measures (`ChartMeasure`, part of the lesson) and the
//! chart it makes of finished traces (`Chart::of`): rows of bars with their values, the axis
//! they are drawn on, the heading and the sentence a screen reader hears. The browser's
//! `ui::chart` only draws what this returns, so every figure is tested natively.

use std::fmt;

use super::Lesson;
use crate::sim::{Bytes, Micros, ModelId, Trace};

/// What a lesson's chart shows per model: the figure the lesson is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartMeasure {
    /// When the model's last task finished (its total time).
    Makespan,
    /// How long one task took, from its submission to its finish: what a Python program
    /// prints when it reads the clock before starting the task and after joining it.
    Latency {
        /// The task's name in the scenario.
        task: &'static str,
    },
    /// The memory the concurrency machinery costs, address space reserved against memory
    /// resident, as the trace's statistics count them from `THREAD_RESERVED`,
    /// `THREAD_RESIDENT`, `TASK_RESIDENT`, `PROCESS_RESERVED` and `PROCESS_RESIDENT`
    /// (`sim/model.rs`, from LESSONS.md lesson 10).
    Memory,
}

impl ChartMeasure {
    /// The figures each model has on the chart, in order.
    pub fn series(self) -> &'static [Series] {
        match self {
            ChartMeasure::Makespan | ChartMeasure::Latency { .. } => &[Series::Time],
            ChartMeasure::Memory => &[Series::Reserved, Series::Resident],
        }
    }
}

/// One figure on the chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amount {
    /// A span of model time.
    Time(Micros),
    /// A size in memory.
    Memory(Bytes),
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Amount::Time(t) => t.fmt(f),
            Amount::Memory(b) => b.fmt(f),
        }
    }
}

/// Which of a model's figures a bar is, so that the drawing picks its colour and key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    /// The one time a time chart shows per model.
    Time,
    /// Address space reserved.
    Reserved,
    /// Memory resident.
    Resident,
}

impl Series {
    /// The word the key and the summary use (empty for a chart of one series).
    pub fn name(self) -> &'static str {
        match self {
            Series::Time => "",
            Series::Reserved => "reserved",
            Series::Resident => "resident",
        }
    }

    /// Its line in the chart's key (empty for a chart of one series).
    pub fn key(self) -> &'static str {
        match self {
            Series::Time => "",
            Series::Reserved => "reserved: address space set aside",
            Series::Resident => "resident: memory actually in use",
        }
    }
}

/// How values become positions along the bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Seconds, from zero.
    Time,
    /// The base-10 logarithm of bytes: each whole position is ten times the last.
    LogBytes,
}

/// The value axis: its scale and the positions it spans.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axis {
    /// How values become positions.
    pub scale: Scale,
    /// The lowest position (where bars start).
    pub lo: f64,
    /// The highest position, a little beyond the largest value of any model, revealed or
    /// not, so that bars never rescale as they appear.
    pub hi: f64,
}

impl Axis {
    /// Where `amount` ends along the axis, or `None` where it cannot be drawn (zero bytes on
    /// a log scale, or an amount of the other kind).
    pub fn position(&self, amount: Amount) -> Option<f64> {
        match (self.scale, amount) {
            (Scale::Time, Amount::Time(t)) => Some(t.as_secs_f64()),
            (Scale::LogBytes, Amount::Memory(b)) if b.0 > 0 => Some((b.0 as f64).log10()),
            (Scale::LogBytes, Amount::Memory(_))
            | (Scale::Time, Amount::Memory(_))
            | (Scale::LogBytes, Amount::Time(_)) => None,
        }
    }

    /// The label of a tick at `position`, with its unit: "250 ms", "1.5 s", "10 MB", "1 GB".
    /// On a log scale only whole powers of ten are labelled.
    pub fn label(&self, position: f64) -> String {
        match self.scale {
            Scale::Time if self.hi < 1.0 => format!("{:.0} ms", position * 1000.0),
            Scale::Time => format!("{position:.1} s"),
            Scale::LogBytes => {
                let whole = position.round();
                if (position - whole).abs() < 1e-6 && whole >= 0.0 {
                    Bytes(10f64.powi(whole as i32).round() as u64).to_string()
                } else {
                    String::new()
                }
            }
        }
    }

    /// How many ticks to ask for: every power of ten on a log scale, six otherwise.
    pub fn ticks(&self) -> usize {
        match self.scale {
            Scale::Time => 6,
            Scale::LogBytes => (self.hi - self.lo).round() as usize + 1,
        }
    }
}

/// One bar: which figure it is and its value, `None` until the playhead has reached the
/// end of the model's run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bar {
    /// Which figure.
    pub series: Series,
    /// The value once revealed.
    pub value: Option<Amount>,
}

/// One model's bars, in the order of `Chart::series`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The model.
    pub model: ModelId,
    /// Its bars.
    pub bars: Vec<Bar>,
}

/// A lesson's chart of finished traces, ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// What it measures.
    pub measure: ChartMeasure,
    /// The heading: "Total time", "Reader's latency", "Memory: reserved vs resident".
    pub title: String,
    /// One sentence on what the bars are, shown under the heading.
    pub caption: String,
    /// The figures each row has, in order.
    pub series: Vec<Series>,
    /// One row per trace, in the traces' order.
    pub rows: Vec<Row>,
    /// The value axis.
    pub axis: Axis,
}

impl Chart {
    /// The chart of `lesson`'s `traces`; `revealed[i]` says whether trace i's bars show yet
    /// (memory too is shown once the run has finished, as its final figure).
    pub fn of(lesson: &Lesson, traces: &[Trace], revealed: &[bool]) -> Chart {
        let measure = lesson.chart;
        let series = measure.series().to_vec();
        let figures: Vec<Vec<(Series, Amount)>> =
            traces.iter().map(|t| figures(measure, t)).collect();
        // The axis holds the bars shown so far: its reach would give a hidden figure away.
        let shown_figures = figures
            .iter()
            .enumerate()
            .filter(|(i, _)| revealed.get(*i).copied().unwrap_or(false))
            .flat_map(|(_, fs)| fs.iter().map(|&(_, v)| v));
        let axis = axis(measure, shown_figures);
        let rows = traces
            .iter()
            .zip(figures)
            .enumerate()
            .map(|(i, (t, fs))| {
                let shown = revealed.get(i).copied().unwrap_or(false);
                Row {
                    model: t.model,
                    bars: fs
                        .into_iter()
                        .map(|(series, v)| Bar {
                            series,
                            value: shown.then_some(v),
                        })
                        .collect(),
                }
            })
            .collect();
        let (title, caption) = match measure {
            ChartMeasure::Makespan => (
                "Total time".to_string(),
                "When each model's last task finished.".to_string(),
            ),
            ChartMeasure::Latency { task } => (
                format!("{}'s latency", capitalised(task)),
                format!(
                    "How long the {task} task took from its start to its finish, as the program prints it."
                ),
            ),
            ChartMeasure::Memory => (
                "Memory: reserved vs resident".to_string(),
                "Address space reserved against memory actually resident, per model, on a log scale: each gridline is ten times the last.".to_string(),
            ),
        };
        Chart {
            measure,
            title,
            caption,
            series,
            rows,
            axis,
        }
    }

    /// What a screen reader hears for the canvas: the measure, then each model's figures
    /// ("not finished yet" before the playhead reaches its end).
    pub fn summary(&self) -> String {
        let what = match self.measure {
            ChartMeasure::Makespan => "Bar chart of total time per model.".to_string(),
            ChartMeasure::Latency { task } => {
                format!("Bar chart of the {task}'s latency per model. {}", self.caption)
            }
            ChartMeasure::Memory => {
                "Bar chart of memory per model, address space reserved against memory resident, on a logarithmic scale."
                    .to_string()
            }
        };
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let figures = if r.bars.iter().any(|b| b.value.is_none()) {
                    "not finished yet".to_string()
                } else {
                    r.bars
                        .iter()
                        .filter_map(|b| {
                            let v = b.value?;
                            Some(match b.series.name() {
                                "" => v.to_string(),
                                name => format!("{v} {name}"),
                            })
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                format!("{}: {figures}", r.model.as_str())
            })
            .collect::<Vec<_>>()
            .join("; ");
        format!("{what} {rows}")
    }
}

/// A trace's figures for `measure`, in the order of `ChartMeasure::series`.
fn figures(measure: ChartMeasure, trace: &Trace) -> Vec<(Series, Amount)> {
    let s = &trace.stats;
    match measure {
        ChartMeasure::Makespan => vec![(Series::Time, Amount::Time(s.makespan))],
        ChartMeasure::Latency { task } => {
            let i = trace
                .task_names
                .iter()
                .position(|n| n == task)
                .unwrap_or_else(|| panic!("the lesson charts task {task:?}, which it lacks"));
            vec![(Series::Time, Amount::Time(s.task_latency[i]))]
        }
        ChartMeasure::Memory => vec![
            (Series::Reserved, Amount::Memory(Bytes(s.memory_reserved))),
            (Series::Resident, Amount::Memory(Bytes(s.memory_resident))),
        ],
    }
}

/// The axis that holds every value: time from zero to 8% beyond the largest; memory from a
/// power of ten below the smallest non-zero figure to the power of ten above the largest.
fn axis(measure: ChartMeasure, values: impl Iterator<Item = Amount>) -> Axis {
    match measure {
        ChartMeasure::Makespan | ChartMeasure::Latency { .. } => {
            let top = values
                .filter_map(|v| match v {
                    Amount::Time(t) => Some(t.as_secs_f64()),
                    Amount::Memory(_) => None,
                })
                .fold(0.0, f64::max);
            Axis {
                scale: Scale::Time,
                lo: 0.0,
                // Nothing shown yet: a plain second, which says nothing of the answer.
                hi: if top > 0.0 { top * 1.08 } else { 1.0 },
            }
        }
        ChartMeasure::Memory => {
            let logs: Vec<f64> = values
                .filter_map(|v| match v {
                    Amount::Memory(b) if b.0 > 0 => Some((b.0 as f64).log10()),
                    Amount::Memory(_) | Amount::Time(_) => None,
                })
                .collect();
            let min = logs.iter().copied().fold(f64::INFINITY, f64::min);
            let max = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if logs.is_empty() {
                return Axis {
                    scale: Scale::LogBytes,
                    lo: 0.0,
                    hi: 3.0,
                };
            }
            // A decade below the smallest bar, so that it is long enough to see.
            let lo = (min.floor() - 1.0).max(0.0);
            let hi = (max + 1.08f64.log10()).ceil().max(lo + 1.0);
            Axis {
                scale: Scale::LogBytes,
                lo,
                hi,
            }
        }
    }
}

/// "reader" as "Reader".
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}
