//! The URL contract: `?lesson=ID&model=ID&t=MS&speed=X&theme=light|dark|contrast`, plus
//! `scenario=` (a custom scenario, see `codec`), `models=ID,ID` (the models an embed compares),
//! `embed=1` (the player alone) or `embed=full` (with the results), `present=1` and `question=0`
//! (ask no prediction, as an embed may choose). `t` may name one of
//! several events at the same instant as `t=MS~K`. Parsed leniently: anything unusable is
//! ignored with a notice, never an error page.
//!
//! The race lessons (`lesson=counter-race`, `lesson=refcount-race`) add `python=`, `code=`,
//! `counts=` and `moves=`, which `ui::race` reads from the same query.
//!
//! `view=decide` opens the decision explorer instead of a lesson; `ui::decide` reads its own
//! `cores=`, `python=`, `interpreters=1`, `native=1` and `layer=memory` from the same query.
//! `workload=TASKS,CPU` (with those settings) opens one of its cells as a custom scenario.
//!
//! `lesson=custom` without a scenario stands for "this tab's own scenario": the address bar shows
//! it when a scenario is too large for a link, and the app reopens the tab's autosave for it.

use crate::sim::lessons::{self, Lesson, CUSTOM};
use crate::sim::{Micros, ModelId, Os, Python, Runtime, Scenario, TaskFactory, MAX_EVENTS};

use super::codec;
use super::race::{RaceLesson, RaceView};
use super::state::{Playhead, SPEEDS};

/// The lesson menu's entry for the decision explorer (`view=decide`): not a lesson id.
pub const DECIDE: &str = "decide";

/// At most this many ignored values are listed, each at most `SHORT` characters, so a long
/// garbage link makes a short notice.
const MAX_IGNORED: usize = 8;
const SHORT: usize = 40;
/// The longest single note (a scenario's validation message may quote it).
const MAX_NOTE: usize = 240;

/// A colour theme chosen by link or by the theme menu; `None` in `View` follows the system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
    Contrast,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Light, Theme::Dark, Theme::Contrast];

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Contrast => "contrast",
        }
    }

    pub fn parse(text: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// What the URL asks for, after validation.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub lesson: String,
    /// A custom scenario from the link; when present it replaces the lesson.
    pub scenario: Option<Scenario>,
    pub model: Option<ModelId>,
    /// The models to show, in the lesson's order, when `model` does not name one; empty for all.
    pub models: Vec<ModelId>,
    /// Where the playhead starts.
    pub t: Option<Playhead>,
    pub speed: f64,
    pub theme: Option<Theme>,
    pub embed: bool,
    /// An embed with the results table and chart below the player (`embed=full`).
    pub full: bool,
    pub present: bool,
    /// Ask the lesson's question before the run (`question=0` turns it off).
    pub question: bool,
    /// Human-readable notes about values that were ignored, shown to the user.
    pub ignored: Vec<String>,
    /// The decision explorer (`view=decide`) instead of a lesson.
    pub decide: bool,
    /// The explorer's cell the scenario came from (`workload=TASKS,CPU` and its settings, as
    /// the link wrote them): the address keeps this short form, never the scenario itself.
    pub workload: Option<String>,
    /// A preset lesson run on another Python, OS or task factory than its own (`python=`,
    /// `os=`, `task_factory=`); each is `None` where it is the lesson's own.
    pub runtime: RuntimeChoice,
}

/// What the runtime menus (and `python=`, `os=`, `task_factory=`) ask of a preset lesson:
/// each setting, where it differs from the lesson's own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RuntimeChoice {
    pub python: Option<Python>,
    pub os: Option<Os>,
    pub tasks: Option<TaskFactory>,
}

impl RuntimeChoice {
    /// The runtime `own` becomes with these choices.
    pub fn apply(self, own: Runtime) -> Runtime {
        Runtime {
            python: self.python.unwrap_or(own.python),
            os: self.os.unwrap_or(own.os),
            tasks: self.tasks.unwrap_or(own.tasks),
        }
    }

    /// The choices that turn `own` into `want`: only what differs is kept, so a link to the
    /// lesson as written stays the plain link. A version without the eager factory runs its
    /// tasks lazily.
    pub fn between(own: Runtime, want: Runtime) -> RuntimeChoice {
        let want = want.fitted();
        RuntimeChoice {
            python: (want.python != own.python).then_some(want.python),
            os: (want.os != own.os).then_some(want.os),
            tasks: (want.tasks != own.tasks).then_some(want.tasks),
        }
    }

    /// Nothing differs from the lesson's own.
    pub fn is_own(&self) -> bool {
        *self == RuntimeChoice::default()
    }
}

impl Default for View {
    fn default() -> Self {
        View {
            lesson: lessons::DEFAULT.to_string(),
            scenario: None,
            model: None,
            models: Vec::new(),
            t: None,
            speed: 1.0,
            theme: None,
            embed: false,
            full: false,
            present: false,
            question: true,
            ignored: Vec::new(),
            decide: false,
            workload: None,
            runtime: RuntimeChoice::default(),
        }
    }
}

impl View {
    /// The models to simulate: the one `model=` names, else `models=`; empty for all.
    pub fn shown(&self) -> Vec<ModelId> {
        match self.model {
            Some(model) => vec![model],
            None => self.models.clone(),
        }
    }

    /// The race lesson the view shows, if it shows one (then `lesson()` is not simulated).
    pub fn race(&self) -> Option<RaceLesson> {
        self.scenario
            .is_none()
            .then(|| RaceLesson::from_id(&self.lesson))
            .flatten()
    }

    /// A link's query for the race lesson this view shows, with the race's own parameters
    /// read from `page_query` (where the race view keeps its game): the view's embed and
    /// present flags decide which page the link opens. `None` when no race lesson is shown.
    pub fn race_link(&self, page_query: &str) -> Option<String> {
        let race = self.race()?;
        let base = View {
            t: None,
            ignored: Vec::new(),
            ..self.clone()
        }
        .to_query();
        Some(base + &RaceView::parse(race, page_query).query_part())
    }

    /// The lesson these parameters show: the custom scenario's, or the named preset (for a
    /// race lesson, the default preset, which is not shown), on the runtime chosen for it.
    pub fn lesson(&self) -> Lesson {
        match &self.scenario {
            Some(scenario) => lessons::custom(scenario.clone()),
            None => {
                let preset = self.preset();
                let own = preset.scenario.runtime();
                if self.runtime.is_own() {
                    preset
                } else {
                    preset.on(self.runtime.apply(own))
                }
            }
        }
    }

    /// The named preset as written, on its own runtime.
    pub fn preset(&self) -> Lesson {
        self.preset_ref().clone()
    }

    /// The named preset, read in place (a render must not copy a lesson of 10,000 tasks).
    fn preset_ref(&self) -> &'static Lesson {
        lessons::by_id_ref(&self.lesson)
            .or_else(|| lessons::by_id_ref(lessons::DEFAULT))
            .expect("the default lesson exists")
    }

    /// The preset's own runtime, when the runtime menus apply.
    pub fn own_runtime(&self) -> Option<Runtime> {
        self.preset_runtime()
            .then(|| self.preset_ref().scenario.runtime())
    }

    /// Whether the runtime menus apply: a preset lesson (the race lessons and the explorer
    /// have their own `python=`; a custom scenario carries its runtime inside).
    pub fn preset_runtime(&self) -> bool {
        self.scenario.is_none() && !self.decide && self.race().is_none()
    }

    /// The query string for the address bar, in the documented order; defaults are left out.
    /// A scenario too large for a link shows as `lesson=custom` (this tab's own scenario).
    pub fn to_query(&self) -> String {
        self.query()
            .unwrap_or_else(|_| self.query_with(format!("lesson={CUSTOM}")))
    }

    /// The query string for a link to share; refused, with the reason, when the scenario is too
    /// large for a link (it is then shared as a file).
    pub fn link_query(&self) -> Result<String, String> {
        self.query()
    }

    fn query(&self) -> Result<String, String> {
        if self.decide {
            return Ok(self.query_with("view=decide".to_string()));
        }
        if let (Some(cell), Some(_)) = (&self.workload, &self.scenario) {
            return Ok(self.query_with(cell.clone()));
        }
        let first = match &self.scenario {
            Some(s) => format!("scenario={}", codec::encode(s)?),
            None => format!("lesson={}", self.lesson),
        };
        Ok(self.query_with(first))
    }

    fn query_with(&self, first: String) -> String {
        let mut parts = vec![first];
        if let Some(model) = self.model {
            parts.push(format!("model={}", model.as_str()));
        } else if !self.models.is_empty() {
            let ids: Vec<&str> = self.models.iter().map(|m| m.as_str()).collect();
            parts.push(format!("models={}", ids.join(",")));
        }
        if let Some(t) = self.t {
            parts.push(format!("t={}", playhead_text(t)));
        }
        if self.speed != 1.0 {
            parts.push(format!("speed={}", self.speed));
        }
        if let Some(theme) = self.theme {
            parts.push(format!("theme={}", theme.as_str()));
        }
        if self.embed {
            parts.push(if self.full { "embed=full" } else { "embed=1" }.into());
        }
        if self.present {
            parts.push("present=1".into());
        }
        if !self.question {
            parts.push("question=0".into());
        }
        if self.preset_runtime() {
            let r = self.runtime;
            if let Some(p) = r.python {
                parts.push(format!("python={p}"));
            }
            if let Some(os) = r.os {
                parts.push(format!("os={}", os.as_str()));
            }
            if let Some(f) = r.tasks {
                parts.push(format!("task_factory={}", f.as_str()));
            }
        }
        format!("?{}", parts.join("&"))
    }
}

/// `MS` with up to three decimals (exact to the microsecond), then `~K` when there is an ordinal.
fn playhead_text(p: Playhead) -> String {
    let (ms, us) = (p.time.0 / 1000, p.time.0 % 1000);
    let mut text = ms.to_string();
    if us > 0 {
        text.push_str(format!(".{us:03}").trim_end_matches('0'));
    }
    if let Some(k) = p.ordinal {
        text.push_str(&format!("~{k}"));
    }
    text
}

fn parse_playhead(value: &str) -> Option<Playhead> {
    let (ms, ordinal) = match value.split_once('~') {
        Some((ms, k)) => (
            ms,
            Some(
                k.parse::<usize>()
                    .ok()
                    .filter(|k| (1..=MAX_EVENTS).contains(k))?,
            ),
        ),
        None => (value, None),
    };
    let ms = ms
        .parse::<f64>()
        .ok()
        .filter(|ms| (0.0..=3_600_000.0).contains(ms))?;
    Some(Playhead {
        time: Micros::from_ms(ms),
        ordinal,
    })
}

fn flag(key: &str, value: &str, ignored: &mut Vec<String>) -> bool {
    match value {
        "1" | "true" | "" => true,
        "0" | "false" => false,
        other => {
            ignored.push(format!("{key} \"{}\" (use 1 or 0)", shorten(other)));
            false
        }
    }
}

/// Parses a query string such as `?lesson=convoy&speed=2`. Never fails: bad values fall back to
/// the defaults and are listed in `ignored`.
pub fn parse(query: &str) -> View {
    let mut params = View::default();
    let mut model_text = None;
    let mut models_text = None;
    let mut runtime_text: Vec<(&str, String)> = Vec::new();
    for pair in query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        match key {
            "lesson" if value == CUSTOM => params.lesson = CUSTOM.to_string(),
            // The race lessons (`ui::race`) read their own parameters from the same query.
            "lesson" if RaceLesson::from_id(&value).is_some() => params.lesson = value,
            "lesson" => match lessons::by_id(&value) {
                Some(lesson) => params.lesson = lesson.id.to_string(),
                None => params
                    .ignored
                    .push(format!("unknown lesson \"{}\"", shorten(&value))),
            },
            "scenario" => match codec::decode(&value) {
                Ok(scenario) => params.scenario = Some(scenario),
                Err(e) => params.ignored.push(e),
            },
            "view" if value == "decide" => params.decide = true,
            // A cell of the explorer, opened as a lesson (its settings ride along).
            "workload" => match super::decide::workload_scenario(&value, query) {
                Ok((scenario, cell)) => {
                    params.scenario = Some(scenario);
                    params.workload = Some(cell);
                }
                Err(e) => params.ignored.push(e),
            },
            "view" => params
                .ignored
                .push(format!("unknown view \"{}\"", shorten(&value))),
            "model" => model_text = Some(value),
            "models" => models_text = Some(value),
            "t" => match parse_playhead(&value) {
                Some(t) => params.t = Some(t),
                None => params.ignored.push(format!(
                    "t \"{}\" (milliseconds of model time, maybe with ~N for the Nth event then)",
                    shorten(&value)
                )),
            },
            "speed" => match value.parse::<f64>() {
                Ok(speed) if SPEEDS.contains(&speed) => params.speed = speed,
                _ => params.ignored.push(format!(
                    "speed \"{}\" (choose one of 0.25, 0.5, 1, 2, 4, 8)",
                    shorten(&value)
                )),
            },
            "theme" => match Theme::parse(&value) {
                Some(theme) => params.theme = Some(theme),
                None => params.ignored.push(format!(
                    "theme \"{}\" (choose light, dark or contrast)",
                    shorten(&value)
                )),
            },
            "embed" if value == "full" => (params.embed, params.full) = (true, true),
            "embed" => params.embed = flag("embed", &value, &mut params.ignored),
            "present" => params.present = flag("present", &value, &mut params.ignored),
            "python" | "os" | "task_factory" => runtime_text.push((key, value)),
            "question" => {
                // A value that is not 1 or 0 keeps the question: asking is the default.
                let before = params.ignored.len();
                let on = flag("question", &value, &mut params.ignored);
                params.question = on || params.ignored.len() > before;
            }
            _ => {}
        }
    }
    // A preset lesson's runtime; the races and the explorer read `python=` themselves, and a
    // scenario carries its own.
    if params.preset_runtime() && params.workload.is_none() {
        let own = params.preset_ref().scenario.runtime();
        let mut want = own;
        for (key, value) in runtime_text {
            let parsed = match key {
                "python" => value.parse::<Python>().map(|p| want.python = p),
                "os" => value.parse::<Os>().map(|o| want.os = o),
                _ => value.parse::<TaskFactory>().map(|f| want.tasks = f),
            };
            if let Err(e) = parsed {
                params
                    .ignored
                    .push(format!("{key} \"{}\" ({})", shorten(&value), e.message));
            }
        }
        // What the lesson's models cannot show is said, not silently kept.
        let preset = &params.preset_ref().scenario;
        let uses = |runs: fn(&Scenario) -> bool| runs(preset);
        if want.os != own.os && !uses(Scenario::runs_pool) {
            params
                .ignored
                .push("os (this lesson starts no process pool)".into());
            want.os = own.os;
        }
        if want.tasks != own.tasks && !uses(Scenario::runs_loop) {
            params
                .ignored
                .push("task_factory (this lesson has no event loop)".into());
            want.tasks = own.tasks;
        }
        let asked_eager = want.tasks == TaskFactory::Eager && own.tasks != TaskFactory::Eager;
        if asked_eager && !want.python.has_eager_tasks() {
            params.ignored.push(format!(
                "task_factory eager (Python {} has no eager task factory; its tasks start lazily)",
                want.python
            ));
        }
        let choice = RuntimeChoice::between(own, want);
        // A lesson its models cannot run there (interpreters on 3.9) stays on its own.
        match preset.clone().on(choice.apply(own)).validate() {
            Ok(()) => params.runtime = choice,
            Err(e) => params.ignored.push(format!("python/os ({e})")),
        }
    } else if params.scenario.is_some() && params.workload.is_none() {
        for (key, _) in runtime_text {
            params
                .ignored
                .push(format!("{key} (a scenario link carries its own)"));
        }
    }
    // The model is checked against the lesson, which may come after it in the query.
    if let Some(text) = model_text {
        let models = params.lesson().scenario.models;
        match text.parse::<ModelId>() {
            Ok(id) if models.iter().any(|m| m.id == id) => params.model = Some(id),
            Ok(_) => params.ignored.push(format!(
                "model \"{}\" is not part of this lesson",
                shorten(&text)
            )),
            Err(_) => params
                .ignored
                .push(format!("unknown model \"{}\"", shorten(&text))),
        }
    }
    if let Some(text) = models_text {
        let lesson = params.lesson().scenario.models;
        let mut wanted = Vec::new();
        for id in text.split(',').filter(|t| !t.is_empty()) {
            match id.parse::<ModelId>() {
                Ok(id) if lesson.iter().any(|m| m.id == id) => wanted.push(id),
                Ok(_) => params.ignored.push(format!(
                    "model \"{}\" is not part of this lesson",
                    shorten(id)
                )),
                Err(_) => params
                    .ignored
                    .push(format!("unknown model \"{}\"", shorten(id))),
            }
        }
        // In the lesson's order, each once; all of them is the same as none named.
        params.models = lesson
            .iter()
            .map(|m| m.id)
            .filter(|id| wanted.contains(id))
            .collect();
        if params.models.len() == lesson.len() {
            params.models.clear();
        }
        if params.model.is_some() && !params.models.is_empty() {
            params.models.clear();
            params
                .ignored
                .push("models (model= already names the one model to show)".into());
        }
    }
    for note in &mut params.ignored {
        if note.chars().nth(MAX_NOTE).is_some() {
            *note = format!("{}…", note.chars().take(MAX_NOTE).collect::<String>());
        }
    }
    if params.ignored.len() > MAX_IGNORED {
        let more = params.ignored.len() - MAX_IGNORED;
        params.ignored.truncate(MAX_IGNORED);
        params.ignored.push(format!("and {more} more"));
    }
    params
}

/// Percent-decoding for the few characters a lesson or model id could carry; anything odd
/// simply fails the lookup afterwards.
fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Keeps echoed user input short in notices.
fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(SHORT).collect();
    if text.chars().nth(SHORT).is_some() {
        short.push('…');
    }
    short
}
