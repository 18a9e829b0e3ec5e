//! The browser's figures: Lighthouse on the citizen pages, DL1 verify and QR render in Chromium.

use super::api::serde_json_lite;
use super::{Figure, number};
use std::process::Command;

use anyhow::{Context, bail};

use crate::root;

/// Lighthouse on home, the booking day page and the licence (signed in), mobile preset, median
/// of three runs, at 4× and 8× CPU slowdown (end2end/lighthouse.mjs against a fresh server).
pub(crate) fn lighthouse_figures(
    tools: &crate::setup::Tools,
    figures: &mut Vec<Figure>,
    json_lines: &mut Vec<String>,
) -> anyhow::Result<()> {
    let command =
        "cargo xtask bench (node end2end/lighthouse.mjs: Lighthouse 12, mobile, median of 3)";
    for line in browser_script(tools, "Lighthouse", "end2end/lighthouse.mjs")? {
        json_lines.push(line.clone());
        let line = line.as_str();
        let parsed = serde_json_lite::Line::new(line);
        let page = parsed.text("page").unwrap_or_default();
        let n = |key: &str| number(&parsed, key);
        let cpu = n("cpu_slowdown");
        let (perf, a11y, best, lcp, tbt, cls) = (
            n("performance"),
            n("accessibility"),
            n("best_practices"),
            n("lcp_ms_median"),
            n("tbt_ms"),
            n("cls"),
        );
        let applied = parsed
            .number("lcp_applied_ms_median")
            .map(|ms| {
                format!(
                    " (with the throttling applied for real: {:.2} s)",
                    ms / 1000.0
                )
            })
            .unwrap_or_default();
        let value = format!(
            "performance {perf:.0}, accessibility {a11y:.0}, best practices {best:.0}, LCP {:.2} s{applied}, TBT {tbt:.0} ms, CLS {cls:.3}, {:.0} KB transferred",
            lcp / 1000.0,
            n("bytes") / 1000.0
        );
        let (budget, met) = if cpu <= 4.0 {
            (
                "performance ≥ 95, accessibility 100, best practices ≥ 95, LCP ≤ 1.8 s, TBT ≤ 100 ms, CLS ≤ 0.05",
                perf >= 95.0
                    && a11y >= 100.0
                    && best >= 95.0
                    && lcp <= 1800.0
                    && tbt <= 100.0
                    && cls <= 0.05,
            )
        } else {
            ("LCP ≤ 3.5 s", lcp <= 3500.0)
        };
        figures.push(Figure {
            what: format!("Lighthouse mobile, {cpu:.0}× CPU: {page}"),
            value,
            budget: budget.into(),
            met: Some(met),
            command: command.into(),
        });
    }
    Ok(())
}

/// DL1 verify and QR render in WASM, timed inside Chromium (end2end/dl1-browser.mjs: the
/// directorate app's measurement hooks, 500 runs each, unthrottled and at 4× CPU slowdown).
pub(crate) fn dl1_browser_figures(
    tools: &crate::setup::Tools,
    figures: &mut Vec<Figure>,
    json_lines: &mut Vec<String>,
) -> anyhow::Result<()> {
    for line in browser_script(tools, "DL1 in Chromium", "end2end/dl1-browser.mjs")? {
        json_lines.push(line.clone());
        let line = line.as_str();
        let parsed = serde_json_lite::Line::new(line);
        let n = |key: &str| number(&parsed, key);
        let what = match parsed.text("name").unwrap_or_default().as_str() {
            "dl1_verify_wasm" => "DL1 token: verify in WASM, in Chromium",
            _ => "DL1 token: render the QR code in WASM (level Q, one SVG path), in Chromium",
        };
        let cpu = n("cpu_slowdown");
        figures.push(Figure {
            what: format!(
                "{what}, {} CPU ({:.0}-character token, {:.0} runs)",
                if cpu > 1.0 {
                    format!("{cpu:.0}× slower")
                } else {
                    "full-speed".into()
                },
                n("token_chars"),
                n("runs")
            ),
            value: format!("p50 {:.1} ms, p99 {:.1} ms", n("p50_ms"), n("p99_ms")),
            budget: "p99 ≤ 15 ms".into(),
            met: Some(n("p99_ms") <= 15.0),
            command:
                "cargo xtask bench (node end2end/dl1-browser.mjs: performance.now in Chromium)"
                    .into(),
        });
    }
    Ok(())
}

/// Runs a Node benchmark script in Debian's Chromium against a fresh `rega serve --demo`; its
/// JSON lines.
pub(crate) fn browser_script(
    tools: &crate::setup::Tools,
    what: &str,
    script: &str,
) -> anyhow::Result<Vec<String>> {
    let server = crate::test::TestServer::start()?;
    println!("bench: {what} against {}", server.url);
    let out = Command::new("node")
        .arg(script)
        .current_dir(root())
        .env("PATH", &tools.path)
        .env("REGA_BASE_URL", &server.url)
        .env("CHROME_PATH", &tools.chromium)
        .output()
        .with_context(|| format!("cannot run node {script}"))?;
    if !out.status.success() {
        bail!("{what} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(str::to_owned)
        .collect())
}
