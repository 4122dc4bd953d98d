//! Chrome Trace Event JSON from finished traces, for Perfetto (ui.perfetto.dev) and
//! `chrome://tracing`: the place where Python developers already read VizTracer and per4m traces.
//!
//! The mapping, one simulated run per process:
//! - each run is a process (`pid` = its position + 1) named after its model, and each lane a
//!   thread named after the lane, in the lane order of the app. Thread ids are unique across the
//!   whole file (the runs' lanes numbered one after another from 1), because importers key
//!   threads by `tid` and would otherwise merge lane 1 of one run with lane 1 of the next;
//! - each segment is a complete (`X`) slice named after its task and state;
//! - GIL requests and drops are thread-scoped instant (`i`) events;
//! - a wake (or a result coming back from the pool) is joined to the resume that follows it by a
//!   flow: an `s` event on the waking lane and an `f` event (`"bp": "e"`) on the resuming lane,
//!   each bound to a zero-length marker slice at its event.
//!
//! Timestamps and durations are microseconds of model time, the format's own unit. This is the
//! one module outside `sim` that reads a `Trace` for export; it reads only `model`, `task_names`,
//! `lanes`, `segments` and `events`, through the few helpers at the bottom.

use serde_json::{json, Value};

use crate::sim::{EventKind, Micros, Segment, Trace};

/// The category of segment slices: filter on it in Perfetto's query box.
pub const CAT_STATE: &str = "state";
/// The category of GIL instants.
pub const CAT_GIL: &str = "gil";
/// The category (and name) of wake-to-resume flows.
pub const CAT_FLOW: &str = "wake";
/// The category of a task's exception, a cancellation and a pool's shutdown after one.
pub const CAT_FAILURE: &str = "failure";

/// The Trace Event JSON object for these runs (one per model), under a title such as the lesson's.
pub fn chrome_trace(title: &str, traces: &[Trace]) -> Value {
    let mut events = Vec::new();
    let mut next_flow = 1u64;
    let mut first_tid = 1;
    for (index, trace) in traces.iter().enumerate() {
        let track = Track {
            pid: index + 1,
            first_tid,
        };
        events.extend(metadata(track, index, trace));
        events.extend(slices(track, trace));
        events.extend(gil_instants(track, trace));
        events.extend(failure_instants(track, trace));
        events.extend(flows(track, trace, &mut next_flow));
        first_tid += trace.lanes.len();
    }
    json!({
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": {
            "source": "Concurrency Kitchen (simulated model time, not a measurement)",
            "title": title,
            "models": traces.iter().map(|t| t.model.as_str()).collect::<Vec<_>>(),
        },
    })
}

/// Where one run's events go: its process, and the thread id of its first lane.
#[derive(Clone, Copy)]
struct Track {
    pid: usize,
    first_tid: usize,
}

impl Track {
    fn tid(self, lane: usize) -> usize {
        self.first_tid + lane
    }
}

/// The export as text, as the CLI prints it and the app downloads it.
pub fn chrome_trace_json(title: &str, traces: &[Trace]) -> String {
    serde_json::to_string(&chrome_trace(title, traces)).expect("a JSON value always serialises")
}

/// Process and thread names, and sort indexes so the tracks keep the app's order.
fn metadata(track: Track, index: usize, trace: &Trace) -> Vec<Value> {
    let mut out = vec![
        json!({"name": "process_name", "ph": "M", "pid": track.pid, "tid": 0,
               "args": {"name": format!("{} ({})", trace.model.as_str(), crate::sim::models::descriptor(trace.model).title)}}),
        json!({"name": "process_sort_index", "ph": "M", "pid": track.pid, "tid": 0,
               "args": {"sort_index": index}}),
    ];
    for (lane, info) in trace.lanes.iter().enumerate() {
        out.push(
            json!({"name": "thread_name", "ph": "M", "pid": track.pid, "tid": track.tid(lane),
                        "args": {"name": info.label}}),
        );
        out.push(
            json!({"name": "thread_sort_index", "ph": "M", "pid": track.pid, "tid": track.tid(lane),
                        "args": {"sort_index": lane}}),
        );
    }
    out
}

/// One complete slice per segment.
fn slices(track: Track, trace: &Trace) -> impl Iterator<Item = Value> + '_ {
    trace.segments.iter().map(move |s| {
        let task = segment_task(trace, s);
        let name = match task {
            Some(task) => format!("{task}: {}", s.state.label()),
            None => s.state.label().to_string(),
        };
        json!({
            "name": name,
            "cat": CAT_STATE,
            "ph": "X",
            "pid": track.pid,
            "tid": track.tid(segment_lane(s)),
            "ts": s.start.0,
            "dur": s.end.saturating_sub(s.start).0,
            "args": {"state": state_id(s), "task": task},
        })
    })
}

/// GIL requests and drops, as instants on the lane where they happen.
fn gil_instants(track: Track, trace: &Trace) -> impl Iterator<Item = Value> + '_ {
    instants(track, trace, CAT_GIL, |k| {
        matches!(
            k,
            EventKind::GilRequest | EventKind::GilDropRequest | EventKind::GilDrop
        )
    })
}

/// A task's exception, each cancellation it causes and a pool's shutdown, as instants where
/// they happen.
fn failure_instants(track: Track, trace: &Trace) -> impl Iterator<Item = Value> + '_ {
    instants(track, trace, CAT_FAILURE, |k| {
        matches!(
            k,
            EventKind::Raise | EventKind::Cancel | EventKind::ShutdownWait
        )
    })
}

/// The events of the kinds `pick` takes, as instants of category `cat` on their lanes.
fn instants<'t>(
    track: Track,
    trace: &'t Trace,
    cat: &'static str,
    pick: fn(EventKind) -> bool,
) -> impl Iterator<Item = Value> + 't {
    trace.events.iter().filter_map(move |e| {
        let lane = event_lane(e)?;
        pick(e.kind).then(|| {
            json!({
                "name": e.kind.label(),
                "cat": cat,
                "ph": "i",
                "s": "t",
                "pid": track.pid,
                "tid": track.tid(lane),
                "ts": e.time.0,
                "args": {"task": event_task(trace, e)},
            })
        })
    })
}

/// A flow from each wake (or pool result) to the next resume of the same task. A resume often
/// takes no model time, so each end gets a zero-length marker slice of its own (category
/// `wake`) at its event's time on its event's lane, and the flow event follows it: Perfetto binds
/// an `s` to the slice open on its track and an `f` with `"bp": "e"` to the enclosing one, and
/// Chrome binds flow events to slices with the same category, track and timestamp.
fn flows(track: Track, trace: &Trace, next_id: &mut u64) -> Vec<Value> {
    let mut out = Vec::new();
    let mut pending: Vec<Option<(usize, Micros)>> = vec![None; trace.task_names.len()];
    for e in &trace.events {
        let (Some(task), Some(lane)) = (event_task_index(e), event_lane(e)) else {
            continue;
        };
        let Some(slot) = pending.get_mut(task) else {
            continue;
        };
        match e.kind {
            EventKind::Wake | EventKind::ResultBack => *slot = Some((lane, e.time)),
            EventKind::Resume => {
                if let Some((from_lane, from)) = slot.take() {
                    let id = *next_id;
                    *next_id += 1;
                    let task = &trace.task_names[task];
                    let name = format!("{task} resumes");
                    let marker = |label: &str, lane: usize, at: Micros| {
                        json!({"name": format!("{label} {task}"), "cat": CAT_FLOW, "ph": "X",
                               "pid": track.pid, "tid": track.tid(lane), "ts": at.0, "dur": 0})
                    };
                    out.push(marker("wake", from_lane, from));
                    out.push(json!({"name": name, "cat": CAT_FLOW, "ph": "s", "id": id,
                                    "pid": track.pid, "tid": track.tid(from_lane), "ts": from.0}));
                    out.push(marker("resume", lane, e.time));
                    out.push(
                        json!({"name": name, "cat": CAT_FLOW, "ph": "f", "bp": "e", "id": id,
                                    "pid": track.pid, "tid": track.tid(lane), "ts": e.time.0}),
                    );
                }
            }
            _ => {}
        }
    }
    out
}

/// The state's stable id ("running", "waiting_io", ...), as in the trace's own JSON.
fn state_id(s: &Segment) -> Value {
    serde_json::to_value(s.state).unwrap_or(Value::Null)
}

// The only places that read the trace's ids (the core's `LaneId` and `TaskId` newtypes):
// kept together so a change of id types touches a handful of lines.

fn segment_lane(s: &Segment) -> usize {
    s.lane.index()
}

fn segment_task<'a>(trace: &'a Trace, s: &Segment) -> Option<&'a str> {
    s.task.map(|t| trace.task_name(t))
}

fn event_lane(e: &crate::sim::Event) -> Option<usize> {
    e.lane.map(|l| l.index())
}

fn event_task_index(e: &crate::sim::Event) -> Option<usize> {
    e.task.map(|t| t.index())
}

fn event_task<'a>(trace: &'a Trace, e: &crate::sim::Event) -> Option<&'a str> {
    e.task.map(|t| trace.task_name(t))
}
