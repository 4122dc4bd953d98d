//! Concurrency Kitchen: the module tree. `sim` is the pure core; browser-only modules are wasm32-gated.

pub mod sim;
