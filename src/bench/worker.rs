//! The worker side of the measurement pipeline (wasm only): it answers the page with pure kernels.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::kernel::spin;
use super::protocol::{FromWorker, ToWorker, READY};

/// Installs the message handler, then announces readiness; the page waits for that before posting.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let reply = match event.data().as_string() {
            Some(text) => answer(&replies, &text),
            None => FromWorker::Error {
                detail: "expected a JSON string".into(),
            },
        };
        // A page that has gone away cannot be told anything, so a failed post is not an error.
        let _ = replies.post_message(&JsValue::from_str(&reply.to_json()));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as its scope, so the handler must too.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}

fn answer(scope: &DedicatedWorkerGlobalScope, text: &str) -> FromWorker {
    match ToWorker::from_json(text) {
        Ok(ToWorker::Ping { id }) => FromWorker::Pong { id },
        Ok(ToWorker::Spin { id, iterations }) => {
            let clock = scope.performance();
            let now = || clock.as_ref().map_or(0.0, |p| p.now());
            let started = now();
            let checksum = spin(iterations, u64::from(id));
            FromWorker::Spun {
                id,
                elapsed_ms: now() - started,
                checksum,
            }
        }
        Err(detail) => FromWorker::Error { detail },
    }
}
