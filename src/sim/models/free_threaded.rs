//! The `threads-nogil` model: the same thread pool as `threads` in a free-threaded build
//! (`python3.14t`, PEP 703/779): no GIL, so Python runs in parallel up to the core count,
//! each bytecode a little slower (`nogil_overhead_pct`, lesson 12).

use super::descriptor::{
    Code, DefaultWorkers, Descriptor, LoopPool, Measure, Phrases, Setting, Shape,
};
use super::threads::{load_pool, run_pool};
use crate::sim::model::ModelId;

/// Everything the app asks about `threads-nogil`.
pub(crate) static DESCRIPTOR: Descriptor = Descriptor {
    id: ModelId::ThreadsNogil,
    title: "Threads (free-threaded, no GIL)",
    label: "Threads (free-threaded, no GIL)",
    short: "Free-threaded",
    shape: Shape::ThreadPool { gil: false },
    settings: &[Setting::Workers, Setting::Cores, Setting::NogilOverhead],
    default_workers: DefaultWorkers::PerTask,
    phrases: Phrases {
        task_start: "{lane} picks task {task} from the to-do lists; all threads share one desk (memory).",
        compute: "{task} runs Python for {d} on {lane}; there is no GIL, so threads compute in parallel.",
        io_wait: "{task} waits {d} for I/O on {lane}.",
    },
    code: Code {
        imports: "import time\nfrom concurrent.futures import ThreadPoolExecutor",
        is_async: false,
        sends: LoopPool::None,
        main: "with ThreadPoolExecutor() as pool:   # python3.14t: no GIL\n    for task in [{calls}]:\n        pool.submit(task)",
    },
    measure: Measure::Pool {
        locked: false,
        fresh: false,
    },
    run: |plan, params| run_pool(plan, params, false),
    load: |plan, params| load_pool(plan, params, false),
};
