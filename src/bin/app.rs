//! The web app's entry point: mounts the Yew UI (built by Trunk for wasm32).

#[cfg(target_arch = "wasm32")]
fn main() {
    concurrency_kitchen::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The app runs in a browser: use `./kitchen serve` (or `trunk serve`).");
    std::process::exit(2);
}
