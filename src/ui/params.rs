//! The URL contract: `?lesson=ID&model=ID&speed=X`, parsed leniently with a notice for anything ignored.

use crate::sim::lessons;
use crate::sim::ModelId;

use super::state::SPEEDS;

/// What the URL asks for, after validation.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub lesson: String,
    pub model: Option<ModelId>,
    pub speed: f64,
    /// Human-readable notes about values that were ignored, shown to the user.
    pub ignored: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            lesson: lessons::DEFAULT.to_string(),
            model: None,
            speed: 1.0,
            ignored: Vec::new(),
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
            "model" => model_text = Some(value),
            "speed" => match value.parse::<f64>() {
                Ok(speed) if SPEEDS.contains(&speed) => params.speed = speed,
                _ => params.ignored.push(format!(
                    "speed \"{}\" (choose one of 0.25, 0.5, 1, 2, 4, 8)",
                    shorten(&value)
                )),
            },
            _ => {}
        }
    }
    // The model is checked against the lesson, which may come after it in the query.
    if let Some(text) = model_text {
        let in_lesson = |id: ModelId| {
            lessons::by_id(&params.lesson)
                .is_some_and(|l| l.scenario.models.iter().any(|m| m.id == id))
        };
        match text.parse::<ModelId>() {
            Ok(id) if in_lesson(id) => params.model = Some(id),
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

/// The query string for a view, in the documented order.
pub fn to_query(lesson: &str, model: Option<ModelId>, speed: f64) -> String {
    let mut query = format!("?lesson={lesson}");
    if let Some(model) = model {
        query.push_str(&format!("&model={}", model.as_str()));
    }
    if speed != 1.0 {
        query.push_str(&format!("&speed={speed}"));
    }
    query
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
