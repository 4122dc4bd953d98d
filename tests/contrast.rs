//! WCAG AA contrast (4.5:1 for text): in every theme of `static/style.css` (light, dark as the
//! system's and as chosen, high contrast), and for the text the canvas draws on state colours.

use std::collections::HashMap;

use concurrency_kitchen::render::Palette;

fn luminance(hex: &str) -> f64 {
    let h = hex.trim().trim_start_matches('#');
    let c = |i: usize| {
        let v = f64::from(u8::from_str_radix(&h[i..i + 2], 16).unwrap()) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * c(0) + 0.7152 * c(2) + 0.0722 * c(4)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// The custom properties set in the first block whose selector contains `selector`.
fn block(css: &str, selector: &str) -> HashMap<String, String> {
    let start = css
        .find(selector)
        .unwrap_or_else(|| panic!("no {selector}"));
    let open = start + css[start..].find('{').unwrap();
    let close = open + css[open..].find('}').unwrap();
    css[open + 1..close]
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--")?.split_once(':'))
        .map(|(k, v)| {
            (
                k.trim().to_string(),
                v.trim().trim_end_matches(';').to_string(),
            )
        })
        .filter(|(_, v)| v.starts_with('#') && v.len() == 7)
        .collect()
}

#[test]
fn text_is_readable_in_every_theme() {
    let css =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/style.css")).unwrap();
    let light = block(&css, ":root {");
    for (name, selector) in [
        ("light", ":root {"),
        ("dark (system)", ":root:not([data-theme=\"light\"])"),
        ("dark", ":root[data-theme=\"dark\"]"),
        ("contrast", ":root[data-theme=\"contrast\"]"),
    ] {
        let mut theme = light.clone();
        theme.extend(block(&css, selector));
        let pairs = [
            ("ink", "bg"),
            ("ink", "surface"),
            ("ink", "surface-2"),
            ("muted", "bg"),
            ("muted", "surface"),
            ("muted", "surface-2"),
            ("accent", "surface"),
            ("accent-ink", "accent"),
            ("danger", "surface"),
        ];
        for (fg, bg) in pairs {
            let ratio = contrast(&theme[fg], &theme[bg]);
            assert!(ratio >= 4.5, "{name}: --{fg} on --{bg} is {ratio:.2}:1");
        }
    }
}

#[test]
fn state_colours_take_readable_text() {
    let p = Palette::default();
    assert!(contrast("#ffffff", &p.running) >= 4.5, "white on running");
    for fill in [
        &p.ready,
        &p.io,
        &p.gil,
        &p.blocked,
        &p.starting,
        &p.pickling,
    ] {
        assert!(
            contrast("#000000", fill) >= 4.5,
            "black on {fill}: {:.2}",
            contrast("#000000", fill)
        );
    }
    assert!(contrast(&p.ink, &p.idle) >= 4.5, "ink on idle");
    assert!(
        contrast(&p.muted, &p.background) >= 4.5,
        "muted labels on the canvas background"
    );
}
