//! `cargo xtask screens`: screenshots of the main citizen screens at phone size, in Sorani and
//! English, into `docs/screens/` — taken from the release build served by a fresh `rega`, so
//! they show what a citizen sees today.

use anyhow::Context;

use crate::process::run as sh;
use crate::root;
use crate::test::TestServer;

/// Builds, serves, and runs `end2end/screens/` against the server.
pub fn run() -> anyhow::Result<()> {
    let tools = crate::setup::run()?;
    crate::build::release(&tools)?;
    println!("screens: cargo build --release -p rega-server");
    sh(
        "cargo",
        &["build", "--release", "--quiet", "-p", "rega-server"],
        &[],
    )
    .context("the server build failed; see the cargo output above")?;
    let out = root().join("docs/screens");
    std::fs::create_dir_all(&out)?;
    let server = TestServer::start()?;
    crate::test::playwright(
        &tools,
        &server,
        "end2end/screens.config.ts",
        &[("SCREENS_DIR", out.as_os_str())],
    )?;
    println!("screens: written to {}", out.display());
    Ok(())
}
