//! The worker side of the measurement pipeline (wasm only): runs plans with pure kernels.

use std::cell::RefCell;
use std::hint::black_box;

use futures::future::join_all;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::kernel::spin;
use super::plan::{Mode, Op, WorkTask, WorkerPlan};
use super::protocol::{FromWorker, ToWorker, READY};

thread_local! {
    /// Resolves the wait for the lock when the page's arbiter grants it.
    static GRANT: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Installs the message handler, then announces readiness; the page waits for that before posting.
pub fn start() {
    let scope = scope();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let text = message_text(&event.data());
        match ToWorker::from_json(&text) {
            Ok(message) => handle(message),
            Err(detail) => post(&FromWorker::Error { detail }, None),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as its scope, so the handler must too.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}

/// The JSON of a message: either the data itself or, when a payload rides along, its first item.
pub fn message_text(data: &JsValue) -> String {
    data.as_string()
        .or_else(|| js_sys::Array::from(data).get(0).as_string())
        .unwrap_or_default()
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn now() -> f64 {
    scope().performance().map_or(0.0, |p| p.now())
}

/// Posts a reply; a payload of `bytes` is copied along by structured clone, as pickled data is.
fn post(reply: &FromWorker, bytes: Option<u64>) {
    let json = JsValue::from_str(&reply.to_json());
    // A page that has gone away cannot be told anything, so a failed post is not an error.
    let _ = match bytes {
        Some(n) if n > 0 => {
            let payload =
                js_sys::Uint8Array::new_with_length(n.min(super::plan::MAX_MESSAGE_BYTES) as u32);
            scope().post_message(&js_sys::Array::of2(&json, &payload))
        }
        _ => scope().post_message(&json),
    };
}

fn handle(message: ToWorker) {
    match message {
        ToWorker::Ping { id } => post(&FromWorker::Pong { id }, None),
        ToWorker::Spin { id, iterations } => {
            let started = now();
            let checksum = spin(iterations, u64::from(id));
            let elapsed_ms = now() - started;
            post(
                &FromWorker::Spun {
                    id,
                    elapsed_ms,
                    checksum,
                },
                None,
            );
        }
        ToWorker::Calibrate { id } => {
            let iterations_per_ms = calibrate();
            post(
                &FromWorker::Calibrated {
                    id,
                    iterations_per_ms,
                },
                None,
            );
        }
        ToWorker::Run {
            id,
            plan,
            chunk_iterations,
            atomics,
        } => spawn_local(async move {
            let started = now();
            let recv = super::plan::message_bytes(plan.tasks.iter().map(|t| t.recv_bytes));
            run(plan, chunk_iterations, atomics).await;
            post(
                &FromWorker::Done {
                    id,
                    elapsed_ms: now() - started,
                },
                Some(recv),
            );
        }),
        ToWorker::Granted => {
            if let Some(resolve) = GRANT.with(|g| g.borrow_mut().take()) {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
    }
}

/// Doubles the work until it takes long enough to time reliably, then divides.
fn calibrate() -> f64 {
    let mut iterations = 100_000u64;
    loop {
        let started = now();
        black_box(spin(iterations, 7));
        let elapsed = now() - started;
        if elapsed >= 60.0 || iterations >= 1 << 40 {
            return iterations as f64 / elapsed.max(0.001);
        }
        iterations *= 2;
    }
}

async fn run(plan: WorkerPlan, chunk: u64, atomics: bool) {
    match plan.mode {
        Mode::Sequential | Mode::Locked => {
            let locked = plan.mode == Mode::Locked;
            for task in &plan.tasks {
                run_task(task, locked, chunk, atomics).await;
            }
        }
        // asyncio: every task at once on this worker's event loop; only timers yield.
        Mode::Cooperative => {
            join_all(
                plan.tasks
                    .iter()
                    .map(|t| run_task(t, false, chunk, atomics)),
            )
            .await;
        }
    }
}

async fn run_task(task: &WorkTask, locked: bool, chunk: u64, atomics: bool) {
    for op in &task.ops {
        match *op {
            Op::Python { iterations } if locked => {
                // Like CPython's GIL: hold the lock for at most one switch interval at a time.
                let mut left = iterations;
                while left > 0 {
                    acquire().await;
                    let slice = left.min(chunk.max(1));
                    black_box(spin(slice, left));
                    left -= slice;
                    post(&FromWorker::Release, None);
                }
            }
            Op::Python { iterations } | Op::Native { iterations } => {
                black_box(spin(iterations, 1));
            }
            Op::Timer { ms } => TimeoutFuture::new(ms.round().max(0.0) as u32).await,
            Op::Block { ms } => block(ms, atomics),
        }
    }
}

/// Asks the page's arbiter for the lock and waits for it.
async fn acquire() {
    let granted = js_sys::Promise::new(&mut |resolve, _reject| {
        GRANT.with(|g| *g.borrow_mut() = Some(resolve));
    });
    post(&FromWorker::Acquire, None);
    let _ = JsFuture::from(granted).await;
}

/// Waits without letting this worker do anything else: `Atomics.wait` where the page is
/// cross-origin isolated (a real sleep), otherwise a busy wait (which also keeps a core busy).
fn block(ms: f64, atomics: bool) {
    if atomics {
        if let Ok(buffer) =
            js_sys::SharedArrayBuffer::new(4).dyn_into::<js_sys::SharedArrayBuffer>()
        {
            let cell = js_sys::Int32Array::new(&buffer);
            if js_sys::Atomics::wait_with_timeout(&cell, 0, 0, ms).is_ok() {
                return;
            }
        }
    }
    let until = now() + ms;
    while now() < until {
        std::hint::spin_loop();
    }
}
