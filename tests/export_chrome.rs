//! The Chrome Trace Event export, parsed back and checked against the simulation it came from:
//! one named track per lane, one slice per segment, GIL instants, and wake-to-resume flows that
//! land on slices. The structure follows the Trace Event Format (`traceEvents`, `ph`, `ts` and
//! `dur` in microseconds, `M` metadata for names).

use std::collections::{BTreeMap, BTreeSet};

use concurrency_kitchen::export::chrome_trace_json;
use concurrency_kitchen::sim::{lessons, simulate_all, EventKind, Trace};
use serde_json::Value;

fn export(traces: &[Trace]) -> Vec<Value> {
    let text = chrome_trace_json("test", traces);
    let v: Value = serde_json::from_str(&text).expect("the export is JSON");
    assert_eq!(v["displayTimeUnit"], "ms");
    v["traceEvents"].as_array().expect("traceEvents").clone()
}

fn num(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("not a whole number: {v}"))
}

/// Every event has the fields the format requires for its phase.
fn check_structure(events: &[Value]) {
    for e in events {
        let ph = e["ph"].as_str().expect("ph");
        assert!(e["name"].is_string(), "{e}");
        num(&e["pid"]);
        num(&e["tid"]);
        match ph {
            "M" => assert!(e["args"].is_object(), "{e}"),
            "X" => {
                num(&e["ts"]);
                num(&e["dur"]);
            }
            "i" => {
                num(&e["ts"]);
                assert_eq!(e["s"], "t", "{e}");
            }
            "s" | "f" => {
                num(&e["ts"]);
                num(&e["id"]);
                assert!(e["cat"].is_string(), "{e}");
            }
            other => panic!("unexpected phase {other}"),
        }
    }
}

fn of_pid(events: &[Value], pid: u64, ph: &str) -> Vec<Value> {
    events
        .iter()
        .filter(|e| e["pid"] == pid && e["ph"] == ph)
        .cloned()
        .collect()
}

fn check_against(trace: &Trace, events: &[Value], pid: u64, first_tid: u64) {
    let meta = of_pid(events, pid, "M");
    let process = meta.iter().find(|e| e["name"] == "process_name").unwrap();
    assert!(process["args"]["name"]
        .as_str()
        .unwrap()
        .starts_with(trace.model.as_str()));
    // One named track per lane, in lane order.
    let threads: BTreeMap<u64, String> = meta
        .iter()
        .filter(|e| e["name"] == "thread_name")
        .map(|e| {
            (
                num(&e["tid"]),
                e["args"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let labels: Vec<String> = trace.lanes.iter().map(|l| l.label.clone()).collect();
    assert_eq!(threads.values().cloned().collect::<Vec<_>>(), labels);
    assert_eq!(
        threads.keys().copied().collect::<Vec<_>>(),
        (first_tid..first_tid + trace.lanes.len() as u64).collect::<Vec<_>>()
    );

    // One slice per segment, on its lane's track, with its time, state and task.
    let all_slices = of_pid(events, pid, "X");
    let slices: Vec<&Value> = all_slices.iter().filter(|s| s["cat"] == "state").collect();
    assert_eq!(slices.len(), trace.segments.len(), "{}", trace.model);
    for (slice, seg) in slices.iter().zip(&trace.segments) {
        assert_eq!(num(&slice["tid"]), first_tid + seg.lane.index() as u64);
        assert_eq!(num(&slice["ts"]), seg.start.0);
        assert_eq!(num(&slice["dur"]), seg.end.0 - seg.start.0);
        assert_eq!(
            slice["args"]["state"],
            serde_json::to_value(seg.state).unwrap()
        );
        let task = seg.task.map(|t| trace.task_name(t).to_string());
        assert_eq!(slice["args"]["task"].as_str().map(str::to_string), task);
        assert!(slice["name"].as_str().unwrap().contains(seg.state.label()));
    }

    // An instant for each GIL request and drop.
    let gil: Vec<(u64, u64, &str)> = trace
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::GilRequest | EventKind::GilDropRequest | EventKind::GilDrop
            )
        })
        .map(|e| {
            (
                e.time.0,
                first_tid + e.lane.unwrap().index() as u64,
                e.kind.label(),
            )
        })
        .collect();
    let instants: Vec<(u64, u64, &str)> = of_pid(events, pid, "i")
        .iter()
        .filter(|e| e["cat"] == "gil")
        .map(|e| {
            let name = e["name"].as_str().unwrap();
            let kind = ["gil_request", "gil_drop_request", "gil_drop"]
                .into_iter()
                .find(|k| *k == name)
                .expect("a GIL instant");
            (num(&e["ts"]), num(&e["tid"]), kind)
        })
        .collect();
    assert_eq!(instants, gil);
    // And one for each exception, cancellation and pool shutdown after one.
    let failures = trace
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Raise | EventKind::Cancel | EventKind::ShutdownWait
            )
        })
        .count();
    let failure_instants = of_pid(events, pid, "i")
        .iter()
        .filter(|e| e["cat"] == "failure")
        .count();
    assert_eq!(failure_instants, failures);

    // Flows: each start has one end with the same id; the start sits at a wake (or a result
    // coming back) and the end at a resume of the same task; each lands on a marker slice of its
    // own category, track and time (which is how Chrome binds them; Perfetto takes the slice
    // open on the track, and a marker just pushed is the top one).
    let pid_events: Vec<&Value> = events.iter().filter(|e| e["pid"] == pid).collect();
    let key = |v: &Value| (num(&v["ts"]), num(&v["tid"]));
    let wakes = event_keys(trace, first_tid, &[EventKind::Wake, EventKind::ResultBack]);
    let resumes = event_keys(trace, first_tid, &[EventKind::Resume]);
    let mut open = BTreeMap::new();
    let mut starts = 0;
    for (i, e) in pid_events.iter().enumerate() {
        let ph = e["ph"].as_str().unwrap();
        if ph != "s" && ph != "f" {
            continue;
        }
        let marker = pid_events[i - 1];
        let bound = marker["ph"] == "X"
            && marker["cat"] == e["cat"]
            && marker["tid"] == e["tid"]
            && marker["ts"] == e["ts"]
            && marker["dur"] == 0;
        assert!(bound, "unbound flow event {e}");
        if ph == "s" {
            starts += 1;
            assert!(wakes.contains(&key(e)), "a start at a wake: {e}");
            assert!(open.insert(num(&e["id"]), ()).is_none(), "ids are unique");
        } else {
            assert_eq!(e["bp"], "e");
            assert!(resumes.contains(&key(e)), "an end at a resume: {e}");
            assert!(
                open.remove(&num(&e["id"])).is_some(),
                "an end after its start: {e}"
            );
        }
    }
    assert!(open.is_empty(), "every flow ends");
    let resumes_after_wake = {
        let mut waiting = BTreeSet::new();
        let mut n = 0;
        for e in &trace.events {
            match (e.kind, e.task) {
                (EventKind::Wake | EventKind::ResultBack, Some(t)) => {
                    waiting.insert(t);
                }
                (EventKind::Resume, Some(t)) if waiting.remove(&t) => n += 1,
                _ => {}
            }
        }
        n
    };
    assert_eq!(
        starts, resumes_after_wake,
        "a flow for every wake-to-resume pair"
    );
}

/// (time, track) of each event of these kinds.
fn event_keys(trace: &Trace, first_tid: u64, kinds: &[EventKind]) -> BTreeSet<(u64, u64)> {
    trace
        .events
        .iter()
        .filter(|e| kinds.contains(&e.kind))
        .filter_map(|e| Some((e.time.0, first_tid + e.lane?.index() as u64)))
        .collect()
}

/// Checks each run against its process, and that thread ids never repeat across runs.
fn check_all(traces: &[Trace], events: &[Value]) {
    let mut first_tid = 1;
    for (i, trace) in traces.iter().enumerate() {
        check_against(trace, events, i as u64 + 1, first_tid);
        first_tid += trace.lanes.len() as u64;
    }
    let tids: BTreeSet<(u64, u64)> = events
        .iter()
        .filter(|e| e["name"] == "thread_name")
        .map(|e| (num(&e["pid"]), num(&e["tid"])))
        .collect();
    let unique: BTreeSet<u64> = tids.iter().map(|&(_, tid)| tid).collect();
    assert_eq!(
        tids.len(),
        unique.len(),
        "a thread id belongs to one process"
    );
}

#[test]
fn every_lesson_exports_tracks_slices_instants_and_flows_that_match_its_runs() {
    let mut flows = 0;
    let mut instants = 0;
    for lesson in lessons::all() {
        let traces = simulate_all(&lesson.scenario).unwrap();
        let events = export(&traces);
        check_structure(&events);
        check_all(&traces, &events);
        flows += events.iter().filter(|e| e["ph"] == "s").count();
        instants += events.iter().filter(|e| e["ph"] == "i").count();
    }
    assert!(flows > 0, "the asyncio lessons have wake-to-resume flows");
    assert!(
        instants > 0,
        "the GIL lessons have request and drop instants"
    );
}

#[test]
fn a_custom_scenario_exports_like_a_lesson() {
    let scenario = concurrency_kitchen::sim::Scenario::from_json(
        r#"{"tasks":[{"name":"fetch","steps":[{"kind":"await_io","ms":30},{"kind":"cpu","ms":5}]},
                     {"name":"parse","steps":[{"kind":"cpu","ms":20}]}],
            "models":[{"id":"asyncio"},{"id":"threads"}]}"#,
    )
    .unwrap();
    let traces = simulate_all(&scenario).unwrap();
    let events = export(&traces);
    check_structure(&events);
    check_all(&traces, &events);
}

#[test]
fn the_export_is_deterministic() {
    let lesson = lessons::by_id("convoy").unwrap();
    let traces = simulate_all(&lesson.scenario).unwrap();
    assert_eq!(
        chrome_trace_json("convoy", &traces),
        chrome_trace_json("convoy", &traces)
    );
}
