//! Concurrency Kitchen: the module tree. `sim` is the pure core; browser-only parts are wasm32-gated.
//!
//! What may depend on what: `sim` on nothing of ours; `render`, `bench` and `export` on `sim`;
//! `ui` on everything; nothing on `ui`.

pub mod bench;
pub mod export;
pub mod render;
pub mod sim;
pub mod ui;
