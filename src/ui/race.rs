//! The race lessons' state (`counter-race`, `refcount-race`): what the link asks for (version,
//! code, counts, moves), the learner's game as scheduler, the question and the many seeded
//! runs. Every change goes through `RaceState::reduce`; plain Rust, tested natively.

use crate::sim::race::bytecode::Effect;
use crate::sim::race::refcount::{self, Counts, Micro, RefGame};
use crate::sim::race::report::RUNS;
use crate::sim::race::runs::{mean, runs, Race};
use crate::sim::race::scheduler::{Game, Happened, MAX_STEPS};
use crate::sim::race::{measured, Python, Snippet};

/// Threads in the counter game (the many runs use four, as measured).
pub const GAME_THREADS: usize = 2;

/// The answer recorded when the question is revealed without one.
pub const NO_ANSWER: usize = 4;

/// Which race lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RaceLesson {
    Counter,
    Refcount,
}

impl RaceLesson {
    pub const ALL: [RaceLesson; 2] = [RaceLesson::Refcount, RaceLesson::Counter];

    /// The stable lesson id.
    pub fn id(self) -> &'static str {
        match self {
            RaceLesson::Counter => "counter-race",
            RaceLesson::Refcount => "refcount-race",
        }
    }

    pub fn from_id(id: &str) -> Option<RaceLesson> {
        RaceLesson::ALL.into_iter().find(|l| l.id() == id)
    }

    pub fn title(self) -> &'static str {
        match self {
            RaceLesson::Refcount => "Why the GIL exists: a race on a reference count",
            RaceLesson::Counter => "counter += 1 from several threads, bytecode by bytecode",
        }
    }

    pub fn summary(self) -> &'static str {
        match self {
            RaceLesson::Refcount => {
                "Every Python object counts its references, and changing the count is three \
                 steps in C: read it, add or subtract one, write it back. You are the scheduler: \
                 pick which thread runs the next step."
            }
            RaceLesson::Counter => {
                "`counter[0] += 1` is several bytecode instructions: a read, an add and a \
                 write. You are the scheduler: pick which thread runs the next instruction, \
                 where the chosen CPython could switch threads."
            }
        }
    }

    /// The game's instruction before the question is answered: one that does not say what can
    /// go wrong, which is the answer.
    pub fn goal_before(self) -> &'static str {
        match self {
            RaceLesson::Refcount => {
                "Your move: choose which thread runs each next step, and watch the count."
            }
            RaceLesson::Counter => {
                "Your move: choose which thread runs each next instruction, and watch the counter."
            }
        }
    }

    /// The goal of the game, once the question is answered.
    pub fn goal(self) -> &'static str {
        match self {
            RaceLesson::Refcount => {
                "Goal: make the count too low, so the object is freed while thread A still uses it."
            }
            RaceLesson::Counter => "Goal: make a thread lose another thread's update.",
        }
    }

    /// The question asked before anything is run, its choices and the right one.
    pub fn question(self) -> (&'static str, [&'static str; 4], usize) {
        match self {
            RaceLesson::Refcount => (
                "An object has a count of 2. Thread A takes a new reference while thread B \
                 drops one, with no GIL and plain counts. What can the count end as?",
                ["Always 2", "2 or 3", "1, 2 or 3", "Always 1"],
                2,
            ),
            RaceLesson::Counter => (
                "On CPython 3.9, four threads each run counter[0] += 1 200,000 times. What does \
                 the counter say at the end?",
                [
                    "800,000: all kept",
                    "Fewer: some updates lost",
                    "About 200,000",
                    "It crashes",
                ],
                1,
            ),
        }
    }

    /// Why, in the lessons' words: shown with the answer.
    pub fn why(self) -> &'static str {
        match self {
            RaceLesson::Refcount => {
                "If both threads read 2 before either writes, the last write wins: A's 3 or \
                 B's 1. A lost decrement (3) means the object never reaches 0, so it leaks. A \
                 lost increment (1) is worse: the count reaches 0 while A still uses the \
                 object, and it is freed under it (a crash). This is why CPython has a GIL: a thread is never switched out \
                 inside Py_DECREF, so the three steps always run together. Free-threaded \
                 builds make each change of a count atomic instead."
            }
            RaceLesson::Counter => {
                "On 3.9 the GIL may change hands after nearly every instruction, also between \
                 the read (BINARY_SUBSCR) and the write (STORE_SUBSCR). A thread that was \
                 switched out holding an old value writes it back over the others' updates. \
                 Since 3.10 a plain loop switches only at the jump back, so nothing is lost \
                 there; but a call between the read and the write is a switch point again, and \
                 without a GIL threads truly overlap. Only a lock makes it safe on every build."
            }
        }
    }
}

/// What the link asks of a race lesson (`python=`, `code=`, `counts=`, `moves=`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaceView {
    pub lesson: RaceLesson,
    pub python: Python,
    pub snippet: Snippet,
    pub counts: Counts,
    pub moves: String,
    /// Values that were ignored, said in a notice.
    pub ignored: Vec<String>,
}

impl RaceView {
    /// The lesson's defaults: 3.9's plain loop, counts without a GIL.
    pub fn new(lesson: RaceLesson) -> RaceView {
        RaceView {
            lesson,
            python: Python::V3_9,
            snippet: Snippet::Plain,
            counts: Counts::Plain,
            moves: String::new(),
            ignored: Vec::new(),
        }
    }

    /// The race parameters of `query` (the rest is `params::parse`'s); bad values are ignored
    /// with a note.
    pub fn parse(lesson: RaceLesson, query: &str) -> RaceView {
        let mut v = RaceView::new(lesson);
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let short: String = value.chars().take(40).collect();
            match (lesson, key) {
                (RaceLesson::Counter, "python") => match crate::sim::race::parse_version(value) {
                    Ok(p) => v.python = p,
                    Err(e) => v.ignored.push(e.replace(value, &short)),
                },
                (RaceLesson::Counter, "code") => {
                    match Snippet::ALL.into_iter().find(|s| s.as_str() == value) {
                        Some(s) => v.snippet = s,
                        None => v
                            .ignored
                            .push(format!("code \"{short}\" (choose plain, call or lock)")),
                    }
                }
                (RaceLesson::Refcount, "counts") => match Counts::parse(value) {
                    Some(c) => v.counts = c,
                    None => v
                        .ignored
                        .push(format!("counts \"{short}\" (choose gil, plain or atomic)")),
                },
                (_, "moves") => {
                    if value.len() <= MAX_STEPS && value.bytes().all(|b| b.is_ascii_uppercase()) {
                        v.moves = value.to_string();
                    } else {
                        v.ignored.push(format!(
                            "moves \"{short}\" (thread letters, at most {MAX_STEPS})"
                        ));
                    }
                }
                _ => {}
            }
        }
        v
    }

    /// The race parameters for a link, after `lesson=...` (defaults left out).
    pub fn query_part(&self) -> String {
        let d = RaceView::new(self.lesson);
        let mut out = String::new();
        match self.lesson {
            RaceLesson::Counter => {
                if self.python != d.python {
                    out.push_str(&format!("&python={}", self.python));
                }
                if self.snippet != d.snippet {
                    out.push_str(&format!("&code={}", self.snippet.as_str()));
                }
            }
            RaceLesson::Refcount => {
                if self.counts != d.counts {
                    out.push_str(&format!("&counts={}", self.counts.as_str()));
                }
            }
        }
        if !self.moves.is_empty() {
            out.push_str(&format!("&moves={}", self.moves));
        }
        out
    }
}

/// The game being played.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Board {
    Counter(Game),
    Refcount(RefGame),
}

/// One line of the step log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub thread: usize,
    pub text: String,
    /// This step overwrote another thread's update (or lost a change of the count).
    pub lost: bool,
}

/// The many seeded runs of one version and code.
#[derive(Clone, Debug, PartialEq)]
pub struct Runs {
    pub python: Python,
    pub snippet: Snippet,
    /// Runs per tenth of kept share, 0-10% ... 90-100% (100% in the last).
    pub bins: [usize; 10],
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    /// Real CPython's lowest, median and highest kept share, where measured.
    pub measured: Option<(f64, f64, f64)>,
    pub threads: usize,
    pub increments: u64,
}

impl Runs {
    pub fn of(python: Python, snippet: Snippet) -> Runs {
        let race = Race::lesson(python, snippet);
        let kept = runs(race, RUNS, 0);
        let mut bins = [0; 10];
        for &k in &kept {
            bins[((k * 10.0) as usize).min(9)] += 1;
        }
        Runs {
            python,
            snippet,
            bins,
            mean: mean(&kept),
            min: kept.iter().copied().fold(1.0, f64::min),
            max: kept.iter().copied().fold(0.0, f64::max),
            measured: measured(python, snippet),
            threads: race.threads,
            increments: race.increments,
        }
    }
}

/// Everything a race lesson shows.
#[derive(Clone, Debug, PartialEq)]
pub struct RaceState {
    pub view: RaceView,
    pub board: Board,
    pub log: Vec<Step>,
    /// Why the last pick was refused, or what a link's replay stopped at.
    pub message: Option<String>,
    /// The learner's answer to the question (`NO_ANSWER` when revealed without one).
    pub answer: Option<usize>,
    /// The seeded runs, once asked for (they show the answer).
    pub runs: Option<Runs>,
}

/// What the learner can do.
#[derive(Clone, Debug, PartialEq)]
pub enum RaceAction {
    /// Thread `t` runs its next step.
    Pick(usize),
    /// The next step as a clicker drives it: switch threads whenever the rules allow.
    Auto,
    Undo,
    Reset,
    Python(Python),
    Snippet(Snippet),
    Counts(Counts),
    Answer(usize),
    /// Show the answer without one given.
    Reveal,
    /// A clicker's next press in presentation mode: the reveal first, then the next step.
    Clicker,
    /// Run the many seeded runs (counter-race).
    RunMany,
}

impl RaceState {
    /// The link's game, replayed up to any move the rules refuse.
    pub fn new(view: RaceView) -> RaceState {
        let mut s = RaceState {
            board: fresh(&view),
            view,
            log: Vec::new(),
            message: None,
            answer: None,
            runs: None,
        };
        let moves = std::mem::take(&mut s.view.moves);
        for (i, c) in moves.chars().enumerate() {
            let t = (c as u32).wrapping_sub('A' as u32) as usize;
            if let Err(why) = s.pick(t) {
                s.view.ignored.push(format!(
                    "moves: step {} ({c}) was not replayed: {why}",
                    i + 1
                ));
                break;
            }
        }
        s.message = None;
        s
    }

    /// Threads in the game.
    pub fn threads(&self) -> usize {
        match &self.board {
            Board::Counter(g) => g.threads.len(),
            Board::Refcount(_) => 2,
        }
    }

    /// Whether `t` may run now, and if not, why.
    pub fn may_run(&self, t: usize) -> Result<(), &'static str> {
        match &self.board {
            Board::Counter(g) => g.may_run(t).map_err(|r| r.reason()),
            Board::Refcount(g) => g.may_run(t),
        }
    }

    /// True once the goal is reached.
    pub fn won(&self) -> bool {
        match &self.board {
            Board::Counter(g) => g.won(),
            Board::Refcount(g) => g.won(),
        }
    }

    /// True once every thread is done.
    pub fn over(&self) -> bool {
        match &self.board {
            Board::Counter(g) => g.over(),
            Board::Refcount(g) => g.over(),
        }
    }

    /// The thread that ran last.
    pub fn running(&self) -> Option<usize> {
        self.log.last().map(|s| s.thread)
    }

    /// The moves so far, as a link carries them.
    pub fn moves(&self) -> String {
        match &self.board {
            Board::Counter(g) => g.encode(),
            Board::Refcount(g) => g.encode(),
        }
    }

    /// The view as it stands, for the address bar and share links.
    pub fn link_view(&self) -> RaceView {
        RaceView {
            moves: self.moves(),
            ignored: Vec::new(),
            ..self.view.clone()
        }
    }

    /// The one place a race lesson's state changes.
    pub fn reduce(mut self, action: RaceAction) -> RaceState {
        self.message = None;
        match action {
            RaceAction::Pick(t) => {
                if let Err(why) = self.pick(t) {
                    self.message = Some(format!("Thread {} cannot run now: {why}.", letter(t)));
                }
            }
            RaceAction::Auto => {
                let n = self.threads();
                let start = self.running().map_or(0, |r| r + 1);
                match (0..n)
                    .map(|k| (start + k) % n)
                    .find(|&t| self.may_run(t).is_ok())
                {
                    Some(t) => {
                        let _ = self.pick(t);
                    }
                    None => self.message = Some("Every thread has finished.".into()),
                }
            }
            RaceAction::Undo => {
                match &mut self.board {
                    Board::Counter(g) => g.undo(),
                    Board::Refcount(g) => g.undo(),
                }
                self.log.pop();
            }
            RaceAction::Reset => self.restart(),
            RaceAction::Python(p) => {
                self.view.python = p;
                self.restart();
            }
            RaceAction::Snippet(s) => {
                self.view.snippet = s;
                self.restart();
            }
            RaceAction::Counts(c) => {
                self.view.counts = c;
                self.restart();
            }
            RaceAction::Clicker if self.answer.is_none() => self.reveal(NO_ANSWER),
            RaceAction::Clicker => return self.reduce(RaceAction::Auto),
            RaceAction::Answer(_) | RaceAction::Reveal if self.answer.is_some() => {}
            RaceAction::Answer(i) if i >= NO_ANSWER => {}
            RaceAction::Answer(i) => self.reveal(i),
            RaceAction::Reveal => self.reveal(NO_ANSWER),
            RaceAction::RunMany => {
                self.runs = Some(Runs::of(self.view.python, self.view.snippet));
            }
        }
        self
    }

    fn reveal(&mut self, answer: usize) {
        self.answer = Some(answer);
        if self.view.lesson == RaceLesson::Counter {
            self.runs = Some(Runs::of(self.view.python, self.view.snippet));
        }
    }

    fn restart(&mut self) {
        self.board = fresh(&self.view);
        self.log.clear();
        if let Some(r) = &self.runs {
            if (r.python, r.snippet) != (self.view.python, self.view.snippet) {
                self.runs = Some(Runs::of(self.view.python, self.view.snippet));
            }
        }
    }

    fn pick(&mut self, t: usize) -> Result<(), &'static str> {
        let step = match &mut self.board {
            Board::Counter(g) => {
                g.may_run(t).map_err(|r| r.reason())?;
                let body = g.listing();
                let op = body[g.threads[t].pc];
                let happened = g.step(t).map_err(|r| r.reason())?;
                counter_step(t, op.name, op.arg, &happened)
            }
            Board::Refcount(g) => {
                let before = g.count;
                let other_reg = g.reg[1 - t];
                let did = g.step(t)?;
                refcount_step(t, did, before, g, other_reg)
            }
        };
        self.log.push(step);
        Ok(())
    }
}

fn fresh(view: &RaceView) -> Board {
    match view.lesson {
        RaceLesson::Counter => Board::Counter(Game::new(view.python, view.snippet, GAME_THREADS)),
        RaceLesson::Refcount => Board::Refcount(RefGame::new(view.counts)),
    }
}

/// "A", "B", "C".
pub fn letter(t: usize) -> char {
    char::from(b'A' + (t as u8).min(25))
}

fn counter_step(t: usize, name: &str, arg: &str, happened: &Happened) -> Step {
    let op = if arg.is_empty() {
        name.to_string()
    } else {
        format!("{name} {arg}")
    };
    let (what, lost) = match happened {
        Happened::Read { value, .. } => (format!("reads counter = {value}"), false),
        Happened::Wrote { value, lost, .. } if *lost > 0 => (
            format!(
                "writes {value} over the other thread's update: {lost} update{} lost",
                if *lost == 1 { "" } else { "s" }
            ),
            true,
        ),
        Happened::Wrote { value, .. } => (format!("writes counter = {value}"), false),
        Happened::Lock { taken: true, .. } => ("takes the lock".into(), false),
        Happened::Lock { taken: false, .. } => ("waits for the lock".into(), false),
        Happened::Unlock { .. } => ("lets the lock go".into(), false),
        Happened::Finished { .. } => ("the loop is over: thread done".into(), false),
        Happened::Ran { op, .. } if op.effect == Effect::Add => {
            ("adds 1 on its stack".into(), false)
        }
        Happened::Ran { op, .. } if op.effect == Effect::Back => {
            ("jumps back to the loop".into(), false)
        }
        Happened::Ran { .. } => (String::new(), false),
    };
    let text = if what.is_empty() {
        format!("{}: {op}", letter(t))
    } else {
        format!("{}: {op}: {what}", letter(t))
    };
    Step {
        thread: t,
        text,
        lost,
    }
}

fn refcount_step(t: usize, did: Micro, before: i64, g: &RefGame, other_reg: Option<i64>) -> Step {
    let sign = if refcount::GAME_DELTAS[t] > 0 {
        "+ 1"
    } else {
        "- 1"
    };
    let atomic = g.counts == Counts::Atomic;
    let (text, lost) = match did {
        _ if atomic => (
            format!(
                "{}: changes the count atomically: {before} → {}",
                letter(t),
                g.count
            ),
            false,
        ),
        Micro::Read => (format!("{}: reads the count: {before}", letter(t)), false),
        Micro::Sub => (
            format!(
                "{}: {sign} in its register: {}",
                letter(t),
                g.reg[t].unwrap_or_default()
            ),
            false,
        ),
        Micro::Write => {
            // The other thread had read the count and not written yet, or wrote after this
            // thread read: either way one change is lost once both are written.
            let lost = g.over() && g.count != g.right();
            let stale = other_reg.is_some();
            let note = if lost {
                " over the other thread's change: one change lost"
            } else if stale {
                ", while the other thread holds an old value"
            } else {
                ""
            };
            (
                format!("{}: writes the count: {}{note}", letter(t), g.count),
                lost,
            )
        }
    };
    Step {
        thread: t,
        text,
        lost,
    }
}
