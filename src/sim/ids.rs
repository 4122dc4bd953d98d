//! Newtypes for the things a run numbers: tasks, lanes, threads, cores, interpreters and steps.
//!
//! Each is a `u32` index, serialised as a bare number (`#[serde(transparent)]`), so traces and
//! scenario files written before the newtypes existed still load. Keeping them distinct stops
//! a lane index from being passed where a task index is meant.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The id for index `i`. Callers stay within the validated caps, far below
            /// `u32::MAX` (checked in debug builds; this is on the simulation's hot path).
            pub fn new(i: usize) -> $name {
                debug_assert!(u32::try_from(i).is_ok(), "ids stay within the scenario caps");
                $name(i as u32)
            }

            /// The index into the vector this id numbers.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(
    /// A task of the scenario, numbered in the scenario's order.
    TaskId
);
id!(
    /// A row of the timeline (`Trace::lanes`).
    LaneId
);
id!(
    /// An OS thread of the simulated machine.
    ThreadId
);
id!(
    /// A CPU core of the simulated machine.
    CoreId
);
id!(
    /// An interpreter (process, or subinterpreter) with its own GIL, or none.
    ProcId
);
id!(
    /// A step of a task, numbered within the task.
    StepId
);
