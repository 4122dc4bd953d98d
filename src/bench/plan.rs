//! How a lesson runs for real: each model's workload as work for Web Workers, scaled in time.
//!
//! Pure, so the mapping (which model becomes how many workers doing what) is tested natively.
//! One model second becomes `scale` real seconds, so that a whole measurement stays short.

use serde::{Deserialize, Serialize};

use crate::sim::models::descriptor;
use crate::sim::{Measure, ModelConfig, ModelId, Scenario, StepKind};

/// Browsers cap useful workers well below a Python pool's size: larger pools run as this many.
pub const MAX_WORKERS: usize = 8;

/// Real milliseconds a whole measurement (every model, every repeat) should take at most.
pub const BUDGET_MS: f64 = 8_000.0;

/// The real GIL's default switch interval; the lock in the browser uses it unscaled, because
/// handing a lock over between workers costs real time that cannot shrink with the scale.
pub const SWITCH_INTERVAL_MS: f64 = 5.0;

/// One operation of a task, in real units.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Python bytecode: the CPU kernel, holding the lock where there is one.
    Python { iterations: u64 },
    /// Native code that releases the GIL: the same kernel, never holding the lock.
    Native { iterations: u64 },
    /// An awaited wait: a timer on the worker's own event loop.
    Timer { ms: f64 },
    /// A blocking call: the worker cannot do anything else meanwhile.
    Block { ms: f64 },
}

/// One task's operations and the payload it sends to a fresh worker and gets back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkTask {
    pub ops: Vec<Op>,
    pub send_bytes: u64,
    pub recv_bytes: u64,
}

/// How one worker runs its tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// One after another, as plain code does.
    Sequential,
    /// All at once on the worker's event loop, switching only at timers (asyncio).
    Cooperative,
    /// One after another, taking the shared lock for each slice of Python (threads with a GIL).
    Locked,
}

/// What one worker is asked to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkerPlan {
    pub mode: Mode,
    pub tasks: Vec<WorkTask>,
}

/// Everything one model's measurement needs.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelPlan {
    pub model: ModelId,
    pub workers: Vec<WorkerPlan>,
    /// Start new workers for this run and count their start-up (processes).
    pub fresh: bool,
}

/// The most one task copies to or from a worker in a measurement. A scenario may name up to a
/// gigabyte per task; measuring that would make the page and its workers allocate gigabytes, so
/// larger payloads are capped here and the panel says so (`payload_capped`).
pub const MAX_PAYLOAD_BYTES: u64 = 4 * 1024 * 1024;

/// The most one message to or from a worker carries in all (a worker may run many tasks).
pub const MAX_MESSAGE_BYTES: u64 = 16 * 1024 * 1024;

/// A payload of `kb` model kilobytes at this time scale, capped at `MAX_PAYLOAD_BYTES`.
fn payload(kb: f64, scale: f64) -> u64 {
    ((kb * 1000.0 * scale).round().max(0.0) as u64).min(MAX_PAYLOAD_BYTES)
}

/// The bytes a whole message carries for these per-task payloads, capped at `MAX_MESSAGE_BYTES`.
pub fn message_bytes(payloads: impl Iterator<Item = u64>) -> u64 {
    payloads
        .fold(0u64, |sum, b| sum.saturating_add(b))
        .min(MAX_MESSAGE_BYTES)
}

/// True when a real measurement of `scenario` copies less than it names (the time scale only
/// ever shrinks payloads, so this holds whatever the scale).
pub fn payload_capped(scenario: &Scenario) -> bool {
    let limit = MAX_PAYLOAD_BYTES as f64;
    scenario
        .tasks
        .iter()
        .any(|t| t.send_kb * 1000.0 > limit || t.recv_kb * 1000.0 > limit)
}

/// Why a model is not measured, in words for the results table.
pub fn unmeasured_reason(model: ModelId) -> Option<&'static str> {
    match descriptor(model).measure {
        Measure::Unmeasured(reason) => Some(reason),
        _ => None,
    }
}

/// The time scale for a lesson: real ms per model ms, at most one, so that every measurable
/// model, `repeats` times, fits in `BUDGET_MS`. `makespans_ms` are the simulated totals.
pub fn scale(makespans_ms: &[f64], repeats: u32) -> f64 {
    let total: f64 = makespans_ms.iter().sum::<f64>() * f64::from(repeats.max(1));
    if total <= 0.0 {
        1.0
    } else {
        (BUDGET_MS / total).min(1.0)
    }
}

/// The work for `config` with one model millisecond lasting `scale` real milliseconds and the
/// kernel doing `iterations_per_ms` rounds per real millisecond. `None` if not measurable.
pub fn plan(
    scenario: &Scenario,
    config: &ModelConfig,
    scale: f64,
    iterations_per_ms: f64,
) -> Option<ModelPlan> {
    unmeasured_reason(config.id).is_none().then_some(())?;
    let iterations = |ms: f64| (ms * scale * iterations_per_ms).round().max(0.0) as u64;
    let task = |t: &crate::sim::Task, blocking_in_loop: bool| WorkTask {
        ops: t
            .steps
            .iter()
            .map(|s| match s.kind {
                StepKind::Cpu => Op::Python {
                    iterations: iterations(s.ms),
                },
                // Inside one event loop native code still blocks the loop.
                StepKind::NativeCpu if blocking_in_loop => Op::Python {
                    iterations: iterations(s.ms),
                },
                StepKind::NativeCpu => Op::Native {
                    iterations: iterations(s.ms),
                },
                StepKind::AwaitIo => Op::Timer { ms: s.ms * scale },
                StepKind::BlockingIo => Op::Block { ms: s.ms * scale },
            })
            .collect(),
        send_bytes: payload(t.send_kb, scale),
        recv_bytes: payload(t.recv_kb, scale),
    };
    let one_worker = |mode, in_loop| {
        vec![WorkerPlan {
            mode,
            tasks: scenario.tasks.iter().map(|t| task(t, in_loop)).collect(),
        }]
    };
    // A pool hands tasks out in order; round-robin gives each worker the same share.
    let pool = |n: usize, mode| {
        let n = n.clamp(1, MAX_WORKERS).min(scenario.tasks.len().max(1));
        let mut workers = vec![
            WorkerPlan {
                mode,
                tasks: Vec::new()
            };
            n
        ];
        for (i, t) in scenario.tasks.iter().enumerate() {
            workers[i % n].tasks.push(task(t, false));
        }
        workers
    };
    let d = descriptor(config.id);
    // The pool size the simulation uses, defaults included (an invalid config is not measured).
    let size = d
        .resolve(config, scenario.tasks.len(), scenario.runtime(), "model")
        .ok()?
        .workers;
    let (workers, fresh) = match d.measure {
        Measure::Unmeasured(_) => return None,
        Measure::Sequential => (one_worker(Mode::Sequential, false), false),
        Measure::Cooperative => (one_worker(Mode::Cooperative, true), false),
        Measure::Pool { locked, fresh } => {
            let mode = if locked {
                Mode::Locked
            } else {
                Mode::Sequential
            };
            (pool(size, mode), fresh)
        }
    };
    Some(ModelPlan {
        model: config.id,
        workers,
        fresh,
    })
}

/// Minimum, median and maximum of repeated measurements.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    pub min: f64,
    pub median: f64,
    pub max: f64,
}

impl Spread {
    pub fn of(samples: &[f64]) -> Option<Spread> {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        Some(Spread {
            min: sorted[0],
            median,
            max: sorted[n - 1],
        })
    }

    /// The same spread in another unit (real ms to model ms: divide by the scale).
    pub fn scaled(self, factor: f64) -> Spread {
        Spread {
            min: self.min * factor,
            median: self.median * factor,
            max: self.max * factor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::lessons;

    #[test]
    fn payloads_are_capped_per_task_and_per_message() {
        let mut scenario = lessons::by_id("cpu-processes").unwrap().scenario;
        scenario.tasks[0].send_kb = 5_800_000.0;
        assert!(payload_capped(&scenario));
        let config = ModelConfig::new(ModelId::Processes);
        let p = plan(&scenario, &config, 1.0, 1000.0).unwrap();
        let biggest = p
            .workers
            .iter()
            .flat_map(|w| &w.tasks)
            .map(|t| t.send_bytes.max(t.recv_bytes))
            .max()
            .unwrap();
        assert_eq!(biggest, MAX_PAYLOAD_BYTES);
        assert_eq!(
            message_bytes([MAX_PAYLOAD_BYTES; 10].into_iter()),
            MAX_MESSAGE_BYTES
        );
        assert!(!payload_capped(
            &lessons::by_id("cpu-processes").unwrap().scenario
        ));
    }

    fn lesson_plan(id: &str, model: ModelId) -> Option<ModelPlan> {
        let lesson = lessons::by_id(id).unwrap();
        let config = lesson
            .scenario
            .models
            .iter()
            .find(|m| m.id == model)
            .unwrap();
        plan(&lesson.scenario, config, 0.5, 1000.0)
    }

    #[test]
    fn sync_is_one_worker_in_order_and_asyncio_one_cooperative_worker() {
        let sync = lesson_plan("three-waits", ModelId::Sync).unwrap();
        assert_eq!(sync.workers.len(), 1);
        assert_eq!(sync.workers[0].mode, Mode::Sequential);
        assert_eq!(sync.workers[0].tasks.len(), 3);
        let aio = lesson_plan("three-waits", ModelId::Asyncio).unwrap();
        assert_eq!(aio.workers[0].mode, Mode::Cooperative);
        // Two model seconds at half scale: a one-second timer.
        assert_eq!(aio.workers[0].tasks[0].ops, vec![Op::Timer { ms: 1000.0 }]);
    }

    #[test]
    fn threads_share_a_lock_and_free_threads_do_not() {
        let threads = lesson_plan("cpu-threads-gil", ModelId::Threads).unwrap();
        assert_eq!(threads.workers.len(), 4);
        assert!(threads.workers.iter().all(|w| w.mode == Mode::Locked));
        let Op::Python { iterations } = threads.workers[0].tasks[0].ops[0] else {
            panic!("CPU work is Python");
        };
        assert!(iterations > 0);
        let free = lesson_plan("free-threaded", ModelId::ThreadsNogil).unwrap();
        assert!(free.workers.iter().all(|w| w.mode == Mode::Sequential));
        assert!(!free.fresh);
    }

    #[test]
    fn processes_start_fresh_workers_and_hybrid_is_not_measured() {
        let procs = lesson_plan("cpu-processes", ModelId::Processes).unwrap();
        assert!(procs.fresh);
        assert_eq!(procs.workers.len(), 4);
        assert!(lesson_plan("hybrid-executor", ModelId::Hybrid).is_none());
    }

    #[test]
    fn blocking_calls_block_and_native_code_blocks_only_inside_a_loop() {
        let blocking = lesson_plan("blocking-in-async", ModelId::Asyncio).unwrap();
        assert!(blocking.workers[0].tasks[0]
            .ops
            .iter()
            .any(|op| matches!(op, Op::Block { .. })));
        let native = lesson_plan("native-release", ModelId::Threads).unwrap();
        assert!(native.workers[0].tasks[0]
            .ops
            .iter()
            .any(|op| matches!(op, Op::Native { .. })));
    }

    #[test]
    fn big_pools_are_capped() {
        let ten = lesson_plan("ten-thousand", ModelId::Threads).unwrap();
        assert_eq!(ten.workers.len(), MAX_WORKERS);
        let tasks: usize = ten.workers.iter().map(|w| w.tasks.len()).sum();
        assert_eq!(tasks, 10_000);
    }

    #[test]
    fn the_scale_fits_the_budget_and_never_slows_down() {
        assert_eq!(scale(&[100.0], 3), 1.0);
        let s = scale(&[6000.0, 2000.0, 2000.0], 3);
        assert!((s * 30_000.0 - BUDGET_MS).abs() < 1e-6);
        assert_eq!(scale(&[], 3), 1.0);
    }

    #[test]
    fn spread_is_min_median_max() {
        let s = Spread::of(&[3.0, 1.0, 2.0, f64::NAN]).unwrap();
        assert_eq!((s.min, s.median, s.max), (1.0, 2.0, 3.0));
        assert_eq!(Spread::of(&[]), None);
        assert_eq!(s.scaled(2.0).max, 6.0);
    }
}
