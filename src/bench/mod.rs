//! Real measurements: pure CPU kernels and the worker message protocol; the browser side is wasm-only.

pub mod kernel;
pub mod plan;
pub mod protocol;
pub mod results;

#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod runner;
#[cfg(target_arch = "wasm32")]
pub mod worker;
