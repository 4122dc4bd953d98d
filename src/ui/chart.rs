//! The results chart of the lesson's own measure (total time, a task's latency, or memory
//! reserved against resident), drawn with plotters on its own canvas from what
//! `sim::lessons::Chart` computes; and the chart of simulated against measured totals.

use std::rc::Rc;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use yew::prelude::*;

use crate::bench::plan::Spread;
use crate::bench::results::Report;
use crate::sim::lessons::{Chart, Series};
use crate::sim::Micros;

use super::canvas::palette;
use super::state::Session;
use crate::render::Palette;

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub session: Rc<Session>,
    /// Each model's total once the playhead has reached it: its bars show from then on.
    pub revealed: Vec<Option<Micros>>,
    pub generation: u32,
    /// The run is playing: a bar appearing is drawn after the frame.
    #[prop_or_default]
    pub playing: bool,
}

/// The lesson's chart: a heading naming the measure, one sentence on it, the canvas (with
/// the figures in its label) and, for more than one bar a model, the key.
#[function_component(TotalsChart)]
pub fn totals_chart(props: &ChartProps) -> Html {
    let canvas = use_node_ref();
    let shown: Vec<bool> = props.revealed.iter().map(Option::is_some).collect();
    let chart = {
        let session = props.session.clone();
        use_memo(
            (Rc::as_ptr(&props.session) as usize, shown),
            move |(_, shown)| Chart::of(&session.lesson, &session.traces, shown),
        )
    };
    {
        let canvas = canvas.clone();
        let playing = props.playing;
        use_effect_with((chart.clone(), props.generation), move |(chart, _)| {
            // While playing, drawn after the frame: plotters measures its labels in the DOM,
            // which forces a layout, and a model finishing mid-play must not stall that frame.
            let chart = chart.clone();
            let now = move || {
                if let Some(element) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                    draw(&element, &chart);
                }
            };
            let later = if playing {
                Some(gloo_timers::callback::Timeout::new(0, now))
            } else {
                now();
                None
            };
            move || drop(later)
        });
    }
    html! {
        <div class="chart">
            <h3 class="chart-title">{ chart.title.clone() }</h3>
            <p class="chart-caption">{ chart.caption.clone() }</p>
            <canvas ref={canvas} role="img" aria-label={chart.summary()}></canvas>
            if chart.series.len() > 1 {
                <ul class="legend">
                    { for chart.series.iter().map(|&s| html! {
                        <li><span class={classes!("swatch", swatch(s))} aria-hidden="true"></span>{ s.key() }</li>
                    }) }
                </ul>
            }
        </div>
    }
}

/// The key's swatch class for a series, matching `colour`.
fn swatch(series: Series) -> &'static str {
    match series {
        Series::Time | Series::Resident => "state-running",
        // Solid in the GIL colour, as `colour` draws it.
        Series::Reserved => "measured",
    }
}

/// A series' bar colour.
fn colour(series: Series, pal: &Palette) -> RGBColor {
    match series {
        Series::Time | Series::Resident => rgb(&pal.running),
        Series::Reserved => rgb(&pal.gil),
    }
}

fn rgb(css: &str) -> RGBColor {
    let hex = css.trim().trim_start_matches('#');
    let channel =
        |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128);
    if hex.len() == 6 {
        RGBColor(channel(0), channel(2), channel(4))
    } else {
        RGBColor(128, 128, 128)
    }
}

/// Sizes the canvas for the device's pixel ratio and returns its backend, the theme's colours
/// and the ratio (plotters draws in device pixels); `None` while the canvas is not laid out.
fn prepare(element: &web_sys::HtmlCanvasElement) -> Option<(CanvasBackend, Palette, f64)> {
    let ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let (w, h) = (element.client_width(), element.client_height());
    if w < 10 || h < 10 {
        return None;
    }
    element.set_width((f64::from(w) * ratio) as u32);
    element.set_height((f64::from(h) * ratio) as u32);
    let backend = CanvasBackend::with_canvas_object(element.clone())?;
    Some((backend, palette(), ratio))
}

/// Draws `chart`: one band per model (the first at the top, like the table), a bar per
/// revealed figure with its value beside it, ticks in the axis's units.
fn draw(element: &web_sys::HtmlCanvasElement, chart: &Chart) {
    let Some((backend, pal, ratio)) = prepare(element) else {
        return;
    };
    let (ink, muted) = (rgb(&pal.ink), rgb(&pal.muted));
    let root = backend.into_drawing_area();
    let _ = root.fill(&rgb(&pal.surface));
    let n = chart.rows.len();
    let axis = chart.axis;
    // Projection (the thick palette) gets larger labels.
    let font = ((if pal.thick { 20.0 } else { 13.0 }) * ratio) as u32;
    // Room for the longest model name and for half of the axis's last label, measured, so
    // neither is cut ("threads-nogil" in large type, "600 ms" at a phone's edge).
    let labels: Vec<&str> = chart
        .rows
        .iter()
        .map(|r| crate::sim::models::descriptor(r.model).short)
        .collect();
    let label_font = ("sans-serif", font).into_font().color(&ink);
    let wide = |text: &str| {
        root.estimate_text_size(text, &label_font)
            .map_or(0.0, |(w, _)| f64::from(w))
    };
    let names = labels.iter().map(|l| wide(l)).fold(0.0, f64::max) + 12.0 * ratio;
    let last_tick = wide(&axis.label(axis.hi)) / 2.0;
    let Ok(mut plot) = ChartBuilder::on(&root)
        .margin((8.0 * ratio) as u32)
        .margin_right((8.0 * ratio + last_tick) as u32)
        .x_label_area_size((22.0 * ratio) as u32)
        .y_label_area_size(names as u32)
        .build_cartesian_2d(axis.lo..axis.hi, 0.0..n as f64)
    else {
        return;
    };
    let _ = plot
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(rgb(&pal.line))
        .axis_style(muted)
        .label_style(("sans-serif", font).into_font().color(&ink))
        .y_labels(n * 2 + 1)
        .y_label_formatter(&|v| {
            let i = v.floor() as usize;
            if (v - i as f64 - 0.5).abs() < 0.01 {
                labels
                    .get(n.saturating_sub(i + 1))
                    .map_or(String::new(), |l| l.to_string())
            } else {
                String::new()
            }
        })
        .x_labels(axis.ticks())
        .x_label_formatter(&|p| axis.label(*p))
        .draw();
    let text = ("sans-serif", font).into_font().color(&ink);
    let pad = 4.0 * ratio;
    let right = f64::from(plot.backend_coord(&(axis.hi, 0.0)).0);
    for (k, row) in chart.rows.iter().enumerate() {
        let y = (n - 1 - k) as f64;
        let band = 0.7 / row.bars.len().max(1) as f64;
        for (j, bar) in row.bars.iter().enumerate() {
            let Some(value) = bar.value else { continue };
            let top = y + 0.85 - j as f64 * band;
            let (bottom, middle) = (top - band, top - band / 2.0);
            if let Some(end) = axis.position(value) {
                let _ = plot.draw_series(std::iter::once(Rectangle::new(
                    [(axis.lo, bottom), (end, top)],
                    colour(bar.series, &pal).filled(),
                )));
            }
            // The value beside the bar's end, or inside it on a surface-coloured box where
            // the axis ends too soon; a bar that cannot be drawn (zero on a log scale) still
            // says its value at the axis's start.
            let label = value.to_string();
            let (width, height) = root
                .estimate_text_size(&label, &text)
                .map_or((0.0, 0.0), |(w, h)| (f64::from(w), f64::from(h)));
            let end = axis.position(value).unwrap_or(axis.lo).max(axis.lo);
            let (ex, ey) = plot.backend_coord(&(end, middle));
            let ex = f64::from(ex);
            let x = if ex + pad + width <= right {
                ex + pad
            } else {
                let x = (ex - pad - width).max(0.0);
                let half = height / 2.0 + pad / 2.0;
                let cy = f64::from(ey);
                let _ = root.draw(&Rectangle::new(
                    [
                        ((x - pad / 2.0) as i32, (cy - half) as i32),
                        ((x + width + pad / 2.0) as i32, (cy + half) as i32),
                    ],
                    rgb(&pal.surface).filled(),
                ));
                x
            };
            let _ = root.draw(&Text::new(
                label,
                (x as i32, ey),
                text.pos(Pos::new(HPos::Left, VPos::Center)),
            ));
        }
    }
    let _ = root.present();
}

#[derive(Properties, PartialEq)]
pub struct MeasuredChartProps {
    pub session: Rc<Session>,
    pub report: Rc<Report>,
    /// Which models' bars show, one per trace: those the playhead has finished (answers first).
    pub shown: Vec<bool>,
    pub generation: u32,
}

/// Simulated and measured totals per model, the measured bar with min-max whiskers.
#[function_component(MeasuredChart)]
pub fn measured_chart(props: &MeasuredChartProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        let (session, report) = (props.session.clone(), props.report.clone());
        let deps = (
            Rc::as_ptr(&session) as usize,
            Rc::as_ptr(&report) as usize,
            props.shown.clone(),
            props.generation,
        );
        use_effect_with(deps, move |(_, _, shown, _)| {
            // After the frame, as the totals chart is (plotters measures text in the DOM).
            let shown = shown.clone();
            let later = gloo_timers::callback::Timeout::new(0, move || {
                if let Some(element) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                    draw_measured(&element, &session, &report, &shown);
                }
            });
            move || drop(later)
        });
    }
    let summary = props
        .report
        .models
        .iter()
        .filter(|m| {
            let trace = props.session.traces.iter().position(|t| t.model == m.model);
            trace.is_some_and(|i| props.shown.get(i) == Some(&true))
        })
        .filter_map(|m| {
            m.spread
                .map(|s| format!("{} measured {:.0} ms", m.model.as_str(), s.median))
        })
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        <div class="chart">
            <canvas ref={canvas} id="measured-chart" role="img"
                aria-label={format!("Simulated and measured total per model, measured with min-max whiskers. {summary}")}></canvas>
            <ul class="legend">
                <li><span class="swatch state-running" aria-hidden="true"></span>{ "simulated" }</li>
                <li><span class="swatch measured" aria-hidden="true"></span>{ "measured here (median; whiskers: min to max)" }</li>
            </ul>
        </div>
    }
}

fn draw_measured(
    element: &web_sys::HtmlCanvasElement,
    session: &Session,
    report: &Report,
    shown: &[bool],
) {
    let Some((backend, pal, ratio)) = prepare(element) else {
        return;
    };
    let (ink, muted) = (rgb(&pal.ink), rgb(&pal.muted));
    let root = backend.into_drawing_area();
    let _ = root.fill(&rgb(&pal.surface));
    let rows: Vec<(&str, f64, Option<Spread>)> = session
        .traces
        .iter()
        .map(|t| {
            let spread = report
                .models
                .iter()
                .find(|m| m.model == t.model)
                .and_then(|m| m.spread);
            (
                t.model.as_str(),
                t.stats.makespan.as_ms_f64() / 1000.0,
                spread.map(|s| s.scaled(0.001)),
            )
        })
        .collect();
    // The axis spans the bars shown: one hidden model's length is not given away by the scale.
    let top = rows
        .iter()
        .zip(shown)
        .filter(|(_, &on)| on)
        .map(|((_, sim, m), _)| sim.max(m.map_or(0.0, |s| s.max)))
        .fold(0.0, f64::max);
    let top = if top > 0.0 { top } else { 1.0 };
    let n = rows.len();
    // Projection (the thick palette) gets larger labels.
    let font = ((if pal.thick { 20.0 } else { 13.0 }) * ratio) as u32;
    let Ok(mut chart) = ChartBuilder::on(&root)
        .margin((8.0 * ratio) as u32)
        .x_label_area_size((22.0 * ratio) as u32)
        .y_label_area_size((92.0 * ratio) as u32)
        .build_cartesian_2d(0.0..top * 1.1, 0.0..n as f64)
    else {
        return;
    };
    let _ = chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(rgb(&pal.line))
        .axis_style(muted)
        .label_style(("sans-serif", font).into_font().color(&ink))
        .y_labels(n * 2 + 1)
        .y_label_formatter(&|v| {
            let i = v.floor() as usize;
            if (v - i as f64 - 0.5).abs() < 0.01 {
                rows.get(n.saturating_sub(i + 1))
                    .map_or(String::new(), |r| r.0.to_string())
            } else {
                String::new()
            }
        })
        .x_labels(6)
        .x_label_formatter(&|s| format!("{s:.2} s"))
        .draw();
    let (sim_color, real_color) = (rgb(&pal.running), rgb(&pal.gil));
    for (k, (_, sim, measured)) in rows.iter().enumerate() {
        // A model's bars wait for its total in the table: the answer comes after the prediction.
        if shown.get(k) != Some(&true) {
            continue;
        }
        // The first model at the top, like the table.
        let y = (n - 1 - k) as f64;
        let _ = chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y + 0.55), (*sim, y + 0.9)],
            sim_color.filled(),
        )));
        if let Some(s) = measured {
            let mid = y + 0.275;
            let _ = chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y + 0.1), (s.median, y + 0.45)],
                real_color.filled(),
            )));
            let whisker = ink.stroke_width((2.5 * ratio) as u32);
            let _ = chart.draw_series([
                PathElement::new(vec![(s.min, mid), (s.max, mid)], whisker),
                PathElement::new(vec![(s.min, y + 0.15), (s.min, y + 0.4)], whisker),
                PathElement::new(vec![(s.max, y + 0.15), (s.max, y + 0.4)], whisker),
            ]);
        }
    }
    let _ = root.present();
}
