//! size

use std::fmt::Write as _;
use std::process::Command;

use anyhow::{Context, bail};

use crate::root;

/// Builds credential/wasm-size for wasm32 without and with the verifier, runs wasm-opt -Oz, and
/// returns (raw, brotli) sizes of each.
pub(crate) fn verifier_wasm_size(
    tools: &crate::setup::Tools,
) -> anyhow::Result<((u64, u64), (u64, u64))> {
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

/// The citizen wasm's size map: the app as cargo built it, through wasm-bindgen and wasm-opt -Oz
/// like the release but keeping function names (-g), read by twiggy; shallow bytes summed per crate (the
/// first crate named in each item), and the largest items. Markdown.
pub(crate) fn wasm_map(tools: &crate::setup::Tools) -> anyhow::Result<String> {
    if crate::process::output("twiggy", &["--version"]).is_none() {
        println!("bench: installing twiggy (a wasm size profiler)");
        crate::process::run(
            "cargo",
            &["install", "twiggy", "--version", "0.8.0", "--locked"],
            &[],
        )?;
    }
    let built = root().join("target/wasm32-unknown-unknown/wasm-release/rega-app.wasm");
    let out = root().join("target/wasm-map");
    let status = Command::new("wasm-bindgen")
        .env("PATH", &tools.path)
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&out)
        .arg(&built)
        .status()
        .context("cannot run wasm-bindgen")?;
    if !status.success() {
        bail!("wasm-bindgen failed on {}", built.display());
    }
    let named = out.join("rega-app-named.wasm");
    let status = Command::new("wasm-opt")
        .env("PATH", &tools.path)
        .args(["-Oz", "-g"])
        .args(crate::build::WASM_FEATURES)
        .arg(out.join("rega-app_bg.wasm"))
        .arg("-o")
        .arg(&named)
        .status()
        .context("cannot run wasm-opt")?;
    if !status.success() {
        bail!("wasm-opt failed on {}", built.display());
    }
    let json = crate::process::output(
        "twiggy",
        &[
            "top",
            "-n",
            "1000000",
            "--format",
            "json",
            &named.to_string_lossy(),
        ],
    )
    .context("twiggy failed")?;
    let mut items: Vec<(String, u64)> = Vec::new();
    for entry in json.split("{\"name\":\"").skip(1) {
        let Some((name, rest)) = entry.split_once("\",\"shallow_size\":") else {
            continue;
        };
        let size = rest
            .split([',', '}'])
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        // Names and debug sections are not in the release wasm; wasm-bindgen's section neither.
        if name.starts_with("custom section") || name.contains("subsection") {
            continue;
        }
        items.push((name.replace("\\\"", "\""), size));
    }
    let total: u64 = items.iter().map(|(_, size)| size).sum();
    let mut crates: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for (name, size) in &items {
        *crates.entry(crate_of(name)).or_default() += size;
    }
    let mut crates: Vec<(String, u64)> = crates.into_iter().collect();
    crates.sort_by_key(|c| std::cmp::Reverse(c.1));
    items.sort_by_key(|i| std::cmp::Reverse(i.1));
    let mut md = String::new();
    let _ = writeln!(
        md,
        "From `cargo xtask bench`: the citizen wasm as cargo built it, through `wasm-bindgen` and `wasm-opt -Oz -g` \
         (as the release, names kept), then `twiggy top`: {total} bytes of code and data. By crate (the first crate \
         named in an item; generic code counts where its name starts):\n\n| crate | bytes | share |\n|---|---|---|"
    );
    for (name, size) in crates.iter().take(20) {
        let _ = writeln!(
            md,
            "| `{name}` | {size} | {:.1} % |",
            *size as f64 * 100.0 / total.max(1) as f64
        );
    }
    let _ = writeln!(md, "\nThe largest items:\n\n| item | bytes |\n|---|---|");
    for (name, size) in items.iter().take(20) {
        let short: String = name.chars().take(110).collect();
        let _ = writeln!(
            md,
            "| `{}` | {size} |",
            short.replace('|', "\\|").replace('`', "'")
        );
    }
    Ok(md)
}

/// The crate an item of twiggy's list belongs to: the first `name::` or `name[hash]` in it.
pub(crate) fn crate_of(item: &str) -> String {
    if item.starts_with("data segment") {
        return "(data: strings, tables)".into();
    }
    let bytes = item.as_bytes();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        let word = b.is_ascii_alphanumeric() || b == b'_';
        match (start, word) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                if b == b':' || b == b'[' {
                    return item[s..i].to_owned();
                }
                start = None;
            }
            _ => {}
        }
    }
    "(other)".into()
}
