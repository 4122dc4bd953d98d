//! Mixed programs, as real code is: an asyncio server that hands its blocking calls and CPU
//! work to threads (`asyncio.to_thread`), beside the same server blocking the loop and the
//! same server sending its CPU work to processes.

use super::{ms, question, Ask, ChartMeasure, Lesson, ModelCode, Proof};
use crate::sim::{ModelConfig, ModelId, Scenario, Step, Task};

/// Four requests: read (awaited), a blocking client call, then a report rendered in Python.
fn requests() -> Vec<Task> {
    ["A", "B", "C", "D"]
        .iter()
        .map(|n| {
            Task::new(
                n,
                vec![
                    Step::await_io(100.0),
                    Step::blocking_io(200.0),
                    Step::cpu(100.0),
                ],
            )
        })
        .collect()
}

const SERVER_BLOCKING: &str = r#"import asyncio
import time

def fetch_profile(i):
    time.sleep(0.2)              # a blocking client library (requests, a DB driver)

def render(i):
    return sum(x * x for x in range(1_500_000))   # ~100 ms of pure Python

async def handle(i):
    await asyncio.sleep(0.1)     # read the request: the loop serves others
    fetch_profile(i)             # blocks the loop: ⟦everyone waits⟧
    render(i)                    # CPU on the loop: ⟦everyone waits again⟧

async def main():
    await asyncio.gather(*(handle(i) for i in range(4)))

asyncio.run(main())              # ⟦~1.3 s⟧
"#;

const SERVER_TO_THREAD: &str = r#"import asyncio
import time

def fetch_profile(i):
    time.sleep(0.2)              # blocking, but in a worker thread now

def render(i):
    return sum(x * x for x in range(1_500_000))   # ~100 ms of pure Python

async def handle(i):
    await asyncio.sleep(0.1)
    await asyncio.to_thread(fetch_profile, i)   # ⟦the four waits overlap⟧
    await asyncio.to_thread(render, i)          # ⟦a thread's Python needs the GIL⟧

async def main():
    await asyncio.gather(*(handle(i) for i in range(4)))

asyncio.run(main())              # ⟦~0.7 s: the renders take turns⟧
"#;

const SERVER_PROCESSES: &str = r#"import asyncio
import time
from concurrent.futures import ProcessPoolExecutor

def fetch_profile(i):
    time.sleep(0.2)              # still blocking the loop

def render(i):
    return sum(x * x for x in range(1_500_000))   # ~100 ms, in a worker process

async def handle(pool, i):
    loop = asyncio.get_running_loop()
    await asyncio.sleep(0.1)
    fetch_profile(i)                                # ⟦the loop freezes⟧
    await loop.run_in_executor(pool, render, i)     # in parallel, on other cores

async def main():
    with ProcessPoolExecutor(4) as pool:
        await asyncio.gather(*(handle(pool, i) for i in range(4)))

if __name__ == "__main__":
    asyncio.run(main())          # ⟦~1.0 s: the blocking calls still queue⟧
"#;

/// asyncio.to_thread: blocking calls leave the loop, CPU work still takes turns.
pub(super) fn to_thread() -> Lesson {
    let models = vec![
        ModelConfig::new(ModelId::Asyncio).cores(4),
        ModelConfig::new(ModelId::ToThread).cores(4),
        ModelConfig::new(ModelId::Hybrid).workers(4).cores(4),
    ];
    Lesson {
        id: "async-to-thread",
        title: "asyncio.to_thread: off the loop, still under the GIL".into(),
        summary: "A small asyncio server: each of four requests is read (awaited), then calls a blocking client \
                  library for 200 ms, then renders a report in 100 ms of pure Python. Called directly, the blocking \
                  call and the render run on the loop's thread. asyncio.to_thread runs them in worker threads of \
                  the same process, which share its GIL; run_in_executor with a process pool sends the render to \
                  other processes and leaves the blocking call where it was. Which parts overlap, and which take \
                  turns?".into(),
        scenario: Scenario::new(requests(), models),
        code: vec![
            ModelCode::same(
                ModelId::Asyncio,
                SERVER_BLOCKING,
                4,
                &["await asyncio.sleep(0.1)", "blocks the loop", "CPU on the loop"],
            ),
            ModelCode::same(
                ModelId::ToThread,
                SERVER_TO_THREAD,
                4,
                &["await asyncio.sleep(0.1)", "to_thread(fetch_profile", "to_thread(render"],
            ),
            ModelCode::same(
                ModelId::Hybrid,
                SERVER_PROCESSES,
                4,
                &["await asyncio.sleep(0.1)", "the loop freezes", "run_in_executor"],
            ),
        ],
        expected: vec![
            (ModelId::Asyncio, ms(1_300)),
            (ModelId::ToThread, ms(700)),
            (ModelId::Hybrid, ms(1_000)),
        ],
        chart: ChartMeasure::Makespan,
        takeaway: "to_thread takes blocking calls off the loop, but not Python off the GIL: CPU work needs a process \
                   pool (or native code). Real servers use both: to_thread for blocking calls, run_in_executor with \
                   a ProcessPoolExecutor for CPU.".into(),
        question: question(
            "With to_thread, the four 0.2 s blocking calls overlap. How long until all four requests are served?",
            &["about 0.4 s", "about 0.7 s", "about 1.3 s"],
            1,
            "The blocking calls wait in four threads at once: a waiting thread releases the GIL. But each render \
             is Python, and all the threads are in the loop's process, with its one GIL: the four renders take \
             turns, 0.1 + 0.2 + 4 x 0.1 s.",
            Proof::end(ModelId::ToThread),
            Ask::Time(vec![ms(400), ms(700), ms(1_300)]),
        ),
    }
}

/// Fifty pages: each a 200 ms download, then 2 ms of parsing in Python.
fn pages() -> Vec<Task> {
    (1..=50)
        .map(|i| {
            Task::new(
                &format!("p{i:02}"),
                vec![Step::await_io(200.0), Step::cpu(2.0)],
            )
        })
        .collect()
}

const CRAWL_ASYNC: &str = r#"import asyncio

async def crawl(sem, url):
    async with sem:                       # ⟦at most 10 past this line at once⟧
        page = await fetch(url)           # 200 ms of network
        return parse(page)                # 2 ms of Python

async def main():
    sem = asyncio.Semaphore(10)           # be polite: 10 connections, not 50
    urls = [f"https://example.org/p{i}" for i in range(1, 51)]
    await asyncio.gather(*(crawl(sem, u) for u in urls))

asyncio.run(main())                       # ⟦~1.1 s: five rounds of ten⟧
"#;

const CRAWL_THREADS: &str = r#"from concurrent.futures import ThreadPoolExecutor

def crawl(url):
    page = fetch(url)                     # 200 ms of network; waiting releases the GIL
    return parse(page)                    # 2 ms of Python

urls = [f"https://example.org/p{i}" for i in range(1, 51)]
with ThreadPoolExecutor(max_workers=10) as pool:   # the same bound: 10 at once
    list(pool.map(crawl, urls))           # ⟦~1.0 s⟧
"#;

/// A crawler bounded by `asyncio.Semaphore(10)`, beside a pool of ten threads.
pub(super) fn semaphore_crawler() -> Lesson {
    let models = vec![
        ModelConfig::new(ModelId::Threads).workers(10),
        ModelConfig::new(ModelId::Asyncio).semaphore(10),
    ];
    Lesson {
        id: "semaphore-crawler",
        title: "A polite crawler: asyncio.Semaphore(10)".into(),
        summary: "Fifty pages to download, 200 ms each, then 2 ms to parse. asyncio could open all fifty connections \
                  at once, but a real crawler must not flood a server: each task's body runs under \
                  async with asyncio.Semaphore(10), so at most ten are past that line at once and the others wait \
                  for a permit. A ThreadPoolExecutor with ten workers sets the same bound with threads.".into(),
        scenario: Scenario::new(pages(), models),
        code: vec![
            ModelCode::same(ModelId::Threads, CRAWL_THREADS, 50, &["page = fetch(url)", "return parse(page)"]),
            ModelCode::same(ModelId::Asyncio, CRAWL_ASYNC, 50, &["page = await fetch(url)", "return parse(page)"]),
        ],
        expected: vec![(ModelId::Threads, ms(1_030)), (ModelId::Asyncio, ms(1_100))],
        chart: ChartMeasure::Makespan,
        takeaway: "A semaphore bounds how many tasks are inside a block at once: the crawl takes rounds of ten, \
                   as a pool of ten threads does, but each waiting task costs ~1.5 KB, not a thread.".into(),
        question: question(
            "asyncio, 50 pages of 0.2 s, inside async with asyncio.Semaphore(10). How long?",
            &["about 0.2 s: all at once", "about 1.0 s", "about 10 s"],
            1,
            "Only ten tasks hold a permit at a time; the other forty wait at async with until one is released. \
             Fifty pages in rounds of ten: five rounds of 0.2 s and the parsing, about 1.1 s.",
            Proof::end(ModelId::Asyncio),
            Ask::Time(vec![ms(200), ms(1_000), ms(10_000)]),
        ),
    }
}
