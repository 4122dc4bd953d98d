//! "Measure for real": runs the lesson in Web Workers, checks the learner's machine, and shows
//! the page's own event loop freezing (or not).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::bench::plan;
use crate::bench::results::{HostProfile, Report};
use crate::bench::runner::{self, Cancel};

use super::state::Session;

/// How many times each model runs; the table shows the median and the chart the spread.
pub const REPEATS: u32 = 3;

#[derive(Properties, PartialEq)]
pub struct MeasureProps {
    pub session: Rc<Session>,
    pub report: Option<Rc<Report>>,
    pub on_report: Callback<Option<Rc<Report>>>,
    pub machine: Option<HostProfile>,
    pub on_machine: Callback<HostProfile>,
    /// Whether the simulation uses the measured machine; toggled by "Use my machine".
    pub using_machine: bool,
    pub on_use_machine: Callback<bool>,
}

#[derive(Clone, PartialEq)]
enum Job {
    Idle,
    Running(String),
    Failed(String),
}

/// Starts a new job: the one still running (a second click can land before the page redraws
/// the button) is cancelled first, so only one measurement ever runs.
fn begin(current: &RefCell<Cancel>) -> Cancel {
    current.borrow().set(true);
    let flag: Cancel = Rc::new(Cell::new(false));
    *current.borrow_mut() = flag.clone();
    flag
}

/// True while `flag` belongs to the latest job: a cancelled one must not report over it.
fn is_current(current: &RefCell<Cancel>, flag: &Cancel) -> bool {
    Rc::ptr_eq(&current.borrow(), flag)
}

#[function_component(MeasurePanel)]
pub fn measure_panel(props: &MeasureProps) -> Html {
    let job = use_state(|| Job::Idle);
    let cancel = use_mut_ref(|| Rc::new(Cell::new(false)));

    let start_measure = {
        let (job, cancel, session, on_report) = (
            job.clone(),
            cancel.clone(),
            props.session.clone(),
            props.on_report.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let flag = begin(&cancel);
            let (job, session, on_report) = (job.clone(), session.clone(), on_report.clone());
            let cancel = cancel.clone();
            job.set(Job::Running("Starting…".into()));
            on_report.emit(None);
            spawn_local(async move {
                // Only the models on show (a link may ask for one), with their simulated totals.
                let models: Vec<_> = session
                    .traces
                    .iter()
                    .filter_map(|t| {
                        let config = session
                            .lesson
                            .scenario
                            .models
                            .iter()
                            .find(|c| c.id == t.model)?;
                        Some((config.clone(), t.stats.makespan.as_ms_f64()))
                    })
                    .collect();
                let progress = {
                    let (job, cancel, flag) = (job.clone(), cancel.clone(), flag.clone());
                    move |text: String| {
                        if is_current(&cancel, &flag) {
                            job.set(Job::Running(text))
                        }
                    }
                };
                let result =
                    runner::measure(&session.lesson.scenario, &models, REPEATS, &flag, &progress)
                        .await;
                if !is_current(&cancel, &flag) {
                    return;
                }
                match result {
                    Ok(report) => {
                        on_report.emit(Some(Rc::new(report)));
                        job.set(Job::Idle);
                    }
                    Err(e) if e == "cancelled" => job.set(Job::Idle),
                    Err(e) => job.set(Job::Failed(e)),
                }
            });
        })
    };
    let check_machine = {
        let (job, cancel, on_machine) = (job.clone(), cancel.clone(), props.on_machine.clone());
        Callback::from(move |_: MouseEvent| {
            let flag = begin(&cancel);
            let (job, on_machine, cancel) = (job.clone(), on_machine.clone(), cancel.clone());
            job.set(Job::Running("Checking your machine…".into()));
            spawn_local(async move {
                let progress = {
                    let (job, cancel, flag) = (job.clone(), cancel.clone(), flag.clone());
                    move |text: String| {
                        if is_current(&cancel, &flag) {
                            job.set(Job::Running(text))
                        }
                    }
                };
                let result = runner::machine(&flag, &progress).await;
                if !is_current(&cancel, &flag) {
                    return;
                }
                match result {
                    Ok(machine) => {
                        on_machine.emit(machine);
                        job.set(Job::Idle);
                    }
                    Err(e) if e == "cancelled" => job.set(Job::Idle),
                    Err(e) => job.set(Job::Failed(e)),
                }
            });
        })
    };
    let stop = {
        let (cancel, job) = (cancel.clone(), job.clone());
        Callback::from(move |_: MouseEvent| {
            cancel.borrow().set(true);
            job.set(Job::Running("Cancelling…".into()));
        })
    };
    // Leaving the lesson stops a measurement that is still running.
    {
        let cancel = cancel.clone();
        use_effect_with(Rc::as_ptr(&props.session) as usize, move |_| {
            move || cancel.borrow().set(true)
        });
    }

    let running = matches!(*job, Job::Running(_));
    let status = match &*job {
        Job::Idle => props
            .report
            .as_ref()
            .map(|r| summary(r))
            .unwrap_or_default(),
        Job::Running(text) => text.clone(),
        Job::Failed(e) => format!("The measurement stopped: {e}. The simulation is unaffected."),
    };
    let use_mine = {
        let on_use = props.on_use_machine.clone();
        let using = props.using_machine;
        Callback::from(move |_: MouseEvent| on_use.emit(!using))
    };

    html! {
        <section class="card measure" aria-labelledby="measure-title">
            <h2 id="measure-title">{ "Your machine, for real" }</h2>
            <div class="measure-actions">
                if running {
                    <button type="button" class="btn" onclick={stop}>{ "Cancel" }</button>
                } else {
                    <button type="button" class="btn primary" id="measure" onclick={start_measure}>{ "Measure for real" }</button>
                    <button type="button" class="btn" onclick={check_machine}>{ "Check my machine" }</button>
                }
                <span class={classes!("measure-status", running.then_some("busy"))} role="status" id="measure-status">
                    if running { <span class="spinner" aria-hidden="true"></span> }
                    { status }
                </span>
            </div>
            if plan::payload_capped(&props.session.lesson.scenario) {
                <p class="hint" id="payload-note">{ format!(
                    "Payloads above {} MB per task are copied as {} MB in real measurements, so the page never allocates gigabytes; the simulation uses the full sizes.",
                    plan::MAX_PAYLOAD_BYTES / (1024 * 1024),
                    plan::MAX_PAYLOAD_BYTES / (1024 * 1024)
                ) }</p>
            }
            if let Some(m) = &props.machine {
                <dl class="machine" id="machine">
                    <dt>{ "Parallel speed-up" }</dt>
                    <dd>{ format!("{:.2}× with {} workers on a pure CPU job", m.speedup, m.workers) }</dd>
                    <dt>{ "navigator.hardwareConcurrency" }</dt><dd>{ m.hardware_concurrency }</dd>
                    <dt>{ "Worker start-up" }</dt><dd>{ format!("{:.1} ms", m.startup_ms) }</dd>
                    <dt>{ "Cross-origin isolated" }</dt>
                    <dd>{ if m.isolated { "yes: blocking waits use Atomics.wait" } else { "no: blocking waits are busy waits" } }</dd>
                    <dt>{ "Timer resolution" }</dt><dd>{ format!("{:.3} ms", m.timer_resolution_ms) }</dd>
                </dl>
                <button type="button" class="btn" aria-pressed={props.using_machine.to_string()} onclick={use_mine}>
                    { if props.using_machine { "Back to the lesson's machine" } else { "Use my machine" } }
                </button>
            }
            <details class="how">
                <summary>{ "How this is measured" }</summary>
                <ul>
                    <li>{ "Python's CPU work becomes a WebAssembly loop, calibrated so that one model second takes a fraction of a real second; results are scaled back." }</li>
                    <li>{ "Awaited I/O is a timer on a worker's own event loop. A blocking call is a blocking wait: Atomics.wait when this page is cross-origin isolated, otherwise a busy wait." }</li>
                    <li>{ "sync: one worker runs the tasks in order. asyncio: one worker, cooperative tasks awaiting timers. threads: one worker per thread, each taking one shared lock (the GIL, handed out by the page) for every 5 ms of CPU work. threads-nogil: the same workers without the lock. processes: new workers every run, so their real start-up counts, with payloads copied by structured clone." }</li>
                    <li>{ "Worker start-up and copying are real costs and are not scaled, so they weigh more here than in Python." }</li>
                </ul>
            </details>
        </section>
    }
}

fn summary(report: &Report) -> String {
    format!(
        "Each model ran {} times, sped up so that 1 model second took {:.0} real ms; the times shown are scaled back to model seconds. Blocking waits used {}.",
        REPEATS,
        report.scale * 1000.0,
        if report.atomics {
            "Atomics.wait"
        } else {
            "a busy wait"
        }
    )
}
