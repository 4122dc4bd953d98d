//! The one error of the core: a bad scenario or model, named by the path of the field.

use std::fmt;

/// A bad scenario: the path of the field (like `tasks[2].steps[0].ms`) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// Where: a field path, or "json" for a document that does not parse.
    pub path: String,
    /// What: a sentence fragment such as "must be a finite number >= 0, got -1".
    pub message: String,
}

impl ScenarioError {
    /// An error at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> ScenarioError {
        ScenarioError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ScenarioError {}
