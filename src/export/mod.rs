//! Finished traces in formats other tools read. Pure (std, serde and serde_json only) and used by
//! both the CLI and the app; like `render` and `bench`, it depends on `sim` and nothing else.

pub mod chrome;

pub use chrome::{chrome_trace, chrome_trace_json};
