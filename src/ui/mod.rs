//! The user interface: the only Yew code. `state`, `params`, `codec`, `embed`, `autosave` and `progress` are
//! plain Rust and test natively; everything else is wasm-only.

pub mod app_state;
pub mod autosave;
pub mod codec;
pub mod decide;
pub mod draft;
pub mod embed;
pub mod params;
pub mod progress;
pub mod race;
pub mod state;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
pub mod canvas;
#[cfg(target_arch = "wasm32")]
mod chart;
#[cfg(target_arch = "wasm32")]
mod chrome;
#[cfg(target_arch = "wasm32")]
mod controls;
#[cfg(target_arch = "wasm32")]
mod decide_view;
#[cfg(target_arch = "wasm32")]
mod editor;
#[cfg(target_arch = "wasm32")]
mod embed_dialog;
#[cfg(target_arch = "wasm32")]
pub mod fatal;
#[cfg(target_arch = "wasm32")]
mod guide;
#[cfg(target_arch = "wasm32")]
mod hooks;
#[cfg(target_arch = "wasm32")]
mod loop_demo;
#[cfg(target_arch = "wasm32")]
mod measure;
#[cfg(target_arch = "wasm32")]
mod panels;
#[cfg(target_arch = "wasm32")]
mod predict;
#[cfg(target_arch = "wasm32")]
mod race_view;
#[cfg(target_arch = "wasm32")]
mod runtime;
#[cfg(target_arch = "wasm32")]
mod scene;
#[cfg(target_arch = "wasm32")]
mod share;
#[cfg(target_arch = "wasm32")]
mod stated;
#[cfg(target_arch = "wasm32")]
mod store;

/// Mounts the app on the page, after installing the panic screen.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    fatal::install();
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
    yew::Renderer::<app::App>::new().render();
}
