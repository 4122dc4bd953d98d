//! `trace`: the command-line edge over `sim`. Runs a lesson or a scenario file under its
//! models and prints an ASCII timeline and the totals per model, or JSON with `--json`.

/// Like `print!`, except that a closed pipe (`trace --lesson convoy | head`) ends the program
/// quietly instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = write!(std::io::stdout().lock(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}

macro_rules! outln {
    () => { out!("\n") };
    ($($arg:tt)*) => {{ out!($($arg)*); out!("\n"); }};
}

use concurrency_kitchen::sim::{self, lessons, timeline, ModelConfig, ModelId, Scenario, Trace};
use serde_json::{json, Map, Value};
use std::process::ExitCode;

const HELP: &str = "\
trace: watch Python's concurrency models run a workload, as text.

USAGE:
    trace --lesson ID [--model ID] [--json] [--width N]
    trace --scenario FILE.json [--model ID] [--json] [--width N]
    trace --list

OPTIONS:
    --lesson ID       run a built-in lesson (see --list)
    --scenario FILE   run a scenario JSON file (format: src/sim/SCENARIO.md)
    --model ID        only this model: sync, asyncio, hybrid, threads, threads-nogil, processes
    --json            print statistics as JSON instead of timelines
    --width N         timeline width in characters (default 72)
    --list            list the lessons
    --help            show this help
";

/// What the command line asked for.
struct Args {
    lesson: Option<String>,
    scenario: Option<String>,
    model: Option<ModelId>,
    json: bool,
    width: usize,
}

fn parse(argv: &[String]) -> Result<Option<Args>, String> {
    let mut args = Args {
        lesson: None,
        scenario: None,
        model: None,
        json: false,
        width: 72,
    };
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match a.as_str() {
            "--help" | "-h" => {
                out!("{HELP}");
                return Ok(None);
            }
            "--list" => {
                for l in lessons::all() {
                    let models: Vec<&str> =
                        l.scenario.models.iter().map(|m| m.id.as_str()).collect();
                    outln!("{:<18} {} [{}]", l.id, l.title, models.join(", "));
                }
                return Ok(None);
            }
            "--lesson" => args.lesson = Some(value("--lesson")?),
            "--scenario" => args.scenario = Some(value("--scenario")?),
            "--model" => {
                args.model = Some(
                    value("--model")?
                        .parse::<ModelId>()
                        .map_err(|e| e.to_string())?,
                )
            }
            "--json" => args.json = true,
            "--width" => {
                let v = value("--width")?;
                args.width = v
                    .parse()
                    .ok()
                    .filter(|w| (10..=400).contains(w))
                    .ok_or(format!("--width: expected 10-400, got {v:?}"))?;
            }
            other => return Err(format!("unknown argument {other:?}; try --help")),
        }
    }
    match (&args.lesson, &args.scenario) {
        (None, None) => Err("give --lesson ID or --scenario FILE; try --help".to_string()),
        (Some(_), Some(_)) => Err("give either --lesson or --scenario, not both".to_string()),
        _ => Ok(Some(args)),
    }
}

/// The scenario, the lesson (if any) and the models to run.
fn load(args: &Args) -> Result<(Scenario, Option<lessons::Lesson>, Vec<ModelConfig>), String> {
    let (scenario, lesson) = match (&args.lesson, &args.scenario) {
        (Some(id), _) => {
            let lesson =
                lessons::by_id(id).ok_or_else(|| format!("unknown lesson {id:?}; try --list"))?;
            (lesson.scenario.clone(), Some(lesson))
        }
        (None, Some(path)) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            (
                Scenario::from_json(&text).map_err(|e| format!("{path}: {e}"))?,
                None,
            )
        }
        (None, None) => unreachable!("parse checks this"),
    };
    let mut models = scenario.model_configs();
    if let Some(id) = args.model {
        models = vec![models
            .into_iter()
            .find(|m| m.id == id)
            .unwrap_or_else(|| ModelConfig::new(id))];
    }
    Ok((scenario, lesson, models))
}

fn ms(t: sim::Micros) -> f64 {
    t.as_ms_f64()
}

fn stats_json(trace: &Trace) -> Value {
    let s = &trace.stats;
    json!({
        "makespan_ms": ms(s.makespan),
        "task_latency_ms": s.task_latency.iter().map(|&t| ms(t)).collect::<Vec<_>>(),
        "gil_wait_ms": ms(s.gil_wait),
        "cpu_busy_per_core_ms": s.cpu_busy_per_core.iter().map(|&t| ms(t)).collect::<Vec<_>>(),
        "memory_reserved_bytes": s.memory_reserved,
        "memory_resident_bytes": s.memory_resident,
        "events": trace.events.len(),
    })
}

fn run(args: &Args) -> Result<(), String> {
    let (scenario, lesson, models) = load(args)?;
    let mut traces = Vec::new();
    for m in &models {
        traces.push(sim::simulate(&scenario, m).map_err(|e| e.to_string())?);
    }
    if args.json {
        let mut by_model = Map::new();
        for t in &traces {
            by_model.insert(t.model.as_str().to_string(), stats_json(t));
        }
        let out = json!({ "lesson": lesson.as_ref().map(|l| l.id), "models": by_model });
        outln!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    if let Some(l) = &lesson {
        outln!("{} ({})\n{}\n", l.title, l.id, l.summary);
    }
    for t in &traces {
        outln!(
            "== {} ({}) ==",
            t.model,
            sim::models::descriptor(t.model).title
        );
        out!("{}", timeline::render(t, args.width));
        out!("{}", timeline::stats(t));
        if let Some((_, want)) = lesson
            .as_ref()
            .and_then(|l| l.expected.iter().find(|(m, _)| *m == t.model))
        {
            outln!("expected (CPython): {want}");
        }
        outln!();
    }
    if let Some(l) = &lesson {
        outln!("takeaway: {}", l.takeaway);
    }
    Ok(())
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = parse(&argv).and_then(|args| args.map_or(Ok(()), |a| run(&a)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("trace: {message}");
            ExitCode::FAILURE
        }
    }
}
