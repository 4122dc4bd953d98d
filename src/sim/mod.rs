//! The pure simulation core (placeholder module tree; filled in by the simulation issue).
