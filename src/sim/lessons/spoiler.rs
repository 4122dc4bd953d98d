//! Text in a lesson that states a result, marked ⟦like this⟧: the page hides it until the run
//! has revealed the answer, the CLI prints it plain, and tests list every marked phrase to check
//! that none shows early.
//!
//! Marks never nest. An unclosed mark runs to the end of the text (hiding too much rather than
//! too little); `is_well_formed` lets the lesson tests insist on pairs.

use std::borrow::Cow;

/// Opens a stated result.
pub const OPEN: char = '⟦';
/// Closes a stated result.
pub const CLOSE: char = '⟧';
/// What a hidden result reads as.
pub const HIDDEN: &str = "…";

/// A run of a lesson text: said as is, or a stated result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment<'a> {
    pub text: &'a str,
    /// A result the run reveals: hidden until then.
    pub result: bool,
}

/// The text cut into its plain runs and its stated results (marks removed, empty runs left out).
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(OPEN) {
        let (before, after) = (&rest[..open], &rest[open + OPEN.len_utf8()..]);
        push(&mut out, before, false);
        match after.find(CLOSE) {
            Some(close) => {
                push(&mut out, &after[..close], true);
                rest = &after[close + CLOSE.len_utf8()..];
            }
            None => {
                push(&mut out, after, true);
                rest = "";
            }
        }
    }
    push(&mut out, rest, false);
    out
}

fn push<'a>(out: &mut Vec<Segment<'a>>, text: &'a str, result: bool) {
    if !text.is_empty() {
        out.push(Segment { text, result });
    }
}

/// The text as it reads once revealed: the marks removed.
pub fn plain(text: &str) -> Cow<'_, str> {
    if !text.contains([OPEN, CLOSE]) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(segments(text).iter().map(|s| s.text).collect())
}

/// The text as it reads before the reveal: each stated result replaced by `HIDDEN`.
pub fn hidden(text: &str) -> Cow<'_, str> {
    if !text.contains(OPEN) {
        return plain(text);
    }
    Cow::Owned(
        segments(text)
            .iter()
            .map(|s| if s.result { HIDDEN } else { s.text })
            .collect(),
    )
}

/// `plain` once revealed, else `hidden`.
pub fn shown(text: &str, revealed: bool) -> Cow<'_, str> {
    if revealed {
        plain(text)
    } else {
        hidden(text)
    }
}

/// Every stated result in the text, trimmed.
pub fn results(text: &str) -> Vec<&str> {
    segments(text)
        .into_iter()
        .filter(|s| s.result)
        .map(|s| {
            s.text
                .trim_matches(|c: char| c.is_whitespace() || ",.;:()".contains(c))
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Marks come in pairs, never nested, never a close before its open.
pub fn is_well_formed(text: &str) -> bool {
    let mut open = false;
    for c in text.chars() {
        match c {
            OPEN if open => return false,
            CLOSE if !open => return false,
            OPEN | CLOSE => open = !open,
            _ => {}
        }
    }
    !open
}
