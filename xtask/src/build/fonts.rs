//! `cargo xtask fonts`: the Vazirmatn subsets the app ships.

use super::content_hash;
use anyhow::Context;

use crate::process::run;
use crate::root;

/// The characters the font subset keeps: Sorani and Arabic letters, both digit sets, Arabic
/// punctuation, joiners and bidi controls, Basic Latin and the typographic marks the app uses.
pub(crate) const FONT_UNICODES: &str = "U+0020-007E,U+00A0,U+00AB,U+00B7,U+00BB,U+00D7,U+060C,U+061B,U+061C,U+061F,\
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
    // `block`: the static shell's text waits for the (preloaded, 24 KB) font rather than
    // painting in a fallback font whose other widths wrap it differently. Painted once in its
    // own font, the heading and introduction the app then draws in the same place are no
    // later, larger paint (the largest contentful paint of a data page fell from 1.85 s to
    // 1.0 s with slow 4G and 4x CPU applied, docs/benchmarks.md). After the first visit the
    // font comes from the service worker's cache.
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
            "@font-face {{\n  font-family: Vazirmatn;\n  font-style: normal;\n  font-weight: {weight};\n  font-display: block;\n  src: url(\"/fonts/{name}\") format(\"woff2\");\n}}\n"
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
