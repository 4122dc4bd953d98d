//! The page side of the measurement pipeline (wasm only): spawns the worker binary and talks to it.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

use super::protocol::{FromWorker, ToWorker};
use super::results::WorkerStatus;

/// The loader script that Trunk writes beside the page for the `worker` binary, under its
/// unversioned name. A release build renames it with a content hash (scripts/release.mjs) and
/// names it in `<meta name="concurrency-kitchen-worker">`, which `spawn` prefers, so a page
/// always starts its own release's worker. Either is resolved against the document's base URL,
/// so the site works from any sub-path.
pub const WORKER_SCRIPT: &str = "worker_loader.js";

/// The meta tag that names this release's worker loader.
const WORKER_META: &str = "meta[name=\"concurrency-kitchen-worker\"]";

/// How long a worker may take to load its wasm and answer the first ping.
const PATIENCE_MS: u32 = 15_000;

/// A live worker and the handlers that keep it talking. Dropping it terminates the worker.
pub struct WorkerProbe {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    _deadline: Timeout,
}

impl Drop for WorkerProbe {
    fn drop(&mut self) {
        // An event already queued must find no handler rather than a dropped closure.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

thread_local! {
    /// What to do the first time this page spawns a worker (`probe_on_first_use`).
    static FIRST_USE: RefCell<Option<Box<dyn FnOnce()>>> = RefCell::new(None);
}

/// A probe that waits for the page's first worker: until something needs one ("Measure for
/// real", "Check my machine", "Run in a worker"), no worker script or wasm is fetched, so the
/// first load carries only the app. Dropping it forgets the wait, or ends the probe's worker.
pub struct FirstUse {
    probe: Rc<RefCell<Option<WorkerProbe>>>,
}

impl Drop for FirstUse {
    fn drop(&mut self) {
        FIRST_USE.with(|first| first.borrow_mut().take());
        self.probe.borrow_mut().take();
    }
}

/// Runs `probe(report)` just before the page spawns its first worker; until then the status
/// stays `NotStarted`.
pub fn probe_on_first_use(report: impl Fn(WorkerStatus) + 'static) -> FirstUse {
    let slot = Rc::new(RefCell::new(None));
    let probe_slot = slot.clone();
    FIRST_USE.with(|first| {
        *first.borrow_mut() = Some(Box::new(move || {
            // `probe` spawns a worker itself; the hook is already taken, so it runs once.
            let started = probe(report);
            *probe_slot.borrow_mut() = started;
        }))
    });
    FirstUse { probe: slot }
}

/// Spawns the worker, waits for its "ready", exchanges a ping and reports each stage.
pub fn probe(report: impl Fn(WorkerStatus) + 'static) -> Option<WorkerProbe> {
    let report: Rc<dyn Fn(WorkerStatus)> = Rc::new(report);
    let worker = match spawn() {
        Ok(worker) => worker,
        Err(reason) => {
            report(WorkerStatus::Unavailable { reason });
            return None;
        }
    };
    report(WorkerStatus::Starting);
    let settled = Rc::new(RefCell::new(false));
    let sent_at = Rc::new(RefCell::new(0.0));

    let on_message = {
        let (worker, report, settled, sent_at) = (
            worker.clone(),
            report.clone(),
            settled.clone(),
            sent_at.clone(),
        );
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let text = event.data().as_string().unwrap_or_default();
            match FromWorker::from_json(&text) {
                Ok(FromWorker::Ready) => {
                    *sent_at.borrow_mut() = now_ms();
                    let _ = worker
                        .post_message(&JsValue::from_str(&ToWorker::Ping { id: 1 }.to_json()));
                }
                Ok(FromWorker::Pong { .. }) => {
                    *settled.borrow_mut() = true;
                    report(WorkerStatus::Ready {
                        round_trip_ms: now_ms() - *sent_at.borrow(),
                    });
                }
                // Work replies belong to the measurement runner, not to this probe.
                Ok(
                    FromWorker::Spun { .. }
                    | FromWorker::Calibrated { .. }
                    | FromWorker::Acquire
                    | FromWorker::Release
                    | FromWorker::Done { .. },
                ) => {}
                Ok(FromWorker::Error { detail }) | Err(detail) => {
                    *settled.borrow_mut() = true;
                    report(WorkerStatus::Unavailable { reason: detail });
                }
            }
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));

    let on_error = {
        let (report, settled) = (report.clone(), settled.clone());
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            // A load failure is expected on locked-down hosts: note it quietly, never throw.
            event.prevent_default();
            *settled.borrow_mut() = true;
            report(WorkerStatus::Unavailable {
                reason: load_failure(&event),
            });
        })
    };
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));

    let deadline = Timeout::new(PATIENCE_MS, move || {
        if !*settled.borrow() {
            report(WorkerStatus::Unavailable {
                reason: "the worker did not answer in time".into(),
            });
        }
    });

    Some(WorkerProbe {
        worker,
        _on_message: on_message,
        _on_error: on_error,
        _deadline: deadline,
    })
}

/// Why a worker failed to load, from its error event: the browser's message when it gives one.
pub fn load_failure(event: &web_sys::Event) -> String {
    let detail = event
        .dyn_ref::<web_sys::ErrorEvent>()
        .map(|e| e.message())
        .filter(|m| !m.is_empty());
    match detail {
        Some(m) => format!("the worker script could not be loaded ({m})"),
        None => "the worker script could not be loaded".into(),
    }
}

/// This release's worker loader: the name in the page's meta tag if it is a plain file name.
fn worker_script(document: &web_sys::Document) -> String {
    document
        .query_selector(WORKER_META)
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .filter(|name| {
            name.ends_with("_loader.js")
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
        .unwrap_or_else(|| WORKER_SCRIPT.to_string())
}

/// Starts the worker binary; the script URL respects the document's base (sub-path hosting).
pub fn spawn() -> Result<Worker, String> {
    if let Some(first) = FIRST_USE.with(|first| first.borrow_mut().take()) {
        first();
    }
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let base = document.base_uri().ok().flatten().ok_or("no base URL")?;
    let url = web_sys::Url::new_with_base(&worker_script(&document), &base)
        .map_err(|_| "bad worker URL")?;
    Worker::new(&url.href()).map_err(|e| {
        e.as_string()
            .unwrap_or_else(|| "workers are not available in this page".into())
    })
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
