//! The API's figures: booking POST, availability GET, contention and memory, from the server's
//! benchmark.

use super::{Figure, number};
use std::process::Command;

use anyhow::{Context, bail};

use crate::root;

/// The API benchmark (server/benches/api.rs) on SQLite and on a private PostgreSQL.
pub(crate) fn api_figures(
    figures: &mut Vec<Figure>,
    json_lines: &mut Vec<String>,
) -> anyhow::Result<()> {
    crate::process::run(
        "cargo",
        &["build", "--release", "--quiet", "-p", "rega-server"],
        &[],
    )?;
    if crate::process::output("oha", &["--version"]).is_none() {
        println!("bench: installing oha (a fixed-rate HTTP load generator)");
        crate::process::run("cargo", &["install", "oha", "--locked"], &[])?;
    }
    let postgres = crate::postgres::TestPostgres::start()?;
    let out = Command::new("cargo")
        .args(["bench", "--quiet", "-p", "rega-server", "--bench", "api"])
        .env("REGA_BENCH_DATABASE_URL", &postgres.url)
        .env("PATH", crate::process::tool_path())
        .current_dir(root())
        .output()
        .context("cannot run the API benchmark")?;
    drop(postgres);
    if !out.status.success() {
        bail!(
            "the API benchmark failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<serde_json_lite::Line> = text
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(serde_json_lite::Line::new)
        .collect();
    json_lines.extend(
        text.lines()
            .filter(|l| l.starts_with('{'))
            .map(str::to_owned),
    );
    let find = |name: &str| {
        lines
            .iter()
            .find(|l| l.text("bench").as_deref() == Some(name))
    };
    let command = "cargo bench -p rega-server --bench api".to_owned();
    if let (Some(get), Some(bare)) = (find("availability_days_get"), find("bare_axum_json")) {
        let (rps, bare_rps, p99) = (
            number(get, "max_rps"),
            number(bare, "max_rps"),
            number(get, "fixed_p99_ms"),
        );
        figures.push(Figure {
            what:
                "availability GET, 2 cores, loopback (max req/s; share of a bare axum JSON handler)"
                    .into(),
            value: format!(
                "{rps:.0} req/s; {:.0} % of {bare_rps:.0}",
                100.0 * rps / bare_rps
            ),
            budget: "≥ 20,000 req/s and ≥ 50 %".into(),
            met: Some(rps >= 20_000.0 && rps >= 0.5 * bare_rps),
            command: command.clone(),
        });
        figures.push(Figure {
            what: format!(
                "availability GET p99 at a fixed {:.0} req/s (oha, latency corrected)",
                number(get, "fixed_rate_rps")
            ),
            value: format!(
                "{p99:.1} ms (bare axum at the same rate: {:.1} ms)",
                number(bare, "fixed_p99_ms")
            ),
            budget: "≤ 10 ms".into(),
            met: Some(p99 <= 10.0),
            command: command.clone(),
        });
    }
    if let (Some(post), Some(raw)) = (find("booking_post_sqlite"), find("sqlite_raw_commits")) {
        let (rate, raw_rate) = (
            number(post, "max_bookings_per_s"),
            number(raw, "commits_per_s"),
        );
        figures.push(Figure {
            what: "booking POST on SQLite synchronous=FULL (bookings/s; share of raw commits/s)"
                .into(),
            value: format!(
                "{rate:.0} /s; {:.0} % of {raw_rate:.0}",
                100.0 * rate / raw_rate
            ),
            budget: "≥ 2,000 /s and ≥ 40 %".into(),
            met: Some(rate >= 2000.0 && rate >= 0.4 * raw_rate),
            command: command.clone(),
        });
        figures.push(Figure {
            what: format!(
                "booking POST p99 at a fixed {:.0} /s, open loop",
                number(post, "fixed_rate_per_s")
            ),
            value: format!("{:.1} ms", number(post, "fixed_p99_ms")),
            budget: "≤ 25 ms".into(),
            met: Some(number(post, "fixed_p99_ms") <= 25.0),
            command: command.clone(),
        });
    }
    if let Some(post) = find("booking_post_postgres") {
        figures.push(Figure {
            what: "booking POST on PostgreSQL (bookings/s; p99 at a fixed rate)".into(),
            value: format!(
                "{:.0} /s; p99 {:.1} ms at {:.0} /s",
                number(post, "max_bookings_per_s"),
                number(post, "fixed_p99_ms"),
                number(post, "fixed_rate_per_s")
            ),
            budget: "— (the SPEC budgets SQLite)".into(),
            met: None,
            command: command.clone(),
        });
    }
    if let Some(c) = find("contention_500_on_5") {
        let (created, conflicts, errors) = (
            number(c, "created"),
            number(c, "conflict_409"),
            number(c, "server_errors"),
        );
        figures.push(Figure {
            what: "contention: 500 concurrent attempts on a slot with 5 places (SQLite; PostgreSQL and two instances: the test suite)".into(),
            value: format!("{created:.0} booked, {conflicts:.0} × 409, {errors:.0} × 5xx"),
            budget: "exactly 5, the rest 409, zero 5xx".into(),
            met: Some(created == 5.0 && conflicts == 495.0 && errors == 0.0),
            command: command.clone(),
        });
    }
    if let Some(rss) = find("server_peak_rss") {
        let mib = number(rss, "peak_rss_mib");
        figures.push(Figure {
            what: "server memory after those loads (VmHWM)".into(),
            value: format!("{mib:.0} MiB"),
            budget: "≤ 100 MB".into(),
            met: Some(mib * 1.048_576 <= 100.0),
            command,
        });
    }
    Ok(())
}

/// Reading the flat JSON objects the benchmarks print, without a JSON dependency in xtask.
pub(crate) mod serde_json_lite {
    /// One printed object.
    pub struct Line(String);

    impl Line {
        pub fn new(text: &str) -> Line {
            Line(text.to_owned())
        }

        fn raw(&self, key: &str) -> Option<&str> {
            let start = self.0.find(&format!("\"{key}\":"))? + key.len() + 3;
            let rest = &self.0[start..];
            let end = match rest.strip_prefix('"') {
                Some(quoted) => quoted.find('"')? + 2,
                None => rest.find([',', '}'])?,
            };
            Some(&rest[..end])
        }

        pub fn number(&self, key: &str) -> Option<f64> {
            self.raw(key)?.parse().ok()
        }

        pub fn text(&self, key: &str) -> Option<String> {
            Some(self.raw(key)?.trim_matches('"').to_owned())
        }
    }
}
