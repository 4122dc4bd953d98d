//! The page side of real measurements (wasm only): worker pools, the lock arbiter, calibration,
//! each model's measurement and the machine check.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

use super::client::spawn;
use super::plan::{self, Mode, ModelPlan, Op, Spread, WorkTask, WorkerPlan, SWITCH_INTERVAL_MS};
use super::protocol::{FromWorker, ToWorker};
use super::results::{HostProfile, ModelResult, Report};
use super::worker::message_text;
use crate::sim::{ModelConfig, Scenario};

/// Set to stop a measurement between two waits; its workers are then terminated.
pub type Cancel = Rc<Cell<bool>>;

/// True when the page is cross-origin isolated (so `SharedArrayBuffer` and `Atomics.wait` work).
pub fn isolated() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[derive(Default)]
struct Inbox {
    ready: usize,
    ready_at: Vec<f64>,
    done: usize,
    calibrated: Option<f64>,
    /// The lock arbiter: who holds the lock and who waits for it, first come first served.
    holder: Option<usize>,
    queue: VecDeque<usize>,
    error: Option<String>,
    wake: Option<js_sys::Function>,
}

type Handler = Closure<dyn FnMut(MessageEvent)>;
type ErrorHandler = Closure<dyn FnMut(web_sys::Event)>;

/// Workers that answer into one inbox. Dropping the pool terminates them.
struct Pool {
    workers: Vec<Worker>,
    inbox: Rc<RefCell<Inbox>>,
    spawned_at: f64,
    _handlers: Vec<(Handler, ErrorHandler)>,
}

impl Drop for Pool {
    fn drop(&mut self) {
        // The handlers go with the pool: an event already queued (another worker's failure
        // to load) must find none, not a dropped closure.
        for w in &self.workers {
            w.set_onmessage(None);
            w.set_onerror(None);
            w.terminate();
        }
    }
}

fn send(worker: &Worker, message: &ToWorker, payload: u64) {
    let json = JsValue::from_str(&message.to_json());
    let _ = if payload > 0 {
        let bytes =
            js_sys::Uint8Array::new_with_length(payload.min(plan::MAX_MESSAGE_BYTES) as u32);
        worker.post_message(&js_sys::Array::of2(&json, &bytes))
    } else {
        worker.post_message(&json)
    };
}

impl Pool {
    fn spawn(n: usize) -> Result<Pool, String> {
        let spawned_at = now();
        let workers = (0..n).map(|_| spawn()).collect::<Result<Vec<_>, _>>()?;
        let inbox = Rc::new(RefCell::new(Inbox {
            ready_at: vec![0.0; n],
            ..Inbox::default()
        }));
        let mut handlers = Vec::new();
        for (i, worker) in workers.iter().enumerate() {
            let (all, inbox_m) = (workers.clone(), inbox.clone());
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let mut b = inbox_m.borrow_mut();
                match FromWorker::from_json(&message_text(&event.data())) {
                    Ok(FromWorker::Ready) => {
                        b.ready += 1;
                        b.ready_at[i] = now();
                    }
                    Ok(FromWorker::Calibrated {
                        iterations_per_ms, ..
                    }) => b.calibrated = Some(iterations_per_ms),
                    Ok(FromWorker::Acquire) => {
                        if b.holder.is_none() {
                            b.holder = Some(i);
                            send(&all[i], &ToWorker::Granted, 0);
                        } else {
                            b.queue.push_back(i);
                        }
                    }
                    Ok(FromWorker::Release) => {
                        b.holder = b.queue.pop_front();
                        if let Some(next) = b.holder {
                            send(&all[next], &ToWorker::Granted, 0);
                        }
                    }
                    Ok(FromWorker::Done { .. }) => b.done += 1,
                    Ok(FromWorker::Pong { .. } | FromWorker::Spun { .. }) => {}
                    Ok(FromWorker::Error { detail }) | Err(detail) => b.error = Some(detail),
                }
                if let Some(wake) = b.wake.take() {
                    drop(b);
                    let _ = wake.call0(&JsValue::NULL);
                }
            });
            let inbox_e = inbox.clone();
            let on_error =
                Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                    event.prevent_default();
                    let mut b = inbox_e.borrow_mut();
                    b.error = Some(super::client::load_failure(&event));
                    // Wake the waiting measurement now rather than at its next nudge.
                    if let Some(wake) = b.wake.take() {
                        drop(b);
                        let _ = wake.call0(&JsValue::NULL);
                    }
                });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            handlers.push((on_message, on_error));
        }
        Ok(Pool {
            workers,
            inbox,
            spawned_at,
            _handlers: handlers,
        })
    }

    /// Waits until `done` holds, a worker fails, the measurement is cancelled or time runs out.
    async fn until(
        &self,
        cancel: &Cancel,
        timeout_ms: f64,
        done: impl Fn(&Inbox) -> bool,
    ) -> Result<(), String> {
        let deadline = now() + timeout_ms;
        loop {
            if let Some(e) = &self.inbox.borrow().error {
                return Err(e.clone());
            }
            if done(&self.inbox.borrow()) {
                return Ok(());
            }
            if cancel.get() {
                return Err("cancelled".into());
            }
            if now() > deadline {
                return Err("a worker did not answer in time".into());
            }
            let promise = js_sys::Promise::new(&mut |resolve, _| {
                self.inbox.borrow_mut().wake = Some(resolve)
            });
            // A periodic nudge notices cancellation and deadlines between messages.
            let wake = self.inbox.borrow().wake.clone();
            let _nudge = Timeout::new(100, move || {
                if let Some(f) = wake {
                    let _ = f.call0(&JsValue::NULL);
                }
            });
            let _ = JsFuture::from(promise).await;
        }
    }

    /// Waits for every worker's "ready" and returns each one's start-up time.
    async fn ready(&self, cancel: &Cancel) -> Result<Vec<f64>, String> {
        let n = self.workers.len();
        self.until(cancel, 20_000.0, |b| b.ready == n).await?;
        Ok(self
            .inbox
            .borrow()
            .ready_at
            .iter()
            .map(|t| t - self.spawned_at)
            .collect())
    }

    async fn calibrate(&self, cancel: &Cancel) -> Result<f64, String> {
        send(&self.workers[0], &ToWorker::Calibrate { id: 0 }, 0);
        self.until(cancel, 20_000.0, |b| b.calibrated.is_some())
            .await?;
        Ok(self.inbox.borrow().calibrated.unwrap_or(1.0))
    }

    /// Gives `plans[i]` to worker `i`, waits for all, and returns the page's elapsed time.
    async fn run(
        &self,
        plans: &[WorkerPlan],
        chunk: u64,
        cancel: &Cancel,
        timeout_ms: f64,
    ) -> Result<f64, String> {
        {
            let mut b = self.inbox.borrow_mut();
            b.done = 0;
            b.holder = None;
            b.queue.clear();
        }
        let started = now();
        for (i, plan) in plans.iter().enumerate() {
            let payload = plan::message_bytes(plan.tasks.iter().map(|t| t.send_bytes));
            let message = ToWorker::Run {
                id: i as u32,
                plan: plan.clone(),
                chunk_iterations: chunk,
                atomics: isolated(),
            };
            send(&self.workers[i], &message, payload);
        }
        let n = plans.len();
        self.until(cancel, timeout_ms, |b| b.done == n).await?;
        Ok(now() - started)
    }
}

/// Measures every model of a lesson `repeats` times. `makespans_ms` are the simulated totals,
/// used to size the time scale and the timeouts. `progress` hears what is happening.
pub async fn measure(
    scenario: &Scenario,
    models: &[(ModelConfig, f64)],
    repeats: u32,
    cancel: &Cancel,
    progress: &dyn Fn(String),
) -> Result<Report, String> {
    progress("Calibrating the CPU kernel…".into());
    let calibrator = Pool::spawn(1)?;
    calibrator.ready(cancel).await?;
    let per_ms = calibrator.calibrate(cancel).await?;
    drop(calibrator);

    let measurable: Vec<f64> = models
        .iter()
        .filter(|(c, _)| plan::unmeasured_reason(c.id).is_none())
        .map(|(_, ms)| *ms)
        .collect();
    let scale = plan::scale(&measurable, repeats);
    let chunk = (SWITCH_INTERVAL_MS * per_ms).round() as u64;
    let mut results = Vec::new();
    for (config, simulated_ms) in models {
        let Some(plan) = plan::plan(scenario, config, scale, per_ms) else {
            results.push(ModelResult {
                model: config.id,
                spread: None,
                note: plan::unmeasured_reason(config.id),
            });
            continue;
        };
        // Generous: locks, payloads and busy waits on a loaded machine can take several times
        // the simulated time, but a hung worker must not hang the page.
        let timeout = simulated_ms * scale * 6.0 + 10_000.0;
        let mut samples = Vec::new();
        let warm = if plan.fresh {
            None
        } else {
            Some(warm_pool(&plan, cancel).await?)
        };
        for r in 0..repeats {
            progress(format!(
                "Measuring {} ({} of {repeats})…",
                config.id.as_str(),
                r + 1
            ));
            let real = match &warm {
                Some(pool) => pool.run(&plan.workers, chunk, cancel, timeout).await?,
                None => fresh_run(&plan, chunk, cancel, timeout).await?,
            };
            samples.push(real);
        }
        results.push(ModelResult {
            model: config.id,
            spread: Spread::of(&samples).map(|s| s.scaled(1.0 / scale)),
            note: None,
        });
    }
    Ok(Report {
        scale,
        atomics: isolated(),
        models: results,
    })
}

async fn warm_pool(plan: &ModelPlan, cancel: &Cancel) -> Result<Pool, String> {
    let pool = Pool::spawn(plan.workers.len())?;
    pool.ready(cancel).await?;
    Ok(pool)
}

/// Processes: new workers every time, so their real start-up counts, as a new pool's does.
async fn fresh_run(
    plan: &ModelPlan,
    chunk: u64,
    cancel: &Cancel,
    timeout: f64,
) -> Result<f64, String> {
    let started = now();
    let pool = Pool::spawn(plan.workers.len())?;
    pool.ready(cancel).await?;
    pool.run(&plan.workers, chunk, cancel, timeout).await?;
    Ok(now() - started)
}

/// The smallest step `performance.now()` shows here (browsers coarsen it for privacy).
pub fn timer_resolution_ms() -> f64 {
    let mut best = f64::INFINITY;
    let mut last = now();
    for _ in 0..20_000 {
        let t = now();
        if t > last {
            best = best.min(t - last);
            last = t;
        }
    }
    if best.is_finite() {
        best
    } else {
        0.0
    }
}

/// Measures effective parallelism: the same CPU job on one worker, then on several at once.
pub async fn machine(cancel: &Cancel, progress: &dyn Fn(String)) -> Result<HostProfile, String> {
    let hardware_concurrency =
        web_sys::window().map_or(1, |w| w.navigator().hardware_concurrency() as u32);
    let n = (hardware_concurrency as usize).clamp(2, 4);
    progress(format!("Starting {n} workers…"));
    let pool = Pool::spawn(n)?;
    let startups = pool.ready(cancel).await?;
    let startup_ms = startups.iter().sum::<f64>() / startups.len() as f64;
    let per_ms = pool.calibrate(cancel).await?;
    let job = |_| WorkerPlan {
        mode: Mode::Sequential,
        tasks: vec![WorkTask {
            ops: vec![Op::Native {
                iterations: (300.0 * per_ms) as u64,
            }],
            ..WorkTask::default()
        }],
    };
    progress("Timing one worker…".into());
    let one = pool.run(&[job(0)], 0, cancel, 30_000.0).await?;
    progress(format!("Timing {n} workers at once…"));
    let plans: Vec<WorkerPlan> = (0..n).map(job).collect();
    let all = pool.run(&plans, 0, cancel, 60_000.0).await?;
    Ok(HostProfile {
        hardware_concurrency,
        isolated: isolated(),
        timer_resolution_ms: timer_resolution_ms(),
        speedup: (n as f64 * one / all.max(0.001)).clamp(0.5, n as f64),
        workers: n,
        startup_ms,
    })
}

/// Runs the CPU kernel in a fresh worker for about `ms` milliseconds (the "run in a worker"
/// half of the event-loop demo); resolves when it is done.
pub async fn spin_in_worker(ms: f64, cancel: &Cancel) -> Result<f64, String> {
    let pool = Pool::spawn(1)?;
    pool.ready(cancel).await?;
    let per_ms = pool.calibrate(cancel).await?;
    let plan = WorkerPlan {
        mode: Mode::Sequential,
        tasks: vec![WorkTask {
            ops: vec![Op::Native {
                iterations: (ms * per_ms) as u64,
            }],
            ..WorkTask::default()
        }],
    };
    pool.run(&[plan], 0, cancel, ms * 10.0 + 10_000.0).await
}
