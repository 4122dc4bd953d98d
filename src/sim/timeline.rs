//! Text views of a trace: the ASCII timeline (one row per lane, one character per time
//! bucket), the totals, and the full dump the golden tests compare. Used by the CLI.

use super::ids::TaskId;
use super::narrate;
use super::time::{Bytes, Micros};
use super::trace::{LaneKind, Outcome, State, Trace};
use std::fmt::Write;

/// Non-core lanes shown before the rest are summarised in one line.
pub const MAX_ROWS: usize = 16;
/// Events listed at the start of a dump (the last few are listed too).
pub const DUMP_EVENTS: usize = 60;

/// The character drawn for a state.
pub fn glyph(state: State) -> char {
    match state {
        State::Running => '#',
        State::Ready => '-',
        State::WaitingIo => '~',
        State::WaitingGil => 'g',
        State::WaitingPermit => 'w',
        State::Blocked => 'X',
        State::Starting => 's',
        State::Pickling => 'p',
        State::Idle => '.',
    }
}

/// The legend line: every glyph with its label.
pub fn legend() -> String {
    let parts: Vec<String> = State::ALL
        .iter()
        .map(|&s| format!("{} {}", glyph(s), s.label()))
        .collect();
    format!("legend: {}", parts.join(", "))
}

/// The lanes worth drawing: the first `MAX_ROWS` non-core lanes, then every core (up to
/// `MAX_ROWS` of them). Returns the lanes and how many were left out.
fn shown_lanes(trace: &Trace) -> (Vec<usize>, usize) {
    let others: Vec<usize> = (0..trace.lanes.len())
        .filter(|&l| trace.lanes[l].kind != LaneKind::Core)
        .collect();
    let cores: Vec<usize> = (0..trace.lanes.len())
        .filter(|&l| trace.lanes[l].kind == LaneKind::Core)
        .collect();
    let mut shown: Vec<usize> = others.iter().copied().take(MAX_ROWS).collect();
    shown.extend(cores.iter().copied().take(MAX_ROWS));
    (shown.clone(), trace.lanes.len() - shown.len())
}

/// The ASCII timeline, `width` characters of time wide.
pub fn render(trace: &Trace, width: usize) -> String {
    let width = width.max(10);
    let end = trace
        .segments
        .iter()
        .map(|s| s.end)
        .max()
        .unwrap_or(Micros::ZERO)
        .max(trace.stats.makespan);
    let bucket = (end.0.div_ceil(width as u64)).max(1);
    let (shown, hidden) = shown_lanes(trace);
    let mut row_of = vec![usize::MAX; trace.lanes.len()];
    for (row, &lane) in shown.iter().enumerate() {
        row_of[lane] = row;
    }
    // For every shown row and bucket, how long each state covered it.
    let mut cover = vec![[0u64; State::ALL.len()]; shown.len() * width];
    for s in &trace.segments {
        let row = row_of[s.lane.index()];
        if row == usize::MAX {
            continue;
        }
        let state = State::ALL.iter().position(|&x| x == s.state).unwrap_or(0);
        let first = (s.start.0 / bucket) as usize;
        let last = ((s.end.0.saturating_sub(1)) / bucket) as usize;
        for b in first..=last.min(width - 1) {
            let lo = s.start.0.max(b as u64 * bucket);
            let hi = s.end.0.min((b as u64 + 1) * bucket);
            cover[row * width + b][state] += hi.saturating_sub(lo);
        }
    }
    let label_width = shown
        .iter()
        .map(|&l| trace.lanes[l].label.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:label_width$} 0{:>w$}",
        "",
        end.to_string(),
        w = width
    );
    for (row, &lane) in shown.iter().enumerate() {
        if hidden > 0
            && trace.lanes[lane].kind == LaneKind::Core
            && (row == 0 || trace.lanes[shown[row - 1]].kind != LaneKind::Core)
        {
            let _ = writeln!(out, "{:label_width$} ({hidden} more lanes not shown)", "");
        }
        let line: String = (0..width)
            .map(|b| {
                let c = &cover[row * width + b];
                let (best, amount) = c
                    .iter()
                    .enumerate()
                    .max_by_key(|&(i, &v)| (v, std::cmp::Reverse(i)))
                    .unwrap_or((0, &0));
                if *amount == 0 {
                    ' '
                } else {
                    glyph(State::ALL[best])
                }
            })
            .collect();
        let _ = writeln!(out, "{:label_width$} |{line}|", trace.lanes[lane].label);
    }
    let _ = writeln!(out, "{}", legend());
    out
}

/// The totals as text.
pub fn stats(trace: &Trace) -> String {
    let s = &trace.stats;
    let mut out = String::new();
    let _ = writeln!(out, "makespan: {}", s.makespan);
    let latencies: Vec<String> = s
        .task_latency
        .iter()
        .zip(&trace.task_names)
        .enumerate()
        .take(8)
        .map(|(i, (l, n))| match trace.outcome(TaskId::new(i)) {
            Outcome::Done => format!("{n} {l}"),
            Outcome::Raised => format!("{n} {l} (raised)"),
            Outcome::Cancelled => format!("{n} {l} (cancelled)"),
            Outcome::NotRun => format!("{n} never ran"),
        })
        .collect();
    let more = s.task_latency.len().saturating_sub(8);
    let tail = if more > 0 {
        format!(" (+{more} more)")
    } else {
        String::new()
    };
    let _ = writeln!(out, "task latency: {}{tail}", latencies.join(", "));
    let busy: Vec<String> = s.cpu_busy_per_core.iter().map(|b| b.to_string()).collect();
    let _ = writeln!(out, "cpu busy per core: {}", busy.join(", "));
    let _ = writeln!(out, "gil wait: {}", s.gil_wait);
    let _ = writeln!(
        out,
        "memory: {} reserved, {} resident",
        Bytes(s.memory_reserved),
        Bytes(s.memory_resident)
    );
    let _ = writeln!(out, "events: {}", trace.events.len());
    out
}

/// One event as a line of text: time, kind, task, lane, step, narration.
pub fn event_line(trace: &Trace, i: usize) -> String {
    let e = &trace.events[i];
    let task = e.task.map_or("-", |t| trace.task_name(t));
    let lane = e.lane.map_or("-", |l| trace.lane(l).label.as_str());
    let step = e
        .step
        .map(|s| s.to_string())
        .unwrap_or_else(|| "-".to_string());
    format!(
        "{:>9} {:<16} {task:<8} {lane:<14} step {step:<3} {}",
        e.time.to_string(),
        e.kind.label(),
        narrate::sentence(trace, i)
    )
}

/// The full text dump: timeline, totals, then the events (long streams are abridged).
pub fn dump(trace: &Trace) -> String {
    let mut out = format!("model: {}\n", trace.model);
    out.push_str(&render(trace, 60));
    out.push_str(&stats(trace));
    let n = trace.events.len();
    for i in 0..n {
        if i == DUMP_EVENTS && n > DUMP_EVENTS + 10 {
            let _ = writeln!(out, "... {} events omitted ...", n - DUMP_EVENTS - 10);
        }
        if i < DUMP_EVENTS || i + 10 >= n {
            let _ = writeln!(out, "{}", event_line(trace, i));
        }
    }
    out
}
