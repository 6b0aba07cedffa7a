// SPDX-License-Identifier: GPL-2.0

//! Turns the `fgl-bench:` lines of several kernel variants (console logs of
//! `fgraph-bench` runs) into `results.json` (every raw sample and the run's
//! metadata), `results.md` (the tables, also printed) and PNG plots.
//!
//! usage: fgraph-bench-report --out DIR [--meta KEY=VALUE]... VARIANT=LOG...
//! (`--help` says more)
//!
//! Ratios compare medians of the same run; the spread shown is the range
//! (min–max) over repetitions. The first variant is the baseline (`base`).

mod plots;
mod stats;

use clap::Parser;
use fgraph_bench::{ERROR_PREFIX, Sample};
use serde_json::{Map, Value, json};
use stats::Summary;
use std::{collections::BTreeMap, fmt::Write as _, fs, path::PathBuf, process::ExitCode};

/// The samples of one variant, in the order they were printed.
pub struct Variant {
    pub name: String,
    pub samples: Vec<Value>,
}

impl Variant {
    /// Samples of `workload` that match every `(key, value)` of `filter`.
    pub fn select<'a>(
        &'a self,
        workload: &'a str,
        filter: &'a [(&'a str, Value)],
    ) -> impl Iterator<Item = &'a Value> + 'a {
        self.samples
            .iter()
            .filter(move |s| s["workload"] == workload && filter.iter().all(|(k, v)| &s[*k] == v))
    }

    /// The median of each boot's median of `field` in those samples, and
    /// the range of the boots' medians (the spread between boots); from a
    /// single boot, the median and range of its repetitions.
    pub fn per_boot(&self, workload: &str, filter: &[(&str, Value)], field: &str) -> Summary {
        let mut boots: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
        for s in self.select(workload, filter) {
            if let Some(x) = s[field].as_f64() {
                boots
                    .entry(s["boot"].as_u64().unwrap_or(0))
                    .or_default()
                    .push(x);
            }
        }
        if boots.len() == 1 {
            return Summary::of(&boots.into_values().next().unwrap_or_default());
        }
        let medians: Vec<f64> = boots.values().map(|v| Summary::of(v).median).collect();
        Summary::of(&medians)
    }

    /// As [`Variant::per_boot`], with each boot's mean: for operations
    /// that sleep, whose guest time under icount comes in whole timer
    /// ticks, the mean of many samples resolves what a median cannot.
    pub fn per_boot_mean(&self, workload: &str, filter: &[(&str, Value)], field: &str) -> Summary {
        let mut boots: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
        for s in self.select(workload, filter) {
            if let Some(x) = s[field].as_f64() {
                boots
                    .entry(s["boot"].as_u64().unwrap_or(0))
                    .or_default()
                    .push(x);
            }
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        if boots.len() == 1 {
            let v = boots.into_values().next().unwrap_or_default();
            let range = Summary::of(&v);
            return Summary {
                median: mean(&v),
                ..range
            };
        }
        let means: Vec<f64> = boots.values().map(|v| mean(v)).collect();
        Summary::of(&means)
    }

    /// The values of `field` in those samples.
    pub fn values(&self, workload: &str, filter: &[(&str, Value)], field: &str) -> Vec<f64> {
        self.select(workload, filter)
            .filter_map(|s| s[field].as_f64())
            .collect()
    }
}

/// The `fgl-bench:` samples of a console log, each checked against
/// [`Sample`], then kept as JSON for the selections of [`Variant`].
pub fn parse_samples(text: &str) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if let Some(e) = line.strip_prefix(ERROR_PREFIX) {
            return Err(format!("line {}: the benchmark failed: {e}", i + 1));
        }
        let Some(sample) = Sample::parse_line(line) else {
            continue;
        };
        let sample = sample.map_err(|e| format!("line {}: {e}: {line}", i + 1))?;
        out.push(serde_json::to_value(sample).map_err(|e| format!("line {}: {e}", i + 1))?);
    }
    if out.is_empty() {
        return Err("no fgl-bench samples".into());
    }
    Ok(out)
}

/// Adds one boot's samples to its variant (a new one, or one seen in an
/// earlier boot: the variants' boots are interleaved), tagged with the boot.
pub fn add_boot(vs: &mut Vec<Variant>, name: String, mut samples: Vec<Value>) {
    let i = match vs.iter().position(|v| v.name == name) {
        Some(i) => i,
        None => {
            vs.push(Variant {
                name,
                samples: Vec::new(),
            });
            vs.len() - 1
        }
    };
    let boot = vs[i]
        .samples
        .iter()
        .filter_map(|s| s["boot"].as_u64())
        .max()
        .map_or(0, |b| b + 1);
    for s in &mut samples {
        s["boot"] = json!(boot);
    }
    vs[i].samples.extend(samples);
}

/// A timed operation of the `latency` workload: its name and, if only one
/// enable/disable cycle counts, that cycle.
pub type Timed = (&'static str, Option<u64>);

/// The detach and attach operations compared with the baseline: (label,
/// operation, the baseline's operation where it differs).
pub const OPS: [(&str, Timed, Option<Timed>); 11] = [
    ("first enable", ("enable", Some(0)), None),
    ("first disable", ("disable", Some(0)), None),
    ("enable within the linger", ("enable_linger", None), None),
    ("disable within the linger", ("disable_linger", None), None),
    ("tracing_thresh set", ("thresh_on", None), None),
    ("tracing_thresh cleared", ("thresh_off", None), None),
    ("fprobe event cycle", ("fprobe_cycle", None), None),
    (
        "BPF kprobe_multi link attach",
        ("bpf_link_attach", None),
        None,
    ),
    (
        "BPF kprobe_multi link release",
        ("bpf_link_release", None),
        None,
    ),
    (
        "enable after the free",
        ("enable_after_free", None),
        Some(("enable", Some(0))),
    ),
    (
        "disable after the free",
        ("disable_after_free", None),
        Some(("disable", None)),
    ),
];

/// The selection of the `latency` samples of `op` at `n` tasks, and at
/// `cycle` if given.
pub fn latency_filter(n: u64, op: &str, cycle: Option<u64>) -> Vec<(&'static str, Value)> {
    let mut f = vec![("tasks", json!(n)), ("op", json!(op))];
    if let Some(c) = cycle {
        f.push(("cycle", json!(c)));
    }
    f
}

fn tasks_of(v: &[Variant]) -> Vec<u64> {
    let mut t: Vec<u64> = v
        .iter()
        .flat_map(|v| v.select("memory", &[]).filter_map(|s| s["tasks"].as_u64()))
        .collect();
    t.sort_unstable();
    t.dedup();
    t
}

fn mib(bytes: f64) -> f64 {
    bytes / (1024.0 * 1024.0)
}

/// The widest range of `summaries`, as a percentage of its median.
fn spread(summaries: &[Summary]) -> f64 {
    summaries
        .iter()
        .map(|s| 100.0 * (s.max - s.min) / s.median)
        .fold(0.0, f64::max)
}

/// One goal of the benchmark: what it compares, the bound, and whether a
/// larger value is worse.
struct Goal {
    what: String,
    bound: f64,
    higher_is_worse: bool,
}

/// The goals table: for each goal, the worst value over the variants
/// other than the baseline (and over N), its spread, and the verdict: met,
/// missed, or not resolved (the spread is wider than the margin to 1).
fn goals(vs: &[Variant], summary: &Map<String, Value>) -> String {
    let others: Vec<&str> = vs.iter().skip(1).map(|v| v.name.as_str()).collect();
    let ns = tasks_of(vs);
    let get = |k: &str, f: &str| summary.get(k).and_then(|v| v[f].as_f64());
    // (goal, [(label, value, spread %)])
    type Measured = Vec<(String, f64, f64)>;
    let mut rows: Vec<(Goal, Measured)> = Vec::new();
    let mut op_rows = |what: String, key: &str, op: &str, bound| {
        let mut m = Vec::new();
        for v in &others {
            for n in &ns {
                let k = format!("{key}/{v}/{n}/{op}");
                if let (Some(r), Some(sp)) = (get(&k, "ratio"), get(&k, "spread_percent")) {
                    m.push((format!("{v} N={n}"), r, sp));
                }
            }
        }
        // Logs from before the writer's CPU time was recorded have none
        if m.is_empty() && key == "cpu" {
            return;
        }
        rows.push((
            Goal {
                what,
                bound,
                higher_is_worse: true,
            },
            m,
        ));
    };
    // Each detach/attach goal in guest time, then in the writer's CPU time
    // (no sleeps: what icount's timer ticks leave unresolved)
    for (key, how) in [("ops", ""), ("cpu", ", writer CPU time")] {
        for (what, op, bound) in [
            ("first disable ≤ 1.05", "disable", 1.05),
            ("disable within the linger ≤ 1.05", "disable_linger", 1.05),
            ("enable within the linger ≤ 1.05", "enable_linger", 1.05),
            (
                "enable after the free ≤ 1.00 × base's first enable",
                "enable_after_free",
                1.0,
            ),
            ("fprobe event cycle ≤ 1.05", "fprobe_cycle", 1.05),
            ("BPF link attach ≤ 1.05", "bpf_link_attach", 1.05),
            ("BPF link release ≤ 1.05", "bpf_link_release", 1.05),
            (
                "tracing_thresh set (re-registration) ≤ 1.05",
                "thresh_on",
                1.05,
            ),
        ] {
            op_rows(format!("{what}{how}"), key, op, bound);
        }
    }
    // Fork and thread goals: by their rates (always), then by their CPU
    // times (only where the logs have them)
    let measures = [
        ("never", "fork"),
        ("after_cycle", "fork"),
        ("never", "thread"),
        ("after_cycle", "thread"),
    ];
    for (prefix, bound, higher_is_worse, whats) in [
        (
            "fork",
            0.99,
            false,
            [
                "fork+exit, tracing never on: rate ≥ 0.99",
                "fork+exit after a session: rate ≥ 0.99",
                "thread create+join, never: rate ≥ 0.99",
                "thread create+join after: rate ≥ 0.99",
            ],
        ),
        (
            "fork_cpu",
            1.01,
            true,
            [
                "fork+exit CPU time, tracing never on ≤ 1.01",
                "fork+exit CPU time after a session ≤ 1.01",
                "thread create+join CPU time, never ≤ 1.01",
                "thread create+join CPU time after ≤ 1.01",
            ],
        ),
    ] {
        for (what, (key, which)) in whats.into_iter().zip(measures) {
            let (field, spread_field) =
                (format!("{which}_ratio"), format!("{which}_spread_percent"));
            let m: Vec<_> = others
                .iter()
                .filter_map(|v| {
                    let k = format!("{prefix}/{v}/{key}");
                    Some((v.to_string(), get(&k, &field)?, get(&k, &spread_field)?))
                })
                .collect();
            if m.is_empty() && prefix == "fork_cpu" {
                continue;
            }
            rows.push((
                Goal {
                    what: what.into(),
                    bound,
                    higher_is_worse,
                },
                m,
            ));
        }
    }
    let m = others
        .iter()
        .filter_map(|v| {
            let k = format!("hotpath/{v}");
            Some((v.to_string(), get(&k, "ratio")?, get(&k, "spread_percent")?))
        })
        .collect();
    rows.push((
        Goal {
            what: "hot path: reads/s ≥ 0.99".into(),
            bound: 0.99,
            higher_is_worse: false,
        },
        m,
    ));

    let mut md = String::from(
        "\n## Goals\n\nThe worst variant and N for each goal, with its spread (see above); \
         \"not resolved\" where the spread is wider than the margin between the bound and 1.\n\n\
         | goal | worst | ratio | spread | verdict |\n| --- | --- | ---: | ---: | --- |\n",
    );
    for (g, m) in rows {
        let worst = m.iter().max_by(|a, b| {
            let (x, y) = if g.higher_is_worse {
                (a.1, b.1)
            } else {
                (b.1, a.1)
            };
            x.total_cmp(&y)
        });
        let Some((label, r, sp)) = worst else {
            let _ = writeln!(md, "| {} | - | - | - | no samples |", g.what);
            continue;
        };
        let margin = 100.0 * (g.bound - 1.0).abs();
        let ok = if g.higher_is_worse {
            *r <= g.bound
        } else {
            *r >= g.bound
        };
        let verdict = if ok && (*sp < margin || margin == 0.0) {
            "met"
        } else if ok {
            "met, not resolved"
        } else if *sp >= 100.0 * (r - 1.0).abs() {
            "not resolved"
        } else {
            "missed"
        };
        let _ = writeln!(
            md,
            "| {} | {label} | {r:.3} | {sp:.1} % | {verdict} |",
            g.what
        );
    }
    md
}

/// The rows of a detach/attach table: each operation of [`OPS`] at each N,
/// by each boot's mean of `field`, with its ratio to the baseline's and the
/// spread; into `md`, and into `summary` as `{key}/VARIANT/N/OP`. Rows whose
/// baseline has no samples are left out if `need_base`.
fn ops_rows(
    md: &mut String,
    summary: &mut Map<String, Value>,
    vs: &[Variant],
    field: &str,
    key: &str,
    digits: usize,
    need_base: bool,
) {
    let base = &vs[0];
    for n in tasks_of(vs) {
        for (label, (op, cycle), baseline) in OPS {
            let (base_op, base_cycle) = baseline.unwrap_or((op, cycle));
            let b = base.per_boot_mean("latency", &latency_filter(n, base_op, base_cycle), field);
            for v in vs {
                let x = v.per_boot_mean("latency", &latency_filter(n, op, cycle), field);
                if x.n == 0 || (need_base && b.n == 0) {
                    continue;
                }
                let spread = spread(&[x, b]);
                let ratio = x.median / b.median;
                let _ = writeln!(
                    md,
                    "| {} | {n} | {label} | {} | {ratio:.3} | {spread:.1} % |",
                    v.name,
                    x.show(digits)
                );
                summary.insert(
                    format!("{key}/{}/{n}/{op}", v.name),
                    json!({"ms": x.median, "ratio": ratio, "spread_percent": spread, "boots": x.n}),
                );
            }
        }
    }
}

/// The tables, as Markdown, and the summary for results.json.
fn tables(vs: &[Variant]) -> (String, Value) {
    let mut md = String::new();
    let mut summary = Map::new();
    let base = &vs[0];

    let _ = writeln!(
        md,
        "## Memory: fgraph_stack objects (exact: the cache is shrunk before each count)\n\n\
         Medians over repetitions; N idle threads plus 4 readers parked in a traced read(). \
         \"kept\" is the share of the stacks while enabled still there once the linger has \
         passed with the readers parked (the unpatched kernel keeps them all).\n\n\
         | variant | N | before | enabled | right after disable | past the linger | kept | 1 s after the readers left | worst after a disable (20 cycles) | 1 s into a linger | 1 s after its end | 0.5 s after memory pressure |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for n in tasks_of(vs) {
        for v in vs {
            let at = |phase: &str, cycle: Option<u64>| -> Summary {
                let mut f = vec![("tasks", json!(n)), ("phase", json!(phase))];
                if let Some(c) = cycle {
                    f.push(("cycle", json!(c)));
                }
                Summary::of(&v.values("memory", &f, "stacks"))
            };
            let (before, enabled, disabled, past, after) = (
                at("before", Some(0)),
                at("enabled", Some(0)),
                at("disabled", Some(0)),
                at("past_linger", Some(0)),
                at("after_1s", Some(0)),
            );
            let worst = v
                .select(
                    "memory",
                    &[("tasks", json!(n)), ("phase", json!("disabled"))],
                )
                .filter(|s| s["cycle"].as_u64() != Some(0))
                .filter_map(|s| s["stacks"].as_f64())
                .fold(f64::NAN, f64::max);
            let kept = 100.0 * past.median / enabled.median;
            let (l1, l6, pressure) = (
                at("linger_1s", None),
                at("linger_end", None),
                at("pressure_0_5s", None),
            );
            let _ = writeln!(
                md,
                "| {} | {n} | {} | {} | {} | {} | {kept:.2} % | {} | {} | {} | {} | {} |",
                v.name,
                before.show(0),
                enabled.show(0),
                disabled.show(0),
                past.show(0),
                after.show(0),
                if worst.is_nan() {
                    "-".into()
                } else {
                    format!("{worst:.0}")
                },
                l1.show(0),
                l6.show(0),
                pressure.show(0)
            );
            summary.insert(
                format!("memory/{}/{n}", v.name),
                json!({"before": before.median, "enabled": enabled.median,
                       "disabled": disabled.median, "past_linger": past.median,
                       "after_1s": after.median,
                       "kept_percent": kept, "worst_disabled_over_cycles": worst,
                       "linger_1s": l1.median, "linger_end": l6.median,
                       "pressure_0_5s": pressure.median}),
            );
        }
    }

    let _ = writeln!(
        md,
        "\n## Fork cost (per second; ratio of medians to {})\n\n\
         | variant | phase | fork+exit | ratio | thread create+join | ratio |\n\
         | --- | --- | ---: | ---: | ---: | ---: |",
        base.name
    );
    for phase in ["never", "after_cycle"] {
        let f = [("phase", json!(phase))];
        let bf = Summary::of(&base.values("fork", &f, "fork_exit_per_s"));
        let bt = Summary::of(&base.values("fork", &f, "thread_create_join_per_s"));
        for v in vs {
            let sf = Summary::of(&v.values("fork", &f, "fork_exit_per_s"));
            let st = Summary::of(&v.values("fork", &f, "thread_create_join_per_s"));
            let _ = writeln!(
                md,
                "| {} | {phase} | {} | {:.3} | {} | {:.3} |",
                v.name,
                sf.show(0),
                sf.median / bf.median,
                st.show(0),
                st.median / bt.median
            );
            summary.insert(
                format!("fork/{}/{phase}", v.name),
                json!({"fork_exit_per_s": sf.median, "fork_ratio": sf.median / bf.median,
                       "fork_spread_percent": spread(&[sf, bf]),
                       "thread_per_s": st.median, "thread_ratio": st.median / bt.median,
                       "thread_spread_percent": spread(&[st, bt])}),
            );
        }
    }

    // The CPU time of each fork+exit and thread create+join (logs from
    // before it was recorded have none): it leaves out the time nothing
    // ran, which moves the rates between boots.
    let has_cpu = vs
        .iter()
        .any(|v| !v.values("fork", &[], "fork_exit_cpu_us").is_empty());
    if has_cpu {
        let _ = writeln!(
            md,
            "\n## Fork cost: CPU time (µs per fork+exit, forking thread and child; \
             per thread create+join, the process; ratio of medians to {})\n\n\
             | variant | phase | fork+exit | ratio | spread | thread create+join | ratio | spread |\n\
             | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            base.name
        );
        for phase in ["never", "after_cycle"] {
            let f = [("phase", json!(phase))];
            let bf = Summary::of(&base.values("fork", &f, "fork_exit_cpu_us"));
            let bt = Summary::of(&base.values("fork", &f, "thread_create_join_cpu_us"));
            for v in vs {
                let sf = Summary::of(&v.values("fork", &f, "fork_exit_cpu_us"));
                let st = Summary::of(&v.values("fork", &f, "thread_create_join_cpu_us"));
                let (rf, rt) = (sf.median / bf.median, st.median / bt.median);
                let (pf, pt) = (spread(&[sf, bf]), spread(&[st, bt]));
                let _ = writeln!(
                    md,
                    "| {} | {phase} | {} | {rf:.3} | {pf:.1} % | {} | {rt:.3} | {pt:.1} % |",
                    v.name,
                    sf.show(1),
                    st.show(1),
                );
                summary.insert(
                    format!("fork_cpu/{}/{phase}", v.name),
                    json!({"fork_exit_us": sf.median, "fork_ratio": rf, "fork_spread_percent": pf,
                           "thread_us": st.median, "thread_ratio": rt, "thread_spread_percent": pt}),
                );
            }
        }
    }

    let _ = writeln!(
        md,
        "\n## Hot path: read() of /dev/zero with vfs_read's graph traced\n\n\
         | variant | reads/s | ratio to {} |\n| --- | ---: | ---: |",
        base.name
    );
    let bh = Summary::of(&base.values("hotpath", &[], "reads_per_s"));
    for v in vs {
        let h = Summary::of(&v.values("hotpath", &[], "reads_per_s"));
        let _ = writeln!(
            md,
            "| {} | {} | {:.3} |",
            v.name,
            h.show(0),
            h.median / bh.median
        );
        summary.insert(
            format!("hotpath/{}", v.name),
            json!({"reads_per_s": h.median, "ratio": h.median / bh.median,
                   "spread_percent": spread(&[h, bh])}),
        );
    }

    let _ = writeln!(
        md,
        "\n## Latency of `echo function_graph|nop > current_tracer` (ms, every cycle)\n\n\
         | variant | N | enable | disable |\n| --- | ---: | ---: | ---: |"
    );
    for n in tasks_of(vs) {
        for v in vs {
            let at = |op: &str| {
                Summary::of(&v.values("latency", &[("tasks", json!(n)), ("op", json!(op))], "ms"))
            };
            let (en, dis) = (at("enable"), at("disable"));
            let _ = writeln!(
                md,
                "| {} | {n} | {} | {} |",
                v.name,
                en.show(1),
                dis.show(1)
            );
            summary.insert(
                format!("latency/{}/{n}", v.name),
                json!({"enable_ms": en.median, "disable_ms": dis.median}),
            );
        }
    }
    let _ = writeln!(
        md,
        "\n## Detaching and attaching again (ms; ratio to {b}, with the spread between boots)\n\n\
         Each boot's mean (operations that sleep take whole timer ticks of guest time: a mean over \
         many samples resolves what a median cannot), then the median of the boots' means, with \
         their range; the spread is the widest range of the boots' means (with a single boot of \
         each variant: of its samples), of the variant or of {b}, as a percentage of its median. Within the linger \
         the stacks are still there; `enable_after_free` is compared with {b}'s first enable, `disable_after_free` with all of {b}'s disables.\n\n\
         | variant | N | operation | ms | ratio | spread |\n| --- | ---: | --- | ---: | ---: | ---: |",
        b = base.name
    );
    ops_rows(&mut md, &mut summary, vs, "ms", "ops", 1, false);

    // The same, in the CPU time of the thread that did each operation (its
    // sleeps left out), where the samples have it.
    if vs
        .iter()
        .any(|v| v.select("latency", &[]).any(|s| s["cpu_ms"].is_number()))
    {
        let _ = writeln!(
            md,
            "\n## Detaching and attaching again: the CPU time of the writer (ms; ratio to {b})\n\n\
             As above, in the CPU time of the thread that made each operation \
             (`CLOCK_THREAD_CPUTIME_ID`): its sleeps (grace periods, flushes) are left out, and \
             what remains counts instructions under icount.\n\n\
             | variant | N | operation | CPU ms | ratio | spread |\n| --- | ---: | --- | ---: | ---: | ---: |",
            b = base.name
        );
        ops_rows(&mut md, &mut summary, vs, "cpu_ms", "cpu", 2, true);
    }

    // Linear in N? The cost per task at each N, for the enable after the
    // free (the baseline: its first enable); a cost per task that grows
    // with N is superlinear.
    let ns = tasks_of(vs);
    if ns.len() > 1 {
        let _ = writeln!(
            md,
            "\n## Enabling with every stack to allocate, by task count\n\n\
             The enable after the free ({b}: its first enable), in microseconds per task; \
             the last column is the cost per task at the largest N over that at the smallest \
             (1 or less: linear, or better, in N).\n\n| variant | {} | growth |\n| --- |{} ---: |",
            ns.iter()
                .map(|n| format!("N={n}"))
                .collect::<Vec<_>>()
                .join(" | "),
            " ---: |".repeat(ns.len()),
            b = base.name
        );
        for v in vs {
            let op = if v.name == base.name {
                ("enable", Some(0))
            } else {
                ("enable_after_free", None)
            };
            let per_task: Vec<f64> = ns
                .iter()
                .map(|&n| {
                    let f = latency_filter(n, op.0, op.1);
                    1000.0 * v.per_boot("latency", &f, "ms").median / n as f64
                })
                .collect();
            if per_task.iter().all(|x| !x.is_finite()) {
                continue;
            }
            let growth = per_task[per_task.len() - 1] / per_task[0];
            let _ = writeln!(
                md,
                "| {} | {} | {growth:.2} |",
                v.name,
                per_task
                    .iter()
                    .map(|x| format!("{x:.2}"))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
            summary.insert(
                format!("enable_per_task/{}", v.name),
                json!({"us_per_task": per_task, "growth": growth}),
            );
        }
    }

    if let (Some(c), Some(r)) = (
        vs.iter().find(|v| v.name == "c"),
        vs.iter().find(|v| v.name == "rust"),
    ) {
        let _ = writeln!(
            md,
            "\nRust vs C disable latency (ratio of medians): {}",
            tasks_of(vs)
                .iter()
                .map(|&n| {
                    let f = [("tasks", json!(n)), ("op", json!("disable"))];
                    let ratio = Summary::of(&r.values("latency", &f, "ms")).median
                        / Summary::of(&c.values("latency", &f, "ms")).median;
                    summary.insert(format!("latency/rust_vs_c/{n}"), json!(ratio));
                    format!("N={n}: {ratio:.3}")
                })
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    (md, Value::Object(summary))
}

/// Tables, results.json and plots from the fgl-bench samples of several
/// kernel variants' console logs; the first variant is the baseline.
#[derive(Parser, Debug)]
#[command(about)]
struct Args {
    /// Directory to write results.json, results.md and the plots to
    #[arg(long)]
    out: PathBuf,
    /// Metadata for results.json
    #[arg(long, value_name = "KEY=VALUE", value_parser = key_value)]
    meta: Vec<(String, String)>,
    /// A variant's name and its console log
    #[arg(required = true, value_name = "VARIANT=LOG", value_parser = key_value)]
    variants: Vec<(String, String)>,
}

fn key_value(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("{s}: expected NAME=VALUE"))
}

fn run(args: Args) -> Result<(), String> {
    let out = args.out;
    let meta: Map<String, Value> = args.meta.into_iter().map(|(k, v)| (k, json!(v))).collect();
    let mut vs = Vec::new();
    for (name, path) in args.variants {
        let text = fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        let samples = parse_samples(&text).map_err(|e| format!("{path}: {e}"))?;
        add_boot(&mut vs, name, samples);
    }
    fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;

    let (mut md, summary) = tables(&vs);
    if let Value::Object(m) = &summary {
        md.push_str(&goals(&vs, m));
    }
    print!("{md}");
    let samples: Vec<Value> = vs
        .iter()
        .flat_map(|v| {
            v.samples.iter().map(|s| {
                let mut s = s.clone();
                s["variant"] = json!(v.name);
                s
            })
        })
        .collect();
    let results = json!({"meta": meta, "summary": summary, "samples": samples});
    let write = |name: &str, text: String| {
        let p = out.join(name);
        fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))
    };
    write(
        "results.json",
        serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?,
    )?;
    let mut head = String::from("# fgraph-lifecycle benchmark results\n\n");
    for (k, v) in &meta {
        let _ = writeln!(head, "- {k}: {}", v.as_str().unwrap_or_default());
    }
    write("results.md", format!("{head}\n{md}"))?;
    plots::draw(&vs, &out)?;
    let mut names = BTreeMap::new();
    for f in [
        "results.json",
        "results.md",
        "memory_cycles.png",
        "latency.png",
        "ratios.png",
    ] {
        names.insert(f, out.join(f).display().to_string());
    }
    eprintln!(
        "written: {}",
        names.values().cloned().collect::<Vec<_>>().join(" ")
    );
    Ok(())
}

fn main() -> ExitCode {
    // Bad arguments: clap prints the usage and exits with status 2.
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fgraph-bench-report: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "boot noise\r\n\
fgl-bench: {\"workload\":\"fork\",\"phase\":\"never\",\"rep\":0,\"fork_exit_per_s\":100.0,\"thread_create_join_per_s\":50.0}\r\n\
fgl-bench: {\"workload\":\"memory\",\"tasks\":10,\"rep\":0,\"cycle\":0,\"phase\":\"enabled\",\"t_s\":1.0,\"stacks\":20,\"bytes\":81920}\n\
fgl-bench: {\"workload\":\"memory\",\"tasks\":10,\"rep\":0,\"cycle\":0,\"phase\":\"disabled\",\"t_s\":1.1,\"stacks\":20,\"bytes\":81920}\n\
fgl-bench: {\"workload\":\"memory\",\"tasks\":10,\"rep\":0,\"cycle\":0,\"phase\":\"past_linger\",\"t_s\":7.1,\"stacks\":4,\"bytes\":16384}\n";

    #[test]
    fn arguments() {
        use clap::CommandFactory;
        Args::command().debug_assert();
        let a = Args::try_parse_from(["r", "--out", "d", "--meta", "k=v", "base=x.log"]).unwrap();
        assert_eq!(a.meta, vec![("k".into(), "v".into())]);
        assert_eq!(a.variants, vec![("base".into(), "x.log".into())]);
        assert!(Args::try_parse_from(["r", "--out", "d"]).is_err());
        assert!(Args::try_parse_from(["r", "--out", "d", "base"]).is_err());
    }

    #[test]
    fn parses_samples_among_console_noise() {
        let s = parse_samples(LOG).unwrap();
        assert_eq!(s.len(), 4);
        assert_eq!(s[1]["stacks"], 20);
        assert_eq!(s[3]["phase"], "past_linger");
    }

    #[test]
    fn a_failed_run_or_an_empty_log_is_an_error() {
        assert!(parse_samples("fgl-bench-error: no tracefs\n").is_err());
        assert!(parse_samples("nothing here\n").is_err());
        assert!(parse_samples("fgl-bench: {\"x\":1}\n").is_err());
    }

    #[test]
    fn boots_of_a_variant_are_merged_and_tagged() {
        let mut vs = Vec::new();
        add_boot(&mut vs, "base".into(), parse_samples(LOG).unwrap());
        add_boot(&mut vs, "rust".into(), parse_samples(LOG).unwrap());
        add_boot(&mut vs, "base".into(), parse_samples(LOG).unwrap());
        assert_eq!(vs.len(), 2);
        assert_eq!(vs[0].samples.len(), 8);
        assert_eq!(vs[0].samples[7]["boot"], 1);
        let s = vs[0].per_boot("memory", &[("phase", json!("enabled"))], "stacks");
        assert_eq!((s.n, s.median), (2, 20.0));
    }

    #[test]
    fn enable_cost_per_task_and_growth() {
        let line = |op: &str, n: u64, ms: f64| {
            format!(
                "fgl-bench: {{\"workload\":\"latency\",\"tasks\":{n},\"rep\":0,\"cycle\":0,\"op\":\"{op}\",\"ms\":{ms}}}\n"
            )
        };
        let memory = |n: u64| {
            format!(
                "fgl-bench: {{\"workload\":\"memory\",\"tasks\":{n},\"rep\":0,\"cycle\":0,\"phase\":\"before\",\"t_s\":0,\"stacks\":0,\"bytes\":0}}\n"
            )
        };
        let log = |op: &str, small: f64, large: f64| {
            parse_samples(
                &(memory(1000) + &memory(10000) + &line(op, 1000, small) + &line(op, 10000, large)),
            )
            .unwrap()
        };
        let vs = [
            Variant {
                name: "base".into(),
                samples: log("enable", 10.0, 400.0),
            },
            Variant {
                name: "rust".into(),
                samples: log("enable_after_free", 10.0, 100.0),
            },
        ];
        let (mut md, summary) = tables(&vs);
        if let Value::Object(m) = &summary {
            md.push_str(&goals(&vs, m));
        }
        assert_eq!(summary["enable_per_task/base"]["growth"], json!(4.0));
        assert_eq!(summary["enable_per_task/rust"]["growth"], json!(1.0));
        assert!(md.contains("| rust | 10.00 | 10.00 | 1.00 |"));
    }

    #[test]
    fn kept_percent_and_fork_ratio() {
        let base = Variant {
            name: "base".into(),
            samples: parse_samples(LOG).unwrap(),
        };
        let mut other = parse_samples(LOG).unwrap();
        other[0]["fork_exit_per_s"] = json!(99.0);
        let v = Variant {
            name: "rust".into(),
            samples: other,
        };
        let (md, summary) = tables(&[base, v]);
        assert_eq!(summary["memory/rust/10"]["kept_percent"], json!(20.0));
        assert_eq!(summary["fork/rust/never"]["fork_ratio"], json!(0.99));
        assert!(md.contains("| rust | 10 |"));
        // The log has no CPU times of forks: no such table, nor goal
        assert!(!md.contains("Fork cost: CPU time"));
        assert!(summary.get("fork_cpu/rust/never").is_none());
    }

    #[test]
    fn fork_cpu_time_ratio_and_goal() {
        let with_cpu = |us: f64| {
            let mut s = parse_samples(LOG).unwrap();
            s[0]["fork_exit_cpu_us"] = json!(us);
            s[0]["thread_create_join_cpu_us"] = json!(10.0);
            s
        };
        let vs = [
            Variant {
                name: "base".into(),
                samples: with_cpu(200.0),
            },
            Variant {
                name: "rust".into(),
                samples: with_cpu(204.0),
            },
        ];
        let (md, summary) = tables(&vs);
        assert!(md.contains("Fork cost: CPU time"));
        assert_eq!(summary["fork_cpu/rust/never"]["fork_ratio"], json!(1.02));
        let g = goals(&vs, summary.as_object().unwrap());
        // One sample each: no spread, so the 2 % over the bound is resolved
        assert!(g.contains(
            "| fork+exit CPU time, tracing never on ≤ 1.01 | rust | 1.020 | 0.0 % | missed |"
        ));
    }
}
