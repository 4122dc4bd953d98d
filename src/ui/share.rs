//! Browser glue for sharing and showing: the theme on `<html>`, the address bar, the clipboard,
//! downloads, the embed's height reports, presentation mode and the offline
//! service worker. Autosave's storage calls are in `store`.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::embed::{self, RESIZE_MESSAGE};
use super::params::Theme;

fn root() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

/// Puts the theme on `<html data-theme>`; presentation mode always uses high contrast.
pub fn apply_theme(theme: Option<Theme>, present: bool) {
    let Some(root) = root() else { return };
    let theme = if present {
        Some(Theme::Contrast)
    } else {
        theme
    };
    let _ = match theme {
        Some(t) => root.set_attribute("data-theme", t.as_str()),
        None => root.remove_attribute("data-theme"),
    };
    let _ = if present {
        root.class_list().add_1("present")
    } else {
        root.class_list().remove_1("present")
    };
}

/// The page's own address with another query string.
pub fn url_with(query: &str) -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return query.to_string();
    };
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    format!("{origin}{path}{query}")
}

/// Shows a view in the address bar without adding a history entry.
pub fn replace_url(query: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(query));
    }
}

/// Copies text; `done(true)` once copied, `done(false)` if the clipboard refused.
pub fn copy(text: &str, done: impl Fn(bool) + 'static) {
    let Some(window) = web_sys::window() else {
        return done(false);
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::spawn_local(async move {
        done(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
    });
}

/// In an embed, reports the page's height to the host page whenever it changes.
#[hook]
pub fn use_height_reports(embed: bool) {
    use_effect_with(embed, move |&embed| {
        let mut cleanup: Option<(web_sys::ResizeObserver, Closure<dyn FnMut()>)> = None;
        if let (true, Some(window)) = (embed, web_sys::window()) {
            let in_frame = window.parent().ok().flatten().is_some_and(|p| p != window);
            if let (true, Some(body)) = (in_frame, window.document().and_then(|d| d.body())) {
                let report = Closure::<dyn FnMut()>::new(move || {
                    let Some(window) = web_sys::window() else {
                        return;
                    };
                    let height = window
                        .document()
                        .and_then(|d| d.document_element())
                        .map_or(0.0, |e| f64::from(e.scroll_height()));
                    let message = js_sys::Object::new();
                    let _ = js_sys::Reflect::set(&message, &"type".into(), &RESIZE_MESSAGE.into());
                    let _ = js_sys::Reflect::set(
                        &message,
                        &"height".into(),
                        &embed::clamp_height(height).into(),
                    );
                    if let Ok(Some(parent)) = window.parent() {
                        // The host checks our origin; the height is no secret, so any host may hear it.
                        let _ = parent.post_message(&message, "*");
                    }
                });
                if let Ok(observer) = web_sys::ResizeObserver::new(report.as_ref().unchecked_ref())
                {
                    observer.observe(&body);
                    cleanup = Some((observer, report));
                }
            }
        }
        move || {
            if let Some((observer, _report)) = cleanup {
                observer.disconnect();
            }
        }
    });
}

/// Presentation mode: F toggles it (and fullscreen), and the cursor hides after a moment still.
#[hook]
pub fn use_presentation(present: bool, embed: bool, toggle: Callback<()>) {
    // An embed belongs to its host page: presentation mode is not offered there.
    use_effect_with(embed, move |&embed| {
        let keys =
            Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                let typing = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|el| {
                        matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                    });
                if !embed
                    && (e.key() == "f" || e.key() == "F")
                    && !typing
                    && !e.ctrl_key()
                    && !e.meta_key()
                    && !e.alt_key()
                {
                    e.prevent_default();
                    toggle.emit(());
                }
            });
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(d) = &document {
            let _ = d.add_event_listener_with_callback("keydown", keys.as_ref().unchecked_ref());
        }
        move || {
            if let Some(d) = document {
                let _ =
                    d.remove_event_listener_with_callback("keydown", keys.as_ref().unchecked_ref());
            }
        }
    });
    use_effect_with(present, move |&present| {
        let timer: Rc<RefCell<Option<Timeout>>> = Rc::default();
        let moved = Closure::<dyn FnMut()>::new({
            let timer = timer.clone();
            move || {
                let Some(html) = root() else { return };
                let _ = html.class_list().remove_1("cursor-idle");
                let later = Timeout::new(2500, move || {
                    if let Some(html) = root() {
                        let _ = html.class_list().add_1("cursor-idle");
                    }
                });
                *timer.borrow_mut() = Some(later);
            }
        });
        let document = web_sys::window().and_then(|w| w.document());
        if let (true, Some(d)) = (present, &document) {
            let _ = d.add_event_listener_with_callback("mousemove", moved.as_ref().unchecked_ref());
            let _ = moved
                .as_ref()
                .unchecked_ref::<js_sys::Function>()
                .call0(&JsValue::NULL);
        }
        move || {
            timer.borrow_mut().take();
            if let Some(d) = document {
                let _ = d.remove_event_listener_with_callback(
                    "mousemove",
                    moved.as_ref().unchecked_ref(),
                );
            }
            if let Some(root) = root() {
                let _ = root.class_list().remove_1("cursor-idle");
            }
        }
    });
}

/// Enters or leaves fullscreen with presentation mode (it needs the click or key press that
/// asked for it, so a `?present=1` link presents without going fullscreen).
pub fn set_fullscreen(on: bool) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if on {
        if let Some(root) = document.document_element() {
            let _ = root.request_fullscreen();
        }
    } else if document.fullscreen_element().is_some() {
        document.exit_fullscreen();
    }
}

/// Offers `text` as a file download.
pub fn download(name: &str, mime: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Registers the offline service worker (static/sw.js) for classrooms with poor Wi-Fi. Its URL
/// is relative, so it works from any sub-path; embeds and `file://` pages skip it.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let secure = window
        .location()
        .protocol()
        .is_ok_and(|p| p == "https:" || p == "http:");
    let has = js_sys::Reflect::has(&window.navigator(), &"serviceWorker".into()).unwrap_or(false);
    if secure && has {
        let promise = window.navigator().service_worker().register("sw.js");
        // A refused registration (a captive portal answering sw.js with its page, a browser
        // policy) only means no offline mode: handled here, so it is no uncaught rejection.
        // Once registered, ask for the newest release at once rather than when the browser
        // next thinks of it, so a new release is stored on the first visit after it ships.
        wasm_bindgen_futures::spawn_local(async move {
            let Ok(registration) = wasm_bindgen_futures::JsFuture::from(promise).await else {
                return;
            };
            let registration: web_sys::ServiceWorkerRegistration = registration.unchecked_into();
            if let Ok(update) = registration.update() {
                let _ = wasm_bindgen_futures::JsFuture::from(update).await;
            }
        });
    }
}
