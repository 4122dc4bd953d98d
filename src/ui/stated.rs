//! Lesson text with its stated results (`sim::lessons::spoiler`): each one reads "…" until the
//! run reveals it, then shows marked, so the learner sees what the text had held back.

use yew::prelude::*;

use crate::sim::lessons::spoiler::{self, HIDDEN};

/// `text` as the page shows it, before (`revealed == false`) or after the reveal.
pub fn stated(text: &str, revealed: bool) -> Html {
    // Most lines state nothing: no parsing for them (the code panel renders every frame).
    if !text.contains(spoiler::OPEN) {
        return html! { { text.to_string() } };
    }
    html! {
        { for spoiler::segments(text).into_iter().map(|s| match (s.result, revealed) {
            (false, _) => html! { { s.text.to_string() } },
            (true, true) => html! { <span class="stated">{ s.text.to_string() }</span> },
            (true, false) => html! {
                <span class="held" title="Shown once the run has revealed it">{ HIDDEN }</span>
            },
        }) }
    }
}
