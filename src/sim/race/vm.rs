//! One instruction of the counter race: what it does to a thread and to the shared counter
//! and lock. The many seeded runs (`runs.rs`) and the learner's own schedule (`scheduler.rs`)
//! both step through here, so they cannot disagree on what an instruction means.

use super::bytecode::{Effect, Op};

/// One thread's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thread {
    /// The instruction it runs next (an index into the listing).
    pub pc: usize,
    /// Iterations not begun yet.
    pub left: u64,
    /// The value read from the counter and not yet written back.
    pub local: Option<u64>,
    pub done: bool,
    /// Waiting for the lock.
    pub blocked: bool,
}

impl Thread {
    /// A thread about to run `iterations` of the loop.
    pub fn new(iterations: u64) -> Thread {
        Thread {
            pc: 0,
            left: iterations,
            local: None,
            done: false,
            blocked: false,
        }
    }
}

/// The shared state: the counter, who wrote it last, and the lock.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shared {
    pub counter: u64,
    pub last_writer: Option<usize>,
    pub lock: Option<usize>,
}

/// What one instruction did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Did {
    /// Nothing shared.
    Ran,
    /// The loop is over for this thread.
    Finished,
    /// Read the counter.
    Read(u64),
    /// Wrote `value` back; `lost` other threads' updates were overwritten.
    Wrote { value: u64, lost: u64 },
    /// Took the lock.
    Locked,
    /// Found the lock taken: the thread waits and its `pc` stays.
    Waits,
    /// Let the lock go.
    Unlocked,
}

/// Runs `op` for thread `t`.
pub fn execute(op: &Op, t: usize, th: &mut Thread, shared: &mut Shared) -> Did {
    let did = match op.effect {
        Effect::Iter if th.left == 0 => {
            th.done = true;
            return Did::Finished;
        }
        Effect::Iter => {
            th.left -= 1;
            Did::Ran
        }
        Effect::Read => {
            th.local = Some(shared.counter);
            Did::Read(shared.counter)
        }
        Effect::Add => {
            th.local = th.local.map(|v| v + 1);
            Did::Ran
        }
        Effect::Write => {
            let value = th.local.take().unwrap_or(shared.counter);
            // It read `value - 1`: whatever others added since is overwritten.
            let lost = (shared.counter + 1).saturating_sub(value);
            shared.counter = value;
            shared.last_writer = Some(t);
            Did::Wrote { value, lost }
        }
        Effect::Acquire => match shared.lock {
            Some(h) if h != t => {
                th.blocked = true;
                return Did::Waits;
            }
            _ => {
                shared.lock = Some(t);
                Did::Locked
            }
        },
        Effect::Release => {
            shared.lock = None;
            Did::Unlocked
        }
        Effect::Back => {
            th.pc = 0;
            return Did::Ran;
        }
        Effect::Other => Did::Ran,
    };
    th.pc += 1;
    did
}
