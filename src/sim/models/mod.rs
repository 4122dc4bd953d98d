//! The execution models: one file each, with its simulation loop and its `Descriptor`, and
//! this registry. Adding a model means adding its file and one line in `ALL`.
//!
//! Shared drivers: `event_loop.rs` (asyncio and hybrid), `pool.rs` (every pool),
//! `executor.rs` (the loop's process pool) and `worker.rs` (one pool worker's life).

mod asyncio;
pub mod descriptor;
mod event_loop;
mod executor;
mod feeder;
mod free_threaded;
mod hybrid;
mod interpreters;
mod pool;
mod processes;
mod sync;
mod threads;
mod to_thread;
mod worker;

use crate::sim::model::ModelId;
use descriptor::Descriptor;

/// Every model's descriptor, in the order the UI and the CLI list them.
pub static ALL: [&Descriptor; 8] = [
    &sync::DESCRIPTOR,
    &asyncio::DESCRIPTOR,
    &to_thread::DESCRIPTOR,
    &hybrid::DESCRIPTOR,
    &threads::DESCRIPTOR,
    &free_threaded::DESCRIPTOR,
    &interpreters::DESCRIPTOR,
    &processes::DESCRIPTOR,
];

/// The descriptor of `id`.
pub fn descriptor(id: ModelId) -> &'static Descriptor {
    ALL.iter()
        .copied()
        .find(|d| d.id == id)
        .expect("every model id has a descriptor in ALL")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_id_has_exactly_one_descriptor_in_id_order() {
        let ids: Vec<ModelId> = ALL.iter().map(|d| d.id).collect();
        assert_eq!(ids, ModelId::ALL.to_vec());
    }
}
