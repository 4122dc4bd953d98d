//! The instructions of the race lessons' loop bodies, as `dis` prints them on each CPython
//! version (run on CPython 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 on this machine kind),
//! each with what it does to the shared counter, and where each version may switch threads.
//!
//! Only the path a loop iteration executes is listed, from `FOR_ITER` to the backward jump
//! (the `with` block's exception handler, which never runs here, is left out).

use super::{Python, Snippet, SwitchPoints};

/// What an instruction does to the state the race is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Nothing shared (loading a name, a constant, stack shuffling).
    Other,
    /// `FOR_ITER`: the next iteration begins, or the loop ends.
    Iter,
    /// Reads the shared counter onto the thread's stack (`BINARY_SUBSCR` of `counter[0]`).
    Read,
    /// Adds one to the value on the stack.
    Add,
    /// Writes the value on the stack back to the counter (`STORE_SUBSCR`).
    Write,
    /// Takes the lock (`with lock:` calls `lock.__enter__`), or waits for it.
    Acquire,
    /// Gives the lock back (`lock.__exit__`).
    Release,
    /// The backward jump to `FOR_ITER`.
    Back,
}

/// One instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Op {
    /// The opcode's name.
    pub name: &'static str,
    /// Its argument as `dis` shows it, or "".
    pub arg: &'static str,
    /// What it does to the race's state.
    pub effect: Effect,
}

const fn op(name: &'static str, arg: &'static str, effect: Effect) -> Op {
    Op { name, arg, effect }
}

use Effect::*;

const PLAIN_39: &[Op] = &[
    op("FOR_ITER", "", Iter),
    op("STORE_FAST", "_", Other),
    op("LOAD_GLOBAL", "counter", Other),
    op("LOAD_CONST", "0", Other),
    op("DUP_TOP_TWO", "", Other),
    op("BINARY_SUBSCR", "", Read),
    op("LOAD_CONST", "1", Other),
    op("INPLACE_ADD", "", Add),
    op("ROT_THREE", "", Other),
    op("STORE_SUBSCR", "", Write),
    op("JUMP_ABSOLUTE", "", Back),
];

const CALL_39: &[Op] = &[
    op("FOR_ITER", "", Iter),
    op("STORE_FAST", "_", Other),
    op("LOAD_GLOBAL", "f", Other),
    op("LOAD_GLOBAL", "counter", Other),
    op("LOAD_CONST", "0", Other),
    op("BINARY_SUBSCR", "", Read),
    op("CALL_FUNCTION", "1", Other),
    op("LOAD_CONST", "1", Other),
    op("BINARY_ADD", "", Add),
    op("LOAD_GLOBAL", "counter", Other),
    op("LOAD_CONST", "0", Other),
    op("STORE_SUBSCR", "", Write),
    op("JUMP_ABSOLUTE", "", Back),
];

const LOCK_39: &[Op] = &[
    op("FOR_ITER", "", Iter),
    op("STORE_FAST", "_", Other),
    op("LOAD_GLOBAL", "lock", Other),
    op("SETUP_WITH", "", Acquire),
    op("POP_TOP", "", Other),
    op("LOAD_GLOBAL", "counter", Other),
    op("LOAD_CONST", "0", Other),
    op("DUP_TOP_TWO", "", Other),
    op("BINARY_SUBSCR", "", Read),
    op("LOAD_CONST", "1", Other),
    op("INPLACE_ADD", "", Add),
    op("ROT_THREE", "", Other),
    op("STORE_SUBSCR", "", Write),
    op("POP_BLOCK", "", Other),
    op("LOAD_CONST", "None", Other),
    op("DUP_TOP", "", Other),
    op("DUP_TOP", "", Other),
    op("CALL_FUNCTION", "3", Release),
    op("POP_TOP", "", Other),
    op("JUMP_ABSOLUTE", "", Back),
];

const LOCK_310: &[Op] = &[
    op("FOR_ITER", "", Iter),
    op("STORE_FAST", "_", Other),
    op("LOAD_GLOBAL", "lock", Other),
    op("SETUP_WITH", "", Acquire),
    op("POP_TOP", "", Other),
    op("LOAD_GLOBAL", "counter", Other),
    op("LOAD_CONST", "0", Other),
    op("DUP_TOP_TWO", "", Other),
    op("BINARY_SUBSCR", "", Read),
    op("LOAD_CONST", "1", Other),
    op("INPLACE_ADD", "", Add),
    op("ROT_THREE", "", Other),
    op("STORE_SUBSCR", "", Write),
    op("POP_BLOCK", "", Other),
    op("LOAD_CONST", "None", Other),
    op("DUP_TOP", "", Other),
    op("DUP_TOP", "", Other),
    op("CALL_FUNCTION", "3", Release),
    op("POP_TOP", "", Other),
    op("JUMP_FORWARD", "", Other),
    op("JUMP_ABSOLUTE", "", Back),
];

const PLAIN_311: &[Op] = &[
    op("FOR_ITER", "", Iter),
    op("STORE_FAST", "_", Other),
    op("LOAD_GLOBAL", "counter", Other),
    op("LOAD_CONST", "0", Other),
    op("COPY", "2", Other),
    op("COPY", "2", Other),
    op("BINARY_SUBSCR", "", Read),
    op("LOAD_CONST", "1", Other),
    op("BINARY_OP", "+=", Add),
    op("SWAP", "3", Other),
    op("SWAP", "2", Other),
    op("STORE_SUBSCR", "", Write),
    op("JUMP_BACKWARD", "", Back),
];

const CALL_311: &[Op] = &[
    op("FOR_ITER", "", Iter),
    op("STORE_FAST", "_", Other),
    op("LOAD_GLOBAL", "NULL + f", Other),
    op("LOAD_GLOBAL", "counter", Other),
    op("LOAD_CONST", "0", Other),
    op("BINARY_SUBSCR", "", Read),
    op("PRECALL", "1", Other),
    op("CALL", "1", Other),
    op("LOAD_CONST", "1", Other),
    op("BINARY_OP", "+", Add),
    op("LOAD_GLOBAL", "counter", Other),
    op("LOAD_CONST", "0", Other),
    op("STORE_SUBSCR", "", Write),
    op("JUMP_BACKWARD", "", Back),
];

const LOCK_311: &[Op] = &[
    op("FOR_ITER", "", Iter),
    op("STORE_FAST", "_", Other),
    op("LOAD_GLOBAL", "lock", Other),
    op("BEFORE_WITH", "", Acquire),
    op("POP_TOP", "", Other),
    op("LOAD_GLOBAL", "counter", Other),
    op("LOAD_CONST", "0", Other),
    op("COPY", "2", Other),
    op("COPY", "2", Other),
    op("BINARY_SUBSCR", "", Read),
    op("LOAD_CONST", "1", Other),
    op("BINARY_OP", "+=", Add),
    op("SWAP", "3", Other),
    op("SWAP", "2", Other),
    op("STORE_SUBSCR", "", Write),
    op("LOAD_CONST", "None", Other),
    op("LOAD_CONST", "None", Other),
    op("LOAD_CONST", "None", Other),
    op("PRECALL", "2", Other),
    op("CALL", "2", Release),
    op("POP_TOP", "", Other),
    op("JUMP_FORWARD", "", Other),
    op("JUMP_BACKWARD", "", Back),
];

const CALL_312: &[Op] = &[
    op("FOR_ITER", "", Iter),
    op("STORE_FAST", "_", Other),
    op("LOAD_GLOBAL", "NULL + f", Other),
    op("LOAD_GLOBAL", "counter", Other),
    op("LOAD_CONST", "0", Other),
    op("BINARY_SUBSCR", "", Read),
    op("CALL", "1", Other),
    op("LOAD_CONST", "1", Other),
    op("BINARY_OP", "+", Add),
    op("LOAD_GLOBAL", "counter", Other),
    op("LOAD_CONST", "0", Other),
    op("STORE_SUBSCR", "", Write),
    op("JUMP_BACKWARD", "", Back),
];

const CALL_313: &[Op] = &[
    op("FOR_ITER", "", Iter),
    op("STORE_FAST", "_", Other),
    op("LOAD_GLOBAL", "f + NULL", Other),
    op("LOAD_GLOBAL", "counter", Other),
    op("LOAD_CONST", "0", Other),
    op("BINARY_SUBSCR", "", Read),
    op("CALL", "1", Other),
    op("LOAD_CONST", "1", Other),
    op("BINARY_OP", "+", Add),
    op("LOAD_GLOBAL", "counter", Other),
    op("LOAD_CONST", "0", Other),
    op("STORE_SUBSCR", "", Write),
    op("JUMP_BACKWARD", "", Back),
];

const LOCK_312: &[Op] = &[
    op("FOR_ITER", "", Iter),
    op("STORE_FAST", "_", Other),
    op("LOAD_GLOBAL", "lock", Other),
    op("BEFORE_WITH", "", Acquire),
    op("POP_TOP", "", Other),
    op("LOAD_GLOBAL", "counter", Other),
    op("LOAD_CONST", "0", Other),
    op("COPY", "2", Other),
    op("COPY", "2", Other),
    op("BINARY_SUBSCR", "", Read),
    op("LOAD_CONST", "1", Other),
    op("BINARY_OP", "+=", Add),
    op("SWAP", "3", Other),
    op("SWAP", "2", Other),
    op("STORE_SUBSCR", "", Write),
    op("LOAD_CONST", "None", Other),
    op("LOAD_CONST", "None", Other),
    op("LOAD_CONST", "None", Other),
    op("CALL", "2", Release),
    op("POP_TOP", "", Other),
    op("JUMP_BACKWARD", "", Back),
];

/// The loop body of `snippet` as `python` compiles it (3.13t compiles as 3.13). Only versions
/// with `Python::has_listing` are offered (`race::parse_version` refuses the others); 3.14,
/// never listed here, would get 3.13's body, the nearest one measured.
pub fn listing(python: Python, snippet: Snippet) -> &'static [Op] {
    use Python::*;
    debug_assert!(python.has_listing(), "no listing for {python}");
    match (python, snippet) {
        (V3_14 | V3_14t, s) => listing(V3_13, s),
        (V3_9 | V3_10, Snippet::Plain) => PLAIN_39,
        (V3_9 | V3_10, Snippet::Call) => CALL_39,
        (V3_9, Snippet::Lock) => LOCK_39,
        (V3_10, Snippet::Lock) => LOCK_310,
        (V3_11 | V3_12 | V3_13 | V3_13t, Snippet::Plain) => PLAIN_311,
        (V3_11, Snippet::Call) => CALL_311,
        (V3_12, Snippet::Call) => CALL_312,
        (V3_13 | V3_13t, Snippet::Call) => CALL_313,
        (V3_11, Snippet::Lock) => LOCK_311,
        (V3_12 | V3_13 | V3_13t, Snippet::Lock) => LOCK_312,
    }
}

/// Opcodes that 3.9's eval loop ends with `FAST_DISPATCH`, which goes straight to the next
/// instruction without looking at the eval breaker (`Python/ceval.c`); `FOR_ITER` predicts
/// `STORE_FAST` and jumps to it the same way.
const NO_CHECK_39: &[&str] = &[
    "NOP",
    "LOAD_FAST",
    "LOAD_CONST",
    "STORE_FAST",
    "POP_TOP",
    "ROT_TWO",
    "ROT_THREE",
    "ROT_FOUR",
    "DUP_TOP",
    "DUP_TOP_TWO",
    "FOR_ITER",
];

/// True if, right after `op`, a thread of a GIL build may be switched out: in 3.9 after
/// nearly every instruction, since 3.10 only after backward jumps and calls (where the
/// eval breaker is checked: `CHECK_EVAL_BREAKER`, and `RESUME` in the function called).
/// A free-threaded build has no GIL to hand over: its threads run at once.
pub fn may_switch_after(python: Python, op: &Op) -> bool {
    match python.switch_points() {
        SwitchPoints::Instructions => !NO_CHECK_39.contains(&op.name),
        SwitchPoints::CallsAndBackJumps | SwitchPoints::Anywhere => {
            op.effect == Effect::Back
                || matches!(op.name, "CALL" | "CALL_FUNCTION")
                || op.effect == Effect::Release
        }
    }
}

/// The 1-based line of `snippet.source()` that instruction `index` of `body` belongs to, as
/// `dis` groups them: the loop header (`FOR_ITER`, the loop variable, the jump back) is line
/// 1; with a lock, the `with` statement (entering and leaving) is line 2 and the increment
/// line 3; otherwise the increment is line 2.
pub fn line(snippet: Snippet, body: &[Op], index: usize) -> u32 {
    let op = &body[index];
    if index < 2 || op.effect == Effect::Back {
        return 1;
    }
    if snippet != Snippet::Lock {
        return 2;
    }
    let acquire = body.iter().position(|o| o.effect == Effect::Acquire);
    let write = body.iter().position(|o| o.effect == Effect::Write);
    match (acquire, write) {
        // `LOAD_GLOBAL lock`, entering, and the `POP_TOP` of `__enter__`'s result.
        (Some(a), _) if index <= a + 1 => 2,
        (_, Some(w)) if index <= w => 3,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_instruction_belongs_to_the_line_dis_gives_it() {
        for p in super::super::versions() {
            for s in Snippet::ALL {
                let body = listing(p, s);
                let lines: Vec<u32> = (0..body.len()).map(|i| line(s, body, i)).collect();
                let last = s.source().lines().count() as u32;
                assert_eq!(lines[0], 1);
                assert!(lines.iter().all(|&l| (1..=last).contains(&l)), "{p} {s:?}");
                let read = body.iter().position(|o| o.effect == Effect::Read).unwrap();
                assert_eq!(
                    lines[read], last,
                    "{p} {s:?}: the read is on the increment's line"
                );
            }
        }
    }
}
