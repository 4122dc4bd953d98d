//! What a blogger pastes: the iframe snippet and the small host-page script that lets the
//! iframe grow to fit, trusting only messages from the app's origin and that very iframe.

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

/// The iframe for `url` (an `?embed=1` link), with a title for screen readers, a sensible
/// size, lazy loading and the sandbox the app is tested in.
pub fn iframe(url: &str, title: &str) -> String {
    format!(
        "<iframe data-concurrency-kitchen src=\"{}\" title=\"Concurrency Kitchen: {}\" width=\"100%\" height=\"720\" loading=\"lazy\" style=\"border:0;max-width:100%\" sandbox=\"allow-scripts allow-same-origin\"></iframe>",
        attr(url),
        attr(title)
    )
}

/// The whole snippet: the iframe, then the resize script.
pub fn snippet(url: &str, title: &str) -> String {
    format!("{}\n{}", iframe(url, title), HOST_SCRIPT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_is_titled_lazy_sandboxed_and_escaped() {
        let s = snippet(
            "https://example.org/ck/?lesson=convoy&embed=1",
            "Threads \"and\" <GIL>",
        );
        assert!(s.contains("src=\"https://example.org/ck/?lesson=convoy&amp;embed=1\""));
        assert!(s.contains("title=\"Concurrency Kitchen: Threads &quot;and&quot; &lt;GIL&gt;\""));
        assert!(s.contains("loading=\"lazy\""));
        assert!(s.contains("sandbox=\"allow-scripts allow-same-origin\""));
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
