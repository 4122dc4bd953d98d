//! The app's one state: the view the link asks for, the session and its playback, the last real
//! measurement, the learner's machine, the measurement worker's status, the dialogs and the
//! notices. Every change is an `AppAction` through `AppState::reduce`, in plain Rust and tested
//! natively (tests/ui_app_state.rs); `app` only lays it out and runs the browser's effects.

use std::rc::Rc;

use crate::bench::results::{HostProfile, Report, WorkerStatus};
use crate::sim::lessons::{path, CUSTOM};
use crate::sim::{Runtime, Scenario};

use super::params::{RuntimeChoice, Theme, View, DECIDE};
use super::progress::Progress;
use super::state::{Action, Playback, Session};

/// Everything the page shows that is not the lesson's own text.
#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    /// What the address bar says (without the playhead: Copy link adds that). Shared, so a
    /// playback frame does not copy a large scenario.
    pub view: Rc<View>,
    pub playback: Playback,
    /// The last "Measure for real" of this session; a new session forgets it.
    pub report: Option<Rc<Report>>,
    /// The machine check's findings, once it has run.
    pub machine: Option<HostProfile>,
    /// Whether the session simulates the learner's machine instead of the lesson's.
    pub using_machine: bool,
    pub worker: WorkerStatus,
    /// The answer to the last share action ("Link copied", "Could not show that: ...").
    pub notice: Option<String>,
    /// Why the editor's last scenario could not run, said in the editor.
    pub apply_error: Option<String>,
    /// Why the last autosave failed, until one succeeds.
    pub save_error: Option<String>,
    /// Why the view's scenario is not in the address bar (too large for a link).
    pub link_note: Option<String>,
    pub embed_open: bool,
    /// The learner's prediction for this lesson's question.
    pub answer: Answer,
    /// The answer has been shown: the run reached its end, or the presenter revealed it. It stays
    /// shown for the session, so "Show me" and stepping back keep the answer on screen.
    pub revealed: bool,
    /// Hands counted per choice by a teacher in class mode, shown as bars before the reveal.
    pub hands: Vec<u32>,
    /// The lessons whose answers this browser has seen (kept in storage by the page).
    pub progress: Progress,
}

/// Where the learner stands with the question.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Answer {
    /// Not answered yet.
    #[default]
    Open,
    /// The learner chose not to predict.
    Skipped,
    /// The index of the chosen answer.
    Chose(usize),
}

/// Everything the learner, the clock, a worker or storage can do to the page.
#[derive(Clone, Debug, PartialEq)]
pub enum AppAction {
    /// Play, pause, step, scrub, tick: the player's own reducer (`state::Playback`).
    Playback(Action),
    /// A lesson from the menu (not `custom`: that is this tab's scenario, reopened by a link).
    PickLesson(String),
    /// The editor's scenario, already valid: simulated here, once.
    Apply(Scenario),
    /// The runtime menus: run the lesson on this Python, OS and task factory (a preset as a
    /// variant of itself, a custom scenario with its fields changed).
    SetRuntime(Runtime),
    SetTheme(Option<Theme>),
    TogglePresent,
    /// A real measurement of session `of` finished (`None`: it was cleared or cancelled); one
    /// that finishes after the session changed is dropped.
    Measured {
        of: Rc<Session>,
        report: Option<Rc<Report>>,
    },
    MachineChecked(HostProfile),
    /// Simulate on the learner's machine (true) or the lesson's (false).
    UseMachine(bool),
    Worker(WorkerStatus),
    Notice(Option<String>),
    Embed(bool),
    /// The autosave's answer: `Err` says why the scenario was not saved.
    Saved(Result<(), String>),
    /// The learner answers the question (or skips it).
    Answer(Answer),
    /// Show the answer now, before the run's end (a presenter's Reveal).
    Reveal,
    /// A clicker's "next" in presentation mode: first the reveal, then Play, then pause or step;
    /// never past the question unseen.
    PresenterNext,
    /// The teacher's count of hands for choice `choice` (class mode).
    Hands {
        choice: usize,
        count: u32,
    },
    /// The progress read from storage at start (merged with what this page has done since).
    ProgressLoaded(Progress),
    /// A race lesson's question was answered (its own player reveals at once).
    RaceRevealed,
}

/// The most hands a teacher can count for one choice: a lecture hall, not a stadium.
pub const MAX_HANDS: u32 = 999;

/// Simulates the view's lesson, for the models it shows, on the lesson's machine or `machine`.
pub fn load(view: &View, machine: Option<&HostProfile>) -> Result<Rc<Session>, String> {
    let mut lesson = view.lesson();
    if let Some(m) = machine {
        for config in &mut lesson.scenario.models {
            config.cores = Some(m.speedup.round().max(1.0) as u32);
            config.startup_ms = Some(m.startup_ms.clamp(0.0, 60_000.0));
        }
    }
    Session::new(lesson, &view.shown()).map(Rc::new)
}

/// What the address bar cannot hold, said beside the stage with a way to share it as a file.
fn link_problem(view: &View) -> Option<String> {
    view.scenario.as_ref()?;
    view.link_query().err()
}

impl AppState {
    /// The page a link opens: its view, or the default lesson (with a notice saying why) if it
    /// cannot run, with the playhead where the link puts it.
    pub fn open(mut view: View) -> AppState {
        let session = match load(&view, None) {
            Ok(session) => session,
            Err(e) => {
                let mut ignored = std::mem::take(&mut view.ignored);
                ignored.push(e);
                view = View {
                    ignored,
                    ..View::default()
                };
                load(&view, None).expect("the default lesson always simulates")
            }
        };
        // An embed belongs to its host page: presentation mode is not offered there.
        view.present &= !view.embed;
        let mut playback = Playback::new(session, view.speed);
        if let Some(t) = view.t {
            playback = playback.reduce(Action::Jump(t));
        }
        // A link to a moment at or past the one that proves the answer shows the answer on
        // screen already: the question opens answered rather than asked over its own answer.
        let proof = playback.session.lesson.question.proof;
        let shown = proof
            .time(&playback.session.traces)
            .is_some_and(|at| view.t.is_some() && playback.time >= at);
        AppState {
            link_note: link_problem(&view),
            view: Rc::new(view),
            playback,
            report: None,
            machine: None,
            using_machine: false,
            worker: WorkerStatus::NotStarted,
            notice: None,
            apply_error: None,
            save_error: None,
            embed_open: false,
            answer: Answer::Open,
            revealed: shown,
            hands: Vec::new(),
            progress: Progress::default(),
        }
        .settled()
    }

    /// Whether the page asks the lesson's question: it has one, and the link did not turn it
    /// off (`question=0`).
    pub fn asks(&self) -> bool {
        self.view.question && !self.playback.session.lesson.question.choices.is_empty()
    }

    /// The reveal latches at the run's end, and a revealed lesson counts as done.
    fn settled(mut self) -> AppState {
        self.revealed |= self.playback.finished();
        if self.revealed && self.view.race().is_none() {
            self.progress.mark(self.playback.session.lesson.id);
        }
        self
    }

    /// The lesson after this one on the guided path, when the page shows a lesson on it.
    pub fn next_lesson(&self) -> Option<&'static str> {
        let id = match self.view.race() {
            Some(race) => race.id(),
            None => self.playback.session.lesson.id,
        };
        path::next(id)
    }

    /// The machine the session simulates, when it is the learner's.
    pub fn mine(&self) -> Option<&HostProfile> {
        self.machine.as_ref().filter(|_| self.using_machine)
    }

    /// The state after `action`, or `None` when nothing changed (a paused tick, a step at the
    /// end), so the page does not redraw.
    pub fn reduce(&self, action: AppAction) -> Option<AppState> {
        let mut next = self.clone();
        match action {
            // A race lesson has its own player (`race_view`): the hidden one takes nothing.
            // (its clicker too: its own keys reveal, then step the game).
            AppAction::Playback(_) | AppAction::PresenterNext if self.view.race().is_some() => {
                return None
            }
            AppAction::Playback(action) => next.playback = self.playback.clone().reduce(action),
            AppAction::PickLesson(id) if id == CUSTOM => return None,
            // The decision explorer is a page of its own; the lesson behind it stays loaded.
            AppAction::PickLesson(id) if id == DECIDE => {
                next.view = Rc::new(View {
                    decide: true,
                    scenario: None,
                    ignored: Vec::new(),
                    ..(*self.view).clone()
                });
            }
            AppAction::PickLesson(id) => {
                let view = View {
                    lesson: id,
                    scenario: None,
                    model: None,
                    models: Vec::new(),
                    decide: false,
                    workload: None,
                    // Another lesson runs on its own Python, OS and task factory.
                    runtime: RuntimeChoice::default(),
                    ..(*self.view).clone()
                };
                // A lesson that cannot run says so in the notice; the page stays as it was.
                let _ = next.show(view, self.mine().cloned());
            }
            AppAction::Apply(scenario) => {
                // Models the scenario no longer has are no longer asked for.
                let has = |m: &crate::sim::ModelId| scenario.models.iter().any(|c| c.id == *m);
                let view = View {
                    model: self.view.model.filter(has),
                    models: self.view.models.iter().copied().filter(has).collect(),
                    scenario: Some(scenario),
                    // An edited scenario is no longer the explorer's cell.
                    workload: None,
                    ..(*self.view).clone()
                };
                next.apply_error = next.show(view, self.mine().cloned()).err();
                if next.apply_error.is_some() {
                    next.notice = None;
                }
            }
            AppAction::SetRuntime(want) => match &self.view.scenario {
                Some(scenario) => {
                    let mut s = scenario.clone();
                    let (own, want) = (s.runtime(), want.fitted());
                    // A field the file did not have stays absent while it keeps its default.
                    s.python =
                        (s.python.is_some() || want.python != own.python).then_some(want.python);
                    s.os = (s.os.is_some() || want.os != own.os).then_some(want.os);
                    s.task_factory =
                        (s.task_factory.is_some() || want.tasks != own.tasks).then_some(want.tasks);
                    return self.reduce(AppAction::Apply(s));
                }
                None if self.view.preset_runtime() => {
                    let own = self.view.preset().scenario.runtime();
                    let view = View {
                        runtime: RuntimeChoice::between(own, want),
                        t: None,
                        ..(*self.view).clone()
                    };
                    let _ = next.show(view, self.mine().cloned());
                }
                None => return None,
            },
            AppAction::SetTheme(theme) => {
                next.view = Rc::new(View {
                    theme,
                    ..(*self.view).clone()
                })
            }
            AppAction::TogglePresent => {
                next.view = Rc::new(View {
                    present: !self.view.present,
                    ..(*self.view).clone()
                })
            }
            AppAction::Measured { of, .. } if !Rc::ptr_eq(&of, &self.playback.session) => {
                return None
            }
            AppAction::Measured { report, .. } => next.report = report,
            AppAction::MachineChecked(machine) => next.machine = Some(machine),
            AppAction::UseMachine(on) => {
                next.using_machine = on;
                let machine = next.mine().cloned();
                if next.show((*self.view).clone(), machine).is_err() {
                    next.using_machine = self.using_machine;
                }
            }
            AppAction::Worker(status) => next.worker = status,
            AppAction::Notice(notice) => next.notice = notice,
            AppAction::Embed(open) => next.embed_open = open,
            AppAction::Saved(result) => next.save_error = result.err(),
            AppAction::Answer(answer) => next.answer = answer,
            AppAction::Reveal => next.revealed = true,
            AppAction::PresenterNext => {
                if self.asks() && !self.revealed {
                    next.revealed = true;
                } else if self.playback.finished() && !self.playback.playing {
                    // Past the end, the clicker moves on along the path (its question asked afresh).
                    match self.next_lesson() {
                        Some(id) => return self.reduce(AppAction::PickLesson(id.to_string())),
                        None => return None,
                    }
                } else if !self.playback.started() || self.playback.playing {
                    next.playback = self.playback.clone().reduce(Action::TogglePlay);
                } else {
                    next.playback = self.playback.clone().reduce(Action::StepForward);
                }
            }
            AppAction::Hands { choice, count } => {
                let n = self.playback.session.lesson.question.choices.len();
                if choice >= n {
                    return None;
                }
                next.hands.resize(n, 0);
                next.hands[choice] = count.min(MAX_HANDS);
            }
            AppAction::ProgressLoaded(stored) => {
                let mut merged = stored;
                for id in crate::sim::lessons::path::PATH {
                    if self.progress.is_done(id) {
                        merged.mark(id);
                    }
                }
                next.progress = merged;
            }
            AppAction::RaceRevealed => {
                if let Some(race) = self.view.race() {
                    next.progress.mark(race.id());
                }
            }
        }
        // A new lesson asks its question afresh.
        // (The scenarios are compared only when the view changed: never on a playback frame.)
        if next.playback.session.lesson.id != self.playback.session.lesson.id
            || (!Rc::ptr_eq(&next.view, &self.view) && next.view.scenario != self.view.scenario)
        {
            next.answer = Answer::Open;
            next.revealed = false;
            next.hands = Vec::new();
        }
        let mut next = next.settled();
        // The link's note follows the view (encoding a scenario is not work for every frame).
        if !Rc::ptr_eq(&next.view, &self.view) {
            next.link_note = link_problem(&next.view);
        }
        (!next.same_as(self)).then_some(next)
    }

    /// Equality that is cheap on a playback frame: the view and the measurement are compared
    /// by identity first, so a frame never compares a large scenario field by field.
    fn same_as(&self, other: &AppState) -> bool {
        let same_rc = |a: &Rc<View>, b: &Rc<View>| Rc::ptr_eq(a, b) || a == b;
        same_rc(&self.view, &other.view)
            && self.playback == other.playback
            && match (&self.report, &other.report) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b) || a == b,
                (a, b) => a.is_none() && b.is_none(),
            }
            && self.machine == other.machine
            && self.using_machine == other.using_machine
            && self.worker == other.worker
            && self.notice == other.notice
            && self.apply_error == other.apply_error
            && self.save_error == other.save_error
            && self.link_note == other.link_note
            && self.embed_open == other.embed_open
            && self.answer == other.answer
            && self.revealed == other.revealed
            && self.hands == other.hands
            && self.progress == other.progress
    }

    /// Shows another view: a new session (playback from the start at the same speed, no
    /// measurement yet) if it simulates; otherwise the reason, as a notice and as the result.
    fn show(&mut self, view: View, machine: Option<HostProfile>) -> Result<(), String> {
        match load(&view, machine.as_ref()) {
            Ok(session) => {
                self.playback = Playback::new(session, self.playback.speed);
                self.report = None;
                self.notice = None;
                self.view = Rc::new(View {
                    ignored: Vec::new(),
                    ..view
                });
                Ok(())
            }
            Err(e) => {
                self.notice = Some(format!("Could not show that: {e}"));
                Err(e)
            }
        }
    }
}
