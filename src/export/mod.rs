//! Finished traces in formats other tools read. Pure (std, serde and serde_json only) and used by
//! both the CLI and the app; like `render` and `bench`, it depends on `sim` and nothing else.

pub mod chrome;

pub use chrome::{chrome_trace, chrome_trace_json};

/// The most events the app exports on the page's own thread (about a third of a second for
/// ten-thousand's 90,001 events here); larger runs are exported with the CLI.
pub const MAX_PAGE_EVENTS: usize = 150_000;
