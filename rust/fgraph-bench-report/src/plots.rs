// SPDX-License-Identifier: GPL-2.0

//! PNG plots: stack bytes over enable/disable cycles, the latency of
//! enabling and disabling against the number of tasks, and each detach or
//! attach operation's ratio to the baseline. Every variant has its own
//! colour and marker, so that lines lying on each other stay visible;
//! ranges are drawn as error bars; ticks are integers.

use crate::{OPS, Variant, latency_filter, mib, stats::Summary, tasks_of};
use plotters::prelude::*;
use serde_json::json;
use std::path::Path;

const FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
];
const COLOURS: [RGBColor; 4] = [RGBColor(80, 80, 80), BLUE, RED, GREEN];

/// Draws the marker of the `i`th variant (circle, triangle, cross, square).
fn marker<'a, C: Clone + 'static>(
    i: usize,
    p: C,
    c: RGBColor,
) -> DynElement<'static, BitMapBackend<'a>, C> {
    match i % 4 {
        0 => Circle::new(p, 4, c.filled()).into_dyn(),
        1 => TriangleMarker::new(p, 6, c.filled()).into_dyn(),
        2 => Cross::new(p, 5, c.stroke_width(2)).into_dyn(),
        _ => Rectangle::new([p.clone(), p], c.stroke_width(6)).into_dyn(),
    }
}

/// "12", not "12.0": the axes count tasks, steps, MiB and milliseconds.
fn integer(x: &f64) -> String {
    format!("{}", x.round() as i64)
}

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
/// (first repetition of each variant's first boot), one line per variant.
fn memory_cycles(vs: &[Variant], path: &Path) -> Result<(), String> {
    let n = *tasks_of(vs).last().ok_or("no memory samples")?;
    let series: Vec<(String, Vec<(f64, f64)>)> = vs
        .iter()
        .map(|v| {
            let pts = v
                .select(
                    "memory",
                    &[("tasks", json!(n)), ("rep", json!(0)), ("boot", json!(0))],
                )
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
        .x_desc("sample, in the order taken: before, enabled, disabled, past the linger, ...")
        .y_desc("shadow stacks (MiB)")
        .x_label_formatter(&integer)
        .y_label_formatter(&integer)
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(err)?;
    for (i, (name, pts)) in series.iter().enumerate() {
        let c = COLOURS[i % COLOURS.len()];
        // Each narrower than the one before: they may lie on each other.
        let width = 2 + 2 * (vs.len() - 1 - i) as u32;
        chart
            .draw_series(LineSeries::new(pts.clone(), c.stroke_width(width)))
            .map_err(err)?
            .label(name.as_str())
            .legend(move |(x, y)| marker(i, (x + 10, y), c));
        chart
            .draw_series(pts.iter().map(|&p| marker(i, p, c)))
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

/// Enable and disable latency against the number of tasks: each boot's
/// median, their median and range (see [`Variant::per_boot`]).
fn latency(vs: &[Variant], path: &Path) -> Result<(), String> {
    let tasks = tasks_of(vs);
    // (variant index, label, [(N, summary)])
    type Line = (usize, String, Vec<(f64, Summary)>);
    let lines: Vec<Line> = vs
        .iter()
        .enumerate()
        .flat_map(|(i, v)| {
            ["enable", "disable"].map(|op| {
                let pts = tasks
                    .iter()
                    .map(|&n| {
                        (
                            n as f64,
                            v.per_boot("latency", &latency_filter(n, op, None), "ms"),
                        )
                    })
                    .filter(|p| p.1.median.is_finite())
                    .collect();
                (i, format!("{} {op}", v.name), pts)
            })
        })
        .collect();
    let top = lines
        .iter()
        .flat_map(|l| l.2.iter().map(|p| p.1.max))
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
        .y_desc("time of the tracefs write (ms): median, range")
        .x_labels(4)
        .x_label_formatter(&integer)
        .y_label_formatter(&integer)
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(err)?;
    for (j, (i, name, pts)) in lines.iter().enumerate() {
        let (i, c) = (*i, COLOURS[*i % COLOURS.len()]);
        // enable thin, disable thick; the first variant's lines widest
        let style = c.stroke_width(if j % 2 == 0 { 1 } else { 3 } + if i == 0 { 2 } else { 0 });
        let medians: Vec<(f64, f64)> = pts.iter().map(|(n, s)| (*n, s.median)).collect();
        chart
            .draw_series(LineSeries::new(medians.clone(), style))
            .map_err(err)?
            .label(name.as_str())
            .legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (20, 0)], style)
                    + marker(i, (10, 0), c)
            });
        chart
            .draw_series(pts.iter().map(|(n, s)| {
                ErrorBar::new_vertical(*n, s.min, s.median, s.max, c.stroke_width(1), 8)
            }))
            .map_err(err)?;
        chart
            .draw_series(medians.iter().map(|&p| marker(i, p, c)))
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

/// Each detach or attach operation's time at the largest N, as a ratio to
/// the baseline's (first variant), with the range; lines at 1.00 and 1.05
/// (the goal's margin); ratios above 4 are cut off at the plot's edge.
fn ratios(vs: &[Variant], path: &Path) -> Result<(), String> {
    let n = *tasks_of(vs).last().ok_or("no samples")?;
    let base = &vs[0];
    let rows: Vec<(usize, usize, Summary)> = OPS
        .iter()
        .enumerate()
        .flat_map(|(k, (_, (op, cycle), baseline))| {
            let (bop, bcycle) = baseline.unwrap_or((op, *cycle));
            let b = base
                .per_boot_mean("latency", &latency_filter(n, bop, bcycle), "ms")
                .median;
            vs.iter().enumerate().skip(1).filter_map(move |(i, v)| {
                let x = v.per_boot_mean("latency", &latency_filter(n, op, *cycle), "ms");
                (x.n > 0 && b > 0.0).then(|| {
                    let r = |t: f64| t / b;
                    (
                        k,
                        i,
                        Summary {
                            median: r(x.median),
                            min: r(x.min),
                            max: r(x.max),
                            n: x.n,
                        },
                    )
                })
            })
        })
        .collect();
    let hi = rows.iter().map(|r| r.2.max).fold(1.1, f64::max).min(4.0) + 0.1;
    let lo = rows.iter().map(|r| r.2.min).fold(0.9, f64::min).max(0.0) - 0.1;

    let root = BitMapBackend::new(path, (960, 600)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!(
                "Detaching and attaching, ratio to {} ({n} idle threads)",
                base.name
            ),
            ("sans-serif", 22),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(250)
        .build_cartesian_2d(lo..hi, -0.5f64..OPS.len() as f64 - 0.5)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(OPS.len())
        .y_label_formatter(&|y| {
            let k = y.round();
            if (y - k).abs() < 0.01 && k >= 0.0 {
                // the first operation at the top
                OPS.len()
                    .checked_sub(1 + k as usize)
                    .map_or(String::new(), |r| OPS[r].0.to_string())
            } else {
                String::new()
            }
        })
        .x_label_formatter(&|x| format!("{x:.2}"))
        .x_desc(
            "time / the baseline's time: boots' means, median and range (1.05: the goal's margin)",
        )
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(err)?;
    for (x, w) in [(1.0, 2), (1.05, 1)] {
        chart
            .draw_series(LineSeries::new(
                [(x, -0.5), (x, OPS.len() as f64 - 0.5)],
                BLACK.stroke_width(w),
            ))
            .map_err(err)?;
    }
    let others = vs.len().saturating_sub(1).max(1) as f64;
    for (i, v) in vs.iter().enumerate().skip(1) {
        let c = COLOURS[i % COLOURS.len()];
        // the variants side by side within an operation's row
        let y = move |k: usize| {
            (OPS.len() - 1 - k) as f64 + 0.3 * ((i as f64 - 1.0) / others - 0.5 + 0.5 / others)
        };
        let mine: Vec<&(usize, usize, Summary)> = rows.iter().filter(|r| r.1 == i).collect();
        chart
            .draw_series(mine.iter().map(|(k, _, s)| {
                ErrorBar::new_horizontal(y(*k), s.min, s.median, s.max, c.stroke_width(2), 8)
            }))
            .map_err(err)?;
        chart
            .draw_series(mine.iter().map(|(k, _, s)| marker(i, (s.median, y(*k)), c)))
            .map_err(err)?
            .label(v.name.as_str())
            .legend(move |(x, y)| marker(i, (x + 10, y), c));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
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
    latency(vs, &out.join("latency.png"))?;
    ratios(vs, &out.join("ratios.png"))
}
