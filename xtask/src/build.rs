//! The release build of the app (Trunk, wasm-opt), precompression, the first-load size report,
//! `serve`, and the font subset.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use rega_api::paths;

use crate::process::run;
use crate::root;
use crate::setup::Tools;

/// SPEC §8: the first load of any citizen screen (HTML + JS + WASM + CSS), brotli.
pub const FIRST_LOAD_BUDGET_BYTES: u64 = 200 * 1000;
/// File types worth precompressing (fonts and images are compressed already).
const COMPRESSIBLE: [&str; 8] = [
    "html",
    "js",
    "css",
    "wasm",
    "svg",
    "json",
    "webmanifest",
    "txt",
];

/// Sizes of one file.
#[derive(Debug, Clone)]
pub struct FileSize {
    /// Path below dist/.
    pub name: String,
    /// Bytes as stored.
    pub raw: u64,
    /// Bytes gzip-compressed (level 9).
    pub gzip: u64,
    /// Bytes brotli-compressed (quality 11).
    pub brotli: u64,
}

/// Builds the app in release mode into dist/, precompresses it and checks the size budget.
pub fn release(tools: &Tools) -> anyhow::Result<Vec<FileSize>> {
    let started = Instant::now();
    println!("build: trunk build --release (offline, wasm-opt)");
    run("trunk", &["build", "--release"], &[("PATH", &tools.path)])
        .context("the release build of the app failed; see the Trunk output above")?;
    // The directorate screens are a second entry with their own wasm. Trunk replaces its whole
    // output directory, so it builds into its own and the new files are copied beside the
    // citizen app's (the shared ones are the same content-hashed files).
    println!("build: trunk build --release app/directorate.html");
    write_directorate_page()?;
    let directorate = root().join("target/dist-directorate");
    run(
        "trunk",
        &[
            "build",
            "app/directorate.html",
            "--release=true",
            "--dist",
            directorate.to_string_lossy().as_ref(),
        ],
        &[("PATH", &tools.path)],
    )
    .context("the release build of the directorate screens failed; see the Trunk output above")?;
    let dist = root().join("dist");
    for file in files_below(&directorate)? {
        let relative = file.strip_prefix(&directorate)?;
        // Trunk always names its page index.html.
        let target = if relative == Path::new("index.html") {
            dist.join("directorate.html")
        } else {
            dist.join(relative)
        };
        if relative == Path::new("index.html") || !target.exists() {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(&file, &target)
                .with_context(|| format!("cannot copy {}", file.display()))?;
        }
    }
    let pages = write_route_pages(&dist)?;
    write_service_worker(&dist)?;
    let sizes = precompress(&dist)?;
    // Every citizen page loads the same files; the HTML differs by its heading. The largest
    // first load is the one the budget applies to.
    let mut first_load = first_load_of(&dist, "index.html", &sizes)?;
    for page in &pages {
        let candidate = first_load_of(&dist, page, &sizes)?;
        if candidate.iter().map(|f| f.brotli).sum::<u64>()
            > first_load.iter().map(|f| f.brotli).sum::<u64>()
        {
            first_load = candidate;
        }
    }
    report("a citizen screen (the largest)", &first_load);
    report(
        "a directorate screen (kiosk, verifier, desk, board; the budget below is the citizens')",
        &first_load_of(&dist, "directorate.html", &sizes)?,
    );
    println!("build: done in {:.1} s", started.elapsed().as_secs_f64());
    let total: u64 = first_load.iter().map(|f| f.brotli).sum();
    if total > FIRST_LOAD_BUDGET_BYTES {
        bail!(
            "the first load is {} bytes brotli, over the {} byte budget (SPEC §8); biggest: {}",
            total,
            FIRST_LOAD_BUDGET_BYTES,
            first_load
                .iter()
                .map(|f| format!("{} {} B", f.name, f.brotli))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(first_load)
}

/// Writes app/directorate.html (not kept in git) from app/index.html: the same shell, the
/// directorate screens' binary and their own stylesheet.
fn write_directorate_page() -> anyhow::Result<()> {
    let index = std::fs::read_to_string(root().join("app/index.html"))?;
    let from = "data-bin=\"rega-app\"";
    if !index.contains(from) {
        bail!("app/index.html has no {from}");
    }
    let css = "<link data-trunk rel=\"css\" href=\"../target/rega-style/rega.css\">";
    if !index.contains(css) {
        bail!("app/index.html has no {css}");
    }
    let page = index
        .replacen(from, "data-bin=\"rega-directorate\"", 1)
        .replacen(
            css,
            &format!("{css}\n  <link data-trunk rel=\"css\" href=\"../target/rega-style/rega-directorate.css\">"),
            1,
        )
        .replacen(
        "<!doctype html>",
        "<!doctype html>\n<!-- Written by `cargo xtask build` from index.html: the directorate screens (kiosk, verify, desk, board), their own wasm. -->",
        1,
    );
    std::fs::write(root().join("app/directorate.html"), page)
        .context("cannot write app/directorate.html")
}

/// The main citizen pages whose heading and introduction the server sends in the HTML, so the
/// largest text a citizen sees first is painted before the app arrives (SPEC §8, LCP): path and
/// the locale keys of the heading and the introduction. The server finds the file by the path:
/// `/book/day` is dist/routes/book-day.html, `/` is dist/routes/home.html.
pub const ROUTE_PAGES: [(&str, &str, &str); 9] = [
    (paths::HOME, "home.title", "home.intro"),
    (paths::SIGN_IN, "sign_in.title", "sign_in.intro"),
    (paths::BOOK, "book.service_title", "book.service_intro"),
    (
        paths::BOOK_DIRECTORATE,
        "book.directorate_title",
        "book.directorate_intro",
    ),
    (paths::BOOK_DAY, "book.day_title", "book.day_intro"),
    (paths::BOOK_TIME, "book.time_title", "book.time_intro"),
    (paths::BOOK_CHECK, "book.check_title", "book.check_intro"),
    (
        paths::APPOINTMENTS,
        "appointments.title",
        "appointments.intro",
    ),
    (paths::LICENCE, "licence.title", "licence.intro"),
];

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes dist/routes/<name>.html for each of [`ROUTE_PAGES`]: index.html with the page's
/// heading and introduction in the static shell, in the three languages (the stylesheet shows
/// the saved one). The app then draws the same text in the same place. Returns the file names.
fn write_route_pages(dist: &Path) -> anyhow::Result<Vec<String>> {
    let index = std::fs::read_to_string(dist.join("index.html"))?;
    let loading = index
        .find("rg-shell__loading")
        .context("index.html has no loading line in its shell")?;
    let insert_at = index[..loading]
        .rfind("<p")
        .context("the shell's loading line is not a paragraph")?;
    let mut tables = Vec::new();
    for tag in ["ckb", "ar", "en"] {
        let text = std::fs::read_to_string(root().join(format!("app/locales/{tag}.json")))?;
        let table: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text)
            .with_context(|| format!("app/locales/{tag}.json is not a JSON object"))?;
        tables.push((tag, table));
    }
    let text_of = |table: &serde_json::Map<String, serde_json::Value>, key: &str| {
        table
            .get(key)
            .and_then(|v| v.as_str())
            .map(escape_html)
            .with_context(|| format!("no message {key}"))
    };
    std::fs::create_dir_all(dist.join("routes"))?;
    let mut written = Vec::new();
    for (path, title, intro) in ROUTE_PAGES {
        let name = match path.trim_matches('/') {
            "" => "home".to_owned(),
            rest => rest.replace('/', "-"),
        };
        let mut block = String::from("<div class=\"rg-shell__page\">");
        for (tag, table) in &tables {
            block.push_str(&format!(
                "<h1 class=\"rg-heading-xl\" lang=\"{tag}\">{}</h1>",
                text_of(table, title)?
            ));
        }
        for (tag, table) in &tables {
            block.push_str(&format!(
                "<p class=\"rg-body rg-body--lead\" lang=\"{tag}\">{}</p>",
                text_of(table, intro)?
            ));
        }
        block.push_str("</div>");
        let page = format!("{}{block}{}", &index[..insert_at], &index[insert_at..]);
        let file = format!("routes/{name}.html");
        std::fs::write(dist.join(&file), page)?;
        written.push(file);
    }
    Ok(written)
}

/// Writes dist/sw.js from public/sw.js: the files to cache at install (everything the citizen
/// app needs), the directorate screens' own JS and WASM (cached when a directorate page asks,
/// so citizens never download them) and a version that changes whenever any of them does.
fn write_service_worker(dist: &Path) -> anyhow::Result<()> {
    let template =
        std::fs::read_to_string(root().join("public/sw.js")).context("public/sw.js is missing")?;
    let mut files = Vec::new();
    let mut directorate_files = Vec::new();
    let mut contents = Vec::new();
    for path in files_below(dist)? {
        let name = path
            .strip_prefix(dist)?
            .to_string_lossy()
            .replace('\\', "/");
        let skip = name.ends_with(".br")
            || name.ends_with(".gz")
            || name == "sw.js"
            || name.ends_with(".txt")
            || name.starts_with("routes/");
        if skip {
            continue;
        }
        contents.extend_from_slice(name.as_bytes());
        contents.extend_from_slice(&std::fs::read(&path)?);
        if name.starts_with("rega-directorate-") {
            directorate_files.push(format!("\"/{name}\""));
        } else {
            files.push(format!("\"/{name}\""));
        }
    }
    let script = template
        .replace("__REGA_VERSION__", &content_hash(&contents))
        .replace("__REGA_FILES__", &format!("[{}]", files.join(", ")))
        .replace(
            "__REGA_DIRECTORATE_FILES__",
            &format!("[{}]", directorate_files.join(", ")),
        );
    std::fs::write(dist.join("sw.js"), script).context("cannot write dist/sw.js")
}

/// Writes `.br` and `.gz` next to every compressible file and returns the sizes.
fn precompress(dist: &Path) -> anyhow::Result<Vec<FileSize>> {
    let mut sizes = Vec::new();
    for path in files_below(dist)? {
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let data =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let brotli = brotli_bytes(&data)?;
        let gzip = gzip_bytes(&data)?;
        std::fs::write(with_suffix(&path, "br"), &brotli).context("cannot write a .br file")?;
        std::fs::write(with_suffix(&path, "gz"), &gzip).context("cannot write a .gz file")?;
        let name = path
            .strip_prefix(dist)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        sizes.push(FileSize {
            name,
            raw: data.len() as u64,
            gzip: gzip.len() as u64,
            brotli: brotli.len() as u64,
        });
    }
    Ok(sizes)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// The wasm features Rust 1.95 emits, which wasm-opt must be told to accept (as in index.html).
pub const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// The brotli-compressed size of some bytes.
pub fn brotli_len(data: &[u8]) -> anyhow::Result<u64> {
    Ok(brotli_bytes(data)?.len() as u64)
}

fn brotli_bytes(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)
        .context("brotli compression failed")?;
    Ok(out)
}

fn gzip_bytes(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).context("gzip compression failed")?;
    encoder.finish().context("gzip compression failed")
}

fn files_below(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The files a screen loads first: its HTML and what it links (CSS, JS, WASM, boot.js).
fn first_load_of(dist: &Path, html: &str, sizes: &[FileSize]) -> anyhow::Result<Vec<FileSize>> {
    let index = std::fs::read_to_string(dist.join(html))
        .with_context(|| format!("dist/{html} is missing"))?;
    let mut files: Vec<FileSize> = sizes
        .iter()
        .filter(|f| f.name == html || index.contains(&format!("/{}", f.name)))
        .filter(|f| {
            [".html", ".js", ".wasm", ".css"]
                .iter()
                .any(|ext| f.name.ends_with(ext))
        })
        .cloned()
        .collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.brotli));
    Ok(files)
}

fn report(what: &str, files: &[FileSize]) {
    println!("build: first load of {what} (bytes)");
    println!(
        "  {:<44} {:>9} {:>9} {:>9}",
        "file", "raw", "gzip", "brotli"
    );
    for f in files {
        println!(
            "  {:<44} {:>9} {:>9} {:>9}",
            f.name, f.raw, f.gzip, f.brotli
        );
    }
    let sum = |pick: fn(&FileSize) -> u64| files.iter().map(pick).sum::<u64>();
    println!(
        "  {:<44} {:>9} {:>9} {:>9}  (budget {} brotli)",
        "total",
        sum(|f| f.raw),
        sum(|f| f.gzip),
        sum(|f| f.brotli),
        FIRST_LOAD_BUDGET_BYTES
    );
}

/// `cargo xtask serve`: setup, build, and run Rega with demo data until Ctrl-C.
pub fn serve() -> anyhow::Result<()> {
    let tools = crate::setup::run()?;
    release(&tools)?;
    println!("build: cargo build --release -p rega-server");
    run(
        "cargo",
        &["build", "--release", "--quiet", "-p", "rega-server"],
        &[],
    )
    .context("the server build failed; see the cargo output above")?;
    let port = std::env::var("REGA_PORT").unwrap_or_else(|_| "8080".to_owned());
    println!("serve: starting Rega on port {port} with demo data in ./data (Ctrl-C stops it)");
    let binary = root().join("target/release/rega");
    let status = std::process::Command::new(&binary)
        .args([
            "serve",
            "--demo",
            "--port",
            &port,
            "--data-dir",
            "data",
            "--dist-dir",
            "dist",
        ])
        .current_dir(root())
        .status()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    if !status.success() {
        bail!("rega stopped with {status}");
    }
    Ok(())
}

/// The characters the font subset keeps: Sorani and Arabic letters, both digit sets, Arabic
/// punctuation, joiners and bidi controls, Basic Latin and the typographic marks the app uses.
const FONT_UNICODES: &str = "U+0020-007E,U+00A0,U+00AB,U+00B7,U+00BB,U+00D7,U+060C,U+061B,U+061C,U+061F,\
U+0621-063A,U+0640-0652,U+0660-066C,U+067E,U+0686,U+0692,U+0695,U+0698,U+06A4,U+06A9,U+06AF,U+06B5,\
U+06BE,U+06C6,U+06CC,U+06CE,U+06D5,U+06F0-06F9,U+200C-200F,U+2013-2014,U+2018-201D,U+2022,U+2026,\
U+2066-2069,U+2212";

/// `cargo xtask fonts`: subsets Vazirmatn (npm, OFL-1.1) into public/fonts with content-hashed
/// names, and writes style/fonts.css and the preload links of the app pages to match.
pub fn fonts() -> anyhow::Result<()> {
    let root = root();
    let venv = crate::setup::python_venv()?;
    let subset = venv.join("bin/pyftsubset");
    let out_dir = root.join("public/fonts");
    std::fs::create_dir_all(&out_dir)?;
    for old in std::fs::read_dir(&out_dir)? {
        let path = old?.path();
        if path.extension().is_some_and(|e| e == "woff2") {
            std::fs::remove_file(path)?;
        }
    }
    let mut css = String::from(
        "/* Vazirmatn (OFL-1.1, see public/fonts/OFL.txt), subset by `cargo xtask fonts`. Do not edit. */\n",
    );
    let mut names: Vec<String> = Vec::new();
    for (weight, file) in [(400, "Regular"), (700, "Bold")] {
        let source = root.join(format!(
            "node_modules/vazirmatn/fonts/webfonts/Vazirmatn-{file}.woff2"
        ));
        let temp = std::env::temp_dir().join(format!("rega-vazirmatn-{file}.woff2"));
        let unicodes = format!("--unicodes={FONT_UNICODES}");
        let output = format!("--output-file={}", temp.display());
        run(
            subset.to_string_lossy().as_ref(),
            &[
                source.to_string_lossy().as_ref(),
                &unicodes,
                "--layout-features=*",
                "--flavor=woff2",
                &output,
            ],
            &[],
        )?;
        let bytes = std::fs::read(&temp)?;
        let name = format!(
            "vazirmatn-{}-{}.woff2",
            file.to_lowercase(),
            content_hash(&bytes)
        );
        std::fs::write(out_dir.join(&name), &bytes)?;
        names.push(name.clone());
        css.push_str(&format!(
            "@font-face {{\n  font-family: Vazirmatn;\n  font-style: normal;\n  font-weight: {weight};\n  font-display: swap;\n  src: url(\"/fonts/{name}\") format(\"woff2\");\n}}\n"
        ));
        println!("fonts: {name} ({} bytes)", bytes.len());
    }
    std::fs::copy(
        root.join("node_modules/vazirmatn/OFL.txt"),
        out_dir.join("OFL.txt"),
    )?;
    std::fs::write(root.join("style/fonts.css"), css)?;
    // The page preloads both weights, so text does not reflow when the bold face arrives
    // (app/directorate.html is written from it at build time).
    for page in ["app/index.html"] {
        let path = root.join(page);
        let mut html = std::fs::read_to_string(&path)?;
        for name in &names {
            let prefix = &name[..name.rfind('-').context("a hashed font name")? + 1];
            let start = html
                .find(&format!("/fonts/{prefix}"))
                .with_context(|| format!("{page} has no preload link for {prefix}…"))?;
            let end = start
                + html[start..]
                    .find(".woff2")
                    .context("malformed font preload link")?
                + ".woff2".len();
            html = format!("{}/fonts/{name}{}", &html[..start], &html[end..]);
        }
        std::fs::write(&path, html)?;
    }
    Ok(())
}

/// 16 hex digits of a 64-bit FNV-1a hash: the same shape as Trunk's file hashes, so the server
/// caches the fonts as immutable.
fn content_hash(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The next release, for the test that a service worker picks up an update: `dist` copied to
/// `out` with the citizen app's JS and WASM under new content-hash names (as a rebuild of changed
/// code gives), every page pointing at them and marked `<meta name=rega-release content=next>`,
/// and its own service worker and compressed files.
pub fn next_release(dist: &Path, out: &Path) -> anyhow::Result<()> {
    let _ = std::fs::remove_dir_all(out);
    let mut old_prefix = None;
    for path in files_below(dist)? {
        let name = path
            .strip_prefix(dist)?
            .to_string_lossy()
            .replace('\\', "/");
        if name.ends_with(".br") || name.ends_with(".gz") {
            continue;
        }
        if let Some(rest) = name.strip_prefix("rega-app-") {
            old_prefix = rest
                .split(['.', '_'])
                .next()
                .map(|h| format!("rega-app-{h}"));
        }
        let target = out.join(&name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&path, &target).with_context(|| format!("cannot copy {}", path.display()))?;
    }
    let old = old_prefix.context("dist has no rega-app-<hash> files: run cargo xtask build")?;
    let new = format!(
        "rega-app-{}",
        content_hash(format!("{old} next").as_bytes())
    );
    for path in files_below(out)? {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.starts_with(&old) {
            std::fs::rename(&path, path.with_file_name(name.replacen(&old, &new, 1)))?;
        } else if name.ends_with(".html") {
            let page = std::fs::read_to_string(&path)?
                .replace(&old, &new)
                .replacen(
                    "<meta charset=utf-8>",
                    "<meta charset=utf-8><meta name=rega-release content=next>",
                    1,
                );
            std::fs::write(&path, page)?;
        }
    }
    write_service_worker(out)?;
    precompress(out)?;
    Ok(())
}

#[cfg(test)]
mod pages_tests {
    use rega_api::paths;

    /// The browser tests' page list (end2end/tests/fixtures/app.ts) names only pages the app has,
    /// and visits every directorate page and every citizen page that needs no earlier answer.
    #[test]
    fn the_browser_tests_visit_the_shared_page_addresses() {
        let fixture = std::fs::read_to_string(crate::root().join("end2end/tests/fixtures/app.ts"))
            .expect("the fixture");
        let listed: Vec<&str> = fixture
            .split("{ path: '")
            .skip(1)
            .filter_map(|rest| rest.split_once('\'').map(|(path, _)| path))
            .collect();
        let known: Vec<&str> = paths::CITIZEN_PAGES
            .iter()
            .chain(&paths::DIRECTORATE_PAGES)
            .copied()
            .collect();
        for path in &listed {
            assert!(
                known.contains(path),
                "{path} is not a page of rega_api::paths"
            );
        }
        let answers_first = [
            paths::BOOK_DIRECTORATE,
            paths::BOOK_DAY,
            paths::BOOK_TIME,
            paths::BOOK_CHECK,
        ];
        for path in known.iter().filter(|p| !answers_first.contains(p)) {
            assert!(
                listed.contains(path),
                "the browser tests do not visit {path}"
            );
        }
    }
}
