//! Autosave's rules, in plain Rust: which storage keys a tab writes, how the list of recent
//! scenarios is built and trimmed, and how a save is described. The browser calls (wasm-only)
//! live in `share`; nothing here touches storage.
//!
//! Each tab saves under its own key, so two tabs editing never overwrite each other. Beside the
//! (possibly large) scenario, a tab writes a small summary under a second key; the recent list is
//! built from those summaries alone, with no shared index that two tabs could race to rewrite.

use serde::{Deserialize, Serialize};

use crate::sim::Scenario;

/// Every key of ours starts with this.
pub const PREFIX: &str = "concurrency-kitchen:";

/// The single key used before scenarios were saved per tab; still offered back when present.
pub const LEGACY_KEY: &str = "concurrency-kitchen:scenario";

/// How many saved scenarios the browser keeps; older ones are removed when a tab saves.
pub const KEEP: usize = 6;

/// A tab's scenario: `concurrency-kitchen:tab:<id>`.
pub fn scenario_key(tab: &str) -> String {
    format!("{PREFIX}tab:{tab}")
}

/// A tab's summary: `concurrency-kitchen:tab:<id>:meta`.
pub fn meta_key(tab: &str) -> String {
    format!("{PREFIX}tab:{tab}:meta")
}

/// The tab id in a summary key, if `key` is one.
pub fn tab_of_meta_key(key: &str) -> Option<&str> {
    key.strip_prefix(PREFIX)?
        .strip_prefix("tab:")?
        .strip_suffix(":meta")
        .filter(|id| !id.is_empty() && !id.contains(':'))
}

/// What the recent list shows about one saved scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The tab that saved it.
    pub tab: String,
    /// When, in milliseconds since the Unix epoch (the browser's clock).
    pub saved_ms: f64,
    /// A few words on what it holds, such as "3 tasks (A, B, C) · sync, asyncio".
    pub label: String,
}

impl Summary {
    pub fn new(tab: &str, saved_ms: f64, scenario: &Scenario) -> Self {
        Summary {
            tab: tab.to_string(),
            saved_ms,
            label: label(scenario),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a summary always serialises")
    }

    /// A stored summary; `None` for anything damaged (it is then skipped, never fatal).
    pub fn from_json(text: &str) -> Option<Self> {
        serde_json::from_str(text)
            .ok()
            .filter(|s: &Summary| s.saved_ms.is_finite())
    }
}

/// "3 tasks (A, B, C) · sync, asyncio", at most a line long.
pub fn label(scenario: &Scenario) -> String {
    let n = scenario.tasks.len();
    let mut names: Vec<String> = scenario
        .tasks
        .iter()
        .take(3)
        .map(|t| t.name.chars().take(16).collect())
        .collect();
    if n > 3 {
        names.push("…".into());
    }
    let models: Vec<&str> = scenario
        .model_configs()
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    format!(
        "{n} task{} ({}) · {}",
        if n == 1 { "" } else { "s" },
        names.join(", "),
        models.join(", ")
    )
}

/// The recent list: newest first, `KEEP` at most (this tab's own save included: a learner who
/// went to a lesson in the same tab wants it back too).
pub fn recent(mut all: Vec<Summary>) -> Vec<Summary> {
    all.sort_by(|a, b| b.saved_ms.total_cmp(&a.saved_ms));
    all.truncate(KEEP);
    all
}

/// Saves younger than this are never removed to make room: a tab may still be open on one,
/// and a scenario too large for a link lives only there.
pub const KEEP_FRESH_MS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;

/// The most saves kept in all, however fresh: beyond it the oldest go, so storage cannot fill
/// up with saves (a failed write still shows its notice).
pub const KEEP_AT_MOST: usize = 40;

/// The tabs whose saves to remove before `this_tab` saves at `now_ms`: beyond `KEEP`, only saves
/// older than a week, and beyond `KEEP_AT_MOST`, the oldest whatever their age.
pub fn evictions(mut all: Vec<Summary>, this_tab: &str, now_ms: f64) -> Vec<String> {
    all.retain(|s| s.tab != this_tab);
    all.sort_by(|a, b| b.saved_ms.total_cmp(&a.saved_ms));
    all.into_iter()
        .enumerate()
        .filter(|(i, s)| {
            let rank = i + 1; // this tab's own save comes first
            rank >= KEEP_AT_MOST || (rank >= KEEP && now_ms - s.saved_ms > KEEP_FRESH_MS)
        })
        .map(|(_, s)| s.tab)
        .collect()
}

/// "just now", "5 min ago", "3 h ago", "2 days ago".
pub fn ago(now_ms: f64, then_ms: f64) -> String {
    let minutes = ((now_ms - then_ms) / 60_000.0).max(0.0).floor() as u64;
    match minutes {
        0 => "just now".into(),
        1..=59 => format!("{minutes} min ago"),
        60..=2879 => format!("{} h ago", minutes / 60),
        _ => format!("{} days ago", minutes / 1440),
    }
}

/// Why a save failed, in the learner's words, from the browser's error name.
pub fn failure(error_name: &str) -> String {
    let why = match error_name {
        "QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED" => "this browser's storage is full",
        "SecurityError" => "this browser does not allow this page to store anything",
        "" => "storage is not available here",
        _ => "the browser refused to store it",
    };
    format!("Your last edit was not saved in this browser ({why}).")
}
