//! The guided path on the page: "Next lesson" once a lesson's answer is out, naming where the
//! path goes next (`sim::lessons::path`), with how many lessons this browser has done.

use yew::prelude::*;

use crate::sim::lessons::{self, path};

use super::progress::Progress;
use super::race::RaceLesson;

#[derive(Properties, PartialEq)]
pub struct NextProps {
    /// The lesson shown.
    pub lesson: String,
    pub progress: Progress,
    /// Opens a lesson by id.
    pub on_lesson: Callback<String>,
}

/// A lesson's title by id, simulated or race (the menu's and Next lesson's).
pub fn title(id: &str) -> String {
    match RaceLesson::from_id(id) {
        Some(race) => race.title().to_string(),
        None => lessons::by_id(id).map_or_else(|| id.to_string(), |l| l.title.to_string()),
    }
}

/// A lesson's number on the path and its title: "3. The async trap".
fn numbered(id: &str) -> String {
    let title = title(id);
    match path::position(id) {
        Some(i) => format!("{}. {title}", i + 1),
        None => title,
    }
}

#[function_component(NextLesson)]
pub fn next_lesson(props: &NextProps) -> Html {
    let Some(at) = path::position(&props.lesson) else {
        return html! {};
    };
    let count = html! {
        <span class="progress-count" id="progress-count" title="Lessons whose answer you have seen, kept in this browser">
            { format!("{} of {} done", props.progress.count(), path::PATH.len()) }
        </span>
    };
    match path::next(&props.lesson) {
        Some(next) => {
            let on_lesson = props.on_lesson.clone();
            let onclick = Callback::from(move |_: MouseEvent| on_lesson.emit(next.to_string()));
            html! {
                <nav class="next-lesson" aria-label="Guided path">
                    <button type="button" class="btn primary small" id="next-lesson" {onclick}
                        title={format!("Lesson {} of {} on the path", at + 2, path::PATH.len())}>
                        { format!("Next lesson: {} →", numbered(next)) }
                    </button>
                    { count }
                </nav>
            }
        }
        None => {
            // The end of the path: back to the first lesson not yet done, if any.
            let open = props.progress.first_open().filter(|id| *id != props.lesson);
            let back = open.map(|id| {
                let on_lesson = props.on_lesson.clone();
                let onclick = Callback::from(move |_: MouseEvent| on_lesson.emit(id.to_string()));
                let number = path::position(id).map_or(0, |i| i + 1);
                html! { <button type="button" class="btn small" id="next-lesson" {onclick} title={numbered(id)}>{ format!("Not yet seen: lesson {number} →") }</button> }
            });
            html! {
                <nav class="next-lesson" aria-label="Guided path">
                    <span>{ "The end of the path:" }</span>
                    { count }
                    { for back }
                </nav>
            }
        }
    }
}
