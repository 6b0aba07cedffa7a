// SPDX-License-Identifier: GPL-2.0

//! The samples that `fgraph-bench` prints in the guest, one per line
//! `fgl-bench: {json}`, and that `fgraph-bench-report` reads back from the
//! console logs.

use serde::{Deserialize, Serialize};

/// What starts a sample's line.
pub const PREFIX: &str = "fgl-bench: ";
/// What starts the line of a run that failed.
pub const ERROR_PREFIX: &str = "fgl-bench-error: ";

/// One measurement. The workload names the variant, in the JSON too.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(tag = "workload", rename_all = "snake_case", deny_unknown_fields)]
pub enum Sample {
    /// Fork+exit and thread create+join rates, in a phase of the boot, and
    /// the CPU time each took (absent from older logs): the forking thread's
    /// and the child's for a fork+exit, the process's for a thread.
    Fork {
        phase: String,
        rep: u32,
        fork_exit_per_s: f64,
        thread_create_join_per_s: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fork_exit_cpu_us: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        thread_create_join_cpu_us: Option<f64>,
    },
    /// Shadow stacks in use at a step of the memory workload.
    Memory {
        tasks: usize,
        rep: u32,
        cycle: u32,
        phase: String,
        t_s: f64,
        stacks: u64,
        bytes: u64,
    },
    /// How long enabling or disabling the tracer took: guest time, and the
    /// CPU time of the thread that did it (absent from older logs).
    Latency {
        tasks: usize,
        rep: u32,
        cycle: u32,
        op: String,
        ms: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cpu_ms: Option<f64>,
    },
    /// read() calls per second with vfs_read's call graph traced.
    Hotpath { rep: u32, reads_per_s: f64 },
}

impl Sample {
    /// The sample's console line.
    pub fn line(&self) -> String {
        // A struct of numbers and strings always serializes.
        format!(
            "{PREFIX}{}",
            serde_json::to_string(self).unwrap_or_default()
        )
    }

    /// The sample of a console line, if it is one.
    pub fn parse_line(line: &str) -> Option<Result<Self, serde_json::Error>> {
        line.strip_prefix(PREFIX).map(serde_json::from_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_its_line() {
        let s = Sample::Latency {
            tasks: 10,
            rep: 1,
            cycle: 2,
            op: "disable".into(),
            ms: 3.5,
            cpu_ms: Some(1.25),
        };
        let line = s.line();
        assert!(line.starts_with("fgl-bench: {\"workload\":\"latency\","));
        assert_eq!(Sample::parse_line(&line).unwrap().unwrap(), s);
    }

    #[test]
    fn reads_latency_without_cpu_time() {
        let s = Sample::parse_line(
            "fgl-bench: {\"workload\":\"latency\",\"tasks\":1,\"rep\":0,\"cycle\":0,\"op\":\"enable\",\"ms\":2.0}",
        )
        .unwrap()
        .unwrap();
        assert!(matches!(s, Sample::Latency { cpu_ms: None, .. }));
    }

    #[test]
    fn rejects_unknown_workloads_and_fields() {
        assert!(
            Sample::parse_line("fgl-bench: {\"workload\":\"x\"}")
                .unwrap()
                .is_err()
        );
        assert!(
            Sample::parse_line(
                "fgl-bench: {\"workload\":\"hotpath\",\"rep\":0,\"reads_per_s\":1,\"z\":1}"
            )
            .unwrap()
            .is_err()
        );
        assert!(Sample::parse_line("not a sample").is_none());
    }
}
