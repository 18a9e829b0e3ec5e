//! Running commands with a clear message when one is missing or fails.

use std::ffi::OsStr;
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// Runs a command in the repository root, its output shown, and fails with the command's name.
pub fn run(program: &str, args: &[&str], env: &[(&str, &OsStr)]) -> anyhow::Result<()> {
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, *v)))
        .current_dir(crate::root())
        .status()
        .with_context(|| format!("cannot start `{program}`: is it installed and on PATH?"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Runs a command and returns its standard output, or `None` if it cannot run or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(crate::root())
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// PATH with the project's npm tools and cargo's bin directory first.
pub fn tool_path() -> std::ffi::OsString {
    let mut paths = vec![crate::root().join("node_modules/.bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        paths.push(std::path::PathBuf::from(home).join("bin"));
    } else if let Some(home) = std::env::var_os("HOME") {
        paths.push(std::path::PathBuf::from(home).join(".cargo/bin"));
    }
    if let Some(existing) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&existing));
    }
    std::env::join_paths(paths).unwrap_or_default()
}
