//! A model's picture at the playhead (loop, threads and GIL, or processes) above its timeline.

use crate::sim::models::descriptor;
use crate::sim::{
    LaneId, LaneKind, Micros, Shape, Snapshot, State, TaskId, Trace, PROCESS_RESIDENT,
};

use super::timeline::{self, Area, LaneIndex, Playhead};
use super::{Align, Font, Painter, Palette};

/// Draws the whole canvas of one scene: the picture of the model at `now` and the timeline.
pub fn draw_scene(
    p: &mut impl Painter,
    trace: &Trace,
    index: &LaneIndex,
    latest: Option<usize>,
    now: Micros,
    end: Micros,
    pal: &Palette,
) {
    let (w, h) = p.size();
    p.clear(&pal.background);
    let top_h = (h * 0.47).clamp(110.0, 260.0);
    let focus = latest
        .and_then(|e| trace.events.get(e))
        .and_then(|e| e.lane);
    let snap = latest.and_then(|e| trace.snapshot(e)).unwrap_or_default();
    let top = Area {
        x: 10.0,
        y: 8.0,
        w: w - 20.0,
        h: top_h - 12.0,
    };
    let ctx = Ctx {
        trace,
        snap: &snap,
        latest,
        now,
        pal,
        // Projection (the thick palette) gets larger type.
        font: (top.h / 9.0).clamp(11.0, if pal.thick { 24.0 } else { 17.0 }),
        focus,
    };
    match descriptor(trace.model).shape {
        Shape::Sequential | Shape::EventLoop { .. } => draw_loop(p, &ctx, top),
        Shape::ThreadPool { .. } => draw_workers(p, &ctx, top, LaneKind::Thread),
        Shape::ProcessPool => draw_workers(p, &ctx, top, LaneKind::Process),
    }
    let bottom = Area {
        x: 10.0,
        y: top_h + 4.0,
        w: w - 20.0,
        h: h - top_h - 8.0,
    };
    let view = Playhead {
        now,
        end,
        focus: focus.map(LaneId::index),
    };
    timeline::draw(p, trace, index, view, bottom, pal);
}

/// A one-sentence text alternative for the canvas.
pub fn describe(trace: &Trace, latest: Option<usize>, now: Micros) -> String {
    let Some(snap) = latest.and_then(|e| trace.snapshot(e)) else {
        return format!("{}: not started.", trace.model.as_str());
    };
    let names = |ids: &[TaskId]| {
        ids.iter()
            .map(|&t| name(trace, t))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = vec![format!("{} at {now}", trace.model.as_str())];
    if snap.loop_frozen {
        parts.push("the event loop is frozen".into());
    }
    parts.push(if snap.running.is_empty() {
        "nothing running".into()
    } else {
        format!("running: {}", names(&snap.running))
    });
    if snap.ready_len > 0 {
        parts.push(format!("{} ready ({})", snap.ready_len, names(&snap.ready)));
    }
    if snap.io_len > 0 {
        parts.push(format!("{} waiting on I/O", snap.io_len));
    }
    if let Some(holder) = snap.gil_holders.first() {
        parts.push(format!("GIL held by {}", name(trace, *holder)));
    }
    if snap.gil_waiters_len > 0 {
        parts.push(format!("{} waiting for the GIL", snap.gil_waiters_len));
    }
    parts.join("; ") + "."
}

struct Ctx<'a> {
    trace: &'a Trace,
    snap: &'a Snapshot,
    /// The current event: everything drawn is the state right after it.
    latest: Option<usize>,
    now: Micros,
    pal: &'a Palette,
    font: f64,
    /// The lane of the current event.
    focus: Option<LaneId>,
}

impl Ctx<'_> {
    /// What `lane` shows right after the current event; nothing before the first event.
    fn state(&self, lane: usize) -> Option<(State, Option<TaskId>)> {
        self.trace.lane_state(LaneId::new(lane), self.latest?)
    }
}

/// `text` shortened with an ellipsis to fit `width` pixels at `px`.
fn fit(p: &impl Painter, text: &str, px: f64, width: f64) -> String {
    if p.text_width(text, px) <= width {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let short: String = chars.iter().collect::<String>() + "…";
        if p.text_width(&short, px) <= width {
            return short;
        }
    }
    String::new()
}

fn name(trace: &Trace, task: TaskId) -> String {
    trace
        .task_names
        .get(task.index())
        .cloned()
        .unwrap_or_else(|| format!("task {task}"))
}

/// The text colour on a fill, for WCAG AA contrast in every theme: white only on the dark
/// blue of "running", the theme's ink on neutral fills, black on every other state colour.
fn on<'a>(pal: &'a Palette, fill: &str) -> &'a str {
    if fill == pal.running {
        "#ffffff"
    } else if [&pal.idle, &pal.line, &pal.surface, &pal.background]
        .iter()
        .any(|c| c.as_str() == fill)
    {
        &pal.ink
    } else {
        "#000000"
    }
}

/// A labelled chip; returns its width.
fn chip(p: &mut impl Painter, x: f64, y: f64, text: &str, px: f64, fill: &str, ink: &str) -> f64 {
    let w = p.text_width(text, px) + px * 1.1;
    p.round_rect(x, y, w, px * 1.7, px * 0.5, fill);
    p.text(
        x + w / 2.0,
        y + px * 0.85,
        text,
        Font::bold(px),
        ink,
        Align::Center,
    );
    w
}

/// A row of task chips that stops with "+N" when the space runs out.
fn chip_row(p: &mut impl Painter, ctx: &Ctx, area: Area, ids: &[TaskId], total: usize, fill: &str) {
    let px = ctx.font;
    let mut x = area.x;
    for (shown, &t) in ids.iter().enumerate() {
        let label = name(ctx.trace, t);
        let need = p.text_width(&label, px) + px * 1.6;
        if x + need > area.x + area.w - px * 3.0 {
            chip(
                p,
                x,
                area.y,
                &format!("+{}", total - shown),
                px,
                &ctx.pal.idle,
                &ctx.pal.ink,
            );
            return;
        }
        x += chip(p, x, area.y, &label, px, fill, on(ctx.pal, fill)) + px * 0.4;
    }
    if total > ids.len() {
        chip(
            p,
            x,
            area.y,
            &format!("+{}", total - ids.len()),
            px,
            &ctx.pal.idle,
            &ctx.pal.ink,
        );
    } else if ids.is_empty() {
        p.text(
            area.x,
            area.y + px * 0.85,
            "empty",
            Font::regular(px),
            &ctx.pal.muted,
            Align::Left,
        );
    }
}

/// The event loop as the chef: what it cooks now, the ready queue, the dishes in the oven.
fn draw_loop(p: &mut impl Painter, ctx: &Ctx, a: Area) {
    let (pal, px, snap) = (ctx.pal, ctx.font, ctx.snap);
    let chef_w = (a.w * 0.36).clamp(120.0, 280.0);
    let sync = descriptor(ctx.trace.model).shape == Shape::Sequential;
    // Plain code has no loop: its one main thread plays the same part.
    let loop_lane = ctx
        .trace
        .lanes
        .iter()
        .position(|l| l.kind == LaneKind::Loop || (sync && l.kind == LaneKind::Thread));
    let state = loop_lane.and_then(|l| ctx.state(l));
    let who = |t: Option<TaskId>| t.map(|t| name(ctx.trace, t)).unwrap_or_default();
    let (fill, headline, sub): (&str, String, String) = match state {
        Some((State::Blocked, t)) => (
            &pal.blocked,
            "LOOP FROZEN".to_string(),
            format!("{} blocks; nothing else moves", who(t)),
        ),
        _ if snap.loop_frozen => (
            &pal.blocked,
            "LOOP FROZEN".to_string(),
            "a step that never awaits".to_string(),
        ),
        Some((State::Running, None)) => (
            &pal.running,
            "scheduling".to_string(),
            "picks the next ready task".to_string(),
        ),
        Some((State::Running, t)) => {
            let sub = if sync {
                "running"
            } else {
                "running until it awaits"
            };
            (&pal.running, who(t), sub.to_string())
        }
        Some((State::WaitingIo, t)) if sync => (
            &pal.io,
            who(t),
            "waiting; the thread can do nothing else".to_string(),
        ),
        Some((State::WaitingIo | State::Idle, _)) => (
            &pal.idle,
            "idle".to_string(),
            "waiting for timers and I/O".to_string(),
        ),
        Some((other, t)) => (pal.state(other).0, who(t), other.label().to_string()),
        None if ctx.latest.is_some_and(|e| e + 1 < ctx.trace.events.len()) => (
            &pal.idle,
            "idle".to_string(),
            "between two tasks".to_string(),
        ),
        None if ctx.latest.is_some() => (&pal.idle, "done".to_string(), String::new()),
        None => (&pal.idle, "not started".to_string(), String::new()),
    };
    let title = if sync { "main thread" } else { "event loop" };
    p.text(
        a.x,
        a.y + px * 0.7,
        &fit(p, title, px * 0.9, chef_w),
        Font::regular(px * 0.9),
        &pal.muted,
        Align::Left,
    );
    let box_y = a.y + px * 1.5;
    let box_h = (a.h - px * 1.5).min(px * 6.0);
    p.round_rect(a.x, box_y, chef_w, box_h, 10.0, fill);
    if fill == pal.blocked {
        p.pattern_rect(
            a.x,
            box_y,
            chef_w,
            box_h,
            super::Pattern::Cross,
            &pal.surface,
        );
    }
    let ink = on(pal, fill);
    let big = (px * 1.35).min(chef_w / (headline.chars().count().max(4) as f64 * 0.72));
    p.text(
        a.x + chef_w / 2.0,
        box_y + box_h * 0.4,
        &headline,
        Font::bold(big),
        ink,
        Align::Center,
    );
    let small = (px * 0.8).max(10.0);
    let sub = fit(p, &sub, small, chef_w - 8.0);
    p.text(
        a.x + chef_w / 2.0,
        box_y + box_h * 0.72,
        &sub,
        Font::regular(small),
        ink,
        Align::Center,
    );

    let rx = a.x + chef_w + px;
    let rw = a.w - chef_w - px;
    let row = |k: f64| a.y + k * px * 3.3;
    let label = if sync {
        "still to do"
    } else {
        "ready queue (FIFO)"
    };
    p.text(
        rx,
        row(0.0) + px * 0.7,
        &fit(p, label, px * 0.9, rw),
        Font::regular(px * 0.9),
        &pal.muted,
        Align::Left,
    );
    chip_row(
        p,
        ctx,
        Area {
            x: rx,
            y: row(0.0) + px * 1.4,
            w: rw,
            h: px * 1.7,
        },
        &snap.ready,
        snap.ready_len,
        &pal.ready,
    );

    p.text(
        rx,
        row(1.0) + px * 0.7,
        &fit(p, "waiting on I/O (in the oven)", px * 0.9, rw),
        Font::regular(px * 0.9),
        &pal.muted,
        Align::Left,
    );
    let mut x = rx;
    let y = row(1.0) + px * 1.4;
    for (shown, &(t, wake)) in snap.io_waiters.iter().enumerate() {
        let left = wake.saturating_sub(ctx.now);
        let text = format!("{} {left}", name(ctx.trace, t));
        if x + p.text_width(&text, px) + px * 3.0 > rx + rw {
            chip(
                p,
                x,
                y,
                &format!("+{}", snap.io_len - shown),
                px,
                &pal.idle,
                &pal.ink,
            );
            break;
        }
        x += chip(p, x, y, &text, px, &pal.io, on(pal, &pal.io)) + px * 0.4;
    }
    if snap.io_waiters.is_empty() {
        p.text(
            rx,
            y + px * 0.85,
            "none",
            Font::regular(px),
            &pal.muted,
            Align::Left,
        );
    } else if snap.io_len > snap.io_waiters.len() && x + px * 3.0 <= rx + rw {
        chip(
            p,
            x,
            y,
            &format!("+{}", snap.io_len - snap.io_waiters.len()),
            px,
            &pal.idle,
            &pal.ink,
        );
    }

    // The hybrid model's process pool: one small box per worker process.
    let procs: Vec<usize> = (0..ctx.trace.lanes.len())
        .filter(|&l| ctx.trace.lanes[l].kind == LaneKind::Process)
        .collect();
    if !procs.is_empty() && row(2.0) + px * 3.0 <= a.y + a.h + px {
        p.text(
            rx,
            row(2.0) + px * 0.7,
            "process pool",
            Font::regular(px * 0.9),
            &pal.muted,
            Align::Left,
        );
        let mut x = rx;
        for lane in procs {
            let (state, task) = ctx.state(lane).unwrap_or((State::Idle, None));
            let text = task.map_or_else(
                || ctx.trace.lanes[lane].label.clone(),
                |t| name(ctx.trace, t),
            );
            let (color, _) = pal.state(state);
            x += chip(p, x, row(2.0) + px * 1.4, &text, px, color, on(pal, color)) + px * 0.4;
        }
    }
}

/// Threads or processes: a card per worker with its state; the GIL token beside its holder.
fn draw_workers(p: &mut impl Painter, ctx: &Ctx, a: Area, kind: LaneKind) {
    let (pal, px, snap) = (ctx.pal, ctx.font, ctx.snap);
    let lanes: Vec<usize> = (0..ctx.trace.lanes.len())
        .filter(|&l| ctx.trace.lanes[l].kind == kind)
        .collect();
    let cores: Vec<usize> = (0..ctx.trace.lanes.len())
        .filter(|&l| ctx.trace.lanes[l].kind == LaneKind::Core)
        .collect();
    let has_gil = descriptor(ctx.trace.model).shape == Shape::ThreadPool { gil: true };
    let side_w = if has_gil {
        (a.w * 0.3).clamp(100.0, 220.0)
    } else {
        0.0
    };
    let cores_h = if cores.is_empty() { 0.0 } else { px * 2.2 };
    let grid = Area {
        x: a.x,
        y: a.y,
        w: a.w - side_w,
        h: a.h - cores_h,
    };
    let cols = if kind == LaneKind::Process {
        ((grid.w / (px * 11.0)).floor() as usize).max(1)
    } else {
        1
    };
    let rows_fit = ((grid.h / (px * 1.8)).floor() as usize).max(1);
    let capacity = cols * rows_fit;
    let cell_w = grid.w / cols as f64 - px * 0.4;
    let cell_h = (grid.h / rows_fit as f64).min(px * 2.4) - px * 0.3;
    for (n, &lane) in lanes.iter().enumerate().take(capacity) {
        let (x, y) = (
            grid.x + (n % cols) as f64 * (cell_w + px * 0.4),
            grid.y + (n / cols) as f64 * (cell_h + px * 0.3),
        );
        if n + 1 == capacity && lanes.len() > capacity {
            p.text(
                x + px * 0.5,
                y + cell_h / 2.0,
                &format!("+{} more", lanes.len() - n),
                Font::bold(px),
                &pal.muted,
                Align::Left,
            );
            break;
        }
        let (state, task) = ctx.state(lane).unwrap_or((State::Idle, None));
        let (color, pattern) = pal.state(state);
        p.round_rect(x, y, cell_w, cell_h, 8.0, &pal.surface);
        if ctx.focus == Some(LaneId::new(lane)) {
            p.stroke_rect(
                x,
                y,
                cell_w,
                cell_h,
                &pal.accent,
                if pal.thick { 3.0 } else { 2.0 },
            );
        }
        p.fill_rect(x, y, px * 0.5, cell_h, color);
        if pattern != super::Pattern::Solid {
            p.pattern_rect(x, y, px * 0.5, cell_h, pattern, &pal.surface);
        }
        let who = task.map(|t| name(ctx.trace, t)).unwrap_or_default();
        let mut text = format!(
            "{}  {}  {}",
            ctx.trace.lanes[lane].label,
            who,
            state.label()
        );
        if kind == LaneKind::Process {
            // Each process is a separate desk: its own interpreter, memory and GIL.
            text.push_str(&format!("  · own memory {PROCESS_RESIDENT}"));
        }
        // Leave room for the GIL token at the right of the card.
        let room = cell_w - px * 0.9 - (cell_h * 0.36).min(px * 0.9) * 2.0 - 10.0;
        p.text(
            x + px * 0.9,
            y + cell_h / 2.0,
            &fit(p, &text, px * 0.9, room),
            Font::regular(px * 0.9),
            &pal.ink,
            Align::Left,
        );
        // The GIL token sits on the card of the thread that holds it.
        let holds = has_gil && task.is_some_and(|t| snap.gil_holders.contains(&t));
        let own_gil = kind == LaneKind::Process;
        if holds || own_gil {
            let r = (cell_h * 0.36).min(px * 0.9);
            let busy = holds || state == State::Running;
            let fill = if busy { &pal.gil } else { &pal.idle };
            p.circle(x + cell_w - r - 6.0, y + cell_h / 2.0, r, fill);
            p.text(
                x + cell_w - r - 6.0,
                y + cell_h / 2.0,
                "GIL",
                Font::bold(r * 0.8),
                "#000000",
                Align::Center,
            );
        }
    }
    if has_gil {
        let sx = a.x + a.w - side_w + px * 0.6;
        let holder = snap.gil_holders.first().copied();
        p.text(
            sx,
            a.y + px * 0.7,
            "the GIL",
            Font::regular(px * 0.85),
            &pal.muted,
            Align::Left,
        );
        p.circle(
            sx + px * 1.3,
            a.y + px * 2.8,
            px * 1.2,
            if holder.is_some() {
                &pal.gil
            } else {
                &pal.idle
            },
        );
        p.text(
            sx + px * 1.3,
            a.y + px * 2.8,
            "GIL",
            Font::bold(px * 0.85),
            "#000000",
            Align::Center,
        );
        let held = holder.map_or("free".to_string(), |t| {
            format!("held by {}", name(ctx.trace, t))
        });
        p.text(
            sx + px * 2.8,
            a.y + px * 2.8,
            &fit(p, &held, px * 0.8, side_w - px * 3.4),
            Font::regular(px * 0.8),
            &pal.ink,
            Align::Left,
        );
        p.text(
            sx,
            a.y + px * 4.8,
            &format!("waiting: {}", snap.gil_waiters_len),
            Font::regular(px * 0.9),
            &pal.muted,
            Align::Left,
        );
        chip_row(
            p,
            ctx,
            Area {
                x: sx,
                y: a.y + px * 5.8,
                w: side_w - px,
                h: px * 1.7,
            },
            &snap.gil_waiters,
            snap.gil_waiters_len,
            &pal.gil,
        );
    }
    if !cores.is_empty() {
        let y = a.y + a.h - cores_h + px * 0.3;
        p.text(
            a.x,
            y + px * 0.8,
            "cores",
            Font::regular(px * 0.85),
            &pal.muted,
            Align::Left,
        );
        let size = px * 1.5;
        for (n, &lane) in cores.iter().enumerate().take(64) {
            let busy = matches!(ctx.state(lane), Some((State::Running, _)));
            let x = a.x + px * 3.6 + n as f64 * (size + 4.0);
            p.round_rect(
                x,
                y,
                size,
                size,
                3.0,
                if busy { &pal.running } else { &pal.idle },
            );
        }
        // The pool's to-do list and the I/O waiters change at events the cards may not show.
        let counts = format!("to do: {} · on I/O: {}", snap.ready_len, snap.io_len);
        // Beside the GIL panel there is no room on this row: the counts go under the waiters.
        let (cx, cy) = if has_gil {
            (a.x + a.w, a.y + px * 8.6)
        } else {
            (a.x + a.w, y + px * 0.8)
        };
        p.text(
            cx,
            cy,
            &fit(
                p,
                &counts,
                px * 0.85,
                if has_gil { side_w - px } else { a.w * 0.5 },
            ),
            Font::regular(px * 0.85),
            &pal.muted,
            Align::Right,
        );
    }
}
