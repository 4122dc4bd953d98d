//! The error screen: a Rust panic replaces the page with a readable message and a reload button.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Installs a panic hook that logs the panic and shows `show`'s screen.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&message));
        show(&message);
    }));
}

/// Replaces the page with an error panel.
pub fn show(message: &str) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        show_in(&body, message);
    }
}

/// Replaces the contents of `container` with the error panel. Built with DOM calls and
/// `textContent`, so the message can never inject markup.
pub fn show_in(container: &web_sys::Element, message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let build = || -> Result<web_sys::Element, JsValue> {
        let panel = document.create_element("div")?;
        panel.set_class_name("fatal");
        panel.set_attribute("role", "alert")?;
        let title = document.create_element("h1")?;
        title.set_text_content(Some("Something went wrong in the kitchen"));
        let hint = document.create_element("p")?;
        hint.set_text_content(Some(
            "Concurrency Kitchen hit an internal error. Reloading usually helps; if it happens again, \
             please report it with the details below.",
        ));
        let details = document.create_element("pre")?;
        details.set_text_content(Some(message));
        let button = document.create_element("button")?;
        button.set_class_name("btn primary");
        button.set_text_content(Some("Reload"));
        let reload = Closure::<dyn FnMut()>::new(|| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        button.add_event_listener_with_callback("click", reload.as_ref().unchecked_ref())?;
        reload.forget();
        for child in [&title, &hint, &details, &button] {
            panel.append_child(child)?;
        }
        Ok(panel)
    };
    if let Ok(panel) = build() {
        container.set_text_content(None);
        let _ = container.append_child(&panel);
    }
}
