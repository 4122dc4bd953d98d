//! The race lessons (`counter-race`, `refcount-race`): golden dumps of each version's bytecode
//! and runs through one helper (refresh with `UPDATE_EXPECT=1 cargo test --test race`), and
//! the kept shares against the bands real CPython was measured in.

use concurrency_kitchen::sim::race::report::{self, counter_models, CounterModel};
use concurrency_kitchen::sim::race::runs::{mean, runs, Race};
use concurrency_kitchen::sim::race::{measured, Python, Snippet};

/// The one helper: the CLI's text for `model`, against `tests/golden/counter-race.<id>.txt`.
fn check(model: CounterModel) {
    let text = report::counter_text(&[model], report::RUNS);
    expect_test::expect_file![format!("golden/counter-race.{}.txt", model.id)].assert_eq(&text);
}

#[test]
fn every_version_matches_its_golden_bytecode_and_runs() {
    for m in counter_models() {
        check(m);
    }
    expect_test::expect_file!["golden/refcount-race.txt"].assert_eq(&report::refcount_text());
}

fn kept(python: Python, snippet: Snippet) -> f64 {
    mean(&runs(Race::lesson(python, snippet), report::RUNS, 0))
}

#[test]
fn kept_shares_fall_in_the_measured_bands() {
    // 3.9 may switch between the read and the write of `counter[0] += 1`: LESSONS.md measured
    // 84% kept, this machine a median of 75.5%.
    let k = kept(Python::V3_9, Snippet::Plain);
    assert!((0.70..=0.95).contains(&k), "3.9 plain kept {k}");
    // 3.10+ switch only at calls and backward jumps: nothing is lost in a plain loop.
    for p in [Python::V3_10, Python::V3_11, Python::V3_12, Python::V3_13] {
        assert_eq!(kept(p, Snippet::Plain), 1.0, "{p}");
        // A call between the read and the write is a switch point again.
        let k = kept(p, Snippet::Call);
        assert!((0.35..=0.70).contains(&k), "{p} with a call kept {k}");
    }
    // Without a GIL threads run at once: updates are lost all the time.
    let k = kept(Python::V3_13t, Snippet::Plain);
    assert!(k < 0.99 && k > 0.0, "3.13t kept {k}");
    // A lock makes the read-modify-write one step, on every build.
    for p in concurrency_kitchen::sim::race::versions() {
        assert_eq!(kept(p, Snippet::Lock), 1.0, "{p} with a lock");
    }
}

/// Where the model misses what real runs measured, and says so (`sim::race` module notes):
/// every instruction costs the same in the model, while 3.13 spends more of an iteration of
/// the call loop inside the call, after the callee's `RESUME` check, so real 3.13 switches
/// there less (kept 78-100%; the model keeps about 69%).
const KNOWN_MISSES: &[(Python, Snippet)] = &[(Python::V3_13, Snippet::Call)];

#[test]
fn the_measured_figures_are_those_of_the_calibration_file() {
    let text = std::fs::read_to_string("calibration/measured.json").expect("the committed figures");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    for i in json["interpreters"].as_array().unwrap() {
        let version = i["version"].as_str().unwrap();
        let Some(p) = Python::ALL
            .into_iter()
            .find(|p| version.starts_with(&format!("{}.", p)))
        else {
            continue;
        };
        for s in Snippet::ALL {
            let c = &i["cases"][concurrency_kitchen::sim::race::case(s)];
            let (Some(lo), Some(median), Some(hi)) =
                (c["min"].as_f64(), c["median"].as_f64(), c["max"].as_f64())
            else {
                continue;
            };
            let ours = measured(p, s).expect("a measured version");
            let near = |a: f64, b: f64| (a - b).abs() < 0.0006;
            assert!(
                near(ours.0, lo) && near(ours.1, median) && near(ours.2, hi),
                "{p} {s:?}: {ours:?} against the file's {lo}-{median}-{hi}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 15, "five versions, three snippets");
}

#[test]
fn the_simulated_means_lie_inside_what_real_runs_measured() {
    for p in concurrency_kitchen::sim::race::versions() {
        for s in Snippet::ALL {
            let Some((lo, _, hi)) = measured(p, s) else {
                continue;
            };
            if KNOWN_MISSES.contains(&(p, s)) {
                continue;
            }
            let k = kept(p, s);
            assert!(
                (lo - 0.02..=hi + 0.02).contains(&k),
                "{p} {s:?}: simulated {k:.3}, real runs {lo:.3}-{hi:.3}"
            );
        }
    }
}

#[test]
fn the_cli_prints_kept_fraction_and_runs_per_model() {
    let one = report::select(Some("3.9")).unwrap();
    let v = report::counter_json(&one, 20);
    let m = &v["models"]["3.9"];
    assert!(m["kept_fraction"].as_f64().is_some());
    assert_eq!(m["runs"], 20);
    for id in ["3.12", "3.13t", "lock"] {
        let v = report::counter_json(&report::select(Some(id)).unwrap(), 5);
        assert!(v["models"][id]["kept_fraction"].as_f64().is_some(), "{id}");
    }
    assert!(report::select(Some("2.7")).is_err());
    let r = report::refcount_json();
    assert_eq!(r["interleavings"], 20);
    assert_eq!(r["classes"][0]["final_count"], 1);
}
