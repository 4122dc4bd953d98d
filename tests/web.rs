//! Browser tests (wasm-bindgen-test in headless Chromium): the canvas edge, the panic screen and
//! the worker client, in a page that is cross-origin isolated and, in a second run, not.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use concurrency_kitchen::bench::client::probe;
use concurrency_kitchen::bench::results::WorkerStatus;
use concurrency_kitchen::render::scene::draw_scene;
use concurrency_kitchen::render::timeline::LaneIndex;
use concurrency_kitchen::sim::{lessons, simulate};
use concurrency_kitchen::ui::canvas::{palette, CanvasPainter};
use concurrency_kitchen::ui::fatal;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let canvas: HtmlCanvasElement = document()
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    canvas
        .set_attribute(
            "style",
            &format!("width:{width}px;height:{height}px;display:block"),
        )
        .unwrap();
    document().body().unwrap().append_child(&canvas).unwrap();
    canvas
}

fn distinct_colours(canvas: &HtmlCanvasElement) -> usize {
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let data = ctx
        .get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64)
        .unwrap()
        .data();
    let mut seen: Vec<[u8; 3]> = data
        .chunks(4)
        .step_by(7)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    seen.sort();
    seen.dedup();
    seen.len()
}

#[wasm_bindgen_test]
fn a_scene_draws_real_pixels_at_device_resolution() {
    let lesson = lessons::by_id("three-waits").unwrap();
    let config = &lesson.scenario.models[0];
    let trace = simulate(&lesson.scenario, config).unwrap();
    let element = canvas(480, 260);
    // The size the page's ResizeObserver would report for this canvas.
    let size = (
        f64::from(element.client_width()),
        f64::from(element.client_height()),
    );
    assert_eq!(size, (480.0, 260.0));
    let mut painter = CanvasPainter::new(&element, size).expect("a laid-out canvas");
    let end = trace.stats.makespan;
    draw_scene(
        &mut painter,
        &trace,
        &LaneIndex::new(&trace),
        trace.event_at(end),
        end,
        end,
        &palette(),
    );
    let ratio = web_sys::window().unwrap().device_pixel_ratio().max(1.0);
    assert_eq!(element.width(), (480.0 * ratio).round() as u32);
    assert!(distinct_colours(&element) > 4, "the scene is not blank");
    element.remove();
}

#[wasm_bindgen_test]
fn an_unlaid_canvas_is_skipped_not_a_crash() {
    let element: HtmlCanvasElement = document()
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(CanvasPainter::new(&element, (0.0, 0.0)).is_none());
}

#[wasm_bindgen_test]
fn the_error_screen_shows_text_and_never_markup() {
    let hostile = "<img src=x onerror=alert(1)> boom";
    // A detached container stands in for the body, which the test runner itself uses.
    let container = document().create_element("div").unwrap();
    container.set_text_content(Some("the app was here"));
    fatal::show_in(&container, hostile);
    let pre = container
        .query_selector(".fatal pre")
        .unwrap()
        .expect("details shown");
    assert_eq!(pre.text_content().unwrap(), hostile);
    assert!(
        container.query_selector("img").unwrap().is_none(),
        "no element was injected"
    );
    assert!(
        !container
            .text_content()
            .unwrap()
            .contains("the app was here"),
        "the panel replaces the page"
    );
    let button = container
        .query_selector(".fatal button")
        .unwrap()
        .expect("a reload button");
    assert_eq!(button.text_content().unwrap(), "Reload");
}

#[wasm_bindgen_test]
async fn a_missing_worker_is_reported_calmly() {
    // The test server has no worker_loader.js, so this is the "workers unavailable" path.
    let seen: Rc<RefCell<Vec<WorkerStatus>>> = Rc::default();
    let log = seen.clone();
    let _probe = probe(move |s| log.borrow_mut().push(s));
    for _ in 0..100 {
        if seen
            .borrow()
            .iter()
            .any(|s| matches!(s, WorkerStatus::Unavailable { .. }))
        {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    let statuses = seen.borrow();
    assert!(
        statuses
            .iter()
            .any(|s| matches!(s, WorkerStatus::Unavailable { .. })),
        "{statuses:?}"
    );
}

#[wasm_bindgen_test]
fn isolation_is_reported_either_way() {
    // Both runs of this suite pass; the line says which one this is.
    let isolated = js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    console_log!("crossOriginIsolated = {isolated}");
    let shared =
        js_sys::Reflect::has(&js_sys::global(), &"SharedArrayBuffer".into()).unwrap_or(false);
    assert!(
        !isolated || shared,
        "an isolated page has SharedArrayBuffer"
    );
}
