//! `cargo xtask chaos`: the crash proof (server/benches/chaos.rs) against the release server —
//! 20 SIGKILLs on SQLite and 10 on PostgreSQL with two instances; `cargo xtask test` runs a
//! short form. Loopback only; PostgreSQL is a private server started here unless given.

use std::process::Command;

use anyhow::{Context, bail};

use crate::root;

/// How many crashes on each engine.
#[derive(Clone, Copy)]
pub enum Length {
    /// The test command's: 5 on SQLite, 3 on PostgreSQL.
    Short,
    /// The proof's: 20 on SQLite, 10 on PostgreSQL.
    Long,
}

/// `cargo xtask chaos`: builds the release server, starts PostgreSQL, runs the long proof.
pub fn standalone() -> anyhow::Result<()> {
    crate::process::run(
        "cargo",
        &["build", "--release", "--quiet", "-p", "rega-server"],
        &[],
    )?;
    let postgres = crate::postgres::TestPostgres::start()?;
    let report = run(Length::Long, &postgres.url)?;
    print!("{report}");
    Ok(())
}

/// Runs the proof against `target/release/rega` (built already) and PostgreSQL at
/// `database_url`: its JSON lines, one per engine. Fails when the proof finds anything.
pub fn run(length: Length, database_url: &str) -> anyhow::Result<String> {
    let (sqlite, postgres) = match length {
        Length::Short => ("5", "3"),
        Length::Long => ("20", "10"),
    };
    let out = Command::new("cargo")
        .args([
            "bench",
            "--quiet",
            "-p",
            "rega-server",
            "--bench",
            "chaos",
            "--",
        ])
        .args(["--sqlite-crashes", sqlite, "--postgres-crashes", postgres])
        .env("REGA_CHAOS_DATABASE_URL", database_url)
        .env("CI", "true")
        .current_dir(root())
        .output()
        .context("cannot run the crash proof")?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!(
            "the crash proof failed:\n{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(stdout)
}
