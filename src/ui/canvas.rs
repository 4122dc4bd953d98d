//! The one module that touches a 2D canvas: `Painter` for `CanvasRenderingContext2d`, HiDPI-aware.

use std::cell::RefCell;
use std::collections::HashMap;

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::render::{Align, Font, Painter, Palette, Pattern};

/// A canvas prepared for one frame: backing store sized to its CSS box times `devicePixelRatio`.
pub struct CanvasPainter {
    ctx: CanvasRenderingContext2d,
    width: f64,
    height: f64,
    cuts: Vec<String>,
    /// The smallest text drawn this frame, in CSS pixels.
    min_text: f64,
}

impl CanvasPainter {
    /// Resizes the backing store if the element's size or the pixel ratio changed, then scales
    /// the context so that drawing happens in CSS pixels. `None` if the canvas is not laid out.
    pub fn new(canvas: &HtmlCanvasElement) -> Option<Self> {
        let ratio = web_sys::window()
            .map_or(1.0, |w| w.device_pixel_ratio())
            .max(1.0);
        let width = f64::from(canvas.client_width());
        let height = f64::from(canvas.client_height());
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
        Some(CanvasPainter {
            ctx,
            width,
            height,
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
        self.ctx.set_fill_style_str(color);
        self.ctx.fill_rect(0.0, 0.0, self.width, self.height);
    }

    fn fill_rect(&mut self, x: f64, y: f64, w: f64, h: f64, color: &str) {
        self.ctx.set_fill_style_str(color);
        self.ctx.fill_rect(x, y, w, h);
    }

    fn pattern_rect(&mut self, x: f64, y: f64, w: f64, h: f64, pattern: Pattern, color: &str) {
        let ctx = &self.ctx;
        ctx.save();
        ctx.begin_path();
        ctx.rect(x, y, w, h);
        ctx.clip();
        ctx.set_global_alpha(0.55);
        ctx.set_stroke_style_str(color);
        ctx.set_fill_style_str(color);
        ctx.set_line_width(1.5);
        match pattern {
            Pattern::Solid => {}
            Pattern::Hatch | Pattern::Cross => {
                ctx.begin_path();
                let mut k = x - h;
                while k < x + w {
                    ctx.move_to(k, y + h);
                    ctx.line_to(k + h, y);
                    if pattern == Pattern::Cross {
                        ctx.move_to(k, y);
                        ctx.line_to(k + h, y + h);
                    }
                    k += 6.0;
                }
                ctx.stroke();
            }
            Pattern::Vertical | Pattern::Horizontal => {
                ctx.begin_path();
                if pattern == Pattern::Vertical {
                    let mut k = x + 2.0;
                    while k < x + w {
                        ctx.move_to(k, y);
                        ctx.line_to(k, y + h);
                        k += 5.0;
                    }
                } else {
                    let mut k = y + 2.0;
                    while k < y + h {
                        ctx.move_to(x, k);
                        ctx.line_to(x + w, k);
                        k += 4.0;
                    }
                }
                ctx.stroke();
            }
            Pattern::Dots => {
                let mut cy = y + 2.5;
                while cy < y + h {
                    let mut cx = x + 2.5;
                    while cx < x + w {
                        ctx.fill_rect(cx - 0.9, cy - 0.9, 1.8, 1.8);
                        cx += 5.0;
                    }
                    cy += 5.0;
                }
            }
        }
        ctx.restore();
    }

    fn stroke_rect(&mut self, x: f64, y: f64, w: f64, h: f64, color: &str, width: f64) {
        self.ctx.set_stroke_style_str(color);
        self.ctx.set_line_width(width);
        self.ctx.stroke_rect(x, y, w, h);
    }

    fn round_rect(&mut self, x: f64, y: f64, w: f64, h: f64, r: f64, fill: &str) {
        let ctx = &self.ctx;
        let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
        ctx.set_fill_style_str(fill);
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
        let ctx = &self.ctx;
        ctx.set_fill_style_str(fill);
        ctx.begin_path();
        ctx.arc(cx, cy, r.max(0.0), 0.0, std::f64::consts::TAU).ok();
        ctx.fill();
    }

    fn text(&mut self, x: f64, y: f64, text: &str, font: Font, color: &str, align: Align) {
        // What the text covers, measured: a text past the canvas's edge is a cut label.
        let width = self.measure(text, font.bold, font.px);
        let ctx = &self.ctx;
        ctx.set_font(&font_css(font.bold, font.px));
        let left = match align {
            Align::Left => x,
            Align::Center => x - width / 2.0,
            Align::Right => x - width,
        };
        if left < -0.5 || left + width > self.width + 0.5 {
            self.cuts.push(text.to_string());
        }
        self.min_text = self.min_text.min(font.px);
        ctx.set_fill_style_str(color);
        ctx.set_text_baseline("middle");
        ctx.set_text_align(match align {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
        });
        ctx.fill_text(text, x, y).ok();
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
    fn measure(&self, text: &str, bold: bool, px: f64) -> f64 {
        // Sizes are drawn to a tenth of a pixel (`font_css`), so that is the key's precision.
        let key = (text.to_string(), bold, (px * 10.0).round() as u32);
        if let Some(width) = WIDTHS.with(|w| w.borrow().get(&key).copied()) {
            return width;
        }
        self.ctx.set_font(&font_css(bold, px));
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

thread_local! {
    /// Text widths by (text, bold, size in tenths of a pixel): the same labels are measured on
    /// every frame, and each measurement costs a font change and a layout of the text.
    static WIDTHS: RefCell<HashMap<(String, bool, u32), f64>> = RefCell::new(HashMap::new());
}

/// The one font every canvas text is drawn and measured in.
fn font_css(bold: bool, px: f64) -> String {
    let weight = if bold { "650" } else { "400" };
    format!("{weight} {px:.1}px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif")
}

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
    palette.large = root.class_list().contains("present");
    palette
}
