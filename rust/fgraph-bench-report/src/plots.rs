// SPDX-License-Identifier: GPL-2.0

//! PNG plots: stack bytes over enable/disable cycles, and the latency of
//! enabling and disabling against the number of tasks.

use crate::{Variant, mib, stats::Summary, tasks_of};
use plotters::prelude::*;
use serde_json::json;
use std::path::Path;

const FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
];
const COLOURS: [RGBColor; 4] = [RGBColor(80, 80, 80), BLUE, RED, GREEN];

fn register_font() -> Result<(), String> {
    let bytes = FONTS
        .iter()
        .find_map(|p| std::fs::read(p).ok())
        .ok_or_else(|| format!("no DejaVu Sans font in {FONTS:?} (Debian: fonts-dejavu-core)"))?;
    plotters::style::register_font("sans-serif", FontStyle::Normal, Box::leak(bytes.into()))
        .map_err(|_| "the DejaVu Sans font did not load".to_string())
}

fn err(e: impl std::fmt::Display) -> String {
    format!("plot: {e}")
}

/// Stack MiB at every sampled step of the memory run with the most tasks
/// (first repetition), one line per variant.
fn memory_cycles(vs: &[Variant], path: &Path) -> Result<(), String> {
    let n = *tasks_of(vs).last().ok_or("no memory samples")?;
    let series: Vec<(String, Vec<(f64, f64)>)> = vs
        .iter()
        .map(|v| {
            let pts = v
                .select("memory", &[("tasks", json!(n)), ("rep", json!(0))])
                .enumerate()
                .filter_map(|(i, s)| Some((i as f64, mib(s["bytes"].as_f64()?))))
                .collect();
            (v.name.clone(), pts)
        })
        .collect();
    let steps = series.iter().map(|s| s.1.len()).max().unwrap_or(1) as f64;
    let top = series
        .iter()
        .flat_map(|s| s.1.iter().map(|p| p.1))
        .fold(0.0, f64::max)
        * 1.15
        + 0.1;

    let root = BitMapBackend::new(path, (960, 540)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("fgraph_stack memory over enable/disable cycles ({n} idle threads)"),
            ("sans-serif", 22),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(0f64..steps, 0f64..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("step: before, enabled, disabled, 1 s after the parked readers left, then 10 × (enabled, disabled)")
        .y_desc("shadow stacks (MiB)")
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(err)?;
    for (i, (name, pts)) in series.iter().enumerate() {
        let c = COLOURS[i % COLOURS.len()];
        chart
            .draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))
            .map_err(err)?
            .label(name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled())))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 16))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

/// Median enable and disable latency against the number of tasks.
fn latency(vs: &[Variant], path: &Path) -> Result<(), String> {
    let tasks = tasks_of(vs);
    let lines: Vec<(String, Vec<(f64, f64)>)> = vs
        .iter()
        .flat_map(|v| {
            ["enable", "disable"].map(|op| {
                let pts = tasks
                    .iter()
                    .map(|&n| {
                        let f = [("tasks", json!(n)), ("op", json!(op))];
                        (n as f64, Summary::of(&v.values("latency", &f, "ms")).median)
                    })
                    .filter(|p| p.1.is_finite())
                    .collect();
                (format!("{} {op}", v.name), pts)
            })
        })
        .collect();
    let top = lines
        .iter()
        .flat_map(|l| l.1.iter().map(|p| p.1))
        .fold(0.0, f64::max)
        * 1.15
        + 1.0;
    let (lo, hi) = (
        *tasks.first().ok_or("no latency samples")? as f64 * 0.8,
        *tasks.last().unwrap_or(&1) as f64 * 1.25,
    );

    let root = BitMapBackend::new(path, (960, 540)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Enable and disable latency of function_graph",
            ("sans-serif", 22),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d((lo..hi).log_scale(), 0f64..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("idle threads (log scale)")
        .y_desc("median time of the tracefs write (ms)")
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(err)?;
    for (i, (name, pts)) in lines.iter().enumerate() {
        let c = COLOURS[(i / 2) % COLOURS.len()];
        let style = if i % 2 == 0 {
            c.stroke_width(1)
        } else {
            c.stroke_width(3)
        };
        chart
            .draw_series(LineSeries::new(pts.clone(), style))
            .map_err(err)?
            .label(name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled())))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 16))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

pub fn draw(vs: &[Variant], out: &Path) -> Result<(), String> {
    register_font()?;
    memory_cycles(vs, &out.join("memory_cycles.png"))?;
    latency(vs, &out.join("latency.png"))
}
