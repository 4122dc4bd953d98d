//! The race lessons as the `trace` CLI prints them: `counter-race` (the kept share of
//! increments over many seeded runs, per version and with a lock) and `refcount-race` (the
//! final count per class of interleavings), as JSON statistics or as text with the bytecode
//! and a histogram.

use super::bytecode::{listing, may_switch_after};
use super::refcount;
use super::runs::{mean, runs, Race};
use super::{measured, Python, Snippet};
use crate::sim::time::grouped;
use serde_json::{json, Map, Value};

/// The race lessons' ids.
pub const LESSONS: [&str; 2] = ["counter-race", "refcount-race"];

/// Seeded runs per model.
pub const RUNS: usize = 200;

/// One model of `counter-race`: a version, with the lock or without.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CounterModel {
    /// "3.9" ... "3.13t", or "lock".
    pub id: &'static str,
    pub python: Python,
    pub lock: bool,
}

/// Every model of `counter-race`, in the lesson's order.
pub fn counter_models() -> Vec<CounterModel> {
    let mut out: Vec<CounterModel> = super::versions()
        .map(|p| CounterModel {
            id: p.as_str(),
            python: p,
            lock: false,
        })
        .collect();
    out.push(CounterModel {
        id: "lock",
        python: Python::V3_12,
        lock: true,
    });
    out
}

/// The models `--python` asks for: one version, "lock", or every model.
pub fn select(python: Option<&str>) -> Result<Vec<CounterModel>, String> {
    let all = counter_models();
    match python {
        None => Ok(all),
        Some(want) => all
            .into_iter()
            .find(|m| m.id == want)
            .map(|m| vec![m])
            .ok_or_else(|| match super::parse_version(want) {
                // A version the app knows, with no listing here (3.14): say so by name.
                Err(e) if want.parse::<Python>().is_ok() => format!("--python: {e}"),
                _ => {
                    let ids: Vec<&str> = counter_models().iter().map(|m| m.id).collect();
                    format!(
                        "--python: unknown {want:?}; expected one of {}",
                        ids.join(", ")
                    )
                }
            }),
    }
}

/// The kept shares of one snippet under one model.
fn kept(m: CounterModel, snippet: Snippet, n: usize) -> Vec<f64> {
    runs(Race::lesson(m.python, snippet), n, 0)
}

fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

fn stats(values: &[f64]) -> Value {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    json!({ "kept_fraction": round(mean(values)), "kept_min": round(lo), "kept_max": round(hi) })
}

/// `counter-race` as JSON: per model, the mean kept share over the runs, its range, the
/// runs, and the same with a call between the read and the write.
pub fn counter_json(models: &[CounterModel], n: usize) -> Value {
    let mut by_model = Map::new();
    for &m in models {
        let main = if m.lock {
            Snippet::Lock
        } else {
            Snippet::Plain
        };
        let mut v = stats(&kept(m, main, n));
        v["runs"] = json!(n);
        v["python"] = json!(m.python.as_str());
        v["snippet"] = json!(main.source());
        let race = Race::lesson(m.python, main);
        v["threads"] = json!(race.threads);
        v["increments_per_thread"] = json!(race.increments);
        if !m.lock {
            v["with_call"] = stats(&kept(m, Snippet::Call, n));
        }
        if let Some((lo, median, hi)) = measured(m.python, main) {
            v["measured"] = json!({ "min": lo, "median": median, "max": hi });
        }
        by_model.insert(m.id.to_string(), v);
    }
    json!({ "lesson": "counter-race", "models": by_model })
}

/// A ten-bin histogram of kept shares, as text.
fn histogram(values: &[f64]) -> String {
    let mut bins = [0usize; 10];
    for &v in values {
        bins[((v * 10.0) as usize).min(9)] += 1;
    }
    let most = bins.iter().copied().max().unwrap_or(1).max(1);
    let mut out = String::new();
    for (i, &b) in bins.iter().enumerate() {
        let bar = "#".repeat((b * 40).div_ceil(most));
        out.push_str(&format!("  {:>3}-{:>3}% {bar} {b}\n", i * 10, i * 10 + 10));
    }
    out
}

/// `counter-race` as text: the bytecode with its switch points, then each model's runs.
pub fn counter_text(models: &[CounterModel], n: usize) -> String {
    let mut out = String::from(
        "counter-race: four threads each add one to a shared counter, many times over; how many updates survive?\n\n",
    );
    for &m in models {
        let snippet = if m.lock {
            Snippet::Lock
        } else {
            Snippet::Plain
        };
        let values = kept(m, snippet, n);
        let title = if m.lock {
            format!("lock (CPython {}, with a Lock)", m.python)
        } else if m.python.has_gil() {
            format!("CPython {}", m.python)
        } else {
            format!("CPython {} (free-threaded)", m.python)
        };
        let race = Race::lesson(m.python, snippet);
        out.push_str(&format!(
            "== {} == {title}: {} threads x {} increments\n{}\n",
            m.id,
            race.threads,
            grouped(race.increments),
            snippet.source()
        ));
        if !m.python.has_gil() {
            out.push_str("    (no GIL: two threads run at once on two cores and may interleave at any instruction; what is lost is a share of each iteration, so short runs do)\n");
        }
        for op in listing(m.python, snippet) {
            let switch = if m.python.has_gil() && may_switch_after(m.python, op) {
                "  <- may switch threads after this"
            } else {
                ""
            };
            out.push_str(&format!("    {:<16} {:<10}{switch}\n", op.name, op.arg));
        }
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(0.0, f64::max);
        out.push_str(&format!(
            "kept {:.1}% on average over {n} runs ({:.1}-{:.1}%)\n",
            mean(&values) * 100.0,
            lo * 100.0,
            hi * 100.0
        ));
        out.push_str(&histogram(&values));
        if !m.lock {
            let call = kept(m, Snippet::Call, n);
            out.push_str(&format!(
                "with a call between the read and the write ({}): kept {:.1}% on average\n",
                "counter[0] = f(counter[0]) + 1",
                mean(&call) * 100.0
            ));
        }
        if let Some((lo, median, hi)) = measured(m.python, snippet) {
            out.push_str(&format!(
                "real CPython {} here: median {:.1}% ({:.1}-{:.1}%)\n",
                m.python,
                median * 100.0,
                lo * 100.0,
                hi * 100.0
            ));
        }
        out.push('\n');
    }
    out
}

/// What a final count means, for a race that starts at `start` and should end at `right`.
fn meaning(count: i64, right: i64) -> &'static str {
    match count.cmp(&right) {
        std::cmp::Ordering::Less => "too low: freed while another thread still uses it (a crash)",
        std::cmp::Ordering::Equal => "correct",
        std::cmp::Ordering::Greater => "too high: a decrement lost, the object leaks",
    }
}

/// A race's classes as JSON.
fn classes_json(classes: Vec<(i64, usize, usize)>, right: i64) -> Vec<Value> {
    classes
        .into_iter()
        .map(|(count, orders, gil)| {
            json!({
                "final_count": count,
                "interleavings": orders,
                "with_gil": gil,
                "meaning": meaning(count, right),
            })
        })
        .collect()
}

/// `refcount-race` as JSON: per final count, the interleavings that give it, and how many of
/// them a GIL allows.
pub fn refcount_json() -> Value {
    json!({
        "lesson": "refcount-race",
        "start_count": refcount::START,
        "threads": 2,
        "steps_per_decref": refcount::DECREF.len(),
        "interleavings": refcount::orders().len(),
        "classes": classes_json(refcount::classes(), refcount::START - 2),
        "incref_against_decref": {
            "start_count": 1,
            "classes": classes_json(refcount::inc_dec_classes(), 1),
        },
    })
}

/// `refcount-race` as text.
pub fn refcount_text() -> String {
    let mut out = String::from(
        "refcount-race: two threads drop a reference to an object whose count is 3. Each Py_DECREF reads the count, subtracts one and writes it back.\n\n",
    );
    for (count, orders, gil) in refcount::classes() {
        out.push_str(&format!(
            "final count {count}: {orders} of {} interleavings ({gil} possible with the GIL)\n",
            refcount::orders().len()
        ));
    }
    out.push_str("\nA reads 3, B reads 3, A writes 2, B writes 2: the count says 2 where it should say 1. With the GIL a thread is never switched out inside Py_DECREF, so only the orders where one thread finishes first can happen.\n");
    out.push_str("\nA takes a new reference (Py_INCREF) while B drops one (Py_DECREF) of an object whose count is 1:\n");
    for (count, orders, gil) in refcount::inc_dec_classes() {
        out.push_str(&format!(
            "final count {count} ({}): {orders} of {} interleavings ({gil} possible with the GIL)\n",
            meaning(count, 1),
            refcount::orders().len()
        ));
    }
    out
}
