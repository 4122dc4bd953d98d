//! The decision explorer on screen (`?view=decide`): the settings, the map (a table whose
//! cells are links that open their workload as a lesson, coloured by the model to choose or
//! by its memory, each rule's region outlined) and the decision table beside it. The map is
//! computed by `sim::decide` whenever a setting changes; the settings live in the URL.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::decide::{self, Choice, Map, CPU_PCT, RULES, TASKS};
use crate::sim::{grouped, Bytes, Python};

use super::decide::{
    cell_link, cell_text, memory_shade, model_word, resident, Explorer, Layer, CORES,
};
use super::share;

/// A map and the choice it was computed for (or why it could not be), and how long it took
/// in ms (the bench reads it from the table's `data-ms`).
type Computed = (Choice, Rc<Result<Map, String>>, f64);

#[derive(Properties, PartialEq)]
pub struct DecideProps {
    /// The page's query at start.
    pub query: String,
    /// The view's own query (`?view=decide&theme=...`), which the settings extend.
    pub base: String,
    pub embed: bool,
}

/// The rule numbers whose region holds a cell.
fn rules_at(tasks: u32, cpu: u32, native: bool) -> Vec<usize> {
    RULES
        .iter()
        .enumerate()
        .filter(|(_, r)| r.covers(tasks, cpu, native))
        .map(|(i, _)| i + 1)
        .collect()
}

/// True for the cell where rule `r`'s number is shown: its region's top-left corner (the
/// most CPU, the fewest tasks).
fn is_anchor(r: usize, tasks: u32, cpu: u32) -> bool {
    let rule = &RULES[r - 1];
    let top = CPU_PCT
        .iter()
        .rev()
        .find(|&&c| (rule.cpu_pct.0..=rule.cpu_pct.1).contains(&c));
    let left = TASKS
        .iter()
        .find(|&&t| (rule.tasks.0..=rule.tasks.1).contains(&t));
    top == Some(&cpu) && left == Some(&tasks)
}

#[function_component(DecideExplorer)]
pub fn decide_explorer(props: &DecideProps) -> Html {
    let parsed = use_memo((), {
        let q = props.query.clone();
        move |_| Explorer::parse(&q)
    });
    let explorer = use_state(|| parsed.0);
    let notes = parsed.1.clone();
    // The map is computed after the page has painted (it takes about half a second in a
    // browser), and again whenever the choice changes; meanwhile the page says so.
    let map: UseStateHandle<Option<Computed>> = use_state(|| None);
    {
        let map = map.clone();
        use_effect_with(explorer.choice, move |choice| {
            let choice = *choice;
            let timeout = gloo_timers::callback::Timeout::new(30, move || {
                let clock = web_sys::window().and_then(|w| w.performance());
                let start = clock.as_ref().map_or(0.0, |p| p.now());
                let result = decide::map(choice).map_err(|e| e.to_string());
                let took = clock.as_ref().map_or(0.0, |p| p.now()) - start;
                map.set(Some((choice, Rc::new(result), took)));
            });
            move || drop(timeout)
        });
    }
    {
        let base = props.base.clone();
        use_effect_with(*explorer, move |e| {
            let settings = e.to_query();
            let q = if settings.is_empty() {
                base
            } else {
                format!("{base}&{settings}")
            };
            share::replace_url(&q);
        });
    }
    let e = *explorer;
    let set = |f: fn(&mut Explorer, String)| {
        let explorer = explorer.clone();
        Callback::from(move |ev: Event| {
            let Some(target) = ev
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .map(|i| {
                    if i.type_() == "checkbox" {
                        if i.checked() {
                            "1".to_string()
                        } else {
                            "0".to_string()
                        }
                    } else {
                        i.value()
                    }
                })
                .or_else(|| {
                    ev.target_dyn_into::<web_sys::HtmlSelectElement>()
                        .map(|s| s.value())
                })
            else {
                return;
            };
            let mut next = *explorer;
            f(&mut next, target);
            explorer.set(next);
        })
    };
    let on_cores = set(|e, v| e.choice.cores = v.parse().unwrap_or(4));
    let on_python = set(|e, v| {
        if let Ok(p) = v.parse::<Python>() {
            e.choice.python = p;
            // A version with no interpreter of its own GIL cannot compare them.
            if p.interpreter_start().is_none() {
                e.choice.interpreters = false;
            }
        }
    });
    let on_interp = set(|e, v| e.choice.interpreters = v == "1");
    let on_native = set(|e, v| e.choice.native = v == "1");
    let on_layer = set(|e, v| {
        e.layer = if v == "memory" {
            Layer::Memory
        } else {
            Layer::Fastest
        }
    });
    let interp_possible = e.choice.python.interpreter_start().is_some();

    let current = (*map)
        .as_ref()
        .filter(|(c, _, _)| *c == e.choice)
        .map(|(_, m, _)| m.clone());
    let took = (*map).as_ref().map_or(0.0, |(_, _, ms)| *ms);
    let grid = match current.as_deref() {
        None => html! {
            <p class="decide-busy" role="status">{ format!(
                "Simulating {} workloads under {} models…",
                TASKS.len() * CPU_PCT.len(),
                decide::candidates(e.choice).len()
            ) }</p>
        },
        Some(Err(err)) => {
            html! { <p class="notice" role="alert">{ format!("The map could not be computed: {err}") }</p> }
        }
        Some(Ok(map)) => {
            let head = html! {
                <tr>
                    <th scope="col" class="corner"><span class="visually-hidden">{ "CPU share per task, by tasks at once" }</span></th>
                    { for TASKS.iter().map(|n| html! { <th scope="col" class="num">{ short_count(*n) }</th> }) }
                </tr>
            };
            let rows = CPU_PCT.iter().rev().map(|&cpu| {
                let cells = TASKS.iter().map(|&tasks| {
                    let Some(cell) = map.cell(tasks, cpu) else { return html! { <td /> } };
                    let text = cell_text(cell);
                    let rules = rules_at(tasks, cpu, e.choice.native);
                    let mut class = classes!("cell", format!("m-{}", cell.best.as_str()));
                    if e.layer == Layer::Memory {
                        class.push(format!("mem-{}", resident(cell).map_or(0, memory_shade)));
                    }
                    if cell.uncertain {
                        class.push("uncertain");
                    }
                    for r in &rules {
                        class.push(format!("rule-{r}"));
                    }
                    let word = match e.layer {
                        Layer::Fastest => html! { <>
                            <span class="w-long">{ short_word(cell.best) }</span>
                            <span class="w-short" aria-hidden="true">{ letter(cell.best) }</span>
                        </> },
                        Layer::Memory => html! { { resident(cell).map_or("?".to_string(), |b| Bytes(b).to_string()) } },
                    };
                    // The rule's number in its region's corner; the memory layer's figures need
                    // the room, and the outline still shows the region.
                    let badge = rules
                        .iter()
                        .find(|&&r| e.layer == Layer::Fastest && is_anchor(r, tasks, cpu))
                        .map(|r| html! { <span class="rule-badge" aria-hidden="true">{ r }</span> });
                    html! {
                        <td class={class} data-tasks={tasks.to_string()} data-cpu={cpu.to_string()} data-best={cell.best.as_str()}>
                            <a href={cell_link(tasks, cpu, e.choice)} title={text.clone()} aria-label={format!("{text} Open it as a lesson.")}>{ badge }{ word }</a>
                        </td>
                    }
                });
                html! { <tr><th scope="row" class="num">{ format!("{cpu}%") }</th>{ for cells }</tr> }
            });
            html! { <>
                <a class="skip-map" href="#rules-h">{ "Skip the map" }</a>
                <div class="decide-axis" aria-hidden="true">
                    <span>{ "↑ more CPU in each task" }</span>
                    <span>{ "more tasks at once (log scale) →" }</span>
                </div>
                <table class="decide-map" data-ms={format!("{took:.1}")} aria-label="The model to choose for each workload: rows are each task's CPU share, columns the tasks at once">
                    <thead>{ head }</thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </> }
        }
    };
    let models = decide::candidates(e.choice);
    let legend = match e.layer {
        Layer::Fastest => html! {
            <ul class="decide-legend" aria-label="Colours">
                { for models.iter().map(|m| html! {
                    <li><span class={classes!("swatch", format!("m-{}", m.as_str()))}>{ letter(*m) }</span>{ model_word(*m) }</li>
                }) }
                <li><span class="swatch uncertain" />{ "threads only bounded: might tie" }</li>
            </ul>
        },
        Layer::Memory => html! {
            <ul class="decide-legend" aria-label="Shades: the chosen model's resident memory">
                { for ["10 KB", "100 KB", "1 MB", "10 MB", "100 MB", "1 GB+"].iter().enumerate().map(|(i, label)| html! {
                    <li><span class={classes!("swatch", format!("mem-{i}"))} />{ *label }</li>
                }) }
            </ul>
        },
    };
    let table = html! {
        <section class="decide-rules" aria-labelledby="rules-h">
            <h2 id="rules-h">{ "The decision table" }</h2>
            <table>
                <thead><tr><th scope="col">{ "#" }</th><th scope="col">{ "workload → best tool" }</th></tr></thead>
                <tbody>
                    { for RULES.iter().enumerate().map(|(i, r)| html! {
                        <tr class={classes!(format!("rule-row-{}", i + 1), (r.native != e.choice.native).then_some("off-map"))}>
                            <td><span class={classes!("rule-badge", format!("rb-{}", i + 1))}>{ i + 1 }</span></td>
                            <td>
                                <span class="rule-head">{ r.workload }{ " → " }<strong>{ r.tool }</strong></span>
                                <span class="rule-why">{ r.why }{ if r.native != e.choice.native { if r.native { " (tick “Native code” to see its region)" } else { " (untick “Native code” to see its region)" } } else { "" } }</span>
                            </td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="hint">{ format!(
                "Each cell simulates every model on that many tasks, each waiting on I/O and then computing, 1 s in all, on {} cores and Python {}. \
                 Within {}% of the fastest, the simpler model is the choice: {}. \
                 Threads are one per task; processes one per core; asyncio + processes sends each task's CPU part to a process per core. Click a cell to open it as a lesson.",
                e.choice.cores,
                e.choice.python,
                (decide::TIE * 100.0) as u32,
                models.iter().map(|m| model_word(*m)).collect::<Vec<_>>().join(", then ")
            ) }</p>
        </section>
    };
    html! {
        <div class={classes!("decide", props.embed.then_some("embedded"))}>
            if !props.embed { <h1>{ "Which model should I use?" }</h1> }
            { for notes.iter().map(|n| html! { <p class="notice" role="status">{ format!("Ignored: {n}") }</p> }) }
            <form class="decide-settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <label>{ "Cores " }
                    <select id="decide-cores" onchange={on_cores}>
                        { for CORES.iter().map(|c| html! { <option value={c.to_string()} selected={*c == e.choice.cores}>{ c }</option> }) }
                    </select>
                </label>
                <label>{ "Python " }
                    <select id="decide-python" onchange={on_python}>
                        { for Python::menu_with(e.choice.python).into_iter().map(|p| html! { <option value={p.as_str()} selected={p == e.choice.python}>{ p.as_str() }</option> }) }
                    </select>
                </label>
                <label title={if interp_possible { "InterpreterPoolExecutor (3.14; a GIL per interpreter since 3.12)" } else { "Python 3.9 has no interpreter with its own GIL" }}>
                    <input id="decide-interpreters" type="checkbox" checked={e.choice.interpreters} disabled={!interp_possible} onchange={on_interp} />
                    { " Subinterpreters" }
                </label>
                <label title="The CPU part is native code that releases the GIL (NumPy's long loops)">
                    <input id="decide-native" type="checkbox" checked={e.choice.native} onchange={on_native} />
                    { " Native code (NumPy)" }
                </label>
                <label>{ "Colour by " }
                    <select id="decide-layer" onchange={on_layer}>
                        <option value="fastest" selected={e.layer == Layer::Fastest}>{ "the model to choose" }</option>
                        <option value="memory" selected={e.layer == Layer::Memory}>{ "its memory (resident)" }</option>
                    </select>
                </label>
            </form>
            <div class="decide-body">
                <section class="decide-map-wrap" aria-label="Map">
                    { grid }
                    { legend }
                </section>
                { table }
            </div>
        </div>
    }
}

/// "10k" for a column heading.
fn short_count(n: u32) -> String {
    if n >= 1000 && n % 1000 == 0 {
        format!("{}k", n / 1000)
    } else {
        grouped(u64::from(n))
    }
}

/// The letter in a cell on a phone.
fn letter(id: crate::sim::ModelId) -> &'static str {
    use crate::sim::ModelId::*;
    match id {
        Threads => "T",
        Asyncio => "A",
        Processes => "P",
        Interpreters => "I",
        Hybrid => "H",
        ThreadsNogil => "F",
        _ => "?",
    }
}

/// The word in a cell: short enough for a 700 px embed.
fn short_word(id: crate::sim::ModelId) -> String {
    use crate::sim::ModelId::*;
    match id {
        Threads => "thr",
        Asyncio => "aio",
        Processes => "proc",
        Interpreters => "interp",
        Hybrid => "aio+P",
        ThreadsNogil => "thr·ft",
        _ => model_word(id),
    }
    .to_string()
}
