//! The `to-thread` model: an asyncio program that hands its blocking calls and CPU work to
//! worker threads with `await asyncio.to_thread(fn)` (3.9; `loop.run_in_executor(None, fn)`,
//! the loop's default `ThreadPoolExecutor`), the mixed program of lesson `to-thread`.
//!
//! The loop stays free while a worker thread waits: a blocking call in a thread releases the
//! GIL, as any wait does. But the threads are threads of the loop's own process: their
//! Python needs the one GIL the loop needs too, so CPU work sent to them runs one thread at
//! a time, and the loop itself waits for the GIL between its steps (LESSONS.md 15: "its CPU
//! work still needs the GIL").
//!
//! Measured here (`asyncio_4_requests_to_thread_ms`, lesson `async-to-thread`'s program):
//! 0.67-0.74 s on CPython 3.9-3.13 (medians), against 1.25-1.30 s with the calls on the loop
//! (`asyncio_4_requests_blocking_ms`); the simulation gives 0.70 and 1.30 s.
//!
//! The pool is the default executor: `min(32, os.cpu_count() + 4)` threads
//! (`concurrent.futures.ThreadPoolExecutor`'s default), taking the calls first in, first out.
//! What it simplifies (said in the faithfulness notes): the pool's threads (no more than the
//! tasks, as CPython starts one per call until it has enough) exist from the start, where
//! CPython starts each at its first call (about 110 us, see `thread_start`), and a call's
//! result is handed back to the loop at once.

use std::collections::VecDeque;

use super::descriptor::{
    Code, DefaultWorkers, Descriptor, LoopPool, Measure, Phrases, Setting, Shape,
};
use super::event_loop::{Behind, Loop};
use super::executor::Outcome;
use super::worker::{Chunk, Turn, Worker};
use crate::sim::budget::Load;
use crate::sim::error::ScenarioError;
use crate::sim::ids::{TaskId, ThreadId};
use crate::sim::machine::{Action, Machine};
use crate::sim::model::{ModelId, ModelParams, TASK_RESIDENT, THREAD_RESERVED, THREAD_RESIDENT};
use crate::sim::plan::Plan;
use crate::sim::scenario::StepKind;
use crate::sim::trace::{LaneKind, Trace};

/// Everything the app asks about `to-thread`.
pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    id: ModelId::ToThread,
    title: "asyncio + to_thread",
    label: "asyncio + to_thread (worker threads)",
    short: "to_thread",
    shape: Shape::EventLoop {
        pool: LoopPool::Threads,
    },
    settings: &[
        Setting::Workers,
        Setting::Cores,
        Setting::SwitchInterval,
        Setting::Semaphore,
    ],
    default_workers: DefaultWorkers::ThreadPoolDefault,
    phrases: Phrases {
        task_start: "The loop starts task {task}: the chef picks up dish {task}.",
        compute: "{task} runs {d} of Python on {lane}: it needs the GIL, the same one the loop needs.",
        io_wait: "{task}'s blocking call waits {d} on {lane}; a waiting thread releases the GIL, so the loop stays free.",
    },
    code: Code {
        imports: "import asyncio\nimport time",
        is_async: true,
        sends: LoopPool::Threads,
        main: "async def main():\n    await asyncio.gather({awaits})\n\nasyncio.run(main())",
    },
    measure: Measure::Unmeasured("not measured: see asyncio and threads"),
    run,
    load,
};

/// The pool starts a thread per call until it has `workers` (`ThreadPoolExecutor` starts
/// them lazily), and each task has at most one call out at a time: never more threads than
/// tasks.
fn threads(plan: &Plan, params: &ModelParams) -> usize {
    params.workers.min(plan.tasks.len()).max(1)
}

fn load(plan: &Plan, params: &ModelParams) -> Load {
    let n = threads(plan, params);
    Load {
        threads: 1 + n,
        gil_threads: 1 + n,
        processes: 0,
        pickle_per_cpu_step: false,
        lanes: 1 + plan.tasks.len() + n,
        helpers: 0,
        offloads: true,
    }
}

/// Runs `plan` on an event loop with worker threads behind it.
fn run(plan: &Plan, params: &ModelParams) -> Result<Trace, ScenarioError> {
    let mut m = Machine::new(plan, params);
    let (driver, main) = Loop::new(&mut m);
    let first = m.thread_count();
    let n = threads(plan, params);
    for i in 0..n {
        let lane = m.add_lane(
            LaneKind::Thread,
            format!("worker thread {}", i + 1),
            Some(main),
        );
        m.add_thread(main, lane);
    }
    let threads = Threads {
        first,
        workers: vec![Worker::main(); n],
        queue: VecDeque::new(),
    };
    let mut driver = driver.with_executor(threads);
    m.add_cores();
    m.run(&mut driver)?;
    let tasks = plan.tasks.len() as u64 * TASK_RESIDENT.0;
    let n = n as u64;
    Ok(m.finish(tasks + n * THREAD_RESERVED.0, tasks + n * THREAD_RESIDENT.0))
}

/// The loop's default executor: worker `i` is machine thread `first + i`, in the loop's
/// process, sharing its GIL.
struct Threads {
    first: usize,
    workers: Vec<Worker>,
    /// Calls waiting for a free thread.
    queue: VecDeque<Chunk>,
}

impl Behind for Threads {
    fn takes(&self, kind: StepKind) -> bool {
        // Everything but an await: blocking calls, Python and native code.
        kind != StepKind::AwaitIo
    }

    fn owns(&self, t: ThreadId) -> bool {
        (self.first..self.first + self.workers.len()).contains(&t.index())
    }

    fn submit(&mut self, m: &mut Machine, chunk: Chunk) {
        self.queue.push_back(chunk);
        for (i, w) in self.workers.iter().enumerate() {
            if w.is_free() && m.unpark(ThreadId::new(self.first + i)) {
                break;
            }
        }
    }

    fn cancel(&mut self, task: TaskId) -> bool {
        // A call no thread has taken yet is dropped (`_WorkItem.run` finds its future
        // cancelled); one a thread is running goes on.
        let before = self.queue.len();
        self.queue.retain(|c| c.first() != task);
        self.queue.len() < before
    }

    fn next(&mut self, m: &mut Machine, t: ThreadId) -> Outcome {
        let lane = m.lane_of(t);
        loop {
            let worker = &mut self.workers[t.index() - self.first];
            match worker.next(m, t) {
                Turn::Act(action) => return Outcome::Act(action),
                // The call returned: its coroutine's await is over.
                Turn::TaskDone(task) => {
                    m.set_lane(lane, None);
                    return Outcome::Done(Chunk::tasks(task.index()..task.index() + 1));
                }
                Turn::ChunkDone(_) => unreachable!("a thread finishes its call"),
                Turn::Free => {
                    let Some(chunk) = self.queue.pop_front() else {
                        return Outcome::Act(Action::Park {
                            state: None,
                            announce: None,
                        });
                    };
                    worker.take(m, chunk);
                }
            }
        }
    }
}
