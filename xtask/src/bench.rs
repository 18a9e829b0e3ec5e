//! `cargo xtask bench`: measures what SPEC §8 budgets and writes docs/benchmarks.md and
//! docs/benchmarks.json, each figure with the command that produced it. Measurements, not tests.

use std::fmt::Write as _;
use std::process::Command;

use anyhow::{Context, bail};

use crate::root;

/// One measured figure against its budget.
struct Figure {
    what: String,
    value: String,
    budget: String,
    met: Option<bool>,
    command: String,
}

/// Runs every benchmark and writes the report.
pub fn run() -> anyhow::Result<()> {
    let tools = crate::setup::run()?;
    let mut figures = Vec::new();

    // Bundle: the first load of a citizen screen, from the release build.
    let sizes = crate::build::release(&tools)?;
    let total: u64 = sizes.iter().map(|f| f.brotli).sum();
    let mut bundle = String::new();
    for f in &sizes {
        let _ = writeln!(
            bundle,
            "| `{}` | {} | {} | {} |",
            f.name, f.raw, f.gzip, f.brotli
        );
    }
    figures.push(Figure {
        what: "first load of a citizen screen (HTML + JS + WASM + CSS), brotli".into(),
        value: format!("{:.1} KB", total as f64 / 1000.0),
        budget: "≤ 200 KB".into(),
        met: Some(total <= crate::build::FIRST_LOAD_BUDGET_BYTES),
        command: "cargo xtask build".into(),
    });

    // DL1 on the host.
    let out = Command::new("cargo")
        .args([
            "bench",
            "--quiet",
            "-p",
            "rega-credential",
            "--bench",
            "dl1",
        ])
        .current_dir(root())
        .output()
        .context("cannot run the DL1 benchmark")?;
    if !out.status.success() {
        bail!(
            "the DL1 benchmark failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut json_lines = Vec::new();
    for line in text.lines().filter(|l| l.starts_with('{')) {
        json_lines.push(line.to_owned());
        let field = |name: &str| -> Option<f64> {
            let start = line.find(&format!("\"{name}\":"))? + name.len() + 3;
            line[start..].split([',', '}']).next()?.parse().ok()
        };
        let name = line.split('"').nth(3).unwrap_or("?");
        let (p50, p99) = (
            field("p50_us").unwrap_or(f64::NAN),
            field("p99_us").unwrap_or(f64::NAN),
        );
        let (what, budget_ms) = match name {
            "dl1_sign_host" => ("DL1 token: sign on the server (largest licence)", Some(2.0)),
            _ => (
                "DL1 token: verify on the host (largest licence; the browser figure comes with the verify page)",
                None,
            ),
        };
        figures.push(Figure {
            what: what.into(),
            value: format!("p50 {:.2} ms, p99 {:.2} ms", p50 / 1000.0, p99 / 1000.0),
            budget: budget_ms.map_or("— (budget is for WASM: ≤ 15 ms)".into(), |b| {
                format!("p99 ≤ {b} ms")
            }),
            met: budget_ms.map(|b| p99 / 1000.0 <= b),
            command: "cargo bench -p rega-credential --bench dl1".into(),
        });
    }

    let (without, with) = verifier_wasm_size(&tools)?;
    figures.push(Figure {
        what: "DL1 verifier (verify + trust list), added to a wasm build: raw / brotli, after wasm-opt -Oz".into(),
        value: format!(
            "{:.1} KB / {:.1} KB",
            (with.0 - without.0) as f64 / 1000.0,
            (with.1 - without.1) as f64 / 1000.0
        ),
        budget: "— (kept off the citizen screens' first load)".into(),
        met: None,
        command: "cargo xtask bench (builds credential/wasm-size with and without the verifier)".into(),
    });

    write_report(&figures, &bundle, &json_lines)
}

/// Builds credential/wasm-size for wasm32 without and with the verifier, runs wasm-opt -Oz, and
/// returns (raw, brotli) sizes of each.
fn verifier_wasm_size(tools: &crate::setup::Tools) -> anyhow::Result<((u64, u64), (u64, u64))> {
    let dir = root().join("credential/wasm-size");
    let mut sizes = Vec::new();
    for features in [&[][..], &["--features", "verifier"][..]] {
        let mut args = vec![
            "build",
            "--quiet",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
        ];
        args.extend_from_slice(features);
        let status = Command::new("cargo")
            .args(&args)
            .current_dir(&dir)
            .status()
            .context("cannot run cargo")?;
        if !status.success() {
            bail!("building credential/wasm-size failed");
        }
        let built =
            dir.join("target/wasm32-unknown-unknown/release/rega_credential_wasm_size.wasm");
        let optimized = dir.join("target/optimized.wasm");
        let status = Command::new("wasm-opt")
            .env("PATH", &tools.path)
            .args(["-Oz", "--strip-debug", "--strip-producers"])
            .args(crate::build::WASM_FEATURES)
            .arg(&built)
            .arg("-o")
            .arg(&optimized)
            .status()
            .context("cannot run wasm-opt")?;
        if !status.success() {
            bail!("wasm-opt failed on credential/wasm-size");
        }
        let bytes = std::fs::read(&optimized)?;
        sizes.push((bytes.len() as u64, crate::build::brotli_len(&bytes)?));
    }
    Ok((sizes[0], sizes[1]))
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<u64>().ok())
        })
        .map(|kb| format!("{:.0} GiB", kb as f64 / 1_048_576.0))
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, {memory}")
}

fn today() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn write_report(figures: &[Figure], bundle: &str, json_lines: &[String]) -> anyhow::Result<()> {
    let mut md = String::new();
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Written by `cargo xtask bench` on {} — {}.\n",
        today(),
        machine()
    );
    let _ = writeln!(
        md,
        "Measurements, not tests: they never fail the test suite. Rerun the command to refresh this page.\n"
    );
    let _ = writeln!(md, "## Against the budgets of SPEC §8\n");
    let _ = writeln!(
        md,
        "| what | measured | budget | met | command |\n|---|---|---|---|---|"
    );
    for f in figures {
        let met = match f.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "—",
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {met} | `{}` |",
            f.what, f.value, f.budget, f.command
        );
    }
    let _ = writeln!(md, "\n## First load, file by file (bytes)\n");
    let _ = writeln!(
        md,
        "| file | raw | gzip | brotli |\n|---|---|---|---|\n{bundle}"
    );
    let _ = writeln!(
        md,
        "Budgets not measured yet by this command (Lighthouse, API throughput, contention, memory, DL1 in WASM) arrive with the issues that build those parts."
    );
    std::fs::write(root().join("docs/benchmarks.md"), md)
        .context("cannot write docs/benchmarks.md")?;
    let json = format!(
        "{{\"date\":\"{}\",\"machine\":\"{}\",\"results\":[{}]}}\n",
        today(),
        machine().replace('"', "'"),
        json_lines.join(",")
    );
    std::fs::write(root().join("docs/benchmarks.json"), json)
        .context("cannot write docs/benchmarks.json")?;
    println!("bench: wrote docs/benchmarks.md and docs/benchmarks.json");
    Ok(())
}
