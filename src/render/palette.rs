//! Colours for the pictures, one per state, read from the page's theme by the canvas edge.

use crate::sim::State;

use super::Pattern;

/// The theme's colours as CSS colour strings.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    pub background: String,
    pub surface: String,
    pub ink: String,
    pub muted: String,
    pub line: String,
    pub accent: String,
    /// The background of the current line of code and the lane of the current event.
    pub highlight: String,
    pub running: String,
    pub ready: String,
    pub io: String,
    pub gil: String,
    pub blocked: String,
    pub starting: String,
    pub pickling: String,
    pub idle: String,
    /// Line widths grow for projection (the high-contrast theme).
    pub thick: bool,
    /// Presentation mode: text for the back of a room (at least `LARGE_TEXT` pixels).
    pub large: bool,
}

/// The smallest canvas text in presentation mode, in CSS pixels.
pub const LARGE_TEXT: f64 = 24.0;

impl Default for Palette {
    /// The light theme, as in `static/style.css`.
    fn default() -> Self {
        Palette {
            background: "#f0ebe3".into(),
            surface: "#ffffff".into(),
            ink: "#1c1a17".into(),
            muted: "#5a544b".into(),
            line: "#ddd5c8".into(),
            accent: "#b93a0b".into(),
            highlight: "#fff1c2".into(),
            running: "#0072b2".into(),
            ready: "#f0e442".into(),
            io: "#56b4e9".into(),
            gil: "#e69f00".into(),
            blocked: "#d55e00".into(),
            starting: "#cc79a7".into(),
            pickling: "#009e73".into(),
            idle: "#d9d2c5".into(),
            thick: false,
            large: false,
        }
    }
}

impl Palette {
    /// The colour and pattern of a state: patterns make the states tell apart without colour.
    pub fn state(&self, state: State) -> (&str, Pattern) {
        match state {
            State::Running => (&self.running, Pattern::Solid),
            State::Ready => (&self.ready, Pattern::Solid),
            State::WaitingIo => (&self.io, Pattern::Dots),
            State::WaitingGil => (&self.gil, Pattern::Hatch),
            // A permit's wait is a lock's: no colour of its own, the lock's stripes.
            State::WaitingPermit => (&self.idle, Pattern::Cross),
            State::Blocked => (&self.blocked, Pattern::Cross),
            State::Starting => (&self.starting, Pattern::Vertical),
            State::Pickling => (&self.pickling, Pattern::Horizontal),
            State::Idle => (&self.idle, Pattern::Solid),
        }
    }

    /// The CSS custom property that holds each field, for the canvas edge to read.
    pub const VARIABLES: [&'static str; 15] = [
        "--surface-2",
        "--surface",
        "--ink",
        "--muted",
        "--line",
        "--accent",
        "--highlight",
        "--state-running",
        "--state-ready",
        "--state-io",
        "--state-gil",
        "--state-blocked",
        "--state-starting",
        "--state-pickling",
        "--state-idle",
    ];

    /// Builds a palette from the values of `VARIABLES`, in order; missing ones keep the default.
    pub fn from_values(values: &[String], thick: bool) -> Self {
        let mut p = Palette::default();
        let fields: [&mut String; 15] = [
            &mut p.background,
            &mut p.surface,
            &mut p.ink,
            &mut p.muted,
            &mut p.line,
            &mut p.accent,
            &mut p.highlight,
            &mut p.running,
            &mut p.ready,
            &mut p.io,
            &mut p.gil,
            &mut p.blocked,
            &mut p.starting,
            &mut p.pickling,
            &mut p.idle,
        ];
        for (field, value) in fields.into_iter().zip(values) {
            let value = value.trim();
            if !value.is_empty() {
                *field = value.to_string();
            }
        }
        p.thick = thick;
        p
    }
}
