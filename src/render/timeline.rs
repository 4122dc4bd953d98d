//! The Gantt timeline under each scene: a row per lane, segments coloured and patterned by state.

use crate::sim::{EventKind, LaneKind, Micros, State, Trace};

use super::palette::LARGE_TEXT;
use super::{compact_lane, count_labels, fit_any, Align, Font, Layer, Painter, Palette};

/// A rectangle of the canvas, in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Area {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Maps model time to x within an area, with `end` at the right edge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeScale {
    pub x0: f64,
    pub x1: f64,
    pub end: Micros,
}

impl TimeScale {
    pub fn x(&self, t: Micros) -> f64 {
        let end = self.end.0.max(1) as f64;
        self.x0 + (self.x1 - self.x0) * (t.0 as f64 / end).min(1.0)
    }
}

/// What the timeline needs of a trace, built once per trace (a frame must not walk the whole
/// trace): per lane, the indices of its segments in time order; the marks drawn over the
/// lanes (a task that raised, a task cancelled); the lanes drawn, in order (`drawn_lanes`).
#[derive(Clone, Debug, Default)]
pub struct LaneIndex {
    pub segments: Vec<Vec<usize>>,
    pub marks: Vec<Mark>,
    pub drawn: Vec<usize>,
}

/// Where a task's exception or cancellation is marked on a lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub lane: usize,
    pub at: Micros,
    /// It raised (`true`) or was cancelled (`false`).
    pub raised: bool,
}

impl LaneIndex {
    pub fn new(trace: &Trace) -> Self {
        let mut lanes = vec![Vec::new(); trace.lanes.len()];
        for (i, segment) in trace.segments.iter().enumerate() {
            if let Some(lane) = lanes.get_mut(segment.lane.index()) {
                lane.push(i);
            }
        }
        for lane in &mut lanes {
            lane.sort_by_key(|&i| (trace.segments[i].start, i));
        }
        // A task's own lane where it has one (an event loop's task rows), else the lane the
        // event happened on (the thread that ran it).
        let own_lane = |task| {
            trace
                .segments
                .iter()
                .find(|s| {
                    s.task == Some(task) && trace.lanes[s.lane.index()].kind == LaneKind::Task
                })
                .map(|s| s.lane.index())
        };
        let marks = trace
            .events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Raise | EventKind::Cancel))
            .filter_map(|e| {
                let lane = e.task.and_then(own_lane).or(e.lane.map(|l| l.index()))?;
                Some(Mark {
                    lane,
                    at: e.time,
                    raised: e.kind == EventKind::Raise,
                })
            })
            .collect();
        let drawn = drawn_lanes(trace, &lanes);
        LaneIndex {
            segments: lanes,
            marks,
            drawn,
        }
    }

    /// The segment of `lane` that covers `now`, if any.
    pub fn at(&self, trace: &Trace, lane: usize, now: Micros) -> Option<usize> {
        let list = self.segments.get(lane)?;
        let n = list.partition_point(|&i| trace.segments[i].start <= now);
        let i = *list.get(n.checked_sub(1)?)?;
        (trace.segments[i].end > now).then_some(i)
    }
}

/// A "nice" tick step (1, 2 or 5 times a power of ten) giving about `count` ticks up to `end`.
pub fn tick_step(end: Micros, count: u64) -> Micros {
    let raw = (end.0 / count.max(1)).max(1);
    let mut power = 1u64;
    while power * 10 <= raw {
        power *= 10;
    }
    let step = [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= raw)
        .unwrap_or(10 * power);
    Micros(step)
}

/// Where the playhead is: the model time, the end of the axis, and the lane of the current
/// event, which is outlined so that each step shows where it happened.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Playhead {
    pub now: Micros,
    pub end: Micros,
    pub focus: Option<usize>,
}

/// Draws the timeline of `trace` up to `now` (the future stays hidden, so learners can predict).
pub fn draw(
    p: &mut impl Painter,
    trace: &Trace,
    index: &LaneIndex,
    view: Playhead,
    area: Area,
    pal: &Palette,
) {
    draw_layer(p, trace, index, view, area, pal, Layer::Both);
}

/// Draws one `layer` of the timeline: the labels, rows and axis at the back; the bars, the
/// marks, the playhead and the current lane's highlighted label in front.
pub fn draw_layer(
    p: &mut impl Painter,
    trace: &Trace,
    index: &LaneIndex,
    view: Playhead,
    area: Area,
    pal: &Palette,
    layer: Layer,
) {
    let Playhead { now, end, focus } = view;
    let font = if pal.large {
        LARGE_TEXT
    } else {
        11.0_f64.max((area.h / 14.0).min(15.0))
    };
    // The same width in every panel of a lesson, so that their time axes line up.
    let label_w = (area.w * 0.22).clamp(48.0, if pal.large { 170.0 } else { 130.0 });
    let axis_h = font * 1.8;
    let rows_h = (area.h - axis_h).max(0.0);
    let min_row = font + 4.0;
    let fits = ((rows_h / min_row).floor() as usize).max(1);
    let lanes = &index.drawn;
    let shown = lanes.len().min(fits);
    let hidden = lanes.len() - shown;
    let row_h = if shown == 0 {
        0.0
    } else {
        (rows_h / shown as f64).min(font * 3.2)
    };
    let scale = TimeScale {
        x0: area.x + label_w,
        x1: area.x + area.w - 6.0,
        end,
    };
    let bar_gap = (row_h * 0.18).max(1.0);

    // Longest first; the kind alone ("task") where even the name cannot fit.
    let lane_options = |label: &str| {
        let mut options = vec![label.to_string(), compact_lane(label)];
        if let Some((kind, _)) = label.split_once(' ') {
            options.push(kind.trim_end_matches(':').to_string());
        }
        options
    };
    // One form for every lane's label (all whole names, or all shortened), the longest that
    // fits them all: "task A, task B, C, D" would read as different kinds of row.
    let named = shown - usize::from(hidden > 0);
    let level = (0..3)
        .find(|&k| {
            lanes.iter().take(named).all(|&l| {
                let options = lane_options(&trace.lanes[l].label);
                let option = &options[k.min(options.len() - 1)];
                p.text_width(option, font) <= label_w - 6.0
            })
        })
        .unwrap_or(2);
    for (row, &lane_no) in lanes.iter().enumerate().take(shown) {
        let lane = &trace.lanes[lane_no];
        let y = area.y + row as f64 * row_h;
        let options = if row + 1 == shown && hidden > 0 {
            let more = hidden + 1;
            let mut options = vec![format!("+{more} more lanes"), format!("+{more} more")];
            options.extend(count_labels(more));
            options
        } else {
            let mut options = lane_options(&lane.label);
            options.drain(..level.min(options.len() - 1));
            options
        };
        let focused = focus == Some(lane_no);
        if focused && layer.front() {
            p.fill_rect(area.x, y, label_w - 4.0, row_h, &pal.highlight);
        }
        // Every label at the back; the current lane's again in front, over its highlight.
        if layer.back() || focused {
            let options: Vec<&str> = options.iter().map(String::as_str).collect();
            let label = fit_any(p, &options, font, label_w - 6.0);
            p.text(
                area.x + 2.0,
                y + row_h / 2.0,
                &label,
                Font::regular(font),
                &pal.muted,
                Align::Left,
            );
        }
        if layer.back() {
            p.fill_rect(
                scale.x0,
                y + bar_gap,
                scale.x1 - scale.x0,
                row_h - 2.0 * bar_gap,
                &pal.surface,
            );
        }
        let Some(list) = index.segments.get(lane_no).filter(|_| layer.front()) else {
            continue;
        };
        // Neighbouring slivers narrower than half a pixel would cost draw calls and show nothing.
        let mut last_x = f64::NEG_INFINITY;
        for &i in list {
            let s = &trace.segments[i];
            if s.start >= now {
                break;
            }
            let x0 = scale.x(s.start);
            let x1 = scale.x(s.end.min(now));
            if x1 - x0 < 0.5 && x1 - last_x < 0.5 {
                continue;
            }
            last_x = x1;
            let (color, pattern) = pal.state(s.state);
            let (bx, bw) = (x0, (x1 - x0).max(0.75));
            let (by, bh) = (y + bar_gap, row_h - 2.0 * bar_gap);
            p.fill_rect(bx, by, bw, bh, color);
            if pattern != super::Pattern::Solid && bw > 3.0 {
                p.pattern_rect(bx, by, bw, bh, pattern, &pal.surface);
            }
        }
    }

    // A task that raised: a cross; one cancelled: a bar with a slash (told apart by shape,
    // not only colour).
    for mark in index.marks.iter().filter(|m| m.at <= now && layer.front()) {
        let Some(row) = lanes.iter().take(shown).position(|&x| x == mark.lane) else {
            continue;
        };
        let (cx, cy) = (scale.x(mark.at), area.y + row as f64 * row_h + row_h / 2.0);
        let r = (row_h * 0.3).clamp(3.0, 9.0);
        let width = if pal.thick { 3.0 } else { 2.0 };
        if mark.raised {
            p.line(cx - r, cy - r, cx + r, cy + r, &pal.blocked, width);
            p.line(cx - r, cy + r, cx + r, cy - r, &pal.blocked, width);
        } else {
            p.line(cx, cy - r, cx, cy + r, &pal.ink, width);
            p.line(cx - r, cy + r, cx + r, cy - r, &pal.ink, width);
        }
    }

    // The time axis with a few round ticks; a label at an edge is kept inside the canvas.
    let axis_y = area.y + shown as f64 * row_h + 2.0;
    if layer.front() {
        // The playhead.
        let x = scale.x(now);
        let width = if pal.thick { 3.0 } else { 2.0 };
        p.line(x, area.y, x, axis_y, &pal.accent, width);
    }
    if !layer.back() {
        return;
    }
    p.line(scale.x0, axis_y, scale.x1, axis_y, &pal.line, 1.0);
    let tick_px = if pal.large { font } else { font * 0.9 };
    // As many round ticks as fit (up to five): neighbours' labels a character's width apart.
    let span = scale.x1 - scale.x0;
    let step = (1..=5u64)
        .rev()
        .map(|count| tick_step(end, count))
        .find(|&step| {
            let ticks = end.0 / step.0.max(1) + 1;
            let widest = (0..ticks)
                .map(|k| p.text_width(&Micros(k * step.0).to_string(), tick_px))
                .fold(0.0, f64::max);
            let apart = span * step.0 as f64 / end.0.max(1) as f64;
            ticks <= 1 || apart >= widest + tick_px
        })
        .unwrap_or(Micros(end.0.max(1)));
    let (w, _) = p.size();
    let mut t = Micros(0);
    while t <= end {
        let x = scale.x(t);
        p.line(x, axis_y, x, axis_y + 4.0, &pal.line, 1.0);
        let text = t.to_string();
        let half = p.text_width(&text, tick_px) / 2.0;
        let cx = x.clamp(half + 1.0, w - half - 1.0);
        p.text(
            cx,
            axis_y + font,
            &text,
            Font::regular(tick_px),
            &pal.muted,
            Align::Center,
        );
        t = Micros(t.0 + step.0);
    }
}

/// The lanes a timeline draws, in order: every lane, except the cores in a run that barely
/// uses them (their busy time under 5% of the run, as in the I/O lessons), where they would
/// be empty rows, and in a run with one thread (sync, one event loop), where a core row only
/// repeats that thread's. Where the CPU matters, idle cores stay, since they are the point.
fn drawn_lanes(trace: &Trace, segments: &[Vec<usize>]) -> Vec<usize> {
    let is_core = |l: usize| trace.lanes[l].kind == LaneKind::Core;
    let busy: u64 = (0..trace.lanes.len())
        .filter(|&l| is_core(l))
        .flat_map(|l| segments.get(l).into_iter().flatten())
        .map(|&i| &trace.segments[i])
        .filter(|s| s.state == State::Running)
        .map(|s| s.end.0.saturating_sub(s.start.0))
        .sum();
    let runners = trace
        .lanes
        .iter()
        .filter(|l| match l.kind {
            LaneKind::Loop | LaneKind::Thread | LaneKind::Process | LaneKind::Interpreter => true,
            LaneKind::Core | LaneKind::Task => false,
        })
        .count();
    let keep_cores = runners > 1 && busy * 20 >= trace.stats.makespan.0;
    (0..trace.lanes.len())
        .filter(|&l| keep_cores || !is_core(l))
        .collect()
}
