//! Helpers shared by the native test files (each includes this with `mod common;`).

use concurrency_kitchen::sim::{lessons, Scenario};

/// Three-waits with 4,000 tasks whose names do not compress: valid and quick to simulate, but
/// too large for a link.
pub fn unlinkable_scenario() -> Scenario {
    let mut scenario = lessons::by_id("three-waits").unwrap().scenario;
    let mut seed = 1u64;
    scenario.tasks = (0..4000)
        .map(|i| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let mut t = scenario.tasks[0].clone();
            t.name = format!("{:016x}{i}", seed);
            t
        })
        .collect();
    scenario
}
