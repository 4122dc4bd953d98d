//! "You are the scheduler": the learner picks which thread runs the next instruction of the
//! counter race, within what the chosen CPython may do. A GIL build lets the running thread be
//! switched out only right after one of its switch points (`bytecode::may_switch_after`), or
//! when it has to wait for the lock or is done; a free-threaded build lets any thread run any
//! time. The goal is a lost update: a thread writes back a value it read before another
//! thread's write. Every step can be undone, and the game is a string of thread letters
//! ("AAB...") that replays it, for a share link.

use super::bytecode::{listing, may_switch_after, Effect, Op};
use super::vm::{execute, Did, Shared, Thread};
use super::{Python, Snippet};

/// Iterations each thread runs in the game: enough to lose an update, few enough to step.
pub const GAME_ITERATIONS: u64 = 2;
/// The longest game a link may replay.
pub const MAX_STEPS: usize = 2_000;

/// What a step did, for narration and the shared-memory box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Happened {
    /// An instruction that touches nothing shared.
    Ran { thread: usize, op: Op },
    /// The thread read the counter.
    Read { thread: usize, value: u64 },
    /// The thread wrote the counter; `lost` is how many other threads' updates it overwrote.
    Wrote {
        thread: usize,
        value: u64,
        lost: u64,
    },
    /// The thread took the lock, or found it taken and waits.
    Lock { thread: usize, taken: bool },
    /// The thread let the lock go.
    Unlock { thread: usize },
    /// The thread finished its loop.
    Finished { thread: usize },
}

/// Why a thread may not run now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No such thread.
    NoSuchThread,
    /// It is done.
    Done,
    /// Another thread holds the GIL and is not at a switch point.
    NotASwitchPoint,
    /// It waits for the lock another thread holds.
    WaitsForLock,
}

impl Refusal {
    /// Why, in the lesson's words.
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::NoSuchThread => "there is no such thread",
            Refusal::Done => "this thread has finished",
            Refusal::NotASwitchPoint => {
                "the running thread holds the GIL, and this CPython cannot switch here"
            }
            Refusal::WaitsForLock => "it is waiting for the lock another thread holds",
        }
    }
}

/// A game in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Game {
    pub python: Python,
    pub snippet: Snippet,
    pub threads: Vec<Thread>,
    /// The counter, who wrote it last, and the lock.
    pub shared: Shared,
    /// The thread that ran the last instruction (the GIL's holder in a GIL build).
    pub running: Option<usize>,
    /// Whether the running thread's last instruction was a switch point.
    at_switch_point: bool,
    /// Every thread picked so far, in order.
    pub history: Vec<usize>,
    /// Updates lost so far.
    pub lost: u64,
}

impl Game {
    /// A new game: `threads` threads (2 or 3) each adding one `GAME_ITERATIONS` times.
    pub fn new(python: Python, snippet: Snippet, threads: usize) -> Game {
        Game {
            python,
            snippet,
            threads: vec![Thread::new(GAME_ITERATIONS); threads.clamp(2, 3)],
            shared: Shared::default(),
            running: None,
            at_switch_point: true,
            history: Vec::new(),
            lost: 0,
        }
    }

    /// The loop's instructions.
    pub fn listing(&self) -> &'static [Op] {
        listing(self.python, self.snippet)
    }

    /// Whether `t` may run the next instruction now, and if not, why.
    pub fn may_run(&self, t: usize) -> Result<(), Refusal> {
        let th = self.threads.get(t).ok_or(Refusal::NoSuchThread)?;
        if th.done {
            return Err(Refusal::Done);
        }
        let op = &self.listing()[th.pc];
        if op.effect == Effect::Acquire && self.shared.lock.is_some_and(|h| h != t) {
            return Err(Refusal::WaitsForLock);
        }
        if !self.python.has_gil() {
            return Ok(());
        }
        match self.running {
            Some(r) if r != t => {
                let holder_stuck = self.threads[r].done || self.waits_for_lock(r);
                if self.at_switch_point || holder_stuck {
                    Ok(())
                } else {
                    Err(Refusal::NotASwitchPoint)
                }
            }
            _ => Ok(()),
        }
    }

    fn waits_for_lock(&self, t: usize) -> bool {
        let op = &self.listing()[self.threads[t].pc];
        op.effect == Effect::Acquire && self.shared.lock.is_some_and(|h| h != t)
    }

    /// Runs `t`'s next instruction.
    pub fn step(&mut self, t: usize) -> Result<Happened, Refusal> {
        self.may_run(t)?;
        let op = self.listing()[self.threads[t].pc];
        let happened = match execute(&op, t, &mut self.threads[t], &mut self.shared) {
            Did::Ran => Happened::Ran { thread: t, op },
            Did::Finished => Happened::Finished { thread: t },
            Did::Read(value) => Happened::Read { thread: t, value },
            Did::Wrote { value, lost } => {
                self.lost += lost;
                Happened::Wrote {
                    thread: t,
                    value,
                    lost,
                }
            }
            Did::Locked => Happened::Lock {
                thread: t,
                taken: true,
            },
            // `may_run` refused a thread that would wait, so this is not reached.
            Did::Waits => Happened::Lock {
                thread: t,
                taken: false,
            },
            Did::Unlocked => Happened::Unlock { thread: t },
        };
        self.running = Some(t);
        self.at_switch_point = may_switch_after(self.python, &op);
        self.history.push(t);
        Ok(happened)
    }

    /// Takes the last step back (replaying the rest from the start: games are short).
    pub fn undo(&mut self) {
        let mut history = std::mem::take(&mut self.history);
        history.pop();
        *self = Game::new(self.python, self.snippet, self.threads.len());
        for t in history {
            let _ = self.step(t);
        }
    }

    /// True once an update has been lost.
    pub fn won(&self) -> bool {
        self.lost > 0
    }

    /// True once every thread is done.
    pub fn over(&self) -> bool {
        self.threads.iter().all(|t| t.done)
    }

    /// The game as thread letters, "AABBA...", for a share link.
    pub fn encode(&self) -> String {
        self.history
            .iter()
            .map(|&t| char::from(b'A' + t as u8))
            .collect()
    }

    /// Replays `moves` (as `encode` writes them), refusing a letter that names no thread, a
    /// move the version's rules forbid, or a game longer than `MAX_STEPS`.
    pub fn decode(
        python: Python,
        snippet: Snippet,
        threads: usize,
        moves: &str,
    ) -> Result<Game, String> {
        if moves.len() > MAX_STEPS {
            return Err(format!("a game of at most {MAX_STEPS} steps"));
        }
        let mut g = Game::new(python, snippet, threads);
        for (i, c) in moves.chars().enumerate() {
            let t = (c as u32).wrapping_sub('A' as u32) as usize;
            g.step(t)
                .map_err(|r| format!("step {} ({c}): {}", i + 1, r.reason()))?;
        }
        Ok(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs thread `t` until its next read of the counter has happened.
    fn until_read(g: &mut Game, t: usize) {
        loop {
            if let Happened::Read { .. } = g.step(t).unwrap() {
                return;
            }
        }
    }

    #[test]
    fn on_3_9_a_switch_after_the_read_loses_an_update() {
        let mut g = Game::new(Python::V3_9, Snippet::Plain, 2);
        until_read(&mut g, 0);
        // BINARY_SUBSCR is a switch point in 3.9: B may run now, A holding its stale value.
        assert_eq!(g.may_run(1), Ok(()));
        until_read(&mut g, 1);
        while !g.won() {
            // B writes first, then A writes the value it read before: B's update is lost.
            let t = if g.threads[1].local.is_some() { 1 } else { 0 };
            g.step(t).unwrap();
        }
        assert_eq!(g.lost, 1);
        let replay = Game::decode(Python::V3_9, Snippet::Plain, 2, &g.encode()).unwrap();
        assert_eq!(replay, g);
    }

    #[test]
    fn on_3_12_the_plain_loop_cannot_be_switched_between_read_and_write() {
        let mut g = Game::new(Python::V3_12, Snippet::Plain, 2);
        until_read(&mut g, 0);
        assert_eq!(g.may_run(1), Err(Refusal::NotASwitchPoint));
        // Only after the backward jump may B run; by then A has written.
        while g.threads[0].pc != 0 {
            g.step(0).unwrap();
        }
        assert_eq!(g.may_run(1), Ok(()));
        assert_eq!(g.shared.counter, 1);
        // With a call between the read and the write, the call is a switch point.
        let mut g = Game::new(Python::V3_12, Snippet::Call, 2);
        until_read(&mut g, 0);
        g.step(0).unwrap(); // CALL
        assert_eq!(g.may_run(1), Ok(()));
    }

    #[test]
    fn free_threading_switches_anywhere_and_a_lock_blocks_the_other_thread() {
        let mut g = Game::new(Python::V3_13t, Snippet::Plain, 2);
        g.step(0).unwrap();
        assert_eq!(g.may_run(1), Ok(()));
        let mut g = Game::new(Python::V3_13t, Snippet::Lock, 2);
        while g.shared.lock.is_none() {
            g.step(0).unwrap();
        }
        while g.threads[1].pc < 3 {
            g.step(1).unwrap();
        }
        assert_eq!(g.may_run(1), Err(Refusal::WaitsForLock));
    }

    #[test]
    fn undo_and_bad_links() {
        let mut g = Game::new(Python::V3_9, Snippet::Plain, 2);
        g.step(0).unwrap();
        g.step(0).unwrap();
        let before = g.clone();
        g.step(0).unwrap();
        g.undo();
        assert_eq!(g, before);
        assert!(Game::decode(Python::V3_12, Snippet::Plain, 2, "AAAAAAB").is_err());
        assert!(Game::decode(Python::V3_9, Snippet::Plain, 2, "AZ").is_err());
        assert!(Game::decode(Python::V3_9, Snippet::Plain, 2, &"A".repeat(MAX_STEPS + 1)).is_err());
    }
}
