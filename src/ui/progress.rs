//! The learner's progress along the guided path (`sim::lessons::path`), kept in this browser:
//! which lessons' answers they have seen. Plain Rust (tested natively); `store` reads and writes
//! it under `KEY`, and a stored value it cannot read counts as no progress, never an error page.

use crate::sim::lessons::path::{self, PATH};

/// The storage key.
pub const KEY: &str = "concurrency-kitchen:progress";

/// The lessons done, in the path's order: only ids on the path, each once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    done: Vec<&'static str>,
}

impl Progress {
    /// Progress from its stored text (a JSON list of lesson ids); unknown ids, duplicates and
    /// anything unreadable are dropped.
    pub fn parse(text: &str) -> Progress {
        let ids: Vec<String> = serde_json::from_str(text).unwrap_or_default();
        let mut progress = Progress::default();
        for id in &ids {
            progress.mark(id);
        }
        progress
    }

    /// The stored text.
    pub fn to_text(&self) -> String {
        serde_json::to_string(&self.done).unwrap_or_else(|_| "[]".into())
    }

    /// Marks `id` done; false when it already was, or is not on the path.
    pub fn mark(&mut self, id: &str) -> bool {
        let Some(at) = path::position(id) else {
            return false;
        };
        if self.done.contains(&PATH[at]) {
            return false;
        }
        self.done.push(PATH[at]);
        self.done.sort_by_key(|d| path::position(d));
        true
    }

    /// Whether `id` is done.
    pub fn is_done(&self, id: &str) -> bool {
        self.done.contains(&id)
    }

    /// How many lessons are done, of `PATH.len()`.
    pub fn count(&self) -> usize {
        self.done.len()
    }

    /// The first lesson on the path not done yet, if any: where "Continue" goes.
    pub fn first_open(&self) -> Option<&'static str> {
        PATH.iter().copied().find(|id| !self.is_done(id))
    }
}
