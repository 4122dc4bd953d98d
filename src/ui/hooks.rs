//! Browser event plumbing as Yew hooks: the animation-frame clock, keyboard shortcuts, resizes.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use super::state::Action;

/// The animation-frame callback, which must reach itself to ask for the next frame.
type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// While `running`, calls `tick` with the real milliseconds since the previous animation frame.
#[hook]
pub fn use_animation_frames(running: bool, tick: Callback<f64>) {
    use_effect_with(running, move |&running| {
        let alive = Rc::new(RefCell::new(running));
        if running {
            let frame: FrameSlot = Rc::new(RefCell::new(None));
            let last = Rc::new(RefCell::new(None::<f64>));
            let (again, still) = (frame.clone(), alive.clone());
            *frame.borrow_mut() = Some(Closure::new(move |now: f64| {
                if !*still.borrow() {
                    // Break the closure's reference to itself so it can be freed.
                    again.borrow_mut().take();
                    return;
                }
                let previous = last.borrow_mut().replace(now);
                // The first frame has no predecessor; long gaps (a background tab) are capped.
                tick.emit(previous.map_or(0.0, |p| (now - p).min(100.0)));
                request_frame(again.borrow().as_ref());
            }));
            request_frame(frame.borrow().as_ref());
        }
        move || *alive.borrow_mut() = false
    });
}

fn request_frame(closure: Option<&Closure<dyn FnMut(f64)>>) {
    if let (Some(window), Some(closure)) = (web_sys::window(), closure) {
        let _ = window.request_animation_frame(closure.as_ref().unchecked_ref());
    }
}

/// Maps a key to a playback action. Presentation clickers send PageUp and PageDown.
pub fn key_action(key: &str) -> Option<Action> {
    match key {
        " " | "Spacebar" | "k" => Some(Action::TogglePlay),
        "ArrowRight" | "PageDown" | "l" => Some(Action::StepForward),
        "ArrowLeft" | "PageUp" | "j" => Some(Action::StepBack),
        "Home" => Some(Action::Reset),
        _ => None,
    }
}

/// The key pressed, unless a modifier is held or a form control that uses the key itself (a
/// slider, a select, a text field, a button for Space and Enter) has focus: keys meant for the
/// whole page, for the player and the race lessons alike.
pub fn page_key(event: &KeyboardEvent) -> Option<String> {
    if event.ctrl_key() || event.meta_key() || event.alt_key() {
        return None;
    }
    let key = event.key();
    let tag = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|e| e.tag_name().to_ascii_lowercase())
        .unwrap_or_default();
    let owned = match tag.as_str() {
        "input" | "select" | "textarea" => true,
        "button" => key == " " || key == "Enter",
        _ => false,
    };
    (!owned).then_some(key)
}

/// Sends playback actions for keys pressed anywhere on the page, except while a form control
/// that uses those keys itself (a slider, a select, a text field, a button for Space) has focus.
#[hook]
pub fn use_playback_keys(dispatch: Callback<Action>) {
    use_effect_with((), move |_| {
        let listener = Closure::<dyn FnMut(KeyboardEvent)>::new(move |event: KeyboardEvent| {
            let Some(action) = page_key(&event).and_then(|k| key_action(&k)) else {
                return;
            };
            event.prevent_default();
            dispatch.emit(action);
        });
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(d) = &document {
            let _ =
                d.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(d) = document {
                let _ = d.remove_event_listener_with_callback(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
}

/// A counter that changes whenever the canvases may need redrawing at a new size or in new
/// colours: the window or the page's layout resized, the system colour scheme flipped, or the
/// theme or presentation mode changed on `<html>`.
#[hook]
pub fn use_layout_generation() -> u32 {
    let generation = use_state(|| 0u32);
    {
        let generation = generation.clone();
        use_effect_with((), move |_| {
            // The handle captured here never sees later values, so the closure keeps its own count.
            let mut count = 0;
            let bump = Closure::<dyn FnMut()>::new(move || {
                count += 1;
                generation.set(count);
            });
            let window = web_sys::window();
            let document = window.as_ref().and_then(|w| w.document());
            let scheme = window
                .as_ref()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
            let callback: &js_sys::Function = bump.as_ref().unchecked_ref();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback("resize", callback);
            }
            if let Some(q) = &scheme {
                let _ = q.add_event_listener_with_callback("change", callback);
            }
            let themes = web_sys::MutationObserver::new(callback).ok();
            if let (Some(observer), Some(root)) = (
                &themes,
                document.as_ref().and_then(|d| d.document_element()),
            ) {
                let options = web_sys::MutationObserverInit::new();
                options.set_attributes(true);
                let filter = js_sys::Array::of2(&"data-theme".into(), &"class".into());
                options.set_attribute_filter(&filter);
                let _ = observer.observe_with_options(&root, &options);
            }
            let sizes = web_sys::ResizeObserver::new(callback).ok();
            if let (Some(observer), Some(body)) = (&sizes, document.as_ref().and_then(|d| d.body()))
            {
                observer.observe(&body);
            }
            move || {
                let callback: &js_sys::Function = bump.as_ref().unchecked_ref();
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback("resize", callback);
                }
                if let Some(q) = scheme {
                    let _ = q.remove_event_listener_with_callback("change", callback);
                }
                if let Some(o) = themes {
                    o.disconnect();
                }
                if let Some(o) = sizes {
                    o.disconnect();
                }
            }
        });
    }
    *generation
}

/// True while the learner's system asks for reduced motion (it can change at any time).
#[hook]
pub fn use_reduced_motion() -> bool {
    let query = use_memo((), |_| {
        web_sys::window().and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
    });
    let reduced = use_state(|| query.as_ref().as_ref().is_some_and(|q| q.matches()));
    {
        let reduced = reduced.clone();
        use_effect_with((), move |_| {
            let q = (*query).clone();
            let listener = Closure::<dyn FnMut(web_sys::MediaQueryListEvent)>::new(
                move |e: web_sys::MediaQueryListEvent| reduced.set(e.matches()),
            );
            if let Some(q) = &q {
                let _ =
                    q.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(q) = q {
                    let _ = q.remove_event_listener_with_callback(
                        "change",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    *reduced
}
