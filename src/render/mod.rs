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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

/// Which part of a scene is drawn: what stays while the playhead moves (the background, the
/// timeline's labels, rows and axis) on a canvas of its own under the rest, redrawn only when
/// the size, the theme or the axis change; what moves (the picture, the bars, the playhead)
/// every frame; or both on one canvas (tests, benchmarks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    Back,
    Front,
    Both,
}

impl Layer {
    /// It draws what stays.
    pub fn back(self) -> bool {
        self != Layer::Front
    }
    /// It draws what moves.
    pub fn front(self) -> bool {
        self != Layer::Back
    }
}

/// The few drawing operations the pictures need, in CSS pixels.
pub trait Painter {
    /// The drawable size in CSS pixels.
    fn size(&self) -> (f64, f64);
    fn clear(&mut self, color: &str);
    /// Clears to transparent, so a layer below shows through.
    fn clear_transparent(&mut self);
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
        text.chars().count() as f64 * px * 0.62
    }
    /// The width of `text` in bold.
    fn bold_width(&self, text: &str, px: f64) -> f64 {
        self.text_width(text, px) * 1.1
    }
    /// Told when a text had to be shortened, or did not fit its box: tests fail on any, since
    /// a cut label hides exactly the fact a lesson is about.
    fn note_cut(&mut self, _text: &str) {}
}

/// The first of `options` (longest first) that fits `width` at `px`. When none does, the last
/// one shortened with an ellipsis, and the painter is told of the cut.
pub fn fit_any(p: &mut impl Painter, options: &[&str], px: f64, width: f64) -> String {
    if let Some(text) = options.iter().find(|t| p.text_width(t, px) <= width) {
        return (*text).to_string();
    }
    let Some(last) = options.last() else {
        return String::new();
    };
    p.note_cut(last);
    let mut chars: Vec<char> = last.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let short: String = chars.iter().collect::<String>() + "…";
        if p.text_width(&short, px) <= width {
            return short;
        }
    }
    String::new()
}

/// Like `fit_any`, but before cutting the last option it tries smaller sizes down to `min`:
/// returns the text and its size.
pub fn fit_shrink(
    p: &mut impl Painter,
    options: &[&str],
    px: f64,
    min: f64,
    width: f64,
) -> (String, f64) {
    if options.iter().any(|t| p.text_width(t, px) <= width) || min >= px {
        return (fit_any(p, options, px, width), px);
    }
    let last = options.last().copied().unwrap_or_default();
    let size = shrink(px, min, width, |size| p.text_width(last, size));
    (fit_any(p, &[last], size, width), size)
}

/// The size from `px` down to `min` at which a text `measure`d at a size fits `width`: scaled
/// in proportion, then stepped down, since a real font's width is not quite proportional to
/// its size (hinting rounds each glyph), so a text that fits at `min` is never cut above it.
fn shrink(px: f64, min: f64, width: f64, measure: impl Fn(f64) -> f64) -> f64 {
    let mut size = (px * width / measure(px).max(1.0)).clamp(min, px.max(min));
    for _ in 0..6 {
        if size <= min || measure(size) <= width {
            break;
        }
        size = (size - 0.5).max(min);
    }
    size
}

/// Longest first, the ways to say "`n` more": "+4991", then "+4k" (at least that many) where
/// the count is in the thousands.
pub fn count_labels(n: usize) -> Vec<String> {
    let mut labels = vec![format!("+{n}")];
    if n >= 1000 {
        labels.push(format!("+{}k", n / 1000));
    }
    labels
}

/// A lane's label in a few letters, for where its full name does not fit: "thread 12" is
/// "T12", "core 3" "C3", "main thread" "main".
pub fn compact_lane(label: &str) -> String {
    match label.rsplit_once(' ') {
        Some((kind, n)) if n.chars().all(|c| c.is_ascii_digit()) => {
            let letter = kind.chars().next().map(|c| c.to_ascii_uppercase());
            letter.map_or_else(|| label.to_string(), |l| format!("{l}{n}"))
        }
        // "main: feeder" is the main thread, "main thread" main; "task t0" is t0 (the word
        // "task" alone says nothing when every row has it).
        Some(("task", name)) => name.to_string(),
        Some((first, _)) => first.trim_end_matches(':').to_string(),
        None => label.to_string(),
    }
}

/// The largest size from `px` down to `min` at which bold `text` fits `width`; at `min` it is
/// reported as a cut if it still does not fit.
pub fn fit_bold(p: &mut impl Painter, text: &str, px: f64, min: f64, width: f64) -> f64 {
    let wide = p.bold_width(text, px);
    if wide <= width {
        return px;
    }
    let size = shrink(px, min, width, |size| p.bold_width(text, size));
    if p.bold_width(text, size) > width + 0.5 {
        p.note_cut(text);
    }
    size
}

/// A painter that records what it was asked to draw: for tests and for text alternatives.
#[derive(Debug, Default)]
pub struct RecordingPainter {
    pub width: f64,
    pub height: f64,
    pub ops: Vec<String>,
    /// Texts that were shortened to fit (`Painter::note_cut`).
    pub cuts: Vec<String>,
    /// Each text's box (left, top, right, bottom) by the painter's width estimate, and the text.
    pub labels: Vec<([f64; 4], String)>,
}

impl RecordingPainter {
    pub fn new(width: f64, height: f64) -> Self {
        RecordingPainter {
            width,
            height,
            ops: Vec::new(),
            cuts: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// Pairs of texts drawn over each other (their boxes overlap by more than a fifth of the
    /// smaller one's height and a few pixels of width, allowing for the width estimate).
    pub fn overlaps(&self) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for (i, (a, ta)) in self.labels.iter().enumerate() {
            for (b, tb) in &self.labels[i + 1..] {
                let across = a[2].min(b[2]) - a[0].max(b[0]);
                let down = a[3].min(b[3]) - a[1].max(b[1]);
                let least = (a[3] - a[1]).min(b[3] - b[1]);
                if across > 4.0 && down > least * 0.2 {
                    found.push((ta.clone(), tb.clone()));
                }
            }
        }
        found
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
    fn clear_transparent(&mut self) {
        self.ops.push("clear transparent".to_string());
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
    fn text(&mut self, x: f64, y: f64, text: &str, font: Font, _color: &str, align: Align) {
        self.ops.push(format!("text {text}"));
        let w = if font.bold {
            self.bold_width(text, font.px)
        } else {
            self.text_width(text, font.px)
        };
        let left = match align {
            Align::Left => x,
            Align::Center => x - w / 2.0,
            Align::Right => x - w,
        };
        // As on a real canvas (`ui::canvas`): a text past the edge is a cut label.
        if left < -0.5 || left + w > self.width + 0.5 {
            self.cuts.push(text.to_string());
        }
        let half = font.px * 0.5;
        self.labels
            .push(([left, y - half, left + w, y + half], text.to_string()));
    }
    fn note_cut(&mut self, text: &str) {
        self.cuts.push(text.to_string());
    }
}
