//! asyncio's task API as Python 3.11-3.12 changed it: the eager task factory, which runs a
//! task inside `create_task` (and so changes what prints first), and `TaskGroup`, where one
//! failure cancels the other tasks, beside plain code and a thread pool failing the same way.

use super::{ms, question, Ask, ChartMeasure, Lesson, Line, ModelCode, Proof};
use crate::sim::{ModelConfig, ModelId, Python, Scenario, Step, Task, TaskFactory};

const EAGER: &str = r#"import asyncio

async def job(name, wait):
    print(name, "starting")
    await asyncio.sleep(wait)
    print(name, "done")

async def main():
    loop = asyncio.get_running_loop()
    loop.set_task_factory(asyncio.eager_task_factory)   # Python 3.12+
    tasks = [asyncio.create_task(job("A", 0.2)),
             asyncio.create_task(job("B", 0.1))]
    print("main: tasks created")     # ⟦after both tasks printed "starting"⟧
    await asyncio.gather(*tasks)

asyncio.run(main())
"#;

/// The eager task factory: a task runs inside `create_task`, up to its first await.
pub(super) fn eager_tasks() -> Lesson {
    let tasks = vec![
        Task::new("A", vec![Step::await_io(200.0)]),
        Task::new("B", vec![Step::await_io(100.0)]),
    ];
    let scenario = Scenario {
        python: Some(Python::V3_12),
        task_factory: Some(TaskFactory::Eager),
        ..Scenario::new(tasks, vec![ModelConfig::new(ModelId::Asyncio)])
    };
    let order = |lines: &[(&'static str, Line)]| lines.to_vec();
    Lesson {
        id: "eager-tasks",
        title: "Eager tasks: who prints first?".into(),
        summary: "main() creates two tasks with asyncio.create_task, prints \"main: tasks created\", then awaits \
                  them. By default create_task only schedules a task: it first runs when main awaits. Python 3.12 \
                  added asyncio.eager_task_factory, which this program installs: a task created with it starts \
                  running inside create_task itself, up to its first await. In what order do the lines come out? \
                  (The Tasks menu beside the title switches it back to lazy.)"
            .into(),
        scenario,
        code: vec![ModelCode::same(
            ModelId::Asyncio,
            EAGER,
            2,
            &["await asyncio.sleep(wait)"],
        )],
        expected: vec![(ModelId::Asyncio, ms(200))],
        chart: ChartMeasure::Makespan,
        takeaway: "Under the eager factory a task runs inside create_task until its first await, so it can finish \
                   or print before the line after create_task; it also saves the loop a turn per task. Code that \
                   assumed \"create_task does not run anything yet\" can change behaviour."
            .into(),
        question: question(
            "With the eager task factory, in what order do the lines print? (main: its \"tasks created\")",
            &[
                "main · A starting · B starting · B done · A done",
                "A starting · B starting · main · B done · A done",
                "A starting · main · B starting · B done · A done",
            ],
            1,
            "create_task under the eager factory runs the coroutine at once, inside the call, until its first \
             await: A prints \"starting\" and awaits, then B does, and only then does main reach its print. \
             With the default (lazy) factory main would print first, and the tasks would start when main \
             awaits gather.",
            Proof::tasks_created(ModelId::Asyncio),
            Ask::PrintOrder(vec![
                order(&[
                    ("main", Line::Created),
                    ("A", Line::Starting),
                    ("B", Line::Starting),
                    ("B", Line::Done),
                    ("A", Line::Done),
                ]),
                order(&[
                    ("A", Line::Starting),
                    ("B", Line::Starting),
                    ("main", Line::Created),
                    ("B", Line::Done),
                    ("A", Line::Done),
                ]),
                order(&[
                    ("A", Line::Starting),
                    ("main", Line::Created),
                    ("B", Line::Starting),
                    ("B", Line::Done),
                    ("A", Line::Done),
                ]),
            ]),
        ),
    }
}

const FAIL_SYNC: &str = r#"import time

def fetch(name, wait, fail=False):
    time.sleep(wait)                 # a download
    if fail:
        raise ConnectionError(name)  # nothing catches it
    print(name, "done")

JOBS = [("A", 1, False), ("B", 0.2, True), ("C", 2, False), ("D", 3, False)]
for job in JOBS:
    fetch(*job)                      # ⟦B's error ends the program: C and D never run⟧
"#;

const FAIL_THREADS: &str = r#"import time
from concurrent.futures import ThreadPoolExecutor, as_completed

def fetch(name, wait, fail=False):
    time.sleep(wait)                 # a download; waiting releases the GIL
    if fail:
        raise ConnectionError(name)
    print(name, "done")

JOBS = [("A", 1, False), ("B", 0.2, True), ("C", 2, False), ("D", 3, False)]
try:
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(fetch, *job) for job in JOBS]
        for f in as_completed(futures):
            f.result()               # B's error is raised here...
except ConnectionError as e:         # ...but leaving `with` waits for every thread
    print("failed:", e)              # ⟦reached after ~3 s⟧
"#;

const FAIL_ASYNC: &str = r#"import asyncio

async def fetch(name, wait, fail=False):
    await asyncio.sleep(wait)        # a download
    if fail:
        raise ConnectionError(name)
    print(name, "done")

JOBS = [("A", 1, False), ("B", 0.2, True), ("C", 2, False), ("D", 3, False)]

async def main():
    try:
        async with asyncio.TaskGroup() as tg:      # Python 3.11+
            for job in JOBS:
                tg.create_task(fetch(*job))
    except* ConnectionError as group:  # ⟦reached at ~0.2 s: A, C, D cancelled⟧
        print("failed:", group.exceptions)

asyncio.run(main())
"#;

/// Four downloads, one of which fails after 0.2 s.
fn downloads() -> Vec<Task> {
    vec![
        Task::new("A", vec![Step::await_io(1_000.0)]),
        Task::new("B", vec![Step::await_io(200.0)]).raising(),
        Task::new("C", vec![Step::await_io(2_000.0)]),
        Task::new("D", vec![Step::await_io(3_000.0)]),
    ]
}

/// One failure: plain code stops, a TaskGroup cancels the rest, a thread pool waits for them.
pub(super) fn task_group() -> Lesson {
    let models = vec![
        ModelConfig::new(ModelId::Sync),
        ModelConfig::new(ModelId::Threads).workers(4),
        ModelConfig::new(ModelId::Asyncio),
    ];
    Lesson {
        id: "task-group",
        title: "One download fails: TaskGroup against a thread pool".into(),
        summary: "Four downloads of 1000, 200, 2000 and 3000 ms; B raises ConnectionError when its download ends. Plain code \
                  runs them one after another. A ThreadPoolExecutor runs them at once and reports B's error \
                  through its future. An asyncio.TaskGroup (Python 3.11+) runs them at once, and when one of its \
                  tasks fails it cancels the others. How long does each program take to reach its except block?"
            .into(),
        scenario: Scenario::new(downloads(), models),
        code: vec![
            ModelCode::same(ModelId::Sync, FAIL_SYNC, 4, &["time.sleep(wait)"]),
            ModelCode::same(ModelId::Threads, FAIL_THREADS, 4, &["time.sleep(wait)"]),
            ModelCode::same(
                ModelId::Asyncio,
                FAIL_ASYNC,
                4,
                &["await asyncio.sleep(wait)"],
            ),
        ],
        expected: vec![
            (ModelId::Sync, ms(1_200)),
            (ModelId::Threads, ms(3_000)),
            (ModelId::Asyncio, ms(200)),
        ],
        chart: ChartMeasure::Makespan,
        takeaway: "A thread cannot be cancelled: a pool's with block waits for every task already submitted, \
                   failure or not. A TaskGroup cancels its other tasks at the first failure (each ends at its \
                   await) and raises every error together as an ExceptionGroup."
            .into(),
        question: question(
            "B fails after 0.2 s. When does the thread pool version reach its except block?",
            &["about 0.2 s", "about 1.2 s", "about 3 s"],
            2,
            "as_completed hands B's error over at 0.2 s, but raising it leaves the with block, which calls \
             shutdown(wait=True): it waits for A, C and D, and a thread cannot be stopped from outside. The \
             except runs after the 3 s download. The TaskGroup cancels its other tasks at B's failure, so \
             asyncio gets there at 0.2 s; plain code never starts C and D.",
            Proof::end(ModelId::Threads),
            Ask::Time(vec![ms(200), ms(1_200), ms(3_000)]),
        ),
    }
}
