//! A lesson made from any scenario (the editor's, or one from a shared link), with Python code
//! written for each model so that the code panel can follow it step by step.

use std::borrow::Cow;

use super::{Ask, ChartMeasure, Lesson, ModelCode, Proof, Question};
use crate::sim::models::descriptor;
use crate::sim::models::descriptor::LoopPool;
use crate::sim::{simulate, ModelId, Scenario, StepKind};

/// The id a custom lesson carries in place of a preset's.
pub const CUSTOM: &str = "custom";

/// Code is written out for at most this many tasks; the rest are summarised in a comment.
const CODE_TASKS: usize = 12;

/// Steps written out per task, so the code panel stays a few hundred lines however long a
/// scenario is; the rest are summarised in a comment.
const CODE_STEPS: usize = 40;

/// Builds a lesson from a scenario that has already been validated.
pub fn custom(scenario: Scenario) -> Lesson {
    let models = scenario.model_configs();
    let code = models.iter().map(|m| python(&scenario, m.id)).collect();
    // The question asks which model finishes first; the answer comes from the simulation.
    let totals: Vec<Option<u64>> = models
        .iter()
        .map(|m| simulate(&scenario, m).ok().map(|t| t.stats.makespan.0))
        .collect();
    let correct = totals
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.map(|t| (t, i)))
        .min()
        .map_or(0, |(_, i)| i);
    // One model leaves nothing to choose between, and a tie for first has no one answer: no
    // question then.
    let fastest_total = totals.iter().flatten().min();
    let tied = totals
        .iter()
        .filter(|t| t.as_ref() == fastest_total)
        .count()
        > 1;
    // Where a task raises, finishing first may mean stopping first (plain code stops at the
    // exception): no question then either.
    let raises = scenario.tasks.iter().any(|t| t.raises);
    let choices: Vec<Cow<'static, str>> = if models.len() < 2 || tied || raises {
        Vec::new()
    } else {
        models
            .iter()
            .map(|m| Cow::Borrowed(m.id.as_str()))
            .collect()
    };
    let fastest = models.get(correct).map_or(ModelId::Sync, |m| m.id);
    let why = format!(
        "{fastest} has the shortest total of the {} models in this run: watch where the others wait.",
        models.len()
    );
    let proof = Proof::end(fastest);
    let ask = Ask::FirstModel(if choices.is_empty() {
        Vec::new()
    } else {
        models.iter().map(|m| m.id).collect()
    });
    let tasks = scenario.tasks.len();
    let summary = format!(
        "Your own workload: {tasks} task{} under {} model{}. Edit it below, share it with Copy link, or export it as JSON.",
        if tasks == 1 { "" } else { "s" },
        models.len(),
        if models.len() == 1 { "" } else { "s" },
    );
    Lesson {
        id: CUSTOM,
        title: "Your scenario".into(),
        summary: summary.into(),
        scenario: Scenario {
            models,
            ..scenario
        },
        code,
        expected: Vec::new(),
        chart: ChartMeasure::Makespan,
        takeaway: "Waits overlap under threads and asyncio; Python computation overlaps only in processes or without the GIL."
            .into(),
        question: Question {
            prompt: "Which model finishes first?".into(),
            why: why.into(),
            proof,
            ask,
            choices,
            correct,
        },
    }
}

/// Names the generated code uses itself, or that would shadow a module it imports: a task
/// function called like one of these would break the program.
const TAKEN: [&str; 16] = [
    "asyncio",
    "time",
    "concurrent",
    "kitchen",
    "crunch",
    "numpy_work",
    "fetch",
    "main",
    "loop",
    "pool",
    "task",
    "print",
    "range",
    "list",
    "threading",
    "multiprocessing",
];

/// Python's keywords, soft keywords included (`keyword.kwlist` and `softkwlist`, 3.12).
const KEYWORDS: [&str; 39] = [
    "false", "none", "true", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "match", "case", "type", "_",
];

/// A Python identifier for each task name: lower case, never a keyword or a name the
/// program uses, and distinct even when names differ only in case or punctuation.
fn idents<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    names
        .enumerate()
        .map(|(index, name)| {
            let mut id: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
                id = format!("task_{index}_{id}");
            }
            if KEYWORDS.contains(&id.as_str()) || TAKEN.contains(&id.as_str()) {
                id.push_str("_task");
            }
            let base = id.clone();
            let mut n = 2;
            while !seen.insert(id.clone()) {
                id = format!("{base}_{n}");
                n += 1;
            }
            id
        })
        .collect()
}

/// Writes the scenario as Python for one model, noting the line of every step.
fn python(scenario: &Scenario, model: ModelId) -> ModelCode {
    let code = descriptor(model).code;
    let is_async = code.is_async;
    let mut out = String::new();
    let mut line = 1u32;
    let mut push = |out: &mut String, text: &str| {
        out.push_str(text);
        out.push('\n');
        line += 1;
        line - 1
    };
    let header = code.imports;
    for l in header.lines() {
        push(&mut out, l);
    }
    push(
        &mut out,
        "from kitchen import crunch, numpy_work, fetch   # stand-ins for your own code",
    );
    push(&mut out, "");
    // `asyncio.Semaphore(N)` around each task's body, for the loop models that read it.
    let permits = scenario
        .models
        .iter()
        .find(|m| m.id == model)
        .and_then(|m| m.semaphore)
        .filter(|_| descriptor(model).uses(crate::sim::Setting::Semaphore));
    if let Some(n) = permits {
        // Made in main(): before 3.10 a semaphore made outside the loop binds to another one.
        push(
            &mut out,
            &format!("sem = None                      # asyncio.Semaphore({n}), made in main()"),
        );
        push(&mut out, "");
    }
    let inner = if permits.is_some() { "    " } else { "" };
    let mut lines = Vec::new();
    let mut names = Vec::new();
    let ids = idents(
        scenario
            .tasks
            .iter()
            .take(CODE_TASKS)
            .map(|t| t.name.as_str()),
    );
    for (i, task) in scenario.tasks.iter().enumerate() {
        if i >= CODE_TASKS {
            lines.push(vec![0; task.steps.len()]);
            continue;
        }
        let name = ids[i].clone();
        let def = if is_async { "async def" } else { "def" };
        push(&mut out, &format!("{def} {name}():"));
        if permits.is_some() {
            push(&mut out, "    async with sem:");
        }
        let mut row = Vec::new();
        for (j, step) in task.steps.iter().enumerate() {
            if j == CODE_STEPS {
                // The rest are summarised in one comment line, which they all point at.
                let more = task.steps.len() - CODE_STEPS;
                let line = push(
                    &mut out,
                    &format!("{inner}    # ... and {more} more steps (see the timeline)"),
                );
                row.extend(std::iter::repeat_n(line, more));
                break;
            }
            let (ms, s) = (step.ms, step.ms / 1000.0);
            let text = match step.kind {
                StepKind::Cpu if code.sends == LoopPool::Processes => format!(
                    "    await loop.run_in_executor(pool, crunch, {ms})   # CPU in a process"
                ),
                StepKind::NativeCpu if code.sends == LoopPool::Processes => format!(
                    "    await loop.run_in_executor(pool, numpy_work, {ms})   # C code in a process"
                ),
                StepKind::Cpu if code.sends == LoopPool::Threads => format!(
                    "    await asyncio.to_thread(crunch, {ms})   # in a thread: still needs the GIL"
                ),
                StepKind::NativeCpu if code.sends == LoopPool::Threads => {
                    format!("    await asyncio.to_thread(numpy_work, {ms})   # C code in a thread")
                }
                StepKind::BlockingIo if code.sends == LoopPool::Threads => format!(
                    "    await asyncio.to_thread(fetch, {ms})   # blocking call in a thread"
                ),
                StepKind::Cpu if is_async => {
                    format!("    crunch({ms})                 # {ms} ms of Python, no await")
                }
                StepKind::Cpu => {
                    format!("    crunch({ms})                 # {ms} ms of Python")
                }
                StepKind::NativeCpu => {
                    format!("    numpy_work({ms})             # C code; releases the GIL")
                }
                StepKind::AwaitIo if is_async => {
                    format!("    await asyncio.sleep({s})     # I am waiting, run someone else")
                }
                StepKind::AwaitIo => {
                    format!("    time.sleep({s})              # waiting releases the GIL")
                }
                StepKind::BlockingIo if is_async => {
                    format!("    fetch({ms})                  # blocking call: the loop freezes")
                }
                StepKind::BlockingIo => {
                    format!("    fetch({ms})                  # blocking call, {ms} ms")
                }
            };
            row.push(push(&mut out, &format!("{inner}{text}")));
        }
        if task.raises {
            push(
                &mut out,
                &format!(
                    "{inner}    raise ConnectionError({:?})   # fails here",
                    task.name
                ),
            );
        } else if task.steps.is_empty() {
            push(&mut out, &format!("{inner}    pass"));
        }
        push(&mut out, "");
        lines.push(row);
        names.push(name);
    }
    if scenario.tasks.len() > CODE_TASKS {
        push(
            &mut out,
            &format!(
                "# ... and {} more tasks like these",
                scenario.tasks.len() - CODE_TASKS
            ),
        );
        push(&mut out, "");
    }
    let calls = names.join(", ");
    let awaits = names
        .iter()
        .map(|n| format!("{n}()"))
        .collect::<Vec<_>>()
        .join(", ");
    let runtime = scenario.runtime();
    let mut main = code.main.to_string();
    // Where a task raises, a version with TaskGroup awaits them in one (its failure cancels
    // the rest, as the run shows); under the eager factory, main installs it first.
    if is_async && runtime.python.has_task_group() && scenario.tasks.iter().any(|t| t.raises) {
        let indent = main
            .lines()
            .find(|l| l.contains("asyncio.gather("))
            .map_or(4, |l| l.len() - l.trim_start().len());
        let pad = " ".repeat(indent);
        main = main.replace(
            &format!("{pad}await asyncio.gather({{awaits}})"),
            &format!(
                "{pad}async with asyncio.TaskGroup() as tg:   # one failure cancels the rest\n\
                 {pad}    for task in [{{calls}}]:\n\
                 {pad}        tg.create_task(task())"
            ),
        );
    }
    if is_async && runtime.tasks == crate::sim::TaskFactory::Eager {
        main = main.replacen(
            "async def main():\n",
            "async def main():\n    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)\n",
            1,
        );
    }
    if let Some(n) = permits {
        main = main.replacen(
            "async def main():\n",
            &format!(
                "async def main():\n    global sem\n    sem = asyncio.Semaphore({n})   # at most {n} tasks inside at once\n"
            ),
            1,
        );
    }
    let main = main.replace("{calls}", &calls).replace("{awaits}", &awaits);
    for l in main.lines() {
        push(&mut out, l);
    }
    // What the template cannot say: tasks submitted later, and chunks.
    let late: Vec<String> = scenario
        .tasks
        .iter()
        .zip(&ids)
        .filter(|(t, _)| t.start_ms > 0.0)
        .map(|(t, id)| format!("{id} at {} ms", t.start_ms))
        .collect();
    if !late.is_empty() {
        push(
            &mut out,
            &format!("# submitted later in the program: {}", late.join(", ")),
        );
    }
    let chunks = scenario
        .models
        .iter()
        .find(|m| m.id == model)
        .and_then(|m| m.chunksize)
        .filter(|&c| c > 1 && descriptor(model).uses(crate::sim::Setting::Chunksize));
    if let Some(c) = chunks {
        push(
            &mut out,
            &format!("# sent {c} tasks at a time: pool.map(run, tasks, chunksize={c})"),
        );
    }
    ModelCode {
        model,
        source: out.into(),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{ModelConfig, Step, Task};

    fn scenario() -> Scenario {
        Scenario::new(
            vec![
                Task::new("Fetch page", vec![Step::await_io(500.0), Step::cpu(20.0)]),
                Task::new("2nd", vec![Step::blocking_io(100.0)]),
            ],
            vec![
                ModelConfig::new(ModelId::Sync),
                ModelConfig::new(ModelId::Asyncio),
            ],
        )
    }

    #[test]
    fn every_step_maps_to_its_own_line_of_code() {
        let lesson = custom(scenario());
        assert_eq!(lesson.code.len(), 2);
        for code in &lesson.code {
            let source: Vec<&str> = code.source.lines().collect();
            assert_eq!(code.lines.len(), 2);
            for (task, row) in code.lines.iter().enumerate() {
                assert_eq!(row.len(), lesson.scenario.tasks[task].steps.len());
                for &l in row {
                    let text = source[l as usize - 1];
                    assert!(
                        text.starts_with("    "),
                        "{:?} line {l}: {text}",
                        code.model
                    );
                }
            }
        }
        let asyncio = &lesson.code[1];
        assert!(asyncio.source.contains("async def fetch_page():"));
        assert!(asyncio.source.contains("async def task_1_2nd():"));
        assert!(asyncio.source.contains("await asyncio.sleep(0.5)"));
    }

    #[test]
    fn the_question_names_the_fastest_model() {
        let lesson = custom(scenario());
        assert_eq!(lesson.question.choices, vec!["sync", "asyncio"]);
        assert_eq!(lesson.question.correct, 1, "asyncio overlaps the wait");
    }

    #[test]
    fn no_models_means_every_model_and_big_scenarios_stay_short() {
        let many = Scenario::new(
            (0..50)
                .map(|i| Task::new(&format!("t{i}"), vec![Step::cpu(1.0)]))
                .collect(),
            vec![],
        );
        let lesson = custom(many);
        assert_eq!(lesson.scenario.models.len(), ModelId::ALL.len());
        assert!(lesson.code[0].source.contains("and 38 more tasks"));
        assert_eq!(lesson.code[0].lines[40], vec![0]);
    }

    #[test]
    fn task_names_become_distinct_identifiers_that_break_nothing() {
        let ids = idents(["A", "a", "a!", "time", "class", "9 lives", ""].into_iter());
        assert_eq!(
            ids,
            vec![
                "a",
                "a_2",
                "a_",
                "time_task",
                "class_task",
                "task_5_9_lives",
                "task_6_"
            ]
        );
    }

    #[test]
    fn long_tasks_are_summarised_so_the_code_stays_short() {
        use crate::sim::{Step, Task};
        let steps: Vec<Step> = (0..500).map(|_| Step::cpu(1.0)).collect();
        let lesson = custom(Scenario::new(vec![Task::new("long", steps)], vec![]));
        for code in &lesson.code {
            assert!(
                code.source.lines().count() < 80,
                "{} lines",
                code.source.lines().count()
            );
            let last = code.lines[0][499] as usize;
            let text = code.source.lines().nth(last - 1).unwrap();
            assert!(text.contains("460 more steps"), "{text}");
        }
    }
}
