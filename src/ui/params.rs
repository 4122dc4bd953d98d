//! The URL contract: `?lesson=ID&model=ID&t=MS&speed=X&theme=light|dark|contrast`, plus
//! `scenario=` (a custom scenario, see `codec`), `embed=1` and `present=1`. Parsed leniently:
//! anything unusable is ignored with a notice, never an error page.

use crate::sim::lessons::{self, Lesson};
use crate::sim::{Micros, ModelId, Scenario};

use super::codec;
use super::state::SPEEDS;

/// A colour theme chosen by link or by the theme menu; `None` in `Params` follows the system.
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
pub struct Params {
    pub lesson: String,
    /// A custom scenario from the link; when present it replaces the lesson.
    pub scenario: Option<Scenario>,
    pub model: Option<ModelId>,
    /// Where the playhead starts, in model time.
    pub t: Option<Micros>,
    pub speed: f64,
    pub theme: Option<Theme>,
    pub embed: bool,
    pub present: bool,
    /// Human-readable notes about values that were ignored, shown to the user.
    pub ignored: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            lesson: lessons::DEFAULT.to_string(),
            scenario: None,
            model: None,
            t: None,
            speed: 1.0,
            theme: None,
            embed: false,
            present: false,
            ignored: Vec::new(),
        }
    }
}

impl Params {
    /// The lesson these parameters show: the custom scenario's, or the named preset.
    pub fn lesson(&self) -> Lesson {
        match &self.scenario {
            Some(scenario) => lessons::custom(scenario.clone()),
            None => lessons::by_id(&self.lesson)
                .or_else(|| lessons::by_id(lessons::DEFAULT))
                .expect("the default lesson exists"),
        }
    }

    /// The query string for these parameters, in the documented order; defaults are left out.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        match &self.scenario {
            Some(s) => parts.push(format!("scenario={}", codec::encode(s))),
            None => parts.push(format!("lesson={}", self.lesson)),
        }
        if let Some(model) = self.model {
            parts.push(format!("model={}", model.as_str()));
        }
        if let Some(t) = self.t.filter(|t| t.0 > 0) {
            parts.push(format!("t={}", trim(t.as_ms_f64())));
        }
        if self.speed != 1.0 {
            parts.push(format!("speed={}", self.speed));
        }
        if let Some(theme) = self.theme {
            parts.push(format!("theme={}", theme.as_str()));
        }
        if self.embed {
            parts.push("embed=1".into());
        }
        if self.present {
            parts.push("present=1".into());
        }
        format!("?{}", parts.join("&"))
    }
}

fn trim(ms: f64) -> String {
    // A tenth of a millisecond is finer than any playhead position a learner picks.
    let text = format!("{ms:.1}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
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
pub fn parse(query: &str) -> Params {
    let mut params = Params::default();
    let mut model_text = None;
    for pair in query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        match key {
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
            "model" => model_text = Some(value),
            "t" => match value.parse::<f64>() {
                Ok(ms) if (0.0..=3_600_000.0).contains(&ms) => params.t = Some(Micros::from_ms(ms)),
                _ => params.ignored.push(format!(
                    "t \"{}\" (milliseconds of model time)",
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
            "embed" => params.embed = flag("embed", &value, &mut params.ignored),
            "present" => params.present = flag("present", &value, &mut params.ignored),
            _ => {}
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
    let mut short: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        short.push('…');
    }
    short
}
