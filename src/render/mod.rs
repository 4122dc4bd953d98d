//! Drawing of scenes and timelines as pure geometry over a small `Painter` trait.
//!
//! Nothing here touches the browser: `ui::canvas` implements `Painter` for a 2D canvas context,
//! and tests implement it with a recorder, so every picture can be checked natively.

pub mod palette;
pub mod scene;
pub mod timeline;

pub use palette::Palette;

/// Horizontal text alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// A text size in CSS pixels and its weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Font {
    pub px: f64,
    pub bold: bool,
}

impl Font {
    pub fn regular(px: f64) -> Self {
        Font { px, bold: false }
    }

    pub fn bold(px: f64) -> Self {
        Font { px, bold: true }
    }
}

/// A fill pattern drawn over a colour, so that no state is told by colour alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    Solid,
    /// Diagonal stripes.
    Hatch,
    /// Small dots.
    Dots,
    /// Crossed stripes.
    Cross,
    /// Vertical stripes.
    Vertical,
    /// Horizontal stripes.
    Horizontal,
}

/// The few drawing operations the pictures need, in CSS pixels.
pub trait Painter {
    /// The drawable size in CSS pixels.
    fn size(&self) -> (f64, f64);
    fn clear(&mut self, color: &str);
    fn fill_rect(&mut self, x: f64, y: f64, w: f64, h: f64, color: &str);
    fn pattern_rect(&mut self, x: f64, y: f64, w: f64, h: f64, pattern: Pattern, color: &str);
    fn stroke_rect(&mut self, x: f64, y: f64, w: f64, h: f64, color: &str, width: f64);
    fn round_rect(&mut self, x: f64, y: f64, w: f64, h: f64, r: f64, fill: &str);
    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, color: &str, width: f64);
    fn circle(&mut self, cx: f64, cy: f64, r: f64, fill: &str);
    /// Draws `text` with its baseline in the middle of the line at `y`.
    fn text(&mut self, x: f64, y: f64, text: &str, font: Font, color: &str, align: Align);
    /// An estimate of the width of `text`, for layout decisions such as truncation.
    fn text_width(&self, text: &str, px: f64) -> f64 {
        text.chars().count() as f64 * px * 0.56
    }
}

/// A painter that records what it was asked to draw: for tests and for text alternatives.
#[derive(Debug, Default)]
pub struct RecordingPainter {
    pub width: f64,
    pub height: f64,
    pub ops: Vec<String>,
}

impl RecordingPainter {
    pub fn new(width: f64, height: f64) -> Self {
        RecordingPainter {
            width,
            height,
            ops: Vec::new(),
        }
    }

    /// The texts drawn, in order.
    pub fn texts(&self) -> Vec<&str> {
        self.ops
            .iter()
            .filter_map(|op| op.strip_prefix("text "))
            .collect()
    }
}

impl Painter for RecordingPainter {
    fn size(&self) -> (f64, f64) {
        (self.width, self.height)
    }
    fn clear(&mut self, color: &str) {
        self.ops.push(format!("clear {color}"));
    }
    fn fill_rect(&mut self, x: f64, y: f64, w: f64, h: f64, color: &str) {
        self.ops
            .push(format!("rect {x:.0},{y:.0} {w:.0}x{h:.0} {color}"));
    }
    fn pattern_rect(&mut self, x: f64, y: f64, w: f64, h: f64, pattern: Pattern, color: &str) {
        self.ops.push(format!(
            "pattern {pattern:?} {x:.0},{y:.0} {w:.0}x{h:.0} {color}"
        ));
    }
    fn stroke_rect(&mut self, x: f64, y: f64, w: f64, h: f64, color: &str, _width: f64) {
        self.ops
            .push(format!("stroke {x:.0},{y:.0} {w:.0}x{h:.0} {color}"));
    }
    fn round_rect(&mut self, x: f64, y: f64, w: f64, h: f64, _r: f64, fill: &str) {
        self.ops
            .push(format!("round {x:.0},{y:.0} {w:.0}x{h:.0} {fill}"));
    }
    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, color: &str, _width: f64) {
        self.ops
            .push(format!("line {x1:.0},{y1:.0}-{x2:.0},{y2:.0} {color}"));
    }
    fn circle(&mut self, cx: f64, cy: f64, r: f64, fill: &str) {
        self.ops
            .push(format!("circle {cx:.0},{cy:.0} r{r:.0} {fill}"));
    }
    fn text(&mut self, _x: f64, _y: f64, text: &str, _font: Font, _color: &str, _align: Align) {
        self.ops.push(format!("text {text}"));
    }
}
