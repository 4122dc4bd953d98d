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

/// Per final count of the learner's game (`RefGame`), how many orders give it: `(count,
/// orders, orders a GIL allows)`.
pub fn game_classes() -> Vec<(i64, usize, usize)> {
    group(|o| count_after(GAME_START, GAME_DELTAS, o))
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

/// How the count is changed in the learner's game.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Counts {
    /// With the GIL: a thread is never switched out inside `Py_INCREF`/`Py_DECREF`.
    Gil,
    /// No GIL and plain counts: what the GIL is there to prevent.
    Plain,
    /// Free-threaded 3.13t: each change of a count is one indivisible (atomic) step
    /// (simplified: the real build uses biased reference counting, PEP 703).
    Atomic,
}

impl Counts {
    pub const ALL: [Counts; 3] = [Counts::Gil, Counts::Plain, Counts::Atomic];

    pub fn as_str(self) -> &'static str {
        match self {
            Counts::Gil => "gil",
            Counts::Plain => "plain",
            Counts::Atomic => "atomic",
        }
    }

    pub fn parse(text: &str) -> Option<Counts> {
        Counts::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// The learner's reference-count game: an object has two references, one per thread; thread A
/// takes another (`b = a`, `Py_INCREF`) while thread B drops its own (`del c`, `Py_DECREF`).
/// Right is 2. The goal is a count too low (a lost increment: 1 where A holds two, so the
/// object is freed while A still uses it); too high is a leak. Every step can be undone, and
/// the moves are a string of thread letters for a link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefGame {
    pub counts: Counts,
    /// The count in memory (`ob_refcnt`).
    pub count: i64,
    /// Who wrote the count last.
    pub last_writer: Option<usize>,
    /// Each thread's next micro-step (0..3; 3 is done).
    pub next: [usize; 2],
    /// Each thread's register.
    pub reg: [Option<i64>; 2],
    pub history: Vec<usize>,
}

/// What each thread adds: A's `Py_INCREF`, B's `Py_DECREF`.
pub const GAME_DELTAS: [i64; 2] = [1, -1];
/// The count the game's object starts with.
pub const GAME_START: i64 = 2;

impl RefGame {
    pub fn new(counts: Counts) -> RefGame {
        RefGame {
            counts,
            count: GAME_START,
            last_writer: None,
            next: [0; 2],
            reg: [None; 2],
            history: Vec::new(),
        }
    }

    /// The count the object should end with: one reference more, one fewer.
    pub fn right(&self) -> i64 {
        GAME_START + GAME_DELTAS.iter().sum::<i64>()
    }

    /// Why `t` may not run now, if it may not.
    pub fn may_run(&self, t: usize) -> Result<(), &'static str> {
        if t > 1 {
            return Err("there is no such thread");
        }
        if self.next[t] >= DECREF.len() {
            return Err("this thread has finished");
        }
        let other = 1 - t;
        let inside = (1..DECREF.len()).contains(&self.next[other]);
        if self.counts == Counts::Gil && inside {
            return Err("the other thread holds the GIL inside its change of the count (C code within one bytecode)");
        }
        Ok(())
    }

    /// Runs `t`'s next micro-step (all three at once with atomic counts).
    pub fn step(&mut self, t: usize) -> Result<Micro, &'static str> {
        self.may_run(t)?;
        loop {
            let did = DECREF[self.next[t]];
            match did {
                Micro::Read => self.reg[t] = Some(self.count),
                Micro::Sub => self.reg[t] = self.reg[t].map(|r| r + GAME_DELTAS[t]),
                Micro::Write => {
                    self.count = self.reg[t].take().unwrap_or(self.count);
                    self.last_writer = Some(t);
                }
            }
            self.next[t] += 1;
            if self.counts != Counts::Atomic || self.next[t] == DECREF.len() {
                self.history.push(t);
                return Ok(did);
            }
        }
    }

    /// True once both threads are done.
    pub fn over(&self) -> bool {
        self.next.iter().all(|&n| n == DECREF.len())
    }

    /// True once both are done and the count is too low: the object will be freed while A
    /// still uses it.
    pub fn won(&self) -> bool {
        self.over() && self.count < self.right()
    }

    pub fn undo(&mut self) {
        let mut history = std::mem::take(&mut self.history);
        history.pop();
        *self = RefGame::new(self.counts);
        for t in history {
            let _ = self.step(t);
        }
    }

    pub fn encode(&self) -> String {
        self.history
            .iter()
            .map(|&t| char::from(b'A' + t as u8))
            .collect()
    }
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

    #[test]
    fn the_game_frees_too_early_only_without_a_gil() {
        // A reads 2, B reads 2, A writes 3, B writes 1: A's increment is lost.
        let mut g = RefGame::new(Counts::Plain);
        for t in [0, 1, 0, 0, 1, 1] {
            g.step(t).unwrap();
        }
        assert!(g.won());
        let mut g = RefGame::new(Counts::Gil);
        g.step(0).unwrap();
        assert!(g.may_run(1).is_err());
        g.step(0).unwrap();
        g.step(0).unwrap();
        for _ in 0..3 {
            g.step(1).unwrap();
        }
        assert!(g.over() && !g.won() && g.count == 2);
        let mut g = RefGame::new(Counts::Atomic);
        g.step(1).unwrap();
        g.step(0).unwrap();
        assert!(g.over() && !g.won() && g.count == 2);
        let before = g.clone();
        g.undo();
        g.step(0).unwrap();
        assert_eq!(g, before);
    }
}
