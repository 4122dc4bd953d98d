//! Lessons about the GIL in detail: the convoy effect (11), native code that releases the
//! GIL, and the free-threaded build (12).

use super::{ms, question, Ask, ChartMeasure, Lesson, ModelCode, Proof};
use crate::sim::{Micros, ModelConfig, ModelId, Scenario, Step, Task};

const CONVOY_THREADS: &str = r#"import threading
import time

def reader():
    for _ in range(100):
        time.sleep(0.0005)        # a short read: releases the GIL
        sum(range(500))           # a little Python: needs the GIL back

def cruncher():
    total = 0
    for i in range(30_000_000):
        total += i                # CPU-bound: holds the GIL until asked to drop it

start = time.perf_counter()
io = threading.Thread(target=reader)
cpu = threading.Thread(target=cruncher)
io.start()
cpu.start()
io.join()
print(f"reader took {time.perf_counter() - start:.3f} s")   # ⟦7-11x longer than alone⟧
cpu.join()
"#;

const CONVOY_SYNC: &str = r#"import time

def reader():
    for _ in range(100):
        time.sleep(0.0005)        # a short read
        sum(range(500))           # a little Python

def cruncher():
    total = 0
    for i in range(30_000_000):
        total += i                # CPU-bound

start = time.perf_counter()
reader()
print(f"reader took {time.perf_counter() - start:.3f} s")   # alone: ~0.055 s
cruncher()
"#;

const CONVOY_NOGIL: &str = r#"import threading
import time

# Run with a free-threaded build: python3.14t (no GIL).
def reader():
    for _ in range(100):
        time.sleep(0.0005)        # a short read
        sum(range(500))           # runs at once: no GIL to wait for

def cruncher():
    total = 0
    for i in range(30_000_000):
        total += i                # runs in parallel on another core

start = time.perf_counter()
io = threading.Thread(target=reader)
cpu = threading.Thread(target=cruncher)
io.start()
cpu.start()
io.join()
print(f"reader took {time.perf_counter() - start:.3f} s")   # about as fast as alone
cpu.join()
"#;

/// Lesson 11: the new GIL and the convoy effect.
pub(super) fn convoy() -> Lesson {
    let mut reader = Vec::new();
    for _ in 0..100 {
        reader.push(Step::await_io(0.5));
        reader.push(Step::cpu(0.05));
    }
    let tasks = vec![
        Task::new("reader", reader),
        Task::new("cruncher", vec![Step::cpu(1000.0)]),
    ];
    let reader_lines = [["time.sleep(0.0005)", "sum(range(500))"]; 100].concat();
    let needles = vec![reader_lines, vec!["total += i "]];
    let models = vec![
        ModelConfig::new(ModelId::Sync),
        ModelConfig::new(ModelId::Threads).workers(2).cores(2),
        ModelConfig::new(ModelId::ThreadsNogil).workers(2).cores(2),
    ];
    Lesson {
        id: "convoy",
        title: "The new GIL and the convoy effect".into(),
        summary: "A reader thread does 100 short reads (0.5 ms each, then a little Python) beside a CPU-bound \
                  thread. Each read releases the GIL; to get it back the reader must wait until it has waited a \
                  switch interval (5 ms) and asked the cruncher to drop it. ⟦Measured on CPython 3.9-3.13: the \
                  reader takes 7-11x longer than alone.⟧".into(),
        scenario: Scenario::new(tasks, models),
        code: vec![
            ModelCode::per_task(ModelId::Sync, CONVOY_SYNC, &needles),
            ModelCode::per_task(ModelId::Threads, CONVOY_THREADS, &needles),
            ModelCode::per_task(ModelId::ThreadsNogil, CONVOY_NOGIL, &needles),
        ],
        expected: vec![(ModelId::Sync, ms(1055)), (ModelId::Threads, Micros(1_037_000)), (ModelId::ThreadsNogil, ms(1100))],
        // The lesson's point is the reader's time (its program prints it), not the total,
        // which the cruncher's second of work sets under every model.
        chart: ChartMeasure::Latency { task: "reader" },
        takeaway: "Beside a CPU-bound thread, every GIL-releasing read waits up to a switch interval to get the GIL back: the I/O thread crawls.".into(),
        question: question(
            "Alone, the reader takes about 0.07 s. Beside a CPU-bound thread, about how long?",
            &["about 0.07 s", "about 0.1 s", "about 0.5 s"],
            2,
            "Each short read lets the GIL go, and to get it back the reader must wait a whole switch interval \
             (5 ms) and then ask the cruncher to drop it. A hundred reads, each waiting up to 5 ms for the desk: \
             about 0.5 s instead of 0.07 s.",
            Proof::done(ModelId::Threads, "reader"),
            Ask::Time(vec![ms(70), ms(100), ms(500)]),
        ),
    }
}

const NUMPY_SYNC: &str = r#"import time
import numpy as np

def work(seed):
    rng = np.random.default_rng(seed)             # a little Python
    a = rng.random((2000, 2000))
    b = a @ a                                     # NumPy's C code: 0.4 s
    return float(b.trace())                       # a little Python

start = time.perf_counter()
results = [work(seed) for seed in range(4)]
print(f"took {time.perf_counter() - start:.2f} s")   # ⟦~1.64 s⟧
"#;

const NUMPY_THREADS: &str = r#"import time
from concurrent.futures import ThreadPoolExecutor
import numpy as np

def work(seed):
    rng = np.random.default_rng(seed)             # a little Python: needs the GIL
    a = rng.random((2000, 2000))
    b = a @ a                                     # NumPy releases the GIL in here
    return float(b.trace())                       # a little Python: needs the GIL

start = time.perf_counter()
with ThreadPoolExecutor(4) as pool:
    results = list(pool.map(work, range(4)))
print(f"took {time.perf_counter() - start:.2f} s")   # ⟦~0.43 s on 4 cores⟧
"#;

/// Lesson 12, first half: native code that releases the GIL.
pub(super) fn native_release() -> Lesson {
    let steps = vec![Step::cpu(5.0), Step::native_cpu(400.0), Step::cpu(5.0)];
    let tasks = ["A", "B", "C", "D"]
        .iter()
        .map(|n| Task::new(n, steps.clone()))
        .collect();
    let needles = ["default_rng(seed)", "b = a @ a", "b.trace()"];
    Lesson {
        id: "native-release",
        title: "Native code that releases the GIL".into(),
        summary: "NumPy and other C extensions release the GIL inside long computations. Four threads that each \
                  multiply big matrices hold the GIL only for the Python around the call, ⟦so the C code runs on \
                  four cores at once: threads can speed up \"CPU-bound\" work when the hot loop is native.⟧".into(),
        scenario: Scenario::new(tasks, vec![ModelConfig::new(ModelId::Sync), ModelConfig::new(ModelId::Threads).workers(4).cores(4)]),
        code: vec![
            ModelCode::same(ModelId::Sync, NUMPY_SYNC, 4, &needles),
            ModelCode::same(ModelId::Threads, NUMPY_THREADS, 4, &needles),
        ],
        expected: vec![(ModelId::Sync, ms(1640)), (ModelId::Threads, Micros(425_480))],
        chart: ChartMeasure::Makespan,
        takeaway: "When the hot loop runs in C without the GIL (NumPy), threads do use several cores.".into(),
        question: question(
            "Threads A to D each spend 0.4 s in NumPy. At 0.2 s, who holds the GIL?",
            &["A: it started first", "D: the last to ask", "nobody: all four are in NumPy"],
            2,
            "NumPy lets the GIL go while its C code multiplies, so at 0.2 s the desk is empty while four cores \
             compute. Only the little Python around each call takes turns at it: the four finish in about \
             0.43 s, not four times 0.4 s.",
            Proof::at(ModelId::Threads, ms(200)),
            Ask::GilHolder(vec![Some("A"), Some("D"), None]),
        ),
    }
}

const HEAVY_NOGIL: &str = r#"import sys
import time
from concurrent.futures import ThreadPoolExecutor

# Run with a free-threaded build: python3.14t. sys._is_gil_enabled() is False.
def cpu_heavy(n):
    total = 0
    for i in range(n):
        total += i * i            # no GIL: four threads compute at once
    return total

print("GIL enabled:", sys._is_gil_enabled())
start = time.perf_counter()
with ThreadPoolExecutor(4) as pool:
    list(pool.map(cpu_heavy, [3_000_000] * 4))
print(f"took {time.perf_counter() - start:.2f} s")   # ⟦~0.17 s, each thread a bit slower⟧
"#;

const HEAVY_GIL: &str = r#"import time
from concurrent.futures import ThreadPoolExecutor

def cpu_heavy(n):
    total = 0
    for i in range(n):
        total += i * i            # needs the GIL: one thread at a time
    return total

start = time.perf_counter()
with ThreadPoolExecutor(4) as pool:
    list(pool.map(cpu_heavy, [3_000_000] * 4))
print(f"took {time.perf_counter() - start:.2f} s")   # ⟦0.64 s with the GIL⟧
"#;

const HEAVY_PLAIN: &str = r#"import time

def cpu_heavy(n):
    total = 0
    for i in range(n):
        total += i * i            # pure Python bytecode
    return total

start = time.perf_counter()
for n in [3_000_000] * 4:
    cpu_heavy(n)
print(f"took {time.perf_counter() - start:.2f} s")   # 0.62 s
"#;

/// Lesson 12, second half: the free-threaded build.
pub(super) fn free_threaded() -> Lesson {
    let tasks = ["A", "B", "C", "D"]
        .iter()
        .map(|n| Task::new(n, vec![Step::cpu(155.0)]))
        .collect();
    let models = vec![
        ModelConfig::new(ModelId::Sync),
        ModelConfig::new(ModelId::Threads).workers(4).cores(4),
        ModelConfig::new(ModelId::ThreadsNogil).workers(4).cores(4),
    ];
    let needle = ["total += i * i"];
    Lesson {
        id: "free-threaded",
        title: "Free-threaded Python: no GIL".into(),
        summary: "The same four CPU-bound tasks on a free-threaded build (python3.13t, officially supported but \
                  optional from 3.14). ⟦Without the GIL the threads run bytecode on four cores at once, each a \
                  little slower than on the standard build (we count 10%).⟧".into(),
        scenario: Scenario::new(tasks, models),
        code: vec![
            ModelCode::same(ModelId::Sync, HEAVY_PLAIN, 4, &needle),
            ModelCode::same(ModelId::Threads, HEAVY_GIL, 4, &needle),
            ModelCode::same(ModelId::ThreadsNogil, HEAVY_NOGIL, 4, &needle),
        ],
        expected: vec![(ModelId::Sync, ms(620)), (ModelId::Threads, ms(640)), (ModelId::ThreadsNogil, Micros(170_500))],
        chart: ChartMeasure::Makespan,
        takeaway: "Free-threaded builds run Python threads in parallel, at some single-thread cost; but shared data now needs locks.".into(),
        question: question(
            "Serial 0.62 s. Four threads on a free-threaded build, 4 cores?",
            &["about 0.17 s", "about 0.64 s"],
            0,
            "A free-threaded build has no GIL, so each thread runs its bytecode on its own core. Each is about 10% \
             slower than on the standard build, so the four finish in about 0.17 s: a quarter of 0.62 s, plus that 10%.",
            Proof::end(ModelId::ThreadsNogil),
            Ask::Time(vec![ms(170), ms(640)]),
        ),
    }
}
