//! The one module that touches a 2D canvas: `Painter` for `CanvasRenderingContext2d`, HiDPI-aware.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use crate::render::{Align, Font, Painter, Palette, Pattern};

/// A canvas prepared for one frame: backing store sized to its CSS box times `devicePixelRatio`.
pub struct CanvasPainter {
    ctx: CanvasRenderingContext2d,
    width: f64,
    height: f64,
    /// Device pixels per CSS pixel (patterns are drawn in device pixels, to stay sharp).
    ratio: f64,
    /// The context's font, fill colour and text alignment as last set: setting them again
    /// makes the canvas parse them again, which was much of a frame's text cost.
    font: Cell<Option<(bool, u32)>>,
    fill: String,
    align: Option<Align>,
    cuts: Vec<String>,
    /// The smallest text drawn this frame, in CSS pixels.
    min_text: f64,
}

impl CanvasPainter {
    /// Resizes the backing store if the element's size (`width` x `height` CSS pixels, as
    /// `use_canvas_size` last saw it) or the pixel ratio changed, then scales the context so
    /// that drawing happens in CSS pixels. `None` if the canvas is not laid out.
    pub fn new(canvas: &HtmlCanvasElement, (width, height): (f64, f64)) -> Option<Self> {
        let ratio = web_sys::window()
            .map_or(1.0, |w| w.device_pixel_ratio())
            .max(1.0);
        if width < 1.0 || height < 1.0 {
            return None;
        }
        let (pw, ph) = (
            (width * ratio).round() as u32,
            (height * ratio).round() as u32,
        );
        if canvas.width() != pw || canvas.height() != ph {
            canvas.set_width(pw);
            canvas.set_height(ph);
        }
        let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0).ok()?;
        ctx.set_text_baseline("middle");
        Some(CanvasPainter {
            ctx,
            width,
            height,
            ratio,
            font: Cell::new(None),
            fill: String::new(),
            align: None,
            cuts: Vec::new(),
            min_text: f64::INFINITY,
        })
    }
}

impl Painter for CanvasPainter {
    fn size(&self) -> (f64, f64) {
        (self.width, self.height)
    }

    fn clear(&mut self, color: &str) {
        self.set_fill(color);
        self.ctx.fill_rect(0.0, 0.0, self.width, self.height);
    }

    fn clear_transparent(&mut self) {
        self.ctx.clear_rect(0.0, 0.0, self.width, self.height);
    }

    fn fill_rect(&mut self, x: f64, y: f64, w: f64, h: f64, color: &str) {
        self.set_fill(color);
        self.ctx.fill_rect(x, y, w, h);
    }

    fn pattern_rect(&mut self, x: f64, y: f64, w: f64, h: f64, pattern: Pattern, color: &str) {
        if pattern == Pattern::Solid {
            return;
        }
        // A tile per pattern, colour and pixel ratio, made once and repeated: one fill per
        // rectangle instead of a path of stripes. Filled in device pixels, so it stays sharp.
        // The tile carries its own transparency and its own scale (device pixels), so a
        // patterned rectangle is one fill: no change of alpha or transform per rectangle.
        let Some(tile) = pattern_tile(pattern, color, self.ratio) else {
            return;
        };
        self.ctx.set_fill_style_canvas_pattern(&tile);
        self.ctx.fill_rect(x, y, w, h);
        // The fill style is now the pattern: the next colour must be set again.
        self.fill.clear();
    }

    fn stroke_rect(&mut self, x: f64, y: f64, w: f64, h: f64, color: &str, width: f64) {
        self.ctx.set_stroke_style_str(color);
        self.ctx.set_line_width(width);
        self.ctx.stroke_rect(x, y, w, h);
    }

    fn round_rect(&mut self, x: f64, y: f64, w: f64, h: f64, r: f64, fill: &str) {
        self.set_fill(fill);
        let ctx = &self.ctx;
        let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
        ctx.begin_path();
        ctx.move_to(x + r, y);
        ctx.arc_to(x + w, y, x + w, y + h, r).ok();
        ctx.arc_to(x + w, y + h, x, y + h, r).ok();
        ctx.arc_to(x, y + h, x, y, r).ok();
        ctx.arc_to(x, y, x + w, y, r).ok();
        ctx.close_path();
        ctx.fill();
    }

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, color: &str, width: f64) {
        let ctx = &self.ctx;
        ctx.set_stroke_style_str(color);
        ctx.set_line_width(width);
        ctx.begin_path();
        ctx.move_to(x1, y1);
        ctx.line_to(x2, y2);
        ctx.stroke();
    }

    fn circle(&mut self, cx: f64, cy: f64, r: f64, fill: &str) {
        self.set_fill(fill);
        let ctx = &self.ctx;
        ctx.begin_path();
        ctx.arc(cx, cy, r.max(0.0), 0.0, std::f64::consts::TAU).ok();
        ctx.fill();
    }

    fn text(&mut self, x: f64, y: f64, text: &str, font: Font, color: &str, align: Align) {
        // What the text covers, measured: a text past the canvas's edge is a cut label.
        let width = self.measure(text, font.bold, font.px);
        let key = (font.bold, (font.px * 10.0).round() as u32);
        if self.font.get() != Some(key) {
            self.ctx.set_font(&font_css(font.bold, font.px));
            self.font.set(Some(key));
        }
        let left = match align {
            Align::Left => x,
            Align::Center => x - width / 2.0,
            Align::Right => x - width,
        };
        if left < -0.5 || left + width > self.width + 0.5 {
            self.cuts.push(text.to_string());
        }
        self.min_text = self.min_text.min(font.px);
        self.set_fill(color);
        if self.align != Some(align) {
            self.ctx.set_text_align(match align {
                Align::Left => "left",
                Align::Center => "center",
                Align::Right => "right",
            });
            self.align = Some(align);
        }
        self.ctx.fill_text(text, x, y).ok();
    }

    fn text_width(&self, text: &str, px: f64) -> f64 {
        self.measure(text, false, px)
    }

    fn bold_width(&self, text: &str, px: f64) -> f64 {
        self.measure(text, true, px)
    }

    fn note_cut(&mut self, text: &str) {
        self.cuts.push(text.to_string());
    }
}

impl CanvasPainter {
    fn set_fill(&mut self, color: &str) {
        if self.fill != color {
            self.ctx.set_fill_style_str(color);
            self.fill.clear();
            self.fill.push_str(color);
        }
    }

    fn measure(&self, text: &str, bold: bool, px: f64) -> f64 {
        // Sizes are drawn to a tenth of a pixel (`font_css`), so that is the key's precision.
        let key = (text.to_string(), bold, (px * 10.0).round() as u32);
        if let Some(width) = WIDTHS.with(|w| w.borrow().get(&key).copied()) {
            return width;
        }
        self.ctx.set_font(&font_css(bold, px));
        self.font.set(Some((bold, (px * 10.0).round() as u32)));
        let width = self
            .ctx
            .measure_text(text)
            .map_or(text.len() as f64 * px * 0.56, |m| m.width());
        WIDTHS.with(|w| {
            let mut w = w.borrow_mut();
            if w.len() >= 4096 {
                w.clear();
            }
            w.insert(key, width);
        });
        width
    }

    /// The smallest text size of this frame (infinite before any text).
    pub fn min_text(&self) -> f64 {
        self.min_text
    }

    /// The texts of this frame that were shortened or ran past the edge.
    pub fn cuts(&self) -> &[String] {
        &self.cuts
    }
}

/// The repeating tile of `pattern` in `color`, in device pixels at `ratio`, made once.
fn pattern_tile(pattern: Pattern, color: &str, ratio: f64) -> Option<web_sys::CanvasPattern> {
    let key = (pattern, color.to_string(), (ratio * 100.0).round() as u32);
    if let Some(tile) = PATTERNS.with(|p| p.borrow().get(&key).cloned()) {
        return Some(tile);
    }
    // The period of each pattern in CSS pixels, as the stripes were drawn before.
    let (tw, th) = match pattern {
        Pattern::Solid => return None,
        Pattern::Hatch | Pattern::Cross => (6.0, 6.0),
        Pattern::Dots => (5.0, 5.0),
        Pattern::Vertical => (5.0, 5.0),
        Pattern::Horizontal => (4.0, 4.0),
    };
    let document = web_sys::window()?.document()?;
    let tile: HtmlCanvasElement = document.create_element("canvas").ok()?.dyn_into().ok()?;
    tile.set_width((tw * ratio).round() as u32);
    tile.set_height((th * ratio).round() as u32);
    let ctx: CanvasRenderingContext2d = tile.get_context("2d").ok()??.dyn_into().ok()?;
    ctx.scale(ratio, ratio).ok()?;
    // Drawn over the state's colour at this strength (was the fill's alpha).
    ctx.set_global_alpha(0.55);
    ctx.set_stroke_style_str(color);
    ctx.set_fill_style_str(color);
    ctx.set_line_width(1.5);
    ctx.begin_path();
    match pattern {
        Pattern::Solid => {}
        Pattern::Hatch | Pattern::Cross => {
            // The diagonal and its neighbours' ends in the corners, so the tiles join up.
            for k in [-tw, 0.0, tw] {
                ctx.move_to(k, th);
                ctx.line_to(k + tw, 0.0);
                if pattern == Pattern::Cross {
                    ctx.move_to(k, 0.0);
                    ctx.line_to(k + tw, th);
                }
            }
        }
        Pattern::Vertical => {
            ctx.move_to(2.0, 0.0);
            ctx.line_to(2.0, th);
        }
        Pattern::Horizontal => {
            ctx.move_to(0.0, 2.0);
            ctx.line_to(tw, 2.0);
        }
        Pattern::Dots => ctx.fill_rect(1.6, 1.6, 1.8, 1.8),
    }
    ctx.stroke();
    let made = ctx
        .create_pattern_with_html_canvas_element(&tile, "repeat")
        .ok()??;
    // The tile is in device pixels; the canvas draws in CSS pixels (scaled by the ratio):
    // the pattern is scaled back, so its stripes stay one device pixel sharp.
    // (web-sys binds setTransform to SVGMatrix only; the DOMMatrix form is called directly.)
    let m = web_sys::DomMatrix::new().ok()?;
    m.set_a(1.0 / ratio);
    m.set_d(1.0 / ratio);
    let set: js_sys::Function = js_sys::Reflect::get(&made, &"setTransform".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let _ = set.call1(&made, &m);
    PATTERNS.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() >= 256 {
            p.clear();
        }
        p.insert(key, made.clone());
    });
    Some(made)
}

thread_local! {
    /// Pattern tiles by pattern, colour and pixel ratio (a theme change brings new colours).
    static PATTERNS: RefCell<HashMap<(Pattern, String, u32), web_sys::CanvasPattern>> =
        RefCell::new(HashMap::new());
    /// Text widths by (text, bold, size in tenths of a pixel): the same labels are measured on
    /// every frame, and each measurement costs a font change and a layout of the text.
    static WIDTHS: RefCell<HashMap<(String, bool, u32), f64>> = RefCell::new(HashMap::new());
}

/// The one font every canvas text is drawn and measured in.
fn font_css(bold: bool, px: f64) -> String {
    let weight = if bold { "650" } else { "400" };
    format!("{weight} {px:.1}px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif")
}

/// The smallest window that gets presentation mode's large canvas text (a 1080p projector is
/// 1920x1080; 1600x900 leaves room for browser chrome and scaled displays).
const PROJECTOR: (f64, f64) = (1600.0, 900.0);

/// Reads the theme's colours from the CSS custom properties on the root element.
pub fn palette() -> Palette {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return Palette::default();
    };
    let Some(style) = web_sys::window().and_then(|w| w.get_computed_style(&root).ok().flatten())
    else {
        return Palette::default();
    };
    let values: Vec<String> = Palette::VARIABLES
        .iter()
        .map(|name| style.get_property_value(name).unwrap_or_default())
        .collect();
    let thick = root.get_attribute("data-theme").as_deref() == Some("contrast");
    let mut palette = Palette::from_values(&values, thick);
    // Text for the back of a room needs a projector's screen: on a smaller one (a 1366x768
    // laptop, a phone) 24 px labels cannot fit the panels, so presentation mode keeps its
    // contrast and layout but the canvas keeps its usual sizes.
    let size = |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let big = web_sys::window().is_some_and(|w| {
        size(w.inner_width()) >= PROJECTOR.0 && size(w.inner_height()) >= PROJECTOR.1
    });
    palette.large = big && root.class_list().contains("present");
    palette
}

/// The CSS size of the canvas at `node`, kept by a `ResizeObserver`: the browser reports it
/// after its own layout, so drawing a frame never reads `clientWidth` (which would force a
/// layout between the DOM's changes and the canvas's drawing). A change redraws.
#[hook]
pub fn use_canvas_size(node: NodeRef) -> (f64, f64) {
    let size = use_state(|| (0.0, 0.0));
    {
        let size = size.clone();
        use_effect_with(node, move |node| {
            let element = node.cast::<web_sys::Element>();
            // The size at mount, once; the observer reports every change after it.
            if let Some(el) = &element {
                size.set((f64::from(el.client_width()), f64::from(el.client_height())));
            }
            let seen = size.clone();
            let on_resize =
                Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                    if let Ok(entry) = entries
                        .get(entries.length().saturating_sub(1))
                        .dyn_into::<web_sys::ResizeObserverEntry>()
                    {
                        let rect = entry.content_rect();
                        let next = (rect.width().round(), rect.height().round());
                        if next != *seen {
                            seen.set(next);
                        }
                    }
                });
            let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, &element) {
                o.observe(el);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(on_resize);
            }
        });
    }
    *size
}
