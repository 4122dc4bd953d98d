//! Lessons about waiting: overlapping waits (1, 2), the blocking call in `async def` (3),
//! I/O-bound threads (6) and 10,000 concurrent waits (10).

use super::{ms, question, Ask, ChartMeasure, Lesson, Line, ModelCode, Proof};
use crate::sim::{Bytes, Micros, ModelConfig, ModelId, Scenario, Step, Task};

fn abc(step: Step) -> Vec<Task> {
    ["A", "B", "C"]
        .iter()
        .map(|n| Task::new(n, vec![step]))
        .collect()
}

const SYNC_WAITS: &str = r#"import time

def task(name):
    print(f"{name} waiting")
    time.sleep(2)                 # blocks: nothing else happens
    print(f"{name} done")

start = time.perf_counter()
for name in ["A", "B", "C"]:      # A, then B, then C
    task(name)
print(f"took {time.perf_counter() - start:.1f} s")   # ⟦~6 s⟧
"#;

const THREAD_WAITS: &str = r#"import time
from concurrent.futures import ThreadPoolExecutor

def task(name):
    print(f"{name} waiting")
    time.sleep(2)                 # waiting releases the GIL
    print(f"{name} done")

start = time.perf_counter()
with ThreadPoolExecutor(3) as pool:   # three OS threads: ⟦the waits overlap⟧
    pool.map(task, ["A", "B", "C"])
print(f"took {time.perf_counter() - start:.1f} s")   # ⟦~2 s⟧
"#;

const ASYNC_WAITS: &str = r#"import asyncio
import time

async def task(name):
    print(f"{name} waiting")
    await asyncio.sleep(2)        # "I am waiting, run someone else"
    print(f"{name} done")

async def main():
    await asyncio.gather(task("A"), task("B"), task("C"))

start = time.perf_counter()
asyncio.run(main())               # one thread, ⟦three overlapping awaits⟧
print(f"took {time.perf_counter() - start:.1f} s")   # ⟦~2 s⟧
"#;

/// Lesson 1: three 2-second waits.
pub(super) fn three_waits() -> Lesson {
    let models = vec![
        ModelConfig::new(ModelId::Sync),
        ModelConfig::new(ModelId::Threads).workers(3),
        ModelConfig::new(ModelId::Asyncio),
    ];
    Lesson {
        id: "three-waits",
        title: "Sync vs threads vs asyncio: three 2-second waits".into(),
        summary: "Three tasks each wait two seconds, as a network call would. Plain code waits for A, then B, \
                  then C. Three threads each wait on their own; one asyncio loop runs all three on a single \
                  thread, each task saying \"I am waiting, run someone else\" at its await. ⟦Both take about \
                  2 s instead of 6 s: waiting releases the GIL, and the loop switches at every await.⟧".into(),
        scenario: Scenario::new(abc(Step::await_io(2000.0)), models),
        code: vec![
            ModelCode::same(ModelId::Sync, SYNC_WAITS, 3, &["time.sleep(2)"]),
            ModelCode::same(ModelId::Threads, THREAD_WAITS, 3, &["time.sleep(2)"]),
            ModelCode::same(ModelId::Asyncio, ASYNC_WAITS, 3, &["await asyncio.sleep(2)"]),
        ],
        expected: vec![(ModelId::Sync, Micros::from_secs(6)), (ModelId::Threads, Micros::from_secs(2)), (ModelId::Asyncio, Micros::from_secs(2))],
        chart: ChartMeasure::Makespan,
        takeaway: "Waits overlap with threads (3 OS threads) or with asyncio (1 thread): 2 s instead of 6 s.".into(),
        question: question(
            "How long will the asyncio version take?",
            &["under 3 s", "3 to 5 s", "5 s or more"],
            0,
            "Each task says \"I am waiting, run someone else\" at its await, so the one chef starts all three \
             waits at once and they end together: about 2 s, as with three threads. Only plain code waits for \
             A, then B, then C: 6 s.",
            Proof::done(ModelId::Asyncio, "C"),
            Ask::Range(vec![Micros(0), Micros::from_secs(3), Micros::from_secs(5)]),
        ),
    }
}

const GATHER_ASYNC: &str = r#"import asyncio
import time

async def worker(name, delay):
    print(f"{name} starting")
    await asyncio.sleep(delay)
    print(f"{name} done")

async def main():
    await asyncio.gather(worker("A", 2), worker("B", 1))

start = time.perf_counter()
asyncio.run(main())   # ⟦A starting, B starting, B done (~1 s), A done (~2 s)⟧
print(f"took {time.perf_counter() - start:.1f} s")   # ⟦~2 s: the max, not the sum⟧
"#;

const GATHER_SYNC: &str = r#"import time

def worker(name, delay):
    print(f"{name} starting")
    time.sleep(delay)
    print(f"{name} done")

start = time.perf_counter()
worker("A", 2)
worker("B", 1)
print(f"took {time.perf_counter() - start:.1f} s")   # ⟦~3 s: the sum⟧
"#;

/// Lesson 2: `gather` overlaps waits.
pub(super) fn gather_overlap() -> Lesson {
    let tasks = vec![
        Task::new("A", vec![Step::await_io(2000.0)]),
        Task::new("B", vec![Step::await_io(1000.0)]),
    ];
    Lesson {
        id: "gather-overlap",
        title: "gather: a 2-second and a 1-second wait".into(),
        summary: "gather(worker(\"A\", 2), worker(\"B\", 1)) starts both coroutines, and each prints a line when \
                  it starts and when it is done. ⟦Both reach their await at once, so B finishes after 1 s and A \
                  after 2 s. The total is the longest wait, not the sum.⟧".into(),
        scenario: Scenario::new(tasks, vec![ModelConfig::new(ModelId::Sync), ModelConfig::new(ModelId::Asyncio)]),
        code: vec![
            ModelCode::same(ModelId::Sync, GATHER_SYNC, 2, &["time.sleep(delay)"]),
            ModelCode::same(ModelId::Asyncio, GATHER_ASYNC, 2, &["await asyncio.sleep(delay)"]),
        ],
        expected: vec![(ModelId::Sync, Micros::from_secs(3)), (ModelId::Asyncio, Micros::from_secs(2))],
        chart: ChartMeasure::Makespan,
        takeaway: "With gather, the total is the longest wait (2 s), not the sum (3 s); B is done at 1 s.".into(),
        question: question(
            "gather(worker(\"A\", 2), worker(\"B\", 1)): in what order are the four lines printed?",
            &[
                "A starting, A done, B starting, B done",
                "A starting, B starting, A done, B done",
                "A starting, B starting, B done, A done",
            ],
            2,
            "gather starts both workers, and each prints its start and reaches its await at once: two dishes \
             in the oven, and the chef free in between. B's 1-second wait ends first, so B is done at 1 s and \
             A at 2 s. The total is the longest wait, not the sum.",
            Proof::done(ModelId::Asyncio, "B"),
            Ask::PrintOrder(vec![
                vec![("A", Line::Starting), ("A", Line::Done), ("B", Line::Starting), ("B", Line::Done)],
                vec![("A", Line::Starting), ("B", Line::Starting), ("A", Line::Done), ("B", Line::Done)],
                vec![("A", Line::Starting), ("B", Line::Starting), ("B", Line::Done), ("A", Line::Done)],
            ]),
        ),
    }
}

const BLOCKING_ASYNC: &str = r#"import asyncio
import time

async def task(name):
    print(f"{name} waiting")
    time.sleep(2)                 # blocking call: ⟦never yields, the loop is frozen⟧
    # the fix: await asyncio.sleep(2), or httpx.AsyncClient / aiohttp with await
    print(f"{name} done")

async def main():
    await asyncio.gather(task("A"), task("B"), task("C"))

start = time.perf_counter()
asyncio.run(main())
print(f"took {time.perf_counter() - start:.1f} s")   # ⟦~6 s, exactly like sync⟧
"#;

/// Lesson 3: a blocking call inside `async def`.
pub(super) fn blocking_in_async() -> Lesson {
    let models = vec![
        ModelConfig::new(ModelId::Sync),
        ModelConfig::new(ModelId::Threads).workers(3),
        ModelConfig::new(ModelId::Asyncio),
    ];
    Lesson {
        id: "blocking-in-async",
        title: "The async trap: a blocking call inside async def".into(),
        summary: "Three async tasks run under gather, and each calls time.sleep(2), as requests.get(url) would \
                  block, inside its async def. ⟦Neither reaches an await, so the loop cannot switch: the ready queue \
                  grows and nothing moves while the call runs. The three take 6 s, exactly like plain code. Threads \
                  are not fooled: the call releases the GIL.⟧".into(),
        scenario: Scenario::new(abc(Step::blocking_io(2000.0)), models),
        code: vec![
            ModelCode::same(ModelId::Sync, SYNC_WAITS, 3, &["time.sleep(2)"]),
            ModelCode::same(ModelId::Threads, THREAD_WAITS, 3, &["time.sleep(2)"]),
            ModelCode::same(ModelId::Asyncio, BLOCKING_ASYNC, 3, &["time.sleep(2)"]),
        ],
        expected: vec![(ModelId::Sync, Micros::from_secs(6)), (ModelId::Threads, Micros::from_secs(2)), (ModelId::Asyncio, Micros::from_secs(6))],
        chart: ChartMeasure::Makespan,
        takeaway: "A blocking call inside async def freezes the loop: 6 s, like sync. Use await asyncio.sleep or an async client to get 2 s back.".into(),
        question: question(
            "Three async tasks each call time.sleep(2) under gather. How long?",
            &["2 s", "6 s"],
            1,
            "time.sleep never says \"I am waiting, run someone else\": it is a dish the chef must stand over. The \
             loop is frozen for each 2-second call in turn, so the three take 6 s, exactly like plain code. \
             await asyncio.sleep(2) would bring it back to 2 s.",
            Proof::done(ModelId::Asyncio, "C"),
            Ask::Time(vec![Micros::from_secs(2), Micros::from_secs(6)]),
        ),
    }
}

const FETCH_SYNC: &str = r#"import time
import requests

def fetch(url):
    headers = {"Accept": "application/json"}          # a little Python
    response = requests.get(url, headers=headers)     # a 1 second wait on the network
    return response.json()                            # a little Python

urls = [f"https://example.com/item/{i}" for i in range(4)]
start = time.perf_counter()
results = [fetch(url) for url in urls]
print(f"took {time.perf_counter() - start:.1f} s")   # ⟦~4 s⟧
"#;

const FETCH_THREADS: &str = r#"import time
from concurrent.futures import ThreadPoolExecutor
import requests

def fetch(url):
    headers = {"Accept": "application/json"}          # a little Python: needs the GIL
    response = requests.get(url, headers=headers)     # ⟦waiting releases the GIL⟧
    return response.json()                            # a little Python: needs the GIL

urls = [f"https://example.com/item/{i}" for i in range(4)]
start = time.perf_counter()
with ThreadPoolExecutor(4) as pool:
    results = list(pool.map(fetch, urls))
print(f"took {time.perf_counter() - start:.1f} s")   # ⟦~1 s⟧
"#;

/// Lesson 6: I/O-bound threads.
pub(super) fn io_threads() -> Lesson {
    let steps = vec![Step::cpu(5.0), Step::blocking_io(1000.0), Step::cpu(5.0)];
    let tasks = ["A", "B", "C", "D"]
        .iter()
        .map(|n| Task::new(n, steps.clone()))
        .collect();
    let needles = ["headers = {", "requests.get(url", "response.json()"];
    Lesson {
        id: "io-threads",
        title: "I/O-bound threads and the GIL".into(),
        summary: "Four downloads, each a little Python around a 1-second network wait, on four threads that \
                  share one GIL. ⟦The GIL is held only for the Python bits; requests.get releases it while \
                  waiting, so four threads finish in about one second. The GIL only matters when Python is \
                  actively computing.⟧".into(),
        scenario: Scenario::new(tasks, vec![ModelConfig::new(ModelId::Sync), ModelConfig::new(ModelId::Threads).workers(4)]),
        code: vec![
            ModelCode::same(ModelId::Sync, FETCH_SYNC, 4, &needles),
            ModelCode::same(ModelId::Threads, FETCH_THREADS, 4, &needles),
        ],
        expected: vec![(ModelId::Sync, ms(4040)), (ModelId::Threads, Micros(1_025_480))],
        chart: ChartMeasure::Makespan,
        takeaway: "The GIL only matters when Python is actively computing: I/O-bound threads overlap their waits.".into(),
        question: question(
            "Four 1-second downloads on four threads. Does the GIL make them take 4 s?",
            &["No, about 1 s", "Yes, about 4 s"],
            0,
            "A thread waiting on the network needs no GIL: requests.get lets it go while it waits. The four \
             waits overlap and only the little Python around them takes turns, so all four are done in about 1 s.",
            Proof::end(ModelId::Threads),
            Ask::Time(vec![Micros::from_secs(1), Micros::from_secs(4)]),
        ),
    }
}

const MANY_THREADS: &str = r#"import threading
import time

def wait_for_reply(i):
    time.sleep(1)                 # each blocked thread has its own stack

threads = [threading.Thread(target=wait_for_reply, args=(i,)) for i in range(10_000)]
for t in threads:
    t.start()
for t in threads:
    t.join()                      # ⟦~3.6 s: starting 10,000 threads outlasts the wait; ~85 GB reserved⟧
"#;

const MANY_TASKS: &str = r#"import asyncio

async def wait_for_reply(i):
    await asyncio.sleep(1)        # ⟦each waiting task costs ~1.5 KB⟧

async def main():
    await asyncio.gather(*(wait_for_reply(i) for i in range(10_000)))

asyncio.run(main())               # ⟦~1.1 s; ~14 MB in all⟧, on one thread
"#;

/// Lesson 10: 10,000 concurrent waits and what they cost in memory.
pub(super) fn ten_thousand() -> Lesson {
    let tasks = (0..10_000)
        .map(|i| Task::new(&format!("T{i}"), vec![Step::await_io(1000.0)]))
        .collect();
    Lesson {
        id: "ten-thousand",
        title: "10,000 concurrent waits: memory".into(),
        summary: "Ten thousand waits of one second, on ten thousand OS threads or as ten thousand asyncio \
                  tasks. Reserved and resident memory are shown side by side. ⟦The bill differs: each OS thread \
                  reserves an 8 MB stack (8.5 MB of address space, ~14 KB resident at first) and takes longer to \
                  start the more threads there are, while an asyncio task costs about 1.5 KB and a few \
                  microseconds of the loop's time.⟧".into(),
        scenario: Scenario::new(tasks, vec![ModelConfig::new(ModelId::Threads), ModelConfig::new(ModelId::Asyncio)]),
        code: vec![
            ModelCode::same(ModelId::Threads, MANY_THREADS, 10_000, &["time.sleep(1)"]),
            ModelCode::same(ModelId::Asyncio, MANY_TASKS, 10_000, &["await asyncio.sleep(1)"]),
        ],
        // Measured here (calibration/measured.json): 10,000 threads sleeping 1 s took 3.0-4.2 s
        // (median 3.6 s), 10,000 gathered 0.5 s sleeps 0.60-0.62 s, so ~1.12 s for 1 s sleeps.
        expected: vec![(ModelId::Threads, ms(3_600)), (ModelId::Asyncio, ms(1_120))],
        // The lesson's point is the memory bill, reserved against resident (its summary says so).
        chart: ChartMeasure::Memory,
        takeaway: "Tens to hundreds of waits: threads are fine. Thousands: asyncio (~1.5 KB a task against 8.5 MB reserved a thread).".into(),
        question: question(
            "10,000 threads each wait 1 s. How much address space do their stacks reserve?",
            &["about 15 MB", "about 140 MB", "about 85 GB"],
            2,
            "Every OS thread reserves its own 8 MB stack (8.5 MB of address space), though only about 14 KB of it \
             is ever touched. Ten thousand threads reserve about 85 GB; ten thousand asyncio tasks, at about \
             1.5 KB each, need about 15 MB in all (14 MB measured). Here each thread sleeps from its own \
             start and starting them all takes longer than a second, so fewer are alive at once: the meter \
             above each timeline shows how many, and what they hold.",
            Proof::all_started(ModelId::Threads),
            Ask::Reserved(vec![Bytes(15_000_000), Bytes(140_000_000), Bytes(85_000_000_000)]),
        ),
    }
}
