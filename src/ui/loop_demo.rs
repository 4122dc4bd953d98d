//! The page's own event loop: a dot animated every frame, frozen by CPU work on the main thread
//! and untouched by the same work in a worker, with the longest frame gap measured.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::bench::kernel::spin;
use crate::bench::runner::{self, now};

use super::hooks::{use_on_screen, use_reduced_motion, FrameLoop};

/// How long the deliberate block lasts. Bounded: this is the only thing allowed to hang the page.
pub const BLOCK_MS: f64 = 1000.0;

/// Frame timestamps, shared between the animation loop and the buttons.
#[derive(Default)]
struct Frames {
    last: Option<f64>,
    longest_gap: f64,
}

#[function_component(LoopDemo)]
pub fn loop_demo() -> Html {
    let dot = use_node_ref();
    let frames = use_mut_ref(Frames::default);
    let result = use_state(|| None::<(String, f64)>);
    let busy = use_state(|| false);

    // The animation: a dot crossing its track every two seconds, moved straight in the DOM so
    // that nothing but a busy main thread can stop it. It asks for frames only while they show
    // something (the card on screen, motion welcome) or measure something (a demo running):
    // an idle page does no work per frame.
    let card = use_node_ref();
    let on_screen = use_on_screen(card.clone());
    let reduced = use_reduced_motion();
    let moving = on_screen && !reduced;
    {
        let (dot, frames) = (dot.clone(), frames.clone());
        use_effect_with((moving || *busy, moving), move |&(running, moving)| {
            let animation = running.then(|| {
                // A loop that starts again measures gaps from its own first frame, not from
                // the last frame before it rested.
                frames.borrow_mut().last = None;
                FrameLoop::start(move |t| {
                    // The callback's own clock, not the frame's timestamp: a frame begun during
                    // a freeze carries a time from before the freeze ended.
                    let at = now();
                    {
                        let mut f = frames.borrow_mut();
                        if let Some(last) = f.last {
                            f.longest_gap = f.longest_gap.max(at - last);
                        }
                        f.last = Some(at);
                    }
                    if moving {
                        if let Some(el) = dot.cast::<web_sys::HtmlElement>() {
                            let _ = el.style().set_property("left", &dot_left(t));
                        }
                    }
                })
            });
            move || drop(animation)
        });
    }

    let reset = {
        let frames = frames.clone();
        move || {
            // The last frame before the work stays: the gap it starts is the one to measure.
            // If the loop has not drawn a frame yet (it starts with the demo when the card is
            // off screen, and a busy machine may not paint within the 50 ms head start), the
            // gap starts now, or a freeze before the first frame would go unmeasured.
            let mut f = frames.borrow_mut();
            f.longest_gap = 0.0;
            f.last.get_or_insert_with(now);
        }
    };
    let report_after = {
        let (frames, result, busy) = (frames.clone(), result.clone(), busy.clone());
        move |label: &'static str| {
            // Wait for a few frames so the gap that ends at the next frame is counted.
            let (frames, result, busy) = (frames.clone(), result.clone(), busy.clone());
            Timeout::new(150, move || {
                let gap = frames.borrow().longest_gap;
                result.set(Some((label.to_string(), gap)));
                busy.set(false);
            })
            .forget();
        }
    };

    let block = {
        let (reset, report_after, busy) = (reset.clone(), report_after.clone(), busy.clone());
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            let (reset, report_after) = (reset.clone(), report_after.clone());
            // Let the "busy" state paint first, then freeze the main thread on purpose.
            Timeout::new(50, move || {
                reset();
                let until = now() + BLOCK_MS;
                let mut seed = 1;
                while now() < until {
                    seed = spin(20_000, seed);
                }
                report_after("Blocked the page");
            })
            .forget();
        })
    };
    let in_worker = {
        let (reset, report_after, busy, result) = (
            reset.clone(),
            report_after.clone(),
            busy.clone(),
            result.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            let (reset, report_after, busy, result) = (
                reset.clone(),
                report_after.clone(),
                busy.clone(),
                result.clone(),
            );
            spawn_local(async move {
                let never: runner::Cancel = Rc::new(Cell::new(false));
                reset();
                match runner::spin_in_worker(BLOCK_MS, &never).await {
                    Ok(_) => report_after("Ran in a worker"),
                    Err(e) => {
                        result.set(Some((
                            format!("Workers are not available here ({e})"),
                            f64::NAN,
                        )));
                        busy.set(false);
                    }
                }
            });
        })
    };

    let message = result.as_ref().map(|(label, gap)| {
        let verdict = if gap.is_nan() {
            String::new()
        } else if *gap >= BLOCK_MS * 0.5 {
            format!(": the longest frame gap was {gap:.0} ms. Nothing moved, exactly like an event loop stuck in a CPU step.")
        } else {
            format!(": the longest frame gap was {gap:.0} ms. The page kept running, like a loop that hands CPU work to a process pool.")
        };
        (format!("{label}{verdict}"), *gap)
    });

    html! {
        <section class="card loop-demo" aria-labelledby="loop-title" ref={card}>
            <h2 id="loop-title">{ "This page's own event loop" }</h2>
            <p class="hint">{ "The browser runs this page on one event loop, as asyncio does. The dot moves on every frame." }</p>
            <div class="track" aria-hidden="true"><span class="dot" ref={dot}></span></div>
            <div class="measure-actions">
                <button type="button" class="btn" onclick={block} disabled={*busy}>{ "Block the page (1 s)" }</button>
                <button type="button" class="btn" onclick={in_worker} disabled={*busy}>{ "Run in a worker" }</button>
            </div>
            if let Some((text, gap)) = message {
                <p id="loop-gap" data-gap-ms={format!("{gap:.1}")} role="status">{ text }</p>
            }
        </section>
    }
}

/// Where the dot is at frame time `t` (ms): across its track and back every two seconds.
fn dot_left(t: f64) -> String {
    let phase = (t % 2000.0) / 2000.0;
    let x = if phase < 0.5 {
        phase * 2.0
    } else {
        2.0 - phase * 2.0
    };
    format!("calc({:.2}% - {:.2}em)", x * 100.0, x * 1.2)
}
