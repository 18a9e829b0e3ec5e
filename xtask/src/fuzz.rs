//! `cargo xtask fuzz [SECONDS]`: runs each DL1 fuzz target for a while (default 10 minutes)
//! with cargo-fuzz on the nightly toolchain, and fails on any crash.

use std::time::Instant;

use anyhow::{Context, bail};

use crate::process::{output, run as sh};

const TARGETS: [&str; 2] = ["verify", "trust_list"];

/// Runs every target for `seconds` (default 600).
pub fn run(seconds: Option<&str>) -> anyhow::Result<()> {
    let seconds: u64 = seconds
        .unwrap_or("600")
        .parse()
        .context("usage: cargo xtask fuzz [SECONDS]")?;
    if output("rustup", &["run", "nightly", "rustc", "--version"]).is_none() {
        bail!(
            "the nightly toolchain is missing; install it with `rustup toolchain install nightly`"
        );
    }
    if output("cargo", &["fuzz", "--version"]).is_none() {
        println!("fuzz: installing cargo-fuzz");
        sh("cargo", &["install", "cargo-fuzz", "--locked"], &[])
            .context("cannot install cargo-fuzz")?;
    }
    let total = format!("-max_total_time={seconds}");
    for target in TARGETS {
        let started = Instant::now();
        println!("fuzz: {target} for {seconds} s");
        sh(
            "cargo",
            &[
                "+nightly",
                "fuzz",
                "run",
                "--fuzz-dir",
                "credential/fuzz",
                target,
                "--",
                &total,
                "-print_final_stats=1",
            ],
            &[],
        )
        .with_context(|| {
            format!("the {target} fuzzer found a crash; see credential/fuzz/artifacts/{target}/")
        })?;
        println!(
            "fuzz: {target}: no crash in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
