//! Predict, then reveal: the lesson's question before Play, the answer once the run is over.

use std::rc::Rc;

use yew::prelude::*;

use super::state::Session;

#[derive(Properties, PartialEq)]
pub struct PredictProps {
    pub session: Rc<Session>,
    /// The learner has started playing or stepping.
    pub started: bool,
    pub finished: bool,
}

#[function_component(Predict)]
pub fn predict(props: &PredictProps) -> Html {
    // The learner's answer, or `Some(None)` once they chose to skip; reset for each lesson.
    let answer = use_state(|| None::<Option<usize>>);
    {
        let answer = answer.clone();
        use_effect_with(Rc::as_ptr(&props.session) as usize, move |_| {
            answer.set(None)
        });
    }
    let question = &props.session.lesson.question;
    if question.choices.is_empty() {
        return html! {};
    }
    let correct = question
        .choices
        .get(question.correct)
        .cloned()
        .unwrap_or_default();
    let body = match (*answer, props.finished) {
        (Some(None), _) => return html! {},
        (None, _) if props.started => return html! {},
        (None, _) => {
            let buttons = question.choices.iter().enumerate().map(|(i, choice)| {
                let answer = answer.clone();
                let onclick = Callback::from(move |_: MouseEvent| answer.set(Some(Some(i))));
                html! { <button type="button" class="btn choice" {onclick}>{ choice.to_string() }</button> }
            });
            let skip = {
                let answer = answer.clone();
                Callback::from(move |_: MouseEvent| answer.set(Some(None)))
            };
            html! {
                <>
                    <p class="prompt">{ question.prompt.to_string() }</p>
                    <div class="measure-actions" role="group" aria-label="Your prediction">
                        { for buttons }
                        <button type="button" class="btn link" onclick={skip}>{ "Skip" }</button>
                    </div>
                </>
            }
        }
        (Some(Some(i)), false) => html! {
            <p class="prompt">{ format!("You predicted: {}. Press Play and watch.", question.choices[i]) }</p>
        },
        (Some(Some(i)), true) => {
            let right = i == question.correct;
            html! {
                <p class={classes!("prompt", "reveal", right.then_some("right"))} id="reveal" data-answer={correct.to_string()}>
                    { if right {
                        format!("You predicted {}: right.", question.choices[i])
                    } else {
                        format!("You predicted {}; the answer is {correct}.", question.choices[i])
                    } }
                </p>
            }
        }
    };
    html! {
        <section class="card predict" aria-labelledby="predict-title" aria-live="polite">
            <h2 id="predict-title">{ "Predict first" }</h2>
            { body }
        </section>
    }
}
