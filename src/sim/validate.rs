//! Validation of a whole scenario document: its task list (`plan.rs`) and each model's
//! settings (resolved by the model's descriptor), stopping at the first bad field.
//!
//! These are `Scenario`'s own methods, written here so that the format (`scenario.rs`)
//! depends on nothing that depends on it.

use super::error::ScenarioError;
use super::model::{ModelConfig, ModelParams};
use super::models::descriptor;
use super::plan::{self, MAX_JSON_BYTES};
use super::python::Runtime;
use super::scenario::Scenario;

impl Scenario {
    /// Parses and validates a JSON document; the error names the offending field.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > MAX_JSON_BYTES {
            return Err(ScenarioError::new(
                "json",
                format!(
                    "document is {} bytes; the limit is {MAX_JSON_BYTES}",
                    text.len()
                ),
            ));
        }
        let scenario: Scenario =
            serde_json::from_str(text).map_err(|e| ScenarioError::new("json", e.to_string()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Whether a model it compares starts a process pool, whose start method the OS picks.
    pub fn runs_pool(&self) -> bool {
        self.model_configs()
            .iter()
            .any(|m| descriptor(m.id).uses(crate::sim::Setting::StartMethod))
    }

    /// Whether a model it compares runs an event loop, whose tasks the task factory starts.
    pub fn runs_loop(&self) -> bool {
        self.model_configs()
            .iter()
            .any(|m| descriptor(m.id).shape.has_loop())
    }

    /// Checks every field, stopping at the first bad one.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        plan::compile(self)?;
        for (i, m) in self.models.iter().enumerate() {
            params(m, self.tasks.len(), self.runtime(), &format!("models[{i}]"))?;
            if self.models[..i].iter().any(|o| o.id == m.id) {
                return Err(ScenarioError::new(
                    format!("models[{i}].id"),
                    format!("model {:?} is listed twice", m.id.as_str()),
                ));
            }
        }
        Ok(())
    }
}

/// Validates one model's settings (found at `path`, like `models[1]`) with its defaults.
pub(crate) fn params(
    config: &ModelConfig,
    tasks: usize,
    runtime: Runtime,
    path: &str,
) -> Result<ModelParams, ScenarioError> {
    descriptor(config.id).resolve(config, tasks, runtime, path)
}
