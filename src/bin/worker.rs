//! The measurement worker's entry point: answers the page from inside a Web Worker.

#[cfg(target_arch = "wasm32")]
fn main() {
    concurrency_kitchen::bench::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The worker runs inside a browser's Web Worker, spawned by the app.");
    std::process::exit(2);
}
