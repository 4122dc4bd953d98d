//! Playback state and its reducer: plain Rust, so stepping, scrubbing and playing test natively.
//!
//! The simulation runs once when a lesson is chosen; from then on the UI only moves a playhead
//! over the finished traces, so stepping back and scrubbing cost nothing.

use std::rc::Rc;

use crate::render::timeline::LaneIndex;
use crate::sim::lessons::Lesson;
use crate::sim::{fits, simulate, spread, Micros, ModelId, Spread, Trace};

/// Playback speeds offered to the learner; 1x plays the lesson in a few real seconds.
pub const SPEEDS: [f64; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0];

/// A lesson with its traces, computed once. Shared by every state that plays it.
#[derive(Debug)]
pub struct Session {
    pub lesson: Lesson,
    /// One trace per shown model, in the lesson's order.
    pub traces: Vec<Trace>,
    /// Every event of every shown trace as (trace index, event index), ordered by time, then by
    /// trace, then by position: the order in which Step forward visits them.
    pub order: Vec<(usize, usize)>,
    /// Per trace, its segments indexed by lane, for drawing.
    pub indexes: Vec<LaneIndex>,
    /// The latest end among the traces.
    pub end: Micros,
    /// Per trace, its range across seeds where the run depends on its seed (as CPython's
    /// runs vary), for runs small enough to repeat at once.
    pub spreads: Vec<Option<Spread>>,
    /// For a lesson about memory, each trace's memory as the run grows (once per session,
    /// read by every scene's meter); empty otherwise.
    pub memory: Vec<Option<crate::sim::memory::Curve>>,
}

/// Sessions are compared by identity: a new lesson is a new session, and comparing traces value
/// by value on every frame would cost more than drawing them.
impl PartialEq for Session {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Session {
    /// How far the time axes and the scrub slider reach. Once the answer is revealed, the run's
    /// end; before, the round figure (1, 2 or 5 times a power of ten) at or above 1.5 times it,
    /// so that the axis does not state the longest total before the learner has predicted it.
    pub fn horizon(&self, revealed: bool) -> Micros {
        if revealed {
            return self.end;
        }
        let want = self.end.0.max(1) as f64 * 1.5;
        let decade = 10f64.powf(want.log10().floor());
        let nice = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * decade)
            .find(|&v| v >= want)
            .unwrap_or(10.0 * decade);
        Micros(nice.ceil() as u64)
    }

    /// Simulates `lesson` under the models in `only`, or under all its models when it is empty.
    pub fn new(lesson: Lesson, only: &[ModelId]) -> Result<Self, String> {
        let shown: Vec<_> = lesson
            .scenario
            .models
            .iter()
            .filter(|config| only.is_empty() || only.contains(&config.id))
            .collect();
        // Every run is estimated before any is simulated: a refusal comes at once.
        for config in &shown {
            fits(&lesson.scenario, config).map_err(|e| e.to_string())?;
        }
        let mut traces = Vec::new();
        let mut spreads = Vec::new();
        for config in shown {
            let trace = simulate(&lesson.scenario, config).map_err(|e| e.to_string())?;
            let spread = spread(&lesson.scenario, config, &trace).map_err(|e| e.to_string())?;
            spreads.push(spread);
            traces.push(trace);
        }
        if traces.is_empty() {
            return Err(format!("lesson {} has no such model", lesson.id));
        }
        let mut order: Vec<(usize, usize)> = traces
            .iter()
            .enumerate()
            .flat_map(|(t, trace)| (0..trace.events.len()).map(move |e| (t, e)))
            .collect();
        order.sort_by_key(|&(t, e)| (traces[t].events[e].time, t, e));
        // The end is the last thing that happens: a thread may hand the GIL back a moment
        // after the last task finished, and a link to that event must reach it.
        let end = traces
            .iter()
            .map(|t| {
                let last = t.events.last().map_or(Micros(0), |e| e.time);
                t.stats.makespan.max(last)
            })
            .max()
            .unwrap_or(Micros(0));
        let indexes = traces.iter().map(LaneIndex::new).collect();
        let memory = if lesson.chart == crate::sim::lessons::ChartMeasure::Memory {
            traces.iter().map(crate::sim::memory::Curve::of).collect()
        } else {
            Vec::new()
        };
        Ok(Session {
            lesson,
            traces,
            order,
            indexes,
            end,
            spreads,
            memory,
        })
    }

    fn time_of(&self, cursor: usize) -> Micros {
        let (t, e) = self.order[cursor];
        self.traces[t].events[e].time
    }

    /// The range of `order` entries whose events happen exactly at `time`.
    fn instant(&self, time: Micros) -> (usize, usize) {
        let at = |&(t, e): &(usize, usize)| self.traces[t].events[e].time;
        let first = self.order.partition_point(|x| at(x) < time);
        let last = self.order.partition_point(|x| at(x) <= time);
        (first, last)
    }

    /// How much model time passes per real millisecond at 1x: short lessons play in real time,
    /// long ones are squeezed into about twelve seconds and very short ones stretched to four.
    pub fn model_us_per_real_ms(&self) -> f64 {
        let end_ms = self.end.0 as f64 / 1000.0;
        let real_ms = end_ms.clamp(4_000.0, 12_000.0);
        (self.end.0.max(1) as f64) / real_ms
    }
}

/// A playhead position that reopens exactly: a model time and, when the playhead rests on one of
/// several events at that instant, which one (1 = the first of them in Step order). Links carry
/// it as `t=MS` or `t=MS~K`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Playhead {
    pub time: Micros,
    /// 1-based rank among the events at `time`; `None` means "after all of them".
    pub ordinal: Option<usize>,
}

impl Playhead {
    /// A position by time alone: the playhead after every event up to `time`.
    pub fn at(time: Micros) -> Self {
        Playhead {
            time,
            ordinal: None,
        }
    }
}

/// What one press of Step forward or Step back moves over.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StepMode {
    /// Every shown model to the next (or previous) moment at which something happens.
    #[default]
    Moment,
    /// The next (or previous) event of one model, by its index in `session.traces`; the
    /// others follow to that event's time.
    Model(usize),
}

/// Everything the UI shows that changes while a lesson plays. Equal when it shows the same
/// session (by identity) at the same place in the same way.
#[derive(Clone, Debug, PartialEq)]
pub struct Playback {
    pub session: Rc<Session>,
    /// The last visited entry of `session.order`; `None` before the first event.
    pub cursor: Option<usize>,
    pub time: Micros,
    pub playing: bool,
    pub speed: f64,
    pub step: StepMode,
    /// The furthest entry of `session.order` reached so far (the event log ends there).
    pub seen: Option<usize>,
}

/// Everything the learner (or the clock) can do to the playback.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    TogglePlay,
    Pause,
    StepForward,
    /// Step forward without pausing: playback for learners who prefer reduced motion.
    Advance,
    StepBack,
    Reset,
    /// Move the playhead to a model time (the scrub slider).
    Seek(Micros),
    /// Move to an exact position, as a link names it.
    Jump(Playhead),
    /// Move to an entry of `session.order` (a line of the event log).
    Visit(usize),
    SetStepMode(StepMode),
    /// Real milliseconds have passed since the last animation frame.
    Tick(f64),
    SetSpeed(f64),
}

impl Playback {
    pub fn new(session: Rc<Session>, speed: f64) -> Self {
        Playback {
            session,
            cursor: None,
            time: Micros(0),
            playing: false,
            speed: clamp_speed(speed),
            step: StepMode::default(),
            seen: None,
        }
    }

    /// The learner has played, stepped or scrubbed since the start.
    pub fn started(&self) -> bool {
        self.cursor.is_some() || self.playing || self.time.0 > 0
    }

    /// The playhead is at the run's end.
    pub fn finished(&self) -> bool {
        self.time >= self.session.end
    }

    /// Nothing left for Step forward: the end, with no event after the cursor in this mode.
    pub fn at_end(&self) -> bool {
        self.finished() && self.next().is_none()
    }

    /// The current event as (trace index, event index), if the playhead has passed one.
    pub fn current(&self) -> Option<(usize, usize)> {
        self.cursor.map(|c| self.session.order[c])
    }

    /// The latest event of trace `t` that the playhead has passed. Events at the same instant
    /// count only up to the cursor, so stepping through them changes the picture one by one.
    pub fn latest_in(&self, t: usize) -> Option<usize> {
        let (ct, ce) = self.current()?;
        let events = &self.session.traces[t].events;
        let cursor_time = self.session.traces[ct].events[ce].time;
        // Within the cursor's instant, the order visits traces in index order.
        let n = match t.cmp(&ct) {
            std::cmp::Ordering::Less => events.partition_point(|e| e.time <= cursor_time),
            std::cmp::Ordering::Equal => ce + 1,
            std::cmp::Ordering::Greater => events.partition_point(|e| e.time < cursor_time),
        };
        n.checked_sub(1)
    }

    pub fn reduce(mut self, action: Action) -> Self {
        match action {
            Action::TogglePlay => {
                if self.finished() {
                    self = self.reduce(Action::Reset);
                }
                self.playing = !self.playing;
            }
            Action::Pause => self.playing = false,
            Action::StepForward => {
                self.playing = false;
                self.next_event();
            }
            Action::Advance => {
                // Playing without animation goes moment by moment, whatever Step does.
                let mode = std::mem::replace(&mut self.step, StepMode::Moment);
                let moved = self.playing && self.next_event();
                self.step = mode;
                if !moved {
                    self.playing = false;
                }
            }
            Action::StepBack => {
                self.playing = false;
                self.cursor = self.previous();
                self.time = self.cursor.map_or(Micros(0), |c| self.session.time_of(c));
            }
            Action::Visit(c) => {
                self.playing = false;
                if c < self.session.order.len() {
                    self.cursor = Some(c);
                    self.time = self.session.time_of(c);
                }
            }
            Action::SetStepMode(mode) => {
                self.step = match mode {
                    StepMode::Model(t) if t >= self.session.traces.len() => StepMode::Moment,
                    mode => mode,
                }
            }
            Action::Reset => {
                self.playing = false;
                self.cursor = None;
                self.time = Micros(0);
            }
            Action::Seek(time) => {
                self.playing = false;
                self.move_to(time.min(self.session.end));
            }
            Action::Jump(to) => {
                self.playing = false;
                self.jump(to);
            }
            Action::Tick(real_ms) => {
                if self.playing {
                    let step = real_ms.max(0.0) * self.speed * self.session.model_us_per_real_ms();
                    let time = Micros((self.time.0 as f64 + step) as u64).min(self.session.end);
                    self.move_to(time);
                    if self.finished() {
                        self.playing = false;
                    }
                }
            }
            Action::SetSpeed(speed) => self.speed = clamp_speed(speed),
        }
        self.seen = self.seen.max(self.cursor);
        self
    }

    /// Where the playhead is, in the form a link carries; `None` at the very start.
    pub fn playhead(&self) -> Option<Playhead> {
        let Some(c) = self.cursor else {
            return (self.time.0 > 0).then(|| Playhead::at(self.time));
        };
        let at = self.session.time_of(c);
        if at != self.time {
            return Some(Playhead::at(self.time));
        }
        let (first, last) = self.session.instant(at);
        // Resting on the last event of an instant is what a time alone means.
        Some(Playhead {
            time: at,
            ordinal: (c + 1 < last).then_some(c - first + 1),
        })
    }

    fn jump(&mut self, to: Playhead) {
        let time = to.time.min(self.session.end);
        let (first, last) = self.session.instant(time);
        match to.ordinal {
            Some(k) if k > 0 && last > first => {
                self.time = time;
                self.cursor = Some(first + k.min(last - first) - 1);
            }
            _ => self.move_to(time),
        }
    }

    /// The step mode in force: with one model shown, every event of it (a moment would hide
    /// events at the same instant, such as a task starting and awaiting at 0 ms).
    fn step_mode(&self) -> StepMode {
        if self.session.traces.len() == 1 {
            StepMode::Model(0)
        } else {
            self.step
        }
    }

    /// The entry of `order` a step forward goes to, by the step mode; `None` past the last.
    fn next(&self) -> Option<usize> {
        let order = &self.session.order;
        let from = self.cursor.map_or(0, |c| c + 1);
        match self.step_mode() {
            StepMode::Moment => {
                let time = self.session.time_of(from.min(order.len().checked_sub(1)?));
                (from < order.len()).then(|| self.session.instant(time).1 - 1)
            }
            StepMode::Model(t) => (from..order.len()).find(|&c| order[c].0 == t),
        }
    }

    /// The entry a step back goes to: the previous moment's last event, or the model's
    /// previous event; `None` is the start.
    fn previous(&self) -> Option<usize> {
        let c = self.cursor?;
        match self.step_mode() {
            StepMode::Moment => {
                let (first, _) = self.session.instant(self.session.time_of(c));
                first.checked_sub(1)
            }
            StepMode::Model(t) => (0..c).rev().find(|&i| self.session.order[i].0 == t),
        }
    }

    /// Moves by one step, or to the end after the last one; false once at the end.
    fn next_event(&mut self) -> bool {
        if let Some(next) = self.next() {
            self.cursor = Some(next);
            self.time = self.session.time_of(next);
            true
        } else {
            self.time = self.session.end;
            false
        }
    }

    /// Places the playhead at `time` and the cursor on the last event at or before it.
    fn move_to(&mut self, time: Micros) {
        self.time = time;
        let order = &self.session.order;
        let n = order.partition_point(|&(t, e)| self.session.traces[t].events[e].time <= time);
        self.cursor = n.checked_sub(1);
    }
}

/// Keeps a speed from a URL or a control within the offered range.
pub fn clamp_speed(speed: f64) -> f64 {
    if speed.is_finite() {
        speed.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1])
    } else {
        1.0
    }
}
