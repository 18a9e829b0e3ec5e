//! The pages the build writes: the directorate app's HTML, the main citizen pages with their
//! heading in the shell, the service worker's file list, and a second release for the update test.

use super::{content_hash, files_below, precompress};
use std::path::Path;

use anyhow::{Context, bail};
use rega_api::paths;

use crate::root;

/// An app besides the citizens' own, with a page of its own written from app/index.html (the
/// same shell) and a wasm of its own: what Trunk builds and what the size report names.
pub(crate) struct ExtraApp {
    /// Its `wing-…` feature (a citizen wing: only its own pages' Sorani texts), if any.
    pub wing: Option<&'static str>,
    /// Its page in dist/ (and app/, not kept in git).
    pub page: &'static str,
    /// Its binary in app/Cargo.toml.
    pub bin: &'static str,
    /// What it is, for the page's comment and the size report.
    pub what: &'static str,
    /// What it adds to the citizen shell's head after the stylesheet.
    pub extra: &'static str,
    /// Its first load's budget, brotli bytes: the verifier's is issue 20's (what an officer's
    /// phone downloads at the roadside), the others are what they measured plus a margin, so
    /// that growth is a decision. A citizen wing's is the citizen one (SPEC §8).
    pub budget: u64,
    /// A wing of the citizen app (cached by the service worker at install, its pages' headings
    /// in the shell, the citizen budget) rather than a staff device's app.
    pub citizen: bool,
}

/// The citizen app's wings besides `index.html` (`rega_api::paths::app_html` names which pages
/// each shows), and the directorate screens (desk, board), the kiosk and the verifier: each its
/// own first load.
pub(crate) const EXTRA_APPS: [ExtraApp; 7] = [
    ExtraApp {
        wing: Some("wing-book"),
        page: "book.html",
        bin: "rega-book",
        what: "the citizen's booking (/book/…)",
        budget: super::FIRST_LOAD_BUDGET_BYTES,
        extra: "",
        citizen: true,
    },
    ExtraApp {
        wing: Some("wing-appointments"),
        page: "appointments.html",
        bin: "rega-appointments",
        what: "the citizen's appointments (/appointments/…)",
        budget: super::FIRST_LOAD_BUDGET_BYTES,
        extra: "",
        citizen: true,
    },
    ExtraApp {
        wing: Some("wing-ticket"),
        page: "ticket.html",
        bin: "rega-ticket",
        what: "the citizen's ticket (/ticket)",
        budget: super::FIRST_LOAD_BUDGET_BYTES,
        extra: "",
        citizen: true,
    },
    ExtraApp {
        wing: Some("wing-licence"),
        page: "licence.html",
        bin: "rega-licence",
        what: "the citizen's licence (/licence)",
        budget: super::FIRST_LOAD_BUDGET_BYTES,
        extra: "",
        citizen: true,
    },
    ExtraApp {
        wing: None,
        page: "directorate.html",
        bin: "rega-directorate",
        what: "the directorate screens (desk, board)",
        budget: 250 * 1000,
        citizen: false,
        extra: "\n  <link data-trunk rel=\"css\" href=\"../target/rega-style/rega-directorate.css\">\
                \n  <link data-trunk rel=\"copy-file\" href=\"../public/chime.wav\">",
    },
    ExtraApp {
        wing: None,
        page: "kiosk.html",
        bin: "rega-kiosk",
        what: "the kiosk (/kiosk)",
        budget: 170 * 1000,
        citizen: false,
        extra: "\n  <link data-trunk rel=\"css\" href=\"../target/rega-style/rega-directorate.css\">",
    },
    ExtraApp {
        wing: None,
        page: "verifier.html",
        bin: "rega-verifier",
        what: "the verifier (/verify)",
        budget: 200 * 1000,
        citizen: false,
        extra: "\n  <link data-trunk rel=\"css\" href=\"../target/rega-style/rega-directorate.css\">",
    },
];

impl ExtraApp {
    /// The page's binary and, for a citizen wing, its feature, as Trunk attributes.
    fn cargo_attributes(&self) -> String {
        match self.wing {
            Some(wing) => format!("data-bin=\"{}\" data-cargo-features=\"{wing}\"", self.bin),
            None => format!("data-bin=\"{}\"", self.bin),
        }
    }
}

/// Writes the app's page (not kept in git) from app/index.html: the same shell, the app's
/// binary, and what it adds.
pub(crate) fn write_app_page(app: &ExtraApp) -> anyhow::Result<()> {
    let index = std::fs::read_to_string(root().join("app/index.html"))?;
    let from = "data-bin=\"rega-app\" data-cargo-features=\"wing-home\"";
    if !index.contains(from) {
        bail!("app/index.html has no {from}");
    }
    let css = "<link data-trunk rel=\"css\" href=\"../target/rega-style/rega.css\">";
    if !index.contains(css) {
        bail!("app/index.html has no {css}");
    }
    let page = index
        .replacen(from, &app.cargo_attributes(), 1)
        .replacen(css, &format!("{css}{}", app.extra), 1)
        .replacen(
            "<!doctype html>",
            &format!(
                "<!doctype html>\n<!-- Written by `cargo xtask build` from index.html: {}, its own wasm. -->",
                app.what
            ),
            1,
        );
    std::fs::write(root().join("app").join(app.page), page)
        .with_context(|| format!("cannot write app/{}", app.page))
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

pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes dist/routes/<name>.html for each of [`ROUTE_PAGES`]: index.html with the page's
/// heading and introduction in the static shell, in the three languages (the stylesheet shows
/// the saved one). The app then draws the same text in the same place. Returns the file names.
pub(crate) fn write_route_pages(dist: &Path) -> anyhow::Result<Vec<String>> {
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
        // The page's own wing: index.html, book.html, …
        let html = paths::app_html(path);
        let index = std::fs::read_to_string(dist.join(html))?;
        let loading = index
            .find("rg-shell__loading")
            .with_context(|| format!("{html} has no loading line in its shell"))?;
        let insert_at = index[..loading]
            .rfind("<p")
            .context("the shell's loading line is not a paragraph")?;
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
/// app needs), the directorate screens' and the verifier's own JS and WASM (each cached when
/// its page asks, so citizens never download them, nor an officer the desk's) and a version
/// that changes whenever any of them does.
pub(crate) fn write_service_worker(dist: &Path) -> anyhow::Result<()> {
    let template =
        std::fs::read_to_string(root().join("public/sw.js")).context("public/sw.js is missing")?;
    let mut files = Vec::new();
    let mut directorate_files = Vec::new();
    let mut verifier_files = Vec::new();
    let mut kiosk_files = Vec::new();
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
        } else if name.starts_with("rega-verifier-") {
            verifier_files.push(format!("\"/{name}\""));
        } else if name.starts_with("rega-kiosk-") {
            kiosk_files.push(format!("\"/{name}\""));
        } else {
            files.push(format!("\"/{name}\""));
        }
    }
    // Each page's app (rega_api::paths::app_html), for a page opened with no network.
    let app_pages: Vec<String> = paths::CITIZEN_PAGES
        .iter()
        .chain(&paths::DIRECTORATE_PAGES)
        .chain(&paths::KIOSK_PAGES)
        .chain(&paths::VERIFIER_PAGES)
        .filter(|path| paths::app_html(path) != "index.html")
        .map(|path| format!("'{path}': '/{}'", paths::app_html(path)))
        .collect();
    let script = template
        .replace(
            "__REGA_APP_PAGES__",
            &format!("{{ {} }}", app_pages.join(", ")),
        )
        .replace("__REGA_VERSION__", &content_hash(&contents))
        .replace("__REGA_FILES__", &format!("[{}]", files.join(", ")))
        .replace(
            "__REGA_DIRECTORATE_FILES__",
            &format!("[{}]", directorate_files.join(", ")),
        )
        .replace(
            "__REGA_VERIFIER_FILES__",
            &format!("[{}]", verifier_files.join(", ")),
        )
        .replace(
            "__REGA_KIOSK_FILES__",
            &format!("[{}]", kiosk_files.join(", ")),
        );
    std::fs::write(dist.join("sw.js"), script).context("cannot write dist/sw.js")
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
            .chain(&paths::VERIFIER_PAGES)
            .chain(&paths::KIOSK_PAGES)
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
