//! The reference-count race of LESSONS.md section 8: two threads each drop a reference to an
//! object whose count is 3. `Py_DECREF` is three micro-steps (read the count, subtract one,
//! write it back); every order of the two threads' steps is tried, and the final counts are
//! grouped. Under a GIL a thread is never switched out inside `Py_DECREF` (it is C code inside
//! one bytecode), so only the two orders where one thread finishes first can happen; without
//! a GIL and without atomic counts, all twenty can.

/// One micro-step of `Py_DECREF`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Micro {
    /// Reads `ob_refcnt` into a register.
    Read,
    /// Subtracts one in the register.
    Sub,
    /// Writes the register back to `ob_refcnt`.
    Write,
}

/// The micro-steps of one `Py_DECREF`.
pub const DECREF: [Micro; 3] = [Micro::Read, Micro::Sub, Micro::Write];

/// The count the object starts with.
pub const START: i64 = 3;

/// One order of the two threads' micro-steps: `false` is thread A, `true` is thread B.
pub type Order = Vec<bool>;

/// Every order of A's three steps and B's three steps (20 of them), A-first orders first.
pub fn orders() -> Vec<Order> {
    let mut out = Vec::new();
    for mask in 0u32..64 {
        if mask.count_ones() == 3 {
            out.push((0..6).map(|i| mask & (1 << i) != 0).collect());
        }
    }
    out.sort();
    out
}

/// The count after the two threads' steps run in `order`: two `Py_DECREF`s of a count of 3.
pub fn final_count(order: &[bool]) -> i64 {
    count_after(START, [-1, -1], order)
}

/// The count after two threads that each add `deltas[t]` (an `Py_INCREF` adds one, a
/// `Py_DECREF` takes one away, each as read, change, write) run in `order` from `start`.
pub fn count_after(start: i64, deltas: [i64; 2], order: &[bool]) -> i64 {
    let mut count = start;
    let (mut next, mut reg) = ([0usize; 2], [0i64; 2]);
    for &b in order {
        let t = usize::from(b);
        match DECREF[next[t]] {
            Micro::Read => reg[t] = count,
            Micro::Sub => reg[t] += deltas[t],
            Micro::Write => count = reg[t],
        }
        next[t] += 1;
    }
    count
}

/// The second race: thread A takes a new reference (`Py_INCREF`) while thread B drops one
/// (`Py_DECREF`) of an object whose count is 1. Right is 1; a lost increment leaves 0, so the
/// object is freed while A still uses it (a crash); a lost decrement leaves 2 (a leak). Per
/// final count: `(count, orders, orders a GIL allows)`.
pub fn inc_dec_classes() -> Vec<(i64, usize, usize)> {
    group(|o| count_after(1, [1, -1], o))
}

/// True if one thread's three steps all come before the other's: the only orders a GIL allows.
pub fn serial(order: &[bool]) -> bool {
    order.windows(2).filter(|w| w[0] != w[1]).count() == 1
}

/// Per final count, how many orders give it: `(count, orders, orders a GIL allows)`.
pub fn classes() -> Vec<(i64, usize, usize)> {
    group(final_count)
}

fn group(count: impl Fn(&[bool]) -> i64) -> Vec<(i64, usize, usize)> {
    let mut out: Vec<(i64, usize, usize)> = Vec::new();
    for o in orders() {
        let c = count(&o);
        let gil = usize::from(serial(&o));
        match out.iter_mut().find(|(k, _, _)| *k == c) {
            Some(e) => {
                e.1 += 1;
                e.2 += gil;
            }
            None => out.push((c, 1, gil)),
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_decrefs_of_three_give_one_only_when_they_do_not_overlap() {
        assert_eq!(orders().len(), 20);
        // A reads 3, B reads 3, A writes 2, B writes 2: the count says 2 where it should say 1.
        assert_eq!(final_count(&[false, true, false, false, true, true]), 2);
        assert_eq!(classes(), vec![(1, 2, 2), (2, 18, 0)]);
        // An increment racing a decrement of 1: freed too early (0), right (1), or leaked (2).
        assert_eq!(inc_dec_classes(), vec![(0, 9, 0), (1, 2, 2), (2, 9, 0)]);
    }
}
