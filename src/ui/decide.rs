//! The decision explorer's settings and what its page shows, in plain Rust (tested
//! natively): the learner's choice of cores, Python, subinterpreters and native code, and the
//! layer (the fastest model, or its memory), read from and written to the URL
//! (`?view=decide&cores=8&python=3.14&interpreters=1&native=1&layer=memory`); each cell's
//! link, which opens its workload as a lesson; and the words for a cell.

use crate::sim::decide::{self, Cell, Choice, Outcome};
use crate::sim::{Bytes, ModelId, Python, Scenario};

/// What the map's cells are coloured by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layer {
    /// The model to choose.
    #[default]
    Fastest,
    /// The chosen model's resident memory.
    Memory,
}

/// The explorer's settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Explorer {
    pub choice: Choice,
    pub layer: Layer,
}

/// The cores a learner may pick.
pub const CORES: [u32; 5] = [1, 2, 4, 8, 16];

impl Explorer {
    /// Reads the settings from a query, leniently: anything unusable keeps its default and
    /// is listed in the returned notes.
    pub fn parse(query: &str) -> (Explorer, Vec<String>) {
        let mut e = Explorer::default();
        let mut notes = Vec::new();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "cores" => match value.parse::<u32>() {
                    Ok(n) if CORES.contains(&n) => e.choice.cores = n,
                    _ => notes.push(format!("cores \"{}\" (1, 2, 4, 8 or 16)", short(value))),
                },
                "python" => match value.parse::<Python>() {
                    Ok(p) => e.choice.python = p,
                    Err(err) => notes.push(err.to_string()),
                },
                "interpreters" | "native" => {
                    let on = match value {
                        "1" => true,
                        "0" => false,
                        _ => {
                            notes.push(format!("{key} \"{}\" (1 or 0)", short(value)));
                            continue;
                        }
                    };
                    if key == "native" {
                        e.choice.native = on;
                    } else {
                        e.choice.interpreters = on;
                    }
                }
                "layer" => match value {
                    "memory" => e.layer = Layer::Memory,
                    "fastest" => e.layer = Layer::Fastest,
                    _ => notes.push(format!("layer \"{}\" (fastest or memory)", short(value))),
                },
                _ => {}
            }
        }
        if e.choice.interpreters && e.choice.python.interpreter_start().is_none() {
            e.choice.interpreters = false;
            notes.push(format!(
                "interpreters=1 (Python {} has no interpreter with its own GIL)",
                e.choice.python
            ));
        }
        (e, notes)
    }

    /// The query's explorer settings, only what differs from the defaults ("" for none),
    /// to follow the view's own `?view=decide...`.
    pub fn to_query(&self) -> String {
        let d = Explorer::default();
        let mut parts = Vec::new();
        if self.choice.cores != d.choice.cores {
            parts.push(format!("cores={}", self.choice.cores));
        }
        if self.choice.python != d.choice.python {
            parts.push(format!("python={}", self.choice.python));
        }
        if self.choice.interpreters {
            parts.push("interpreters=1".into());
        }
        if self.choice.native {
            parts.push("native=1".into());
        }
        if self.layer == Layer::Memory {
            parts.push("layer=memory".into());
        }
        parts.join("&")
    }
}

fn short(text: &str) -> String {
    text.chars().take(20).collect()
}

/// The link that opens a cell's workload as a lesson: `?workload=TASKS,CPU` with the
/// explorer's settings, which `params` turns into the scenario (`decide::openable`); short
/// for any cell, where the scenario itself (10,000 tasks) would not fit in a link.
pub fn cell_link(tasks: u32, cpu_pct: u32, choice: Choice) -> String {
    let settings = Explorer {
        choice,
        layer: Layer::Fastest,
    }
    .to_query();
    let mut q = format!("?workload={tasks},{cpu_pct}");
    if !settings.is_empty() {
        q.push('&');
        q.push_str(&settings);
    }
    q
}

/// The scenario a `workload=TASKS,CPU` link opens, with the query's explorer settings, and
/// the link's own canonical form (without the `?`), or why it is refused.
pub fn workload_scenario(value: &str, query: &str) -> Result<(Scenario, String), String> {
    let parsed = value
        .split_once(',')
        .and_then(|(t, c)| Some((t.trim().parse::<u32>().ok()?, c.trim().parse::<u32>().ok()?)));
    match parsed {
        Some((tasks, cpu)) if (1..=10_000).contains(&tasks) && cpu <= 100 => {
            let (explorer, _) = Explorer::parse(query);
            let cell = cell_link(tasks, cpu, explorer.choice);
            Ok((
                decide::openable(tasks, cpu, explorer.choice),
                cell.trim_start_matches('?').to_string(),
            ))
        }
        _ => Err(format!(
            "workload \"{}\" (TASKS,CPU: 1 to 10000 tasks, 0 to 100% CPU)",
            short(value)
        )),
    }
}

/// A model's name on the map's legend and cells.
pub fn model_word(id: ModelId) -> &'static str {
    match id {
        ModelId::Threads => "threads",
        ModelId::Asyncio => "asyncio",
        ModelId::Processes => "processes",
        ModelId::Interpreters => "interpreters",
        ModelId::Sync => "sync",
        ModelId::Hybrid => "asyncio + processes",
        ModelId::ThreadsNogil => "threads (no GIL)",
        ModelId::ToThread => "asyncio + to_thread",
    }
}

/// "1,000 tasks, 25% CPU: threads 1.2 s, asyncio ≥ 3 s..." for a cell's label and tooltip.
pub fn cell_text(cell: &Cell) -> String {
    let each: Vec<String> = cell
        .results
        .iter()
        .map(|(m, o)| match o {
            Outcome::Ran {
                makespan, resident, ..
            } => {
                format!(
                    "{} {} ({} resident)",
                    model_word(*m),
                    makespan.brief(),
                    Bytes(*resident)
                )
            }
            Outcome::AtLeast(t, _) => {
                format!("{} at least {} (not simulated)", model_word(*m), t.brief())
            }
        })
        .collect();
    let doubt = if cell.uncertain {
        "; threads, only bounded, might tie"
    } else {
        ""
    };
    let tasks = if cell.tasks == 1 { "task" } else { "tasks" };
    format!(
        "{} {tasks}, {}% CPU: choose {}{doubt}. {}",
        crate::sim::grouped(u64::from(cell.tasks)),
        cell.cpu_pct,
        model_word(cell.best),
        each.join(", ")
    )
}

/// The chosen model's resident memory in a cell.
pub fn resident(cell: &Cell) -> Option<u64> {
    match cell.of(cell.best)? {
        Outcome::Ran { resident, .. } => Some(*resident),
        Outcome::AtLeast(..) => None,
    }
}

/// A memory's shade, 0 (least, ~10 KB) to 5 (most, ~1 GB and more), on a log scale.
pub fn memory_shade(bytes: u64) -> u8 {
    let decades = (bytes.max(1) as f64).log10();
    ((decades - 4.0).clamp(0.0, 5.0)).round() as u8
}
