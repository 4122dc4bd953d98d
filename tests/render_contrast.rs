//! WCAG AA contrast for the text the canvas draws on state colours, in the light theme.

use concurrency_kitchen::render::Palette;

fn luminance(hex: &str) -> f64 {
    let h = hex.trim_start_matches('#');
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
