//! Browser event plumbing as Yew hooks: the animation-frame clock, keyboard shortcuts, resizes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use super::state::Action;

/// The animation-frame callback, which must reach itself to ask for the next frame.
type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// A running animation-frame loop: `frame` is called with each frame's timestamp until the
/// loop is dropped. Dropping it cancels the frame already asked for, so a stopped loop costs
/// nothing from the next frame on (not even one empty callback).
pub struct FrameLoop {
    slot: FrameSlot,
    pending: Rc<Cell<Option<i32>>>,
}

impl FrameLoop {
    /// Starts asking for frames at once.
    pub fn start(mut frame: impl FnMut(f64) + 'static) -> Self {
        let slot: FrameSlot = Rc::new(RefCell::new(None));
        let pending = Rc::new(Cell::new(None));
        let (again, asked) = (slot.clone(), pending.clone());
        *slot.borrow_mut() = Some(Closure::new(move |now: f64| {
            asked.set(None);
            frame(now);
            asked.set(request_frame(again.borrow().as_ref()));
        }));
        pending.set(request_frame(slot.borrow().as_ref()));
        FrameLoop { slot, pending }
    }
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        if let (Some(id), Some(window)) = (self.pending.take(), web_sys::window()) {
            let _ = window.cancel_animation_frame(id);
        }
        // Break the closure's reference to itself so it can be freed (wasm-bindgen waits for
        // a call in progress to return); a callback that finds its slot empty asks for no
        // further frame.
        self.slot.borrow_mut().take();
    }
}

/// While `running`, calls `tick` with the real milliseconds since the previous animation frame.
/// When `running` turns false (paused, or the end reached) no further frame is asked for.
#[hook]
pub fn use_animation_frames(running: bool, tick: Callback<f64>) {
    use_effect_with(running, move |&running| {
        let frames = running.then(|| {
            let mut last = None::<f64>;
            FrameLoop::start(move |now| {
                let previous = last.replace(now);
                // The first frame has no predecessor; long gaps (a background tab) are capped.
                tick.emit(previous.map_or(0.0, |p| (now - p).min(100.0)));
            })
        });
        move || drop(frames)
    });
}

fn request_frame(closure: Option<&Closure<dyn FnMut(f64)>>) -> Option<i32> {
    let (window, closure) = (web_sys::window()?, closure?);
    window
        .request_animation_frame(closure.as_ref().unchecked_ref())
        .ok()
}

/// True while the element behind `node` is at least partly inside the viewport, as an
/// `IntersectionObserver` reports it (false until the first report, and where there is none).
#[hook]
pub fn use_on_screen(node: NodeRef) -> bool {
    let on_screen = use_state(|| false);
    {
        let on_screen = on_screen.clone();
        use_effect_with(node, move |node| {
            let report = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                // The latest entry is the element's current state.
                if let Some(entry) = entries
                    .iter()
                    .last()
                    .and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
                {
                    on_screen.set(entry.is_intersecting());
                }
            });
            let observer = web_sys::IntersectionObserver::new(report.as_ref().unchecked_ref()).ok();
            if let (Some(observer), Some(element)) = (&observer, node.cast::<web_sys::Element>()) {
                observer.observe(&element);
            }
            move || {
                if let Some(observer) = observer {
                    observer.disconnect();
                }
                drop(report);
            }
        });
    }
    *on_screen
}

/// What a key asks of the player.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyPress {
    Playback(Action),
    /// A presentation clicker's "next" (PageDown): in presentation mode the question's reveal
    /// comes first (`AppAction::PresenterNext`); elsewhere it steps forward.
    Next,
}

/// Maps a key to what it asks. Presentation clickers send PageUp and PageDown.
pub fn key_action(key: &str) -> Option<KeyPress> {
    match key {
        " " | "Spacebar" | "k" => Some(KeyPress::Playback(Action::TogglePlay)),
        "PageDown" => Some(KeyPress::Next),
        "ArrowRight" | "l" => Some(KeyPress::Playback(Action::StepForward)),
        "ArrowLeft" | "PageUp" | "j" => Some(KeyPress::Playback(Action::StepBack)),
        "Home" => Some(KeyPress::Playback(Action::Reset)),
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
        // A clicker's PageDown and PageUp drive the lesson even from a field just typed in (a
        // teacher's count of hands): no single-line field needs them.
        "input" | "select" if key == "PageDown" || key == "PageUp" => false,
        "input" | "select" | "textarea" => true,
        "button" => key == " " || key == "Enter",
        _ => false,
    };
    (!owned).then_some(key)
}

/// Sends playback actions for keys pressed anywhere on the page, except while a form control
/// that uses those keys itself (a slider, a select, a text field, a button for Space) has focus.
#[hook]
pub fn use_playback_keys(dispatch: Callback<KeyPress>) {
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
    use_media_query("(prefers-reduced-motion: reduce)")
}

/// True while the page's viewport is a phone's (`PHONE`, as in `static/style.css`).
#[hook]
pub fn use_phone() -> bool {
    use_media_query(PHONE)
}

/// The media query of the stylesheet's phone layout.
pub const PHONE: &str = "(max-width: 640px)";

/// Whether `query` matches now; a change re-renders.
#[hook]
pub fn use_media_query(query: &'static str) -> bool {
    let list = use_memo(query, |q| {
        web_sys::window().and_then(|w| w.match_media(q).ok().flatten())
    });
    let matches = use_state(|| list.as_ref().as_ref().is_some_and(|q| q.matches()));
    {
        let matches = matches.clone();
        use_effect_with(query, move |_| {
            let q = (*list).clone();
            let listener = Closure::<dyn FnMut(web_sys::MediaQueryListEvent)>::new(
                move |e: web_sys::MediaQueryListEvent| matches.set(e.matches()),
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
    *matches
}

/// `value`, or, while `on`, the value it had at most `every_ms` ago: what nobody can read at
/// sixty changes a second (the narration's sentence, the code's line) moves a few times a
/// second instead. A change that is held back is shown once its time has come, even if
/// nothing else re-renders the component then (a trailing timer asks for that render).
#[hook]
pub fn use_throttled<T: Clone + PartialEq + 'static>(value: T, on: bool, every_ms: u32) -> T {
    let held = use_mut_ref(|| (value.clone(), f64::NEG_INFINITY));
    let trailing = use_mut_ref(|| None::<gloo_timers::callback::Timeout>);
    let redraw = use_force_update();
    let now = js_sys::Date::now();
    let mut h = held.borrow_mut();
    let waited = now - h.1;
    if !on || waited >= f64::from(every_ms) {
        if h.0 != value {
            *h = (value.clone(), now);
        } else if !on {
            h.1 = f64::NEG_INFINITY;
        }
        trailing.borrow_mut().take();
    } else if h.0 != value && trailing.borrow().is_none() {
        let left = (f64::from(every_ms) - waited).max(0.0) as u32;
        let (trailing_in, redraw) = (trailing.clone(), redraw.clone());
        *trailing.borrow_mut() = Some(gloo_timers::callback::Timeout::new(left + 1, move || {
            trailing_in.borrow_mut().take();
            redraw.force_update();
        }));
    }
    h.0.clone()
}
