//! Pure CPU kernels that stand in for Python bytecode when the browser measures real time.

/// Runs `iterations` rounds of a xorshift generator and returns the final state.
///
/// The loop carries a data dependency from one round to the next, so the optimiser can neither
/// vectorise nor skip it: the time it takes grows linearly with `iterations`, which is what the
/// calibration step needs.
pub fn spin(iterations: u64, seed: u64) -> u64 {
    let mut x = seed | 1;
    for _ in 0..iterations {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spin_is_deterministic_and_depends_on_its_inputs() {
        assert_eq!(spin(1000, 42), spin(1000, 42));
        assert_ne!(spin(1000, 42), spin(1001, 42));
        assert_ne!(spin(1000, 42), spin(1000, 44));
    }

    #[test]
    fn zero_iterations_returns_the_odd_seed() {
        assert_eq!(spin(0, 8), 9);
    }
}
