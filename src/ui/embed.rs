//! What a blogger pastes: the options the Embed dialog offers (`EmbedOptions`), the iframe
//! snippet they build and the small host-page script that lets the iframe grow to fit, trusting
//! only messages from the app's origin and that very iframe.

use crate::sim::ModelId;

use super::params::{Theme, View};
use super::state::Playhead;

/// The message an embedded app posts to its parent when its height changes.
pub const RESIZE_MESSAGE: &str = "concurrency-kitchen:resize";

/// Heights outside this range are clamped by the host script (and by the app before posting).
pub const MIN_HEIGHT: u32 = 240;
pub const MAX_HEIGHT: u32 = 4000;

/// The documented host-page script. Paste it once per page, after the iframes.
pub const HOST_SCRIPT: &str = r#"<script>
// Concurrency Kitchen: grow each embedded lesson to its content. Only messages from the
// iframe itself, sent from the app's own origin, are trusted; heights are clamped.
addEventListener("message", function (e) {
  var d = e.data;
  if (!d || d.type !== "concurrency-kitchen:resize") return;
  document.querySelectorAll("iframe[data-concurrency-kitchen]").forEach(function (f) {
    if (f.contentWindow === e.source && new URL(f.src, location.href).origin === e.origin) {
      f.style.height = Math.min(4000, Math.max(240, Number(d.height) || 0)) + "px";
    }
  });
});
</script>"#;

/// The iframe's height by default: the player alone fits a 560 px frame (tested at 700x560 with
/// no host script); with the results below it, 900 px.
pub const COMPACT_HEIGHT: u32 = 560;
pub const FULL_HEIGHT: u32 = 900;
/// A race lesson's embed (its code, the interleaving and the question) needs about 744 px.
pub const RACE_HEIGHT: u32 = 760;

/// What the Embed dialog lets a blogger choose.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbedOptions {
    /// The models to compare, in the lesson's order; at least one while the lesson has any.
    pub models: Vec<ModelId>,
    /// `None` follows the reader's light or dark setting.
    pub theme: Option<Theme>,
    /// Where the embed's playhead starts; `None` is the beginning.
    pub start: Option<Playhead>,
    /// The results table and chart below the player (`embed=full`).
    pub full: bool,
    /// The iframe's `height` attribute, in CSS pixels (the host script may grow it).
    pub height: u32,
    /// Ask the lesson's question before the run (`question=0` when off).
    pub question: bool,
}

impl EmbedOptions {
    /// The dialog's first choice for `view`: the models it shows (of the lesson's `all`), its
    /// theme, from the beginning, the player alone.
    pub fn new(view: &View, all: &[ModelId]) -> Self {
        let shown = view.shown();
        EmbedOptions {
            models: all
                .iter()
                .copied()
                .filter(|m| shown.is_empty() || shown.contains(m))
                .collect(),
            theme: view.theme,
            start: None,
            full: false,
            height: COMPACT_HEIGHT,
            question: view.question,
        }
    }

    /// Adds or removes a model, keeping the lesson's order; the last one stays.
    pub fn toggle(&mut self, model: ModelId, all: &[ModelId]) {
        if self.models.contains(&model) {
            if self.models.len() > 1 {
                self.models.retain(|m| *m != model);
            }
        } else {
            self.models.push(model);
            self.models
                .sort_by_key(|m| all.iter().position(|a| a == m).unwrap_or(usize::MAX));
        }
    }

    /// Compact or full; a height left at one layout's default follows to the other's.
    pub fn set_full(&mut self, full: bool) {
        let default = |full| if full { FULL_HEIGHT } else { COMPACT_HEIGHT };
        if self.height == default(self.full) {
            self.height = default(full);
        }
        self.full = full;
    }

    /// Sets the height from the dialog's field, clamped as the host script clamps it; a field
    /// that holds no number (empty, letters) keeps the height it had.
    pub fn set_height(&mut self, px: f64) {
        if px.is_finite() {
            self.height = clamp_height(px);
        }
    }

    /// The embed's view of `base` (the page's lesson or scenario): every model of `all` chosen
    /// is written as no `models=` at all, so the link stays short.
    pub fn view(&self, base: &View, all: &[ModelId]) -> View {
        View {
            model: None,
            models: if self.models.len() == all.len() {
                Vec::new()
            } else {
                self.models.clone()
            },
            t: self.start,
            theme: self.theme,
            embed: true,
            full: self.full,
            present: false,
            question: self.question,
            ignored: Vec::new(),
            ..base.clone()
        }
    }
}

/// Clamps a height before it is posted.
pub fn clamp_height(px: f64) -> u32 {
    if px.is_finite() {
        (px.ceil().max(0.0) as u32).clamp(MIN_HEIGHT, MAX_HEIGHT)
    } else {
        MIN_HEIGHT
    }
}

/// Escapes text for an HTML attribute value in double quotes.
pub fn attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The iframe for `url` (an `?embed=1` link), with a title for screen readers, the chosen
/// height, lazy loading and the sandbox the app is tested in.
pub fn iframe(url: &str, title: &str, height: u32) -> String {
    format!(
        "<iframe data-concurrency-kitchen src=\"{}\" title=\"Concurrency Kitchen: {}\" width=\"100%\" height=\"{}\" loading=\"lazy\" style=\"border:0;max-width:100%\" sandbox=\"allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox\"></iframe>",
        attr(url),
        attr(title),
        height.clamp(MIN_HEIGHT, MAX_HEIGHT)
    )
}

/// The whole snippet: the iframe, then the resize script.
pub fn snippet(url: &str, title: &str, height: u32) -> String {
    format!("{}\n{}", iframe(url, title, height), HOST_SCRIPT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_is_titled_lazy_sandboxed_and_escaped() {
        let s = snippet(
            "https://example.org/ck/?lesson=convoy&embed=1",
            "Threads \"and\" <GIL>",
            COMPACT_HEIGHT,
        );
        assert!(s.contains("height=\"560\""));
        assert!(s.contains("src=\"https://example.org/ck/?lesson=convoy&amp;embed=1\""));
        assert!(s.contains("title=\"Concurrency Kitchen: Threads &quot;and&quot; &lt;GIL&gt;\""));
        assert!(s.contains("loading=\"lazy\""));
        assert!(s.contains("sandbox=\"allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox\""));
        assert!(s.contains(RESIZE_MESSAGE));
    }

    #[test]
    fn heights_are_clamped() {
        assert_eq!(clamp_height(10.0), MIN_HEIGHT);
        assert_eq!(clamp_height(812.2), 813);
        assert_eq!(clamp_height(1e9), MAX_HEIGHT);
        assert_eq!(clamp_height(f64::NAN), MIN_HEIGHT);
    }
}
