//! `cargo xtask …`: the README's commands — setup, build, serve, test — and the font subset.

mod bench;
mod build;
mod chaos;
mod fuzz;
mod playwright_report;
mod postgres;
mod process;
mod screens;
mod setup;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  setup   install what is missing (wasm target, Trunk, wasm-bindgen, npm tools, Chromium,
          PostgreSQL) and check the versions of what is there
  build   setup, then the release build of the app into dist/ (precompressed)
  serve   build, then run Rega with demo data on http://127.0.0.1:8080 (REGA_PORT to change)
  test    everything: format, lints, host tests (SQLite and PostgreSQL), the release build,
          and the browser tests in Chromium against a fresh server
  bench   measure the SPEC §8 budgets; writes docs/benchmarks.md and docs/benchmarks.json
  chaos   the crash proof: SIGKILL the release server 20 times on SQLite and 10 on PostgreSQL
          (two instances) under booking load; prints what was lost, duplicated, overbooked
  screens screenshots of the main citizen screens (phone size, ckb and en) into docs/screens/
  next-release
          copy dist/ into target/dist-next as the next release (what the service-worker update
          test serves; `cargo xtask test` makes it itself)
  fonts   regenerate the Vazirmatn subset in public/fonts from the npm package
  icons   redraw the installable app's icons (public/icons/) from public/icon.svg in Chromium
  fuzz    fuzz the DL1 verifier and the trust-list parser (cargo-fuzz, nightly);
          `cargo xtask fuzz 600` runs each target for 600 seconds (the default)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run().map(|_| ()),
        Some("build") => setup::run().and_then(|tools| build::release(&tools).map(|_| ())),
        Some("serve") => build::serve(),
        Some("test") => test::run(),
        Some("fonts") => build::fonts(),
        Some("icons") => setup::run()
            .and_then(|tools| process::run("node", &["xtask/icons.mjs"], &[("PATH", &tools.path)])),
        Some("next-release") => {
            build::next_release(&root().join("dist"), &root().join("target/dist-next"))
        }
        Some("screens") => screens::run(),
        Some("bench") => bench::run(),
        Some("chaos") => chaos::standalone(),
        Some("fuzz") => fuzz::run(args.get(1).map(String::as_str)),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("xtask: unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
