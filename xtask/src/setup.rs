//! `cargo xtask setup`: installs what is missing and checks the versions of what is there.
//! A second run only checks, and takes seconds.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};

use crate::process::{output, run as sh, tool_path};
use crate::root;

/// Trunk's version; 0.22 needs a newer rustc than the pinned toolchain.
pub const TRUNK_VERSION: &str = "0.21.14";
/// Debian packages the tests need: the browser, the database server, the QR decoder, the PDF
/// reader (the kiosk's printed ticket is read back from a PDF).
const DEBIAN_PACKAGES: [(&str, &str); 5] = [
    ("chromium", "/usr/bin/chromium"),
    ("postgresql", "/usr/lib/postgresql"),
    ("zbar-tools", "/usr/bin/zbarimg"),
    ("poppler-utils", "/usr/bin/pdftotext"),
    // The first-day test runs a non-demo server on a later day (server/tests/api/first_day.rs).
    (
        "libfaketime",
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
    ),
];

/// Where the tools are, for the commands that use them.
pub struct Tools {
    /// PATH with node_modules/.bin and cargo's bin first.
    pub path: std::ffi::OsString,
    /// The Chromium binary.
    pub chromium: PathBuf,
    /// The project's Python (with the pinned packages), for the independent DL1 cross-check.
    pub python: PathBuf,
}

/// Runs every setup step and returns where the tools are.
pub fn run() -> anyhow::Result<Tools> {
    let started = Instant::now();
    wasm_target()?;
    trunk()?;
    wasm_bindgen()?;
    npm_packages()?;
    debian_packages()?;
    let venv = python_venv()?;
    println!("setup: ready in {:.1} s", started.elapsed().as_secs_f64());
    Ok(Tools {
        path: tool_path(),
        chromium: PathBuf::from("/usr/bin/chromium"),
        python: venv.join("bin/python"),
    })
}

fn wasm_target() -> anyhow::Result<()> {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|line| line.trim() == "wasm32-unknown-unknown")
    {
        println!("setup: wasm32-unknown-unknown target ok");
        return Ok(());
    }
    println!("setup: adding the wasm32-unknown-unknown target");
    sh("rustup", &["target", "add", "wasm32-unknown-unknown"], &[])
        .context("cannot add the wasm32 target; install rustup (https://rustup.rs) and retry")
}

fn installed_version(program: &str) -> Option<String> {
    let text = output(program, &["--version"])?;
    text.split_whitespace().nth(1).map(str::to_owned)
}

fn trunk() -> anyhow::Result<()> {
    match installed_version("trunk") {
        Some(version) if version == TRUNK_VERSION => {
            println!("setup: trunk {TRUNK_VERSION} ok");
            return Ok(());
        }
        Some(other) => println!("setup: trunk {other} found, {TRUNK_VERSION} needed; installing"),
        None => println!("setup: installing trunk {TRUNK_VERSION} (about 8 minutes, once)"),
    }
    sh(
        "cargo",
        &[
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
            "--force",
        ],
        &[],
    )
    .context("installing trunk failed; see the cargo output above")
}

/// The wasm-bindgen version in Cargo.lock, which the CLI must equal exactly.
pub fn locked_wasm_bindgen() -> anyhow::Result<String> {
    let lock =
        std::fs::read_to_string(root().join("Cargo.lock")).context("cannot read Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    bail!("Cargo.lock has no wasm-bindgen entry")
}

fn wasm_bindgen() -> anyhow::Result<()> {
    let locked = locked_wasm_bindgen()?;
    let trunk_toml =
        std::fs::read_to_string(root().join("Trunk.toml")).context("cannot read Trunk.toml")?;
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{locked}\"")) {
        bail!(
            "Trunk.toml's [tools] wasm_bindgen must equal the wasm-bindgen in Cargo.lock ({locked}); update Trunk.toml"
        );
    }
    match installed_version("wasm-bindgen") {
        Some(version) if version == locked => {
            println!("setup: wasm-bindgen {locked} ok");
            return Ok(());
        }
        Some(other) => println!("setup: wasm-bindgen {other} found, {locked} needed; installing"),
        None => println!("setup: installing wasm-bindgen-cli {locked} (a few minutes, once)"),
    }
    // Without --locked: the CLI's own lock file does not resolve here.
    sh(
        "cargo",
        &[
            "install",
            "wasm-bindgen-cli",
            "--version",
            &locked,
            "--force",
        ],
        &[],
    )
    .context("installing wasm-bindgen-cli failed; see the cargo output above")
}

fn npm_packages() -> anyhow::Result<()> {
    let node = output("node", &["--version"])
        .context("Node.js is missing; install it (Debian: apt-get install nodejs npm) and retry")?;
    let major: u32 = node
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 18 {
        bail!("Node.js {node} is too old; Playwright needs 18 or newer");
    }
    let root = root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules/.package-lock.json");
    if is_newer_or_equal(&installed, &lock) && root.join("node_modules/.bin/wasm-opt").exists() {
        println!("setup: npm packages ok");
    } else {
        println!("setup: installing npm packages (npm ci)");
        sh("npm", &["ci", "--no-audit", "--no-fund"], &[])
            .context("`npm ci` failed; see the output above")?;
    }
    let version = output(
        root.join("node_modules/.bin/wasm-opt")
            .to_string_lossy()
            .as_ref(),
        &["--version"],
    )
    .unwrap_or_default();
    if !version.contains("version_123") {
        bail!(
            "node_modules/.bin/wasm-opt is not binaryen 123 ({version}); delete node_modules and rerun setup"
        );
    }
    Ok(())
}

fn is_newer_or_equal(a: &Path, b: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(a), modified(b)), (Some(a), Some(b)) if a >= b)
}

fn debian_packages() -> anyhow::Result<()> {
    let missing: Vec<&str> = DEBIAN_PACKAGES
        .iter()
        .filter(|(_, marker)| !Path::new(marker).exists())
        .map(|(name, _)| *name)
        .collect();
    if missing.is_empty() {
        println!("setup: chromium, postgresql, zbar-tools, poppler-utils, libfaketime ok");
        return Ok(());
    }
    let is_root = output("id", &["-u"]).as_deref() == Some("0");
    if !is_root || output("apt-get", &["--version"]).is_none() {
        bail!(
            "missing Debian packages: {}; install them (sudo apt-get install -y {}) and retry",
            missing.join(", "),
            missing.join(" ")
        );
    }
    println!("setup: installing Debian packages: {}", missing.join(", "));
    sh("apt-get", &["update", "-q"], &[]).context("apt-get update failed")?;
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend(missing.iter().copied());
    sh(
        "apt-get",
        &args,
        &[("DEBIAN_FRONTEND", "noninteractive".as_ref())],
    )
    .with_context(|| format!("cannot install {}", missing.join(", ")))
}

/// Python packages for the font subset and the independent DL1 cross-check, pinned.
const PYTHON_PACKAGES: [&str; 8] = [
    "fonttools==4.60.1",
    "brotli==1.1.0",
    "pycose==1.1.0",
    "cbor2==5.6.5",
    "base45==0.4.4",
    "cryptography==50.0.2",
    // The fake camera's video of an appointment QR code (end2end/qr-video.py).
    "qrcode==8.2",
    // Schema-driven fuzzing of the API (end2end/api-fuzz.py).
    "schemathesis==4.32.5",
];

/// Creates `.venv` with the pinned Python packages if needed and returns its path.
pub fn python_venv() -> anyhow::Result<PathBuf> {
    let venv = root().join(".venv");
    let marker = venv.join(".rega-packages");
    let wanted = PYTHON_PACKAGES.join("\n");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) {
        println!("setup: python packages ok");
        return Ok(venv);
    }
    println!("setup: creating .venv with {}", PYTHON_PACKAGES.join(", "));
    if !venv.join("bin/python").exists() {
        sh("python3", &["-m", "venv", ".venv"], &[]).context(
            "cannot create a Python virtual environment; install python3 and python3-venv",
        )?;
    }
    let mut args = vec![
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ];
    args.extend(PYTHON_PACKAGES);
    sh(
        venv.join("bin/python").to_string_lossy().as_ref(),
        &args,
        &[],
    )
    .context("pip install failed")?;
    std::fs::write(&marker, wanted)?;
    Ok(venv)
}
