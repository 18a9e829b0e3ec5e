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
    sh(
        "npx",
        &[
            "--no-install",
            "playwright",
            "test",
            "--config",
            "end2end/screens.config.ts",
        ],
        &[
            ("PATH", tools.path.as_ref()),
            ("REGA_BASE_URL", server.url.as_ref()),
            ("REGA_DATA_DIR", server.data_dir.as_os_str()),
            ("CHROMIUM_PATH", tools.chromium.as_os_str()),
            ("SCREENS_DIR", out.as_os_str()),
        ],
    )?;
    println!("screens: written to {}", out.display());
    Ok(())
}
