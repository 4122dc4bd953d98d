//! The bar chart of each model's total time, drawn with plotters on its own canvas.

use std::rc::Rc;

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use yew::prelude::*;

use crate::sim::Micros;

use super::canvas::palette;
use super::state::Session;

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub session: Rc<Session>,
    /// Each model's total once the playhead has reached it.
    pub revealed: Vec<Option<Micros>>,
    pub generation: u32,
}

#[function_component(TotalsChart)]
pub fn totals_chart(props: &ChartProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        let deps = (
            Rc::as_ptr(&props.session) as usize,
            props.revealed.clone(),
            props.generation,
        );
        let session = props.session.clone();
        use_effect_with(deps, move |(_, revealed, _)| {
            if let Some(element) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                draw(&element, &session, revealed);
            }
        });
    }
    let summary = props
        .session
        .traces
        .iter()
        .zip(&props.revealed)
        .map(|(t, r)| {
            format!(
                "{}: {}",
                t.model.as_str(),
                r.map_or("not finished yet".into(), |m| m.to_string())
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        <div class="chart">
            <canvas ref={canvas} role="img" aria-label={format!("Bar chart of total time per model. {summary}")}></canvas>
        </div>
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

fn draw(element: &web_sys::HtmlCanvasElement, session: &Session, revealed: &[Option<Micros>]) {
    let ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let (w, h) = (element.client_width(), element.client_height());
    if w < 10 || h < 10 {
        return;
    }
    element.set_width((f64::from(w) * ratio) as u32);
    element.set_height((f64::from(h) * ratio) as u32);
    let Some(backend) = CanvasBackend::with_canvas_object(element.clone()) else {
        return;
    };
    let pal = palette();
    let (ink, muted, bar) = (rgb(&pal.ink), rgb(&pal.muted), rgb(&pal.running));
    let root = backend.into_drawing_area();
    let _ = root.fill(&rgb(&pal.surface));
    let n = session.traces.len();
    let end_s = session.end.0 as f64 / 1e6;
    let font = (13.0 * ratio) as u32;
    let Ok(mut chart) = ChartBuilder::on(&root)
        .margin((8.0 * ratio) as u32)
        .x_label_area_size((22.0 * ratio) as u32)
        .y_label_area_size((92.0 * ratio) as u32)
        .build_cartesian_2d(0.0..end_s * 1.08, (0..n).into_segmented())
    else {
        return;
    };
    let labels: Vec<&str> = session.traces.iter().map(|t| t.model.as_str()).collect();
    let _ = chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(rgb(&pal.line))
        .axis_style(muted)
        .label_style(("sans-serif", font).into_font().color(&ink))
        .y_labels(n)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i).copied().unwrap_or("").to_string(),
            _ => String::new(),
        })
        .x_labels(6)
        .x_label_formatter(&|s| format!("{s:.1} s"))
        .draw();
    let bars = revealed.iter().enumerate().filter_map(|(i, r)| {
        r.map(|m| {
            let mut rect = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (m.0 as f64 / 1e6, SegmentValue::Exact(i + 1)),
                ],
                bar.filled(),
            );
            rect.set_margin((6.0 * ratio) as u32, (6.0 * ratio) as u32, 0, 0);
            rect
        })
    });
    let _ = chart.draw_series(bars);
    let _ = root.present();
}
