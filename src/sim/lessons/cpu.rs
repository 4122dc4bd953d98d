//! Lessons about computing: CPU work on the loop (4), CPU threads under the GIL (5),
//! processes (7) and the asyncio front with a process pool behind it (13).

use super::{ms, question, Ask, ChartMeasure, Lesson, ModelCode, Proof};
use crate::sim::{Micros, ModelConfig, ModelId, Python, Scenario, Step, Task};

const CRUNCH_ASYNC: &str = r#"import asyncio

def crunch(n):
    total = 0
    for i in range(n):
        total += i * i            # 10 s of pure Python: never awaits
    return total

async def ping():
    for _ in range(3):
        await asyncio.sleep(1)    # wants to tick once a second
        print("ping")

async def heavy():
    return crunch(200_000_000)    # runs on the loop: the chef is chopping

async def main():
    await asyncio.gather(ping(), heavy())

asyncio.run(main())               # ⟦ping is stuck until crunch is done: ~12 s⟧
"#;

const CRUNCH_HYBRID: &str = r#"import asyncio
from concurrent.futures import ProcessPoolExecutor

def crunch(n):
    total = 0
    for i in range(n):
        total += i * i            # 10 s of pure Python, in a worker process
    return total

async def ping():
    for _ in range(3):
        await asyncio.sleep(1)    # ⟦keeps ticking: the loop is free⟧
        print("ping")

async def heavy(pool):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool, crunch, 200_000_000)

async def main():
    with ProcessPoolExecutor() as pool:
        await asyncio.gather(ping(), heavy(pool))

if __name__ == "__main__":
    asyncio.run(main())           # ⟦ping done at 3 s, crunch at ~10 s⟧
"#;

/// Lesson 4: CPU-bound work in the event loop.
pub(super) fn cpu_in_loop() -> Lesson {
    let tasks = vec![
        Task::new("ping", vec![Step::await_io(1000.0); 3]),
        Task::new("crunch", vec![Step::cpu(10_000.0)]),
    ];
    let needles = vec![vec!["await asyncio.sleep(1)"; 3], vec!["total += i * i"]];
    Lesson {
        id: "cpu-in-loop",
        title: "CPU-bound work in the event loop".into(),
        summary: "One task computes for 10 s without awaiting. On the loop that is the chef chopping non-stop: \
                  ping's timer goes off after 1 s. ⟦Nobody can run it until the chopping is done.⟧ Moving the \
                  work to a process pool with loop.run_in_executor ⟦keeps the loop free⟧.".into(),
        scenario: Scenario::new(tasks, vec![ModelConfig::new(ModelId::Asyncio), ModelConfig::new(ModelId::Hybrid)]),
        code: vec![
            ModelCode::per_task(ModelId::Asyncio, CRUNCH_ASYNC, &needles),
            ModelCode::per_task(ModelId::Hybrid, CRUNCH_HYBRID, &needles),
        ],
        expected: vec![(ModelId::Asyncio, Micros::from_secs(12)), (ModelId::Hybrid, ms(10_020))],
        chart: ChartMeasure::Makespan,
        takeaway: "CPU work on the loop blocks every other task; run_in_executor with a process pool keeps the loop free.".into(),
        question: question(
            "On the plain loop, crunch computes for 10 s and ping waits 1 s, three times. Which finishes first?",
            &["ping: its waits add up to 3 s", "crunch: ping waits for it"],
            1,
            "crunch is ten seconds of non-stop chopping: the chef cannot even look at ping's timer until it is \
             done at 10 s. Ping's second wait only starts then, and the last ends at about 12 s. In a process \
             pool the chopping moves to another desk, and ping is done at 3 s.",
            Proof::done(ModelId::Asyncio, "crunch"),
            Ask::FirstDone(vec!["ping", "crunch"]),
        ),
    }
}

const HEAVY_SYNC: &str = r#"import time

def cpu_heavy(n):
    total = 0
    for i in range(n):
        total += i * i            # pure Python bytecode
    return total

start = time.perf_counter()
for n in [3_000_000] * 4:
    cpu_heavy(n)
print(f"took {time.perf_counter() - start:.2f} s")   # 0.62 s measured
"#;

const HEAVY_THREADS: &str = r#"import time
from concurrent.futures import ThreadPoolExecutor

def cpu_heavy(n):
    total = 0
    for i in range(n):
        total += i * i            # needs the GIL: ⟦one thread at a time⟧
    return total

start = time.perf_counter()
with ThreadPoolExecutor(4) as pool:
    list(pool.map(cpu_heavy, [3_000_000] * 4))
print(f"took {time.perf_counter() - start:.2f} s")   # ⟦0.64 s measured: no faster⟧
"#;

fn four_heavy() -> Vec<Task> {
    ["A", "B", "C", "D"]
        .iter()
        .map(|n| Task::new(n, vec![Step::cpu(155.0)]))
        .collect()
}

/// Lesson 5: CPU-bound threads under the GIL.
pub(super) fn cpu_threads_gil() -> Lesson {
    let models = vec![
        ModelConfig::new(ModelId::Sync),
        ModelConfig::new(ModelId::Threads).workers(4).cores(4),
    ];
    Lesson {
        id: "cpu-threads-gil",
        title: "CPU-bound threads under the GIL".into(),
        summary: "Four CPU-bound tasks on four threads and four cores. Only the thread holding the GIL runs \
                  bytecode; the others wait, and every 5 ms one asks for a turn. Measured on CPython 3.11: \
                  serial 0.62 s, ⟦four threads 0.64 s. No faster, slightly slower from the hand-overs.⟧".into(),
        scenario: Scenario::new(four_heavy(), models),
        code: vec![
            ModelCode::same(ModelId::Sync, HEAVY_SYNC, 4, &["total += i * i"]),
            ModelCode::same(ModelId::Threads, HEAVY_THREADS, 4, &["total += i * i"]),
        ],
        expected: vec![(ModelId::Sync, ms(620)), (ModelId::Threads, ms(640))],
        chart: ChartMeasure::Makespan,
        takeaway: "Threads do not speed up pure-Python CPU work: one GIL, one thread at a time (0.62 s serial, 0.64 s threads).".into(),
        question: question(
            "Serial takes 0.62 s. How long with 4 threads on 4 cores?",
            &["about 0.16 s", "about 0.31 s", "about 0.64 s"],
            2,
            "Only the thread holding the GIL runs Python bytecode, so four threads on four cores still take \
             turns at one desk. No faster than serial: 0.62 s in the run, and 0.64 s measured on CPython, where \
             each hand-over costs a little.",
            Proof::end(ModelId::Threads),
            Ask::Time(vec![ms(160), ms(310), ms(640)]),
        ),
    }
}

const HEAVY_PROCESSES: &str = r#"import multiprocessing as mp
import time
from concurrent.futures import ProcessPoolExecutor

def cpu_heavy(args):
    n, weights = args             # weights (~1 MB) are pickled over to the worker
    total = 0
    for i in range(n):
        total += i * i            # each process has its own interpreter and GIL
    return total

if __name__ == "__main__":
    jobs = [(3_000_000, list(range(200_000)))] * 4
    # The default start method: on Linux, Python 3.14 forks each worker from a fork server
    # (3.12 and 3.13 fork directly); macOS and Windows spawn a fresh interpreter.
    print(mp.get_start_method())
    start = time.perf_counter()
    with ProcessPoolExecutor(4) as pool:
        list(pool.map(cpu_heavy, jobs))
    print(f"took {time.perf_counter() - start:.2f} s")   # ⟦~0.22 s: not 4x, start-up and pickling cost⟧
"#;

/// Lesson 7: processes give real parallelism, at a price.
pub(super) fn cpu_processes() -> Lesson {
    let tasks = four_heavy()
        .into_iter()
        .map(|t| t.payload_kb(1000.0, 1.0))
        .collect();
    let models = vec![
        ModelConfig::new(ModelId::Sync),
        ModelConfig::new(ModelId::Threads).workers(4).cores(4),
        ModelConfig::new(ModelId::Processes).workers(4).cores(4),
    ];
    Lesson {
        id: "cpu-processes",
        title: "Processes: real parallelism, at a price".into(),
        summary: "The same four CPU-bound tasks in a ProcessPoolExecutor: each worker is a separate desk with its \
                  own interpreter and GIL, so four processes use four cores. The price shows on the timeline: \
                  starting the processes (Python 3.14 on Linux first starts a fork server, ~37 ms once, then forks each \
                  worker from it, ~16 ms; 3.12 forks in ~2 ms; macOS and Windows spawn, ~50 ms), the parent pickling \
                  each job's arguments one after another, and each worker unpickling them, about three times slower.".into(),
        // Python 3.14: its start method (forkserver on Linux) is the lesson's price; the editor
        // and `trace --python` show 3.12's fork and the other systems' spawn.
        scenario: Scenario::new(tasks, models).python(Python::V3_14),
        code: vec![
            ModelCode::same(ModelId::Sync, HEAVY_SYNC, 4, &["total += i * i"]),
            ModelCode::same(ModelId::Threads, HEAVY_THREADS, 4, &["total += i * i"]),
            ModelCode::same(ModelId::Processes, HEAVY_PROCESSES, 4, &["total += i * i"]),
        ],
        expected: vec![(ModelId::Sync, ms(620)), (ModelId::Threads, ms(640)), (ModelId::Processes, Micros(220_812))],
        chart: ChartMeasure::Makespan,
        takeaway: "Processes bypass the GIL: about one task's time plus start-up and pickling. With many tiny tasks the overhead wins.".into(),
        question: question(
            "Four processes on four cores (serial 0.62 s; Python 3.14 starts them from a fork server). How long?",
            &["about 0.16 s", "about 0.22 s", "about 0.62 s"],
            1,
            "Each process is a separate desk with its own interpreter and GIL, so the four compute on four cores \
             at once. But the desks must first be set up (the fork server, then each worker) and each job's data \
             pickled over: about 0.22 s, not a quarter of 0.62 s.",
            Proof::end(ModelId::Processes),
            Ask::Time(vec![ms(160), ms(220), ms(620)]),
        ),
    }
}

const JOBS_THREADS: &str = r#"import time
from concurrent.futures import ThreadPoolExecutor

def cpu_heavy(args):
    n, weights = args             # threads share objects: nothing is copied
    total = 0
    for i in range(n):
        total += i * i            # needs the one GIL: ⟦one thread at a time⟧
    return total

if __name__ == "__main__":
    jobs = [(3_000_000, list(range(200_000)))] * 4
    start = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(cpu_heavy, jobs))
    print(f"took {time.perf_counter() - start:.2f} s")   # ⟦~0.62 s: no faster than one⟧
"#;

const JOBS_INTERPRETERS: &str = r#"import time
from concurrent.futures import InterpreterPoolExecutor   # Python 3.14

def cpu_heavy(args):
    n, weights = args             # weights (~1 MB) are pickled into this interpreter
    total = 0
    for i in range(n):
        total += i * i            # each interpreter has its own GIL
    return total                  # an int is shareable: it goes back unpickled

if __name__ == "__main__":        # needed: each interpreter imports __main__ by name
    jobs = [(3_000_000, list(range(200_000)))] * 4
    start = time.perf_counter()
    with InterpreterPoolExecutor(4) as pool:
        list(pool.map(cpu_heavy, jobs))
    print(f"took {time.perf_counter() - start:.2f} s")   # ⟦~0.19 s: parallel, cheaper to start⟧
"#;

/// Issue 15: threads, subinterpreters and processes on the same CPU job.
pub(super) fn cpu_interpreters() -> Lesson {
    let tasks = four_heavy()
        .into_iter()
        .map(|t| t.payload_kb(1000.0, 0.0))
        .collect();
    let models = vec![
        ModelConfig::new(ModelId::Threads).workers(4).cores(4),
        ModelConfig::new(ModelId::Interpreters).workers(4).cores(4),
        ModelConfig::new(ModelId::Processes).workers(4).cores(4),
    ];
    Lesson {
        id: "cpu-interpreters",
        title: "Subinterpreters: one process, a GIL each".into(),
        summary: "Python 3.14's InterpreterPoolExecutor (in concurrent.futures, beside PEP 734's \
                  concurrent.interpreters) runs each worker thread in its own interpreter, with its own GIL and its \
                  own objects, inside one process (a GIL per interpreter is 3.12's PEP 684). So CPU work runs in parallel as with processes, but a worker starts without a new process \
                  (about 21 ms here with its imports; published figures range from 1 ms to more than a fork). As \
                  with processes, arguments are pickled in and nothing is shared; a shareable result such as an int \
                  comes back as it is. Many C extensions, NumPy among them, cannot be imported in a \
                  subinterpreter yet.".into(),
        // Python 3.14: InterpreterPoolExecutor is new in it, and its processes start from a
        // fork server on Linux, as in the processes lesson.
        scenario: Scenario::new(tasks, models).python(Python::V3_14),
        code: vec![
            ModelCode::same(ModelId::Threads, JOBS_THREADS, 4, &["total += i * i"]),
            ModelCode::same(ModelId::Interpreters, JOBS_INTERPRETERS, 4, &["total += i * i"]),
            ModelCode::same(ModelId::Processes, HEAVY_PROCESSES, 4, &["total += i * i"]),
        ],
        expected: vec![
            (ModelId::Threads, ms(640)),
            (ModelId::Interpreters, Micros(192_000)),
            (ModelId::Processes, Micros(220_000)),
        ],
        chart: ChartMeasure::Makespan,
        takeaway: "Interpreters run Python in parallel like processes, inside one process: no fork server to start \
                   first, the same pickling. Threads share objects, but take turns.".into(),
        question: question(
            "Threads take ~0.62 s and processes ~0.22 s. Four interpreters on four cores, Python 3.14?",
            &["about 0.62 s, like threads", "about 0.19 s", "about 0.04 s"],
            1,
            "Each interpreter has its own GIL, so the four compute on four cores at once, like processes. They \
             start without a new process (no fork server), but each job's data is still pickled in: about one \
             task's 0.155 s plus start-up and pickling, a little less than processes.",
            Proof::end(ModelId::Interpreters),
            Ask::Time(vec![ms(620), ms(190), ms(40)]),
        ),
    }
}

const SERVER_ASYNC: &str = r#"import asyncio

def render_report(data):
    return sum(x * x for x in data)              # 200 ms of pure Python

async def read_request(i):
    await asyncio.sleep(0.1)                     # network I/O
    return range(2_000_000)

async def send_response(i, report):
    await asyncio.sleep(0.05)                    # network I/O

async def handle(i):
    data = await read_request(i)                 # awaits: the loop serves others
    report = render_report(data)                 # CPU on the loop: ⟦everyone waits⟧
    await send_response(i, report)

async def main():
    await asyncio.gather(*(handle(i) for i in range(4)))

asyncio.run(main())                              # ⟦~0.95 s: the CPU parts queue on the loop⟧
"#;

const SERVER_HYBRID: &str = r#"import asyncio
from concurrent.futures import ProcessPoolExecutor

def render_report(data):
    return sum(x * x for x in data)              # 200 ms of pure Python, in a worker

async def read_request(i):
    await asyncio.sleep(0.1)                     # network I/O
    return range(2_000_000)

async def send_response(i, report):
    await asyncio.sleep(0.05)                    # network I/O

async def handle(pool, i):
    loop = asyncio.get_running_loop()
    data = await read_request(i)                 # awaits: the loop serves others
    report = await loop.run_in_executor(pool, render_report, data)   # the loop stays free
    await send_response(i, report)

async def main():
    with ProcessPoolExecutor(4) as pool:
        await asyncio.gather(*(handle(pool, i) for i in range(4)))

if __name__ == "__main__":
    asyncio.run(main())                          # ⟦~0.35 s: the pool starts at the first job⟧
"#;

/// Lesson 13: an asyncio front with a process pool behind it.
pub(super) fn hybrid_executor() -> Lesson {
    let steps = vec![
        Step::await_io(100.0),
        Step::cpu(200.0),
        Step::await_io(50.0),
    ];
    let tasks = ["r1", "r2", "r3", "r4"]
        .iter()
        .map(|n| Task::new(n, steps.clone()))
        .collect();
    let models = vec![
        ModelConfig::new(ModelId::Asyncio),
        ModelConfig::new(ModelId::Hybrid).workers(4).cores(4),
    ];
    Lesson {
        id: "hybrid-executor",
        title: "Combining: asyncio front, process pool back".into(),
        summary: "An async server reads four requests, renders a CPU-heavy report for each, and sends the replies. \
                  ⟦On the plain loop the four reports run one after another while every request waits.⟧ With \
                  loop.run_in_executor and a ProcessPoolExecutor ⟦they run in parallel and the loop stays free⟧.".into(),
        scenario: Scenario::new(tasks, models),
        code: vec![
            ModelCode::same(ModelId::Asyncio, SERVER_ASYNC, 4, &["await read_request(i)", "report = render_report", "await send_response(i"]),
            ModelCode::same(ModelId::Hybrid, SERVER_HYBRID, 4, &["await read_request(i)", "run_in_executor(pool, render_report", "await send_response(i"]),
        ],
        // The pool's figure is the simulation's own (3.12 on Linux forks its workers, 2 ms each;
        // 3.14's forkserver adds its 37 ms start and 16 ms a worker: about 0.4 s).
        expected: vec![(ModelId::Asyncio, ms(950)), (ModelId::Hybrid, ms(353))],
        chart: ChartMeasure::Makespan,
        takeaway: "Keep I/O on the loop and send CPU-heavy chunks to a process pool with run_in_executor: the loop never blocks.".into(),
        question: question(
            "Four requests, each 0.2 s of CPU between awaits. How long on the plain asyncio loop?",
            &["about 0.35 s", "about 0.95 s"],
            1,
            "Each report is 0.2 s of chopping for the one chef: while one renders, no other request can read or \
             reply. The four renders queue one after another on top of the waits: about 0.95 s. With \
             run_in_executor they go to other desks, and it takes about 0.35 s.",
            Proof::end(ModelId::Asyncio),
            Ask::Time(vec![ms(350), ms(950)]),
        ),
    }
}
