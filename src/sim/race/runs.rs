//! Many seeded runs of the counter race: threads run their loop's bytecode against one shared
//! counter, and each run reports the share of increments kept. A GIL build runs one thread at
//! a time and switches only where the version checks (`bytecode::may_switch_after`), after a
//! switch interval; whole loop iterations inside one thread's turn are taken in one step, so a
//! run of 4 x 200,000 increments costs a few dozen turns. A free-threaded build steps two
//! threads at once, one instruction at a time in a seeded order.

use super::bytecode::{listing, may_switch_after, Effect, Op};
use super::vm::{execute, Did, Shared, Thread};
use super::{Python, Snippet};
use crate::sim::rng::Rng;
use std::collections::VecDeque;

/// Instructions in one switch interval: 5 ms at about 5 ns an instruction (4 threads x
/// 200,000 iterations of these loops took 33-78 ms on CPython 3.9-3.13 here).
pub const INTERVAL: u64 = 1_000_000;
/// The interval's length varies from turn to turn by up to this many thousandths either way.
const JITTER_PERMILLE: u64 = 200;
/// Cores a free-threaded run has: two, like this machine kind.
const CORES: usize = 2;

/// A race to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Race {
    pub python: Python,
    pub snippet: Snippet,
    /// Threads, each running the loop.
    pub threads: usize,
    /// Iterations of the loop per thread.
    pub increments: u64,
}

impl Race {
    /// The lesson's race: 4 threads x 200,000 increments, as measured (LESSONS.md section 9);
    /// a free-threaded build steps every instruction, so its runs are 400 times shorter
    /// (what is lost is a share of each iteration there, so the share does not depend on N).
    pub fn lesson(python: Python, snippet: Snippet) -> Race {
        Race {
            python,
            snippet,
            threads: 4,
            increments: if python.has_gil() { 200_000 } else { 500 },
        }
    }
}

/// How a GIL turn ended.
enum Ended {
    Exited,
    Blocked,
    Switched,
}

/// Thread `t` holds the GIL for `budget` instructions, then until its next switch point.
fn turn(
    body: &[Op],
    python: Python,
    t: usize,
    threads: &mut [Thread],
    shared: &mut Shared,
    budget: u64,
) -> Ended {
    let len = body.len() as u64;
    let mut spent = 0u64;
    loop {
        let th = &mut threads[t];
        if th.done {
            return Ended::Exited;
        }
        // Whole iterations while nobody else runs: each reads the counter and writes one more.
        if th.pc == 0 && th.local.is_none() && shared.lock.is_none() && spent < budget {
            let k = th.left.min((budget - spent) / len);
            if k > 0 {
                shared.counter += k;
                th.left -= k;
                spent += k * len;
                continue;
            }
        }
        let op = &body[th.pc];
        if execute(op, t, th, shared) == Did::Waits {
            return Ended::Blocked;
        }
        if op.effect == Effect::Release {
            for other in threads.iter_mut() {
                other.blocked = false;
            }
        }
        spent += 1;
        if threads[t].done {
            return Ended::Exited;
        }
        if spent >= budget && may_switch_after(python, op) {
            return Ended::Switched;
        }
    }
}

/// The race's threads before they start.
fn fresh(race: Race) -> Vec<Thread> {
    vec![Thread::new(race.increments); race.threads]
}

/// One run of a GIL build: the share of increments kept.
fn run_gil(race: Race, rng: &mut Rng) -> f64 {
    let body = listing(race.python, race.snippet);
    let mut threads = fresh(race);
    let mut shared = Shared::default();
    // The main thread starts the threads one after another, and needs the GIL back for each
    // start: it waits a switch interval like any other thread (`MAIN` in the queue).
    const MAIN: usize = usize::MAX;
    let mut started = 0;
    let mut waiters: VecDeque<usize> = VecDeque::new();
    let mut holder = Some(MAIN);
    while let Some(t) = holder {
        if t == MAIN {
            // It starts the next thread, which takes the GIL at once (`start()` waits for
            // it), and asks for the GIL again if more are to be started.
            waiters.push_front(started);
            started += 1;
            if started < race.threads {
                waiters.push_back(MAIN);
            }
            holder = waiters.pop_front();
            continue;
        }
        let jitter = rng.below((2 * JITTER_PERMILLE + 1) as usize) as u64;
        let budget = INTERVAL * (1000 - JITTER_PERMILLE + jitter) / 1000;
        let ended = turn(body, race.python, t, &mut threads, &mut shared, budget);
        // Threads the lock let go of wait for the GIL again.
        for (i, th) in threads.iter().enumerate().take(started) {
            if i != t && !th.done && !th.blocked && !waiters.contains(&i) {
                waiters.push_back(i);
            }
        }
        if let Ended::Switched = ended {
            waiters.push_back(t);
        }
        // The dropped GIL goes to the waiter the OS wakes. Among CPU-bound waiters, each
        // re-arming its own timed wait, the one whose timer ran out first (and asked) is as
        // good as any: the choice is uniform (with it, 3.9's `+=` keeps 75% on average,
        // against a measured median of 75.5%; always the longest waiter would keep 66%).
        holder = if waiters.is_empty() {
            None
        } else {
            let i = rng.below(waiters.len());
            waiters.remove(i)
        };
        if holder.is_none() && threads.iter().any(|th| !th.done) {
            // Only blocked threads are left, which cannot be: the lock's holder always runs
            // or waits for the GIL. Stop rather than spin.
            break;
        }
    }
    kept(shared.counter, race)
}

/// One run of a free-threaded build: two threads at a time, stepped in a seeded order.
fn run_free(race: Race, rng: &mut Rng) -> f64 {
    let body = listing(race.python, race.snippet);
    let mut threads = fresh(race);
    let mut shared = Shared::default();
    loop {
        // The first threads not done have the two cores; each step, one of them runs an
        // instruction.
        let mut running = (0..race.threads).filter(|&i| !threads[i].done);
        let Some(a) = running.next() else {
            break;
        };
        let t = match running.next() {
            Some(b) if rng.below(CORES) == 1 => b,
            _ => a,
        };
        let th = &mut threads[t];
        let op = &body[th.pc];
        // A thread waiting for the lock spins until its holder lets go.
        th.blocked = false;
        execute(op, t, th, &mut shared);
    }
    kept(shared.counter, race)
}

fn kept(counter: u64, race: Race) -> f64 {
    counter as f64 / (race.threads as u64 * race.increments) as f64
}

/// The kept share of `runs` runs of `race`, seeds `seed`, `seed + 1`, ...
pub fn runs(race: Race, runs: usize, seed: u64) -> Vec<f64> {
    (0..runs as u64)
        .map(|k| {
            let mut rng = Rng::new(seed.wrapping_add(k), 0x7ace);
            if race.python.has_gil() {
                run_gil(race, &mut rng)
            } else {
                run_free(race, &mut rng)
            }
        })
        .collect()
}

/// The mean of `values`.
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_thread_keeps_every_increment_and_runs_replay() {
        for python in super::super::versions() {
            for snippet in Snippet::ALL {
                let race = Race {
                    python,
                    snippet,
                    threads: 1,
                    increments: 5_000,
                };
                assert_eq!(runs(race, 3, 1), vec![1.0; 3], "{python} {snippet:?}");
            }
        }
        let race = Race::lesson(Python::V3_9, Snippet::Plain);
        assert_eq!(runs(race, 5, 9), runs(race, 5, 9));
    }
}
