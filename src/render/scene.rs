//! A model's picture at the playhead (loop, threads and GIL, or processes) above its timeline.

use crate::sim::models::descriptor;
use crate::sim::{
    LaneId, LaneKind, LoopPool, Micros, Shape, Snapshot, State, TaskId, Trace, PROCESS_RESIDENT,
};

use super::palette::LARGE_TEXT;
use super::timeline::{self, Area, LaneIndex, Playhead};
use super::{
    compact_lane, count_labels, fit_any, fit_bold, fit_shrink, Align, Font, Layer, Painter, Palette,
};

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
    draw_scene_layer(p, trace, index, latest, now, end, pal, Layer::Both);
}

/// Draws one `layer` of a scene (`Layer`): the back once per size, theme and axis, the front
/// every frame over it.
#[allow(clippy::too_many_arguments)]
pub fn draw_scene_layer(
    p: &mut impl Painter,
    trace: &Trace,
    index: &LaneIndex,
    latest: Option<usize>,
    now: Micros,
    end: Micros,
    pal: &Palette,
    layer: Layer,
) {
    let (w, h) = p.size();
    if layer.back() {
        p.clear(&pal.background);
    } else {
        p.clear_transparent();
    }
    let top_h = (h * 0.47).clamp(110.0, if pal.large { 380.0 } else { 260.0 });
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
    // Presentation mode's smallest text is LARGE_TEXT; the high-contrast theme gets larger type.
    let font = if pal.large {
        (top.h / 8.0).clamp(LARGE_TEXT / 0.85, 32.0)
    } else {
        (top.h / 9.0).clamp(11.0, if pal.thick { 24.0 } else { 17.0 })
    };
    let small = if pal.large {
        LARGE_TEXT
    } else {
        (font * 0.85).max(10.0)
    };
    let ctx = Ctx {
        trace,
        snap: &snap,
        latest,
        now,
        pal,
        font,
        small,
        focus,
    };
    if layer.front() {
        match descriptor(trace.model).shape {
            Shape::Sequential | Shape::EventLoop { .. } => draw_loop(p, &ctx, top),
            Shape::ThreadPool { .. } => draw_workers(p, &ctx, top, LaneKind::Thread),
            Shape::ProcessPool => draw_workers(p, &ctx, top, LaneKind::Process),
            Shape::InterpreterPool => draw_workers(p, &ctx, top, LaneKind::Interpreter),
        }
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
    timeline::draw_layer(p, trace, index, view, bottom, pal, layer);
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
    /// Labels and secondary text (never below LARGE_TEXT in presentation mode).
    small: f64,
    /// The lane of the current event.
    focus: Option<LaneId>,
}

impl Ctx<'_> {
    /// What `lane` shows right after the current event; nothing before the first event.
    fn state(&self, lane: usize) -> Option<(State, Option<TaskId>)> {
        self.trace.lane_state(LaneId::new(lane), self.latest?)
    }
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
    let w = p.bold_width(text, px) + px * 1.1;
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

/// The "+N" chip for `n` tasks with no room of their own, ending at `right` at the latest:
/// "+10k" where "+10000" does not fit. Returns its width, or None (reported) if neither fits.
fn more_chip(p: &mut impl Painter, ctx: &Ctx, x: f64, y: f64, n: usize, right: f64) -> Option<f64> {
    let px = ctx.font;
    let options = count_labels(n);
    if let Some(text) = options
        .iter()
        .find(|t| x + p.bold_width(t, px) + px * 1.1 <= right)
    {
        return Some(chip(p, x, y, text, px, &ctx.pal.idle, &ctx.pal.ink));
    }
    // Then the shortest a little smaller (never in presentation mode, whose text stays large).
    let shortest = options.last().map(String::as_str).unwrap_or_default();
    let least = if ctx.pal.large { px } else { 9.0 };
    let room = right - x;
    let size = (px * room / (p.bold_width(shortest, px) + px * 1.1).max(1.0)).min(px);
    if size >= least {
        return Some(chip(p, x, y, shortest, size, &ctx.pal.idle, &ctx.pal.ink));
    }
    // A count that cannot be shown hides how many wait: reported like a cut label.
    p.note_cut(&format!("+{n}"));
    None
}

/// The width `more_chip` needs for `n`, at its shortest.
fn more_width(p: &impl Painter, px: f64, n: usize) -> f64 {
    let shortest = count_labels(n).pop().unwrap_or_default();
    p.bold_width(&shortest, px) + px * 1.1
}

/// A row of task chips that stops with "+N" when the space runs out.
fn chip_row(p: &mut impl Painter, ctx: &Ctx, area: Area, ids: &[TaskId], total: usize, fill: &str) {
    let px = ctx.font;
    let mut x = area.x;
    for (shown, &t) in ids.iter().enumerate() {
        let label = name(ctx.trace, t);
        let need = p.bold_width(&label, px) + px * 1.6;
        // Room is kept for the "+N" chip that would follow, at its own width.
        let rest = total - shown;
        let reserve = if rest > 1 {
            more_width(p, px, rest - 1) + px * 0.4
        } else {
            0.0
        };
        if x + need + reserve > area.x + area.w {
            more_chip(p, ctx, x, area.y, rest, area.x + area.w);
            return;
        }
        x += chip(p, x, area.y, &label, px, fill, on(ctx.pal, fill)) + px * 0.4;
    }
    if total > ids.len() {
        more_chip(p, ctx, x, area.y, total - ids.len(), area.x + area.w);
    } else if ids.is_empty() {
        let empty = fit_any(p, &["empty", "none", "0"], ctx.small, area.w);
        p.text(
            area.x,
            area.y + px * 0.85,
            &empty,
            Font::regular(ctx.small),
            &ctx.pal.muted,
            Align::Left,
        );
    }
}

/// The event loop as the chef: what it cooks now, the ready queue, the dishes in the oven.
fn draw_loop(p: &mut impl Painter, ctx: &Ctx, a: Area) {
    let (pal, px, snap) = (ctx.pal, ctx.font, ctx.snap);
    let chef_w = if ctx.pal.large {
        (a.w * 0.42).clamp(120.0, 340.0)
    } else {
        (a.w * 0.36).clamp(120.0, 280.0)
    };
    let sync = descriptor(ctx.trace.model).shape == Shape::Sequential;
    // Plain code has no loop: its one main thread plays the same part.
    let loop_lane = ctx
        .trace
        .lanes
        .iter()
        .position(|l| l.kind == LaneKind::Loop || (sync && l.kind == LaneKind::Thread));
    let state = loop_lane.and_then(|l| ctx.state(l));
    let who = |t: Option<TaskId>| t.map(|t| name(ctx.trace, t)).unwrap_or_default();
    // The line under the headline, longest first: the first that fits is drawn.
    let subs = |options: &[&str]| options.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let (fill, headline, sub): (&str, String, Vec<String>) = match state {
        Some((State::Blocked, t)) => (
            &pal.blocked,
            "LOOP FROZEN".to_string(),
            vec![
                format!("{} blocks; nothing else moves", who(t)),
                format!("{} blocks", who(t)),
                "blocked".to_string(),
            ],
        ),
        _ if snap.loop_frozen => (
            &pal.blocked,
            "LOOP FROZEN".to_string(),
            subs(&["a step that never awaits", "never awaits", "no await"]),
        ),
        Some((State::Running, None)) => (
            &pal.running,
            "scheduling".to_string(),
            subs(&["picks the next ready task", "picks the next task", "picks"]),
        ),
        Some((State::Running, t)) => {
            let sub = if sync {
                subs(&["running"])
            } else {
                subs(&["running until it awaits", "until it awaits", "running"])
            };
            (&pal.running, who(t), sub)
        }
        Some((State::WaitingIo, t)) if sync => (
            &pal.io,
            who(t),
            subs(&[
                "waiting; the thread can do nothing else",
                "waiting; nothing else runs",
                "waiting",
            ]),
        ),
        Some((State::WaitingIo | State::Idle, _)) => (
            &pal.idle,
            "idle".to_string(),
            subs(&["waiting for timers and I/O", "waiting for I/O", "waiting"]),
        ),
        // The loop's own Python waits while a worker thread (to_thread) holds the GIL.
        Some((State::WaitingGil, _)) => (
            &pal.gil,
            "waiting".to_string(),
            subs(&["for the GIL a thread holds", "for the GIL", "GIL"]),
        ),
        Some((other, t)) => (pal.state(other).0, who(t), vec![other.label().to_string()]),
        None if ctx.latest.is_some_and(|e| e + 1 < ctx.trace.events.len()) => (
            &pal.idle,
            "idle".to_string(),
            subs(&["between two tasks", "between tasks", "between"]),
        ),
        None if ctx.latest.is_some() => (&pal.idle, "done".to_string(), Vec::new()),
        None => (&pal.idle, "not started".to_string(), Vec::new()),
    };
    let sm = ctx.small;
    let title: &[&str] = if sync {
        &["main thread", "main"]
    } else {
        &["event loop", "loop"]
    };
    let title = fit_any(p, title, sm, chef_w);
    p.text(
        a.x,
        a.y + px * 0.7,
        &title,
        Font::regular(sm),
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
    // "LOOP FROZEN" says which loop; in a narrow box "FROZEN" says enough beside "event loop"
    // (and "picking" beside "picks the next task").
    let narrow = p.bold_width(&headline, sm) > chef_w - 10.0;
    let headline = match headline.as_str() {
        "LOOP FROZEN" if narrow => "FROZEN".to_string(),
        "scheduling" if narrow => "picking".to_string(),
        _ => headline,
    };
    // Below the small size only outside presentation mode (whose text stays large), where
    // the high-contrast theme's larger type meets a narrow box.
    let least = if pal.large { sm } else { (sm * 0.7).max(9.0) };
    let big = fit_bold(p, &headline, px * 1.35, least, chef_w - 10.0);
    p.text(
        a.x + chef_w / 2.0,
        box_y + box_h * 0.4,
        &headline,
        Font::bold(big),
        ink,
        Align::Center,
    );
    let sub: Vec<&str> = sub.iter().map(String::as_str).collect();
    let sub = fit_any(p, &sub, sm, chef_w - 10.0);
    p.text(
        a.x + chef_w / 2.0,
        box_y + box_h * 0.72,
        &sub,
        Font::regular(sm),
        ink,
        Align::Center,
    );

    let rx = a.x + chef_w + px;
    let rw = a.w - chef_w - px;
    let row = |k: f64| a.y + k * px * 3.3;
    let label: &[&str] = if sync {
        &["still to do", "to do"]
    } else {
        &["ready queue (FIFO)", "ready queue", "ready"]
    };
    let label = fit_any(p, label, sm, rw);
    p.text(
        rx,
        row(0.0) + px * 0.7,
        &label,
        Font::regular(sm),
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

    let oven = fit_any(
        p,
        &["waiting on I/O (in the oven)", "waiting on I/O", "on I/O"],
        sm,
        rw,
    );
    p.text(
        rx,
        row(1.0) + px * 0.7,
        &oven,
        Font::regular(sm),
        &pal.muted,
        Align::Left,
    );
    let mut x = rx;
    let y = row(1.0) + px * 1.4;
    // Set once the chips run out of room and a "+N" stands for the rest.
    let mut counted = false;
    for (shown, &(t, wake)) in snap.io_waiters.iter().enumerate() {
        let left = wake.saturating_sub(ctx.now);
        let text = format!("{} {left}", name(ctx.trace, t));
        let rest = snap.io_len - shown;
        let reserve = if rest > 1 {
            more_width(p, px, rest - 1) + px * 0.4
        } else {
            0.0
        };
        if x + p.bold_width(&text, px) + px * 1.1 + reserve > rx + rw {
            more_chip(p, ctx, x, y, rest, rx + rw);
            counted = true;
            break;
        }
        x += chip(p, x, y, &text, px, &pal.io, on(pal, &pal.io)) + px * 0.4;
    }
    if snap.io_waiters.is_empty() {
        let none = fit_any(p, &["none", "0"], sm, rw);
        p.text(
            rx,
            y + px * 0.85,
            &none,
            Font::regular(sm),
            &pal.muted,
            Align::Left,
        );
    } else if !counted && snap.io_len > snap.io_waiters.len() {
        more_chip(p, ctx, x, y, snap.io_len - snap.io_waiters.len(), rx + rw);
    }

    // What the loop sends work to: hybrid's process pool, to_thread's worker threads; one
    // small box per worker.
    let threads = descriptor(ctx.trace.model).shape
        == (Shape::EventLoop {
            pool: LoopPool::Threads,
        });
    let (kind, pool_words): (LaneKind, &[&str]) = if threads {
        (LaneKind::Thread, &["worker threads", "threads", "pool"])
    } else {
        (LaneKind::Process, &["process pool", "pool"])
    };
    let procs: Vec<usize> = (0..ctx.trace.lanes.len())
        .filter(|&l| ctx.trace.lanes[l].kind == kind)
        .collect();
    // `asyncio.Semaphore(N)`: how many tasks wait at `async with` for a permit.
    if let (Some(permits), true) = (ctx.trace.semaphore, procs.is_empty()) {
        let waiting = (0..ctx.trace.lanes.len())
            .filter(|&l| ctx.trace.lanes[l].kind == LaneKind::Task)
            .filter(|&l| matches!(ctx.state(l), Some((State::WaitingPermit, _))))
            .count();
        // The longest line that fits; none where even the shortest does not (the task
        // lanes show each waiting task's state too).
        let options = [
            format!("semaphore({permits}): {waiting} waiting for a permit"),
            format!("semaphore: {waiting} waiting"),
            format!("{waiting} wait for a permit"),
            format!("{waiting} wait"),
        ];
        let fits = options.iter().find(|o| p.text_width(o, sm) <= rw);
        if let (Some(line), true) = (fits, row(2.0) + px * 1.4 <= a.y + a.h) {
            p.text(
                rx,
                row(2.0) + px * 0.7,
                line,
                Font::regular(sm),
                &pal.muted,
                Align::Left,
            );
        }
    }
    if !procs.is_empty() && row(2.0) + px * 3.0 <= a.y + a.h + px {
        let pool = fit_any(p, pool_words, sm, rw);
        p.text(
            rx,
            row(2.0) + px * 0.7,
            &pool,
            Font::regular(sm),
            &pal.muted,
            Align::Left,
        );
        // Each process by its number ("P1") or the task it runs; "+N" for those with no room.
        let mut x = rx;
        let y = row(2.0) + px * 1.4;
        for (n, &lane) in procs.iter().enumerate() {
            let (state, task) = ctx.state(lane).unwrap_or((State::Idle, None));
            let text = task.map_or_else(
                || compact_lane(&ctx.trace.lanes[lane].label),
                |t| name(ctx.trace, t),
            );
            let rest = format!("+{}", procs.len() - n);
            let last = n + 1 == procs.len();
            let need = p.bold_width(&text, px) + px * 1.1;
            let reserve = if last {
                0.0
            } else {
                p.bold_width(&rest, px) + px * 1.5
            };
            if x + need + reserve > rx + rw {
                if x + p.bold_width(&rest, px) + px * 1.1 <= rx + rw {
                    chip(p, x, y, &rest, px, &pal.idle, &pal.ink);
                }
                break;
            }
            let (color, _) = pal.state(state);
            x += chip(p, x, y, &text, px, color, on(pal, color)) + px * 0.4;
        }
    }
}

/// Threads or processes: a card per worker with its state; the GIL token beside its holder.
fn draw_workers(p: &mut impl Painter, ctx: &Ctx, a: Area, kind: LaneKind) {
    let (pal, px, snap, sm) = (ctx.pal, ctx.font, ctx.snap, ctx.small);
    let lanes: Vec<usize> = (0..ctx.trace.lanes.len())
        .filter(|&l| ctx.trace.lanes[l].kind == kind)
        .collect();
    let cores: Vec<usize> = (0..ctx.trace.lanes.len())
        .filter(|&l| ctx.trace.lanes[l].kind == LaneKind::Core)
        .collect();
    let has_gil = descriptor(ctx.trace.model).shape == Shape::ThreadPool { gil: true };
    let side_w = if has_gil {
        let least = if a.w < 260.0 { 80.0 } else { 100.0 };
        // Presentation mode's larger text needs a wider panel for a holder's name.
        let share = if ctx.pal.large { 0.36 } else { 0.32 };
        (a.w * share).clamp(least, if ctx.pal.large { 320.0 } else { 220.0 })
    } else {
        0.0
    };
    // The pool's to-do list and the I/O waiters change at events the cards may not show. They
    // go after the core squares, or, with a GIL panel, under its waiters if there is more room
    // there, or else on a line of their own above the cores.
    let (todo, io) = (snap.ready_len, snap.io_len);
    let counts = [
        format!("to do: {todo} · on I/O: {io}"),
        format!("to do {todo} · I/O {io}"),
        format!("{todo} to do"),
    ];
    let size = px * 1.5;
    let cores_x = a.x + p.text_width("cores", sm) + px * 0.6;
    let on_row = a.x + a.w - (cores_x + cores.len().min(64) as f64 * (size + 4.0)) - px * 0.5;
    // Under the GIL panel's waiters only where the panel is tall enough for a line there
    // (allowing for a holder's name on a line of its own), above the cores' row.
    let under_fits = a.y + px * 10.1 + sm * 0.6 <= a.y + a.h - px * 2.2;
    let under = side_w - px;
    let counts_under = has_gil && under_fits && under > on_row;
    let room = if counts_under { under } else { on_row };
    let own_line = !counts.iter().any(|c| p.text_width(c, sm) <= room);
    let cores_h = match (cores.is_empty(), own_line) {
        (true, _) => 0.0,
        (false, false) => px * 2.2,
        (false, true) => px * 3.6,
    };
    let grid = Area {
        x: a.x,
        y: a.y,
        w: a.w - side_w,
        h: a.h - cores_h,
    };
    // Workers with interpreters of their own (processes, subinterpreters) are cards in a grid,
    // each with its own GIL token.
    let own_desk = matches!(kind, LaneKind::Process | LaneKind::Interpreter);
    let cols = if own_desk {
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
        // The GIL token sits on the card of the thread that holds it (a process has its own):
        // a pill at the card's right, its word never smaller than the labels.
        let holds = has_gil && task.is_some_and(|t| snap.gil_holders.contains(&t));
        let own_gil = own_desk;
        let token_px = if pal.large {
            sm
        } else {
            ((cell_h * 0.36).min(px * 0.9) * 0.8).max(9.0)
        };
        let token_w = p.bold_width("GIL", token_px) + token_px * 0.7;
        let who = task.map(|t| name(ctx.trace, t)).unwrap_or_default();
        let lane_label = &ctx.trace.lanes[lane].label;
        let short = compact_lane(lane_label);
        let state_word = state.label();
        // Longest first: the card says as much as fits, always who runs there and its state.
        let mut options = Vec::new();
        if kind == LaneKind::Process {
            // Each process is a separate desk: its own interpreter, memory and GIL.
            options.push(format!(
                "{lane_label}  {who}  {state_word}  · own memory {PROCESS_RESIDENT}"
            ));
        }
        if kind == LaneKind::Interpreter {
            // An interpreter has its own GIL and objects but lives in the one process.
            options.push(format!(
                "{lane_label}  {who}  {state_word}  · own GIL, same process"
            ));
        }
        options.push(format!("{lane_label}  {who}  {state_word}"));
        options.push(format!("{short}  {who}  {state_word}"));
        if who.is_empty() {
            options.push(format!("{short} {state_word}"));
            options.push(short.clone());
        } else {
            options.push(format!("{who} {state_word}"));
            options.push(who.clone());
        }
        let options: Vec<&str> = options.iter().map(|o| o.trim()).collect();
        let size = sm.max(px * 0.9);
        // A very narrow card shrinks its name a little rather than cut it (never in
        // presentation mode, whose text stays large); narrower still, it drops the token,
        // which the GIL panel repeats ("GIL: cruncher"), before the name would be cut.
        let least = if pal.large { size } else { 9.0 };
        let shortest = options.last().copied().unwrap_or_default();
        let bare = cell_w - px * 0.9 - 10.0;
        let token = (holds || own_gil) && p.text_width(shortest, least) <= bare - token_w;
        let room = if token { bare - token_w } else { bare };
        let (text, size) = fit_shrink(p, &options, size, least, room);
        p.text(
            x + px * 0.9,
            y + cell_h / 2.0,
            &text,
            Font::regular(size),
            &pal.ink,
            Align::Left,
        );
        if token {
            let busy = holds || state == State::Running;
            let fill = if busy { &pal.gil } else { &pal.idle };
            let token_h = (token_px * 1.35).min(cell_h - 4.0);
            let tx = x + cell_w - token_w - 6.0;
            p.round_rect(
                tx,
                y + (cell_h - token_h) / 2.0,
                token_w,
                token_h,
                token_h / 2.0,
                fill,
            );
            p.text(
                tx + token_w / 2.0,
                y + cell_h / 2.0,
                "GIL",
                Font::bold(token_px),
                "#000000",
                Align::Center,
            );
        }
    }
    // How far the GIL panel's lower lines moved down for a holder's name on its own line.
    let mut shift = 0.0;
    if has_gil {
        let sx = a.x + a.w - side_w + px * 0.6;
        let holder = snap.gil_holders.first().copied();
        // The panel's lines stop above the cores' row. Where it is short (presentation mode's
        // large text in a small panel), the heading goes and the token moves up: the token,
        // who holds it and how many wait are what it is for.
        let floor = a.y + a.h - cores_h;
        let compact = floor - a.y < px * 6.5;
        let (cy, r) = if compact {
            (a.y + px * 1.1, px * 0.95)
        } else {
            p.text(
                sx,
                a.y + px * 0.7,
                "the GIL",
                Font::regular(sm),
                &pal.muted,
                Align::Left,
            );
            (a.y + px * 2.8, px * 1.2)
        };
        p.circle(
            sx + px * 1.3,
            cy,
            r,
            if holder.is_some() {
                &pal.gil
            } else {
                &pal.idle
            },
        );
        p.text(
            sx + px * 1.3,
            cy,
            "GIL",
            Font::bold(sm.max(px * 0.85).min(r * 1.05)),
            "#000000",
            Align::Center,
        );
        // Who holds it is the fact this panel is for: the name alone when "held by" does not fit.
        let held = holder.map_or_else(
            || vec!["free".to_string()],
            |t| {
                let n = name(ctx.trace, t);
                vec![format!("held by {n}"), n]
            },
        );
        let held: Vec<&str> = held.iter().map(String::as_str).collect();
        // Beside the token if it fits there, otherwise on a line of its own under it.
        let beside = side_w - px * 3.4;
        let fits_beside = held.last().is_some_and(|h| p.text_width(h, sm) <= beside);
        let (hx, hy, room, below) = if fits_beside {
            (sx + px * 2.8, cy, beside, 0.0)
        } else {
            (sx, cy + r + px * 0.7, side_w - px * 0.6, px * 1.5)
        };
        shift = below;
        // The holder's name is never cut: it shrinks a little in a narrow panel instead (not in
        // presentation mode, whose text stays large and whose panel is wider).
        let least = if pal.large { sm } else { 9.0 };
        let (held, held_px) = fit_shrink(p, &held, sm, least, room);
        p.text(hx, hy, &held, Font::regular(held_px), &pal.ink, Align::Left);
        let waiting = [
            format!("waiting: {}", snap.gil_waiters_len),
            format!("wait: {}", snap.gil_waiters_len),
        ];
        let waiting = fit_any(p, &[&waiting[0], &waiting[1]], sm, side_w - px * 0.6);
        // The count says how many wait where the waiters' chips have no room.
        let wy = cy + r + px * 0.8 + shift;
        if wy + sm * 0.6 <= floor {
            p.text(sx, wy, &waiting, Font::regular(sm), &pal.muted, Align::Left);
        }
        if wy + px * 2.7 <= floor {
            chip_row(
                p,
                ctx,
                Area {
                    x: sx,
                    y: wy + px * 1.0,
                    w: side_w - px,
                    h: px * 1.7,
                },
                &snap.gil_waiters,
                snap.gil_waiters_len,
                &pal.gil,
            );
        }
    }
    if !cores.is_empty() {
        // With the counts on a line of their own, that line comes first and the cores under it.
        let top = a.y + a.h - cores_h + px * 0.3;
        let y = if own_line { top + px * 1.4 } else { top };
        p.text(
            a.x,
            y + px * 0.8,
            "cores",
            Font::regular(sm),
            &pal.muted,
            Align::Left,
        );
        for (n, &lane) in cores.iter().enumerate().take(64) {
            let busy = matches!(ctx.state(lane), Some((State::Running, _)));
            let x = cores_x + n as f64 * (size + 4.0);
            p.round_rect(
                x,
                y,
                size,
                size,
                3.0,
                if busy { &pal.running } else { &pal.idle },
            );
        }
        let (cx, cy, room) = if own_line {
            (a.x + a.w, top + px * 0.6, a.w)
        } else if counts_under {
            (a.x + a.w, a.y + px * 8.6 + shift, under)
        } else {
            (a.x + a.w, y + px * 0.8, on_row)
        };
        let counts = fit_any(p, &[&counts[0], &counts[1], &counts[2]], sm, room);
        p.text(cx, cy, &counts, Font::regular(sm), &pal.muted, Align::Right);
    }
}
