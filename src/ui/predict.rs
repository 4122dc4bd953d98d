//! Predict, then reveal: the lesson's question with lettered choices before the run, and once
//! the answer is revealed (the run's end, or a presenter's Reveal) whether the prediction was
//! right, the answer, why, and "Show me" to jump to the moment that proves it. In class mode
//! (presentation) the teacher can type the hands counted for each choice, drawn as bars. In an
//! embed (`compact`) it is one strip over the stage, the why folded under "Why?".

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::app_state::{Answer, AppAction, MAX_HANDS};
use super::scene::show_scene;
use super::state::{Action, Playhead, Session};
use crate::sim::models::descriptor;

#[derive(Properties, PartialEq)]
pub struct PredictProps {
    pub session: Rc<Session>,
    pub answer: Answer,
    pub revealed: bool,
    /// The learner has started playing or stepping.
    pub started: bool,
    /// Class mode: presentation's large lettered choices, the hands counts and a Reveal button.
    pub present: bool,
    pub hands: Vec<u32>,
    pub dispatch: Callback<AppAction>,
    /// An embed's strip: the why folds away, so Play and every model stay in the frame.
    #[prop_or_default]
    pub compact: bool,
    /// Shown with the answer, after "Show me": the guided path's "Next lesson".
    #[prop_or_default]
    pub after: Html,
}

/// "A", "B", ... for choice `i`.
pub fn letter(i: usize) -> char {
    (b'A' + (i % 26) as u8) as char
}

#[function_component(Predict)]
pub fn predict(props: &PredictProps) -> Html {
    let question = &props.session.lesson.question;
    let proof_at = {
        let session = props.session.clone();
        use_memo(Rc::as_ptr(&session) as usize, move |_| {
            session.lesson.question.proof.time(&session.traces)
        })
    };
    // On a phone, too, the why folds under "Why?": unfolded it would push the stage under the bar.
    let narrow = use_memo((), |_| {
        web_sys::window()
            .and_then(|w| w.match_media("(max-width: 640px)").ok().flatten())
            .is_some_and(|m| m.matches())
    });
    // A choice, Skip or Reveal takes its own button away: the focus goes on to what replaced
    // it (Reveal now, then Show me) instead of falling back to the page, unless it is elsewhere.
    {
        let step = (props.answer, props.revealed);
        let first = use_mut_ref(|| true);
        use_effect_with(step, move |_| {
            // Not on the page's first render: a link opened at the end takes no focus.
            if std::mem::replace(&mut *first.borrow_mut(), false) {
                return;
            }
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(d) = document {
                let lost = d.active_element().is_none_or(|e| e.tag_name() == "BODY");
                let next = ["reveal-now-link", "predict-again", "show-me", "next-lesson"]
                    .iter()
                    .find_map(|id| d.get_element_by_id(id));
                if let (true, Some(next)) = (lost, next) {
                    if let Ok(next) = next.dyn_into::<web_sys::HtmlElement>() {
                        let _ = next.focus();
                    }
                }
            }
        });
    }
    // (After the hooks, which every render calls in the same order.)
    if question.choices.is_empty() {
        return html! {};
    }
    let dispatch = &props.dispatch;
    let choice_text = |i: usize| format!("{}) {}", letter(i), question.choices[i]);
    let correct = question.correct.min(question.choices.len() - 1);
    let hands = |i: usize| props.hands.get(i).copied().unwrap_or(0);
    let most = (0..question.choices.len()).map(hands).max().unwrap_or(0);
    let tally = |i: usize| -> Html {
        if !props.present || most == 0 {
            return html! {};
        }
        let share = hands(i) as f64 / most as f64;
        html! {
            <span class="hands-bar" aria-hidden="true"><span style={format!("width: {:.0}%", share * 100.0)}></span></span>
        }
    };

    let body = if props.revealed {
        let verdict = match props.answer {
            Answer::Chose(i) if i == correct => html! {
                <p class="verdict right"><span class="mark" aria-hidden="true">{ "✓ " }</span>{ format!("Right: {}.", choice_text(i)) }</p>
            },
            Answer::Chose(i) if i < question.choices.len() => html! {
                <p class="verdict wrong"><span class="mark" aria-hidden="true">{ "✗ " }</span>
                    { format!("Not quite: you said {}. The answer is {}.", choice_text(i), choice_text(correct)) }</p>
            },
            _ => {
                html! { <p class="verdict">{ format!("The answer: {}.", choice_text(correct)) }</p> }
            }
        };
        let show_me = proof_at.map(|at| {
            let model = descriptor(question.proof.model).short;
            let proof_model = question.proof.model.as_str();
            let onclick = dispatch.reform(move |_: MouseEvent| {
                // On a phone the proving model's scene comes into view with the moment.
                show_scene(proof_model);
                AppAction::Playback(Action::Jump(Playhead::at(at)))
            });
            html! {
                <button type="button" class="btn small show-me" id="show-me" {onclick}>
                    { format!("Show me: {model} at {}", at.brief()) }
                </button>
            }
        });
        let counted = props.present && most > 0;
        html! {
            <div class={classes!("reveal", matches!(props.answer, Answer::Chose(i) if i == correct).then_some("right"))}
                 id="reveal" data-answer={question.choices[correct].to_string()}>
                { verdict }
                if props.compact || *narrow {
                    <details class="why-fold"><summary>{ "Why?" }</summary><p class="why">{ question.why.to_string() }</p></details>
                } else {
                    <p class="why">{ question.why.to_string() }</p>
                }
                if counted {
                    // One line under the answer: each letter's hands (the verdict names the answer).
                    <ol class="choices tallied" aria-label="Hands counted">
                        { for (0..question.choices.len()).map(|i| html! {
                            <li class={classes!((i == correct).then_some("correct"))}
                                aria-label={format!("{}: {} hands", letter(i), hands(i))}>
                                <span class="letter">{ letter(i) }</span>
                                { tally(i) }<span class="count">{ hands(i) }</span>
                            </li>
                        }) }
                    </ol>
                }
                { for show_me }
                { props.after.clone() }
            </div>
        }
    } else {
        match props.answer {
            // Skipped: one line, with the way back while the answer is still hidden.
            Answer::Skipped => {
                let back = dispatch.reform(|_: MouseEvent| AppAction::Answer(Answer::Open));
                html! {
                    <p class="prompt skipped">{ "No prediction this time. " }
                        <button type="button" class="btn link" id="predict-again" onclick={back}>{ "Predict after all" }</button></p>
                }
            }
            Answer::Chose(i) if i < question.choices.len() => {
                let reveal = dispatch.reform(|_: MouseEvent| AppAction::Reveal);
                html! {
                    <>
                        <p class="prompt">{ format!("You predicted {}. ", choice_text(i)) }
                            { if props.started { "Watch the run: the answer comes at its end." } else { "Press Play and watch." } }</p>
                        <button type="button" class="btn link" id="reveal-now-link" onclick={reveal}>{ "Reveal now" }</button>
                    </>
                }
            }
            _ => {
                let buttons = question.choices.iter().enumerate().map(|(i, choice)| {
                    let onclick = dispatch.reform(move |_: MouseEvent| AppAction::Answer(Answer::Chose(i)));
                    let count = props.present.then(|| {
                        let oninput = dispatch.reform(move |e: InputEvent| {
                            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                            // "3e2", "3.7", "-5" or a huge number: what it says, rounded down and kept in range.
                            let typed = input.value().trim().parse::<f64>().unwrap_or(0.0);
                            let count = typed.clamp(0.0, f64::from(MAX_HANDS)) as u32;
                            AppAction::Hands { choice: i, count }
                        });
                        html! {
                            <input type="number" class="hands" min="0" max={MAX_HANDS.to_string()} inputmode="numeric"
                                aria-label={format!("Hands for {}", letter(i))} placeholder="hands"
                                value={if hands(i) > 0 { hands(i).to_string() } else { String::new() }} {oninput} />
                        }
                    });
                    html! {
                        <li>
                            <button type="button" class="btn choice" {onclick} aria-label={format!("{}: {}", letter(i), choice)}>
                                <span class="letter">{ letter(i) }</span>{ choice.to_string() }
                            </button>
                            { tally(i) }
                            { for count }
                        </li>
                    }
                });
                let skip = dispatch.reform(|_: MouseEvent| AppAction::Answer(Answer::Skipped));
                let reveal = dispatch.reform(|_: MouseEvent| AppAction::Reveal);
                html! {
                    <>
                        <p class="prompt">{ question.prompt.to_string() }</p>
                        <ol class="choices" role="group" aria-label="Your prediction">
                            { for buttons }
                            <li class="then">
                                if props.present {
                                    <button type="button" class="btn primary" id="reveal-now" onclick={reveal}
                                        title="Clicker: PageDown">{ "Reveal" }</button>
                                } else {
                                    <button type="button" class="btn link" onclick={skip}>{ "Skip" }</button>
                                }
                            </li>
                        </ol>
                    </>
                }
            }
        }
    };
    html! {
        <section class={classes!("card", "predict", props.revealed.then_some("revealed"), props.compact.then_some("compact"))}
                 aria-labelledby="predict-title" aria-live="polite" data-kind={question.ask.kind()}>
            <h2 id="predict-title">{ if props.revealed { "The answer" } else { "Predict first" } }</h2>
            { body }
        </section>
    }
}
