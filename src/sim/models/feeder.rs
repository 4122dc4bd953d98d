//! The parent's side of a pool whose workers have interpreters of their own, shared by
//! `processes` and `hybrid` (`ProcessPoolExecutor`) and `interpreters`
//! (`InterpreterPoolExecutor`, whose `submit` pickles in the calling thread): one thread of
//! the parent pickles each chunk of work, one after
//! another, into the call queue, keeping at most `workers + EXTRA_QUEUED_CALLS` chunks
//! waiting there, and unpickles the results workers send back. It starts the fork server
//! first where the start method has one.
//!
//! CPython does this with two threads of the parent, the executor's manager thread and the
//! call queue's feeder thread, which take turns on the parent's GIL; one simulated thread
//! doing both in turn, results first, is the simplification (said in the faithfulness
//! notes). Each chunk also costs the parent its dispatch (`model::dispatch`), as measured.

use super::worker::{pickling, Chunk};
use crate::sim::ids::ThreadId;
use crate::sim::machine::{Action, Machine};
use crate::sim::model::{dispatch, Pickling, EXTRA_QUEUED_CALLS};
use crate::sim::time::Micros;
use crate::sim::trace::{EventKind, State};
use std::collections::VecDeque;

/// How work crosses from the parent to its workers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Across {
    /// A process pool's call queue, a pipe: at most `workers + EXTRA_QUEUED_CALLS` chunks
    /// wait in it, and each chunk costs its measured dispatch (`model::dispatch`).
    Pipe,
    /// An `InterpreterPoolExecutor`'s work queue, in the same process: `submit` pickles the
    /// call and queues it, unbounded, with no pipe to cross (no dispatch cost is measured).
    Queue,
}

/// What the feeder thread is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Busy {
    Nothing,
    /// Starting the fork server.
    Server,
    /// Pickling a chunk's arguments into the call queue.
    Feeding(Chunk),
    /// Unpickling a chunk's results.
    Receiving(Chunk),
}

/// The fork server, for the start methods that have one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Server {
    /// Not started yet; starting takes this long.
    Needed(Micros),
    Starting,
    /// Up, or not needed.
    Up,
}

/// What the feeder thread did, for the pool to act on.
pub(crate) enum Fed {
    /// The feeder thread does this.
    Act(Action),
    /// The fork server is up: worker processes may start.
    ServerUp,
    /// A chunk is in the call queue: a free worker may take it.
    Queued,
    /// A chunk's results are unpickled: its tasks are done.
    Received(Chunk),
}

/// The parent's side of a pool.
pub(crate) struct Feeder {
    thread: ThreadId,
    to_feed: VecDeque<Chunk>,
    queued: VecDeque<Chunk>,
    results: VecDeque<Chunk>,
    busy: Busy,
    server: Server,
    limit: usize,
    across: Across,
    submitted: bool,
}

impl Feeder {
    /// The feeder on machine thread `thread` of a pool of `workers`; `server_start` is the
    /// fork server's start-up (zero for none).
    pub fn new(thread: ThreadId, workers: usize, server_start: Micros, across: Across) -> Feeder {
        Feeder {
            thread,
            to_feed: VecDeque::new(),
            queued: VecDeque::new(),
            results: VecDeque::new(),
            busy: Busy::Nothing,
            server: if server_start > Micros::ZERO {
                Server::Needed(server_start)
            } else {
                Server::Up
            },
            limit: match across {
                Across::Pipe => workers + EXTRA_QUEUED_CALLS,
                Across::Queue => usize::MAX,
            },
            across,
            submitted: false,
        }
    }

    /// The machine thread it runs on.
    pub fn thread(&self) -> ThreadId {
        self.thread
    }

    /// True once worker processes may start: work has been submitted (the pool starts its
    /// processes at the first submit) and the fork server, if any, is up.
    pub fn workers_may_start(&self) -> bool {
        self.submitted && self.server == Server::Up
    }

    /// Work submitted by the program (`submit`, or one of `map`'s chunks).
    pub fn submit(&mut self, m: &mut Machine, chunk: Chunk) {
        self.submitted = true;
        self.to_feed.push_back(chunk);
        m.unpark(self.thread);
    }

    /// Drops the chunk of `task` that waits to be pickled, if any; true if one was dropped.
    pub fn cancel(&mut self, task: crate::sim::ids::TaskId) -> bool {
        let before = self.to_feed.len();
        self.to_feed.retain(|c| c.first() != task);
        self.to_feed.len() < before
    }

    /// A worker takes the oldest chunk in the call queue, if any; the feeder may then
    /// pickle another.
    pub fn take(&mut self, m: &mut Machine) -> Option<Chunk> {
        let chunk = self.queued.pop_front()?;
        m.unpark(self.thread);
        Some(chunk)
    }

    /// A worker sent back a chunk's pickled results.
    pub fn returned(&mut self, m: &mut Machine, chunk: Chunk) {
        self.results.push_back(chunk);
        m.unpark(self.thread);
    }

    /// What the feeder thread does next, or what it has just finished.
    pub fn next(&mut self, m: &mut Machine) -> Fed {
        match std::mem::replace(&mut self.busy, Busy::Nothing) {
            Busy::Server => {
                self.server = Server::Up;
                return Fed::ServerUp;
            }
            Busy::Feeding(chunk) => {
                self.queued.push_back(chunk);
                return Fed::Queued;
            }
            Busy::Receiving(chunk) => return Fed::Received(chunk),
            Busy::Nothing => {}
        }
        if let (Server::Needed(work), true) = (self.server, self.submitted) {
            self.server = Server::Starting;
            self.busy = Busy::Server;
            return Fed::Act(Action::Compute {
                python: false,
                task: None,
                step: None,
                work,
                state: State::Starting,
                announce: EventKind::ServerStart,
            });
        }
        // Results first: a finished future is handed over as soon as it arrives.
        if let Some(chunk) = self.results.pop_front() {
            let work = chunk.pickle_time(m, false, Pickling::Load);
            let first = chunk.first();
            self.busy = Busy::Receiving(chunk);
            return Fed::Act(pickling(first, work, EventKind::UnpickleResult));
        }
        if self.queued.len() < self.limit {
            if let Some(chunk) = self.to_feed.pop_front() {
                let pipe = match self.across {
                    Across::Pipe => dispatch(chunk.len()),
                    Across::Queue => Micros::ZERO,
                };
                let work = pipe + chunk.pickle_time(m, true, Pickling::Dump);
                let first = chunk.first();
                self.busy = Busy::Feeding(chunk);
                return Fed::Act(pickling(first, work, EventKind::PickleSend));
            }
        }
        Fed::Act(Action::Park {
            state: None,
            announce: None,
        })
    }
}
