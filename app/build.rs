//! Compiles `locales/*.json` into Rust, so a missing or extra key, a placeholder that differs
//! between languages, an error code without a message, a Sorani text with Arabic look-alike
//! letters, a counted text without its plural forms or a term variant fails the build instead
//! of reaching a citizen.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// The citizen app's wings, each a wasm of its own (`wing-…` features).
const WINGS: [&str; 5] = ["home", "book", "appointments", "ticket", "licence"];

/// The wing a source file belongs to, when only that wing (or those) compiles it; `None` for
/// what every wing shares (the header, the footer, the API, …).
fn wings_of_file(path: &str) -> Option<&'static [&'static str]> {
    let path = path.replace('\\', "/");
    let citizen = path.strip_prefix("src/pages/citizen/");
    Some(match citizen {
        Some("home.rs" | "sign_in.rs") => &["home"],
        Some(p) if p.starts_with("book/") => &["book"],
        Some("appointments.rs" | "appointment.rs") => &["appointments"],
        Some("ticket.rs") => &["ticket"],
        Some("licence.rs") => &["licence"],
        _ if path == "src/components/waitlist.rs" => &["book", "appointments"],
        _ if path == "src/components/kept_appointments.rs" => &["appointments"],
        // The directorate screens are no citizen wing: their apps keep every text.
        _ if path.starts_with("src/pages/directorate/") => &["directorate"],
        _ => return None,
    })
}

/// For each text used only by wing-specific files, the wings that use it. A text used by a
/// shared file, or found nowhere (the generated error messages), is in every wing. Found by
/// its accessor: `.name(` or `Messages::name`.
fn text_users<'a>(
    dir: &Path,
    keys: &BTreeSet<&'a String>,
) -> BTreeMap<&'a str, BTreeSet<&'static str>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                files.push((path.to_string_lossy().into_owned(), text));
            }
        }
    }
    let mut users = BTreeMap::new();
    'keys: for key in keys {
        // The generated `error_message` shows any error on any page.
        if key.starts_with("error.") {
            continue;
        }
        let name = field(key);
        let (call, path) = (format!(".{name}("), format!("Messages::{name}"));
        let mut wings = BTreeSet::new();
        for (file, text) in &files {
            if !(text.contains(&call) || text.contains(&path)) {
                continue;
            }
            match wings_of_file(file) {
                Some(of_file) => wings.extend(of_file.iter().copied()),
                None => continue 'keys,
            }
        }
        if !wings.is_empty() {
            users.insert(key.as_str(), wings);
        }
    }
    users
}

/// The locales, the reference one (English) first.
const LOCALES: [(&str, &str); 3] = [("en", "EN"), ("ckb", "CKB"), ("ar", "AR")];

/// Letters that look like Sorani ones but are not (GLOSSARY §4.2): Arabic kaf, yeh, alef maksura,
/// and heh doachashmee. Heh followed by ZWNJ (the legacy spelling of ە) is checked separately.
const NOT_SORANI: [(char, &str); 4] = [
    ('\u{0643}', "Arabic kaf ك (use ک U+06A9)"),
    ('\u{064A}', "Arabic yeh ي (use ی U+06CC)"),
    ('\u{0649}', "alef maksura ى (use ی U+06CC)"),
    ('\u{06BE}', "heh doachashmee ھ (use ه U+0647)"),
];

fn main() {
    println!("cargo::rerun-if-changed=locales");
    println!("cargo::rerun-if-changed=locales-directorate");
    // Which page uses which text decides what each wing compiles in (below).
    println!("cargo::rerun-if-changed=src");
    let tables = read_tables(Path::new("locales"));
    let reference: BTreeSet<&String> = tables[0].1.keys().collect();
    let directorate_tables = read_tables(Path::new("locales-directorate"));
    for code in rega_api::ErrorCode::ALL {
        let key = format!("error.{}", code.as_str());
        let (table, file) = if directorate_only(*code) {
            (&directorate_tables, "locales-directorate")
        } else {
            (&tables, "locales")
        };
        if !table[0].1.contains_key(&key) {
            fail(&format!(
                "error code {code:?} has no message: add \"{key}\" to every file of {file}/"
            ));
        }
    }
    write_directorate_tables(&directorate_tables);

    let mut out = String::new();
    out.push_str("/// Every user-visible string of the app, in one language.\n");
    // An array read through one method per key: a fetched table becomes a table by moving
    // the array (a struct of named fields cost the citizen wasm a copy per field).
    out.push_str("pub struct Messages([&'static str; COUNT]);\n");
    out.push_str("#[allow(missing_docs)]\nimpl Messages {\n");
    for (i, key) in reference.iter().enumerate() {
        if key.ends_with("#n") {
            // A counted text: the form for `n` (crate::i18n::plural).
            let _ = writeln!(
                out,
                "    #[inline]\n    pub fn {}(&self, n: u64) -> &'static str {{\n        crate::i18n::plural::form(self.0[{i}], n)\n    }}",
                field(key)
            );
        } else {
            let _ = writeln!(
                out,
                "    #[inline]\n    pub fn {}(&self) -> &'static str {{\n        self.0[{i}]\n    }}",
                field(key)
            );
        }
    }
    out.push_str("}\n");
    // Sorani, the default, is compiled in; Arabic and English are fetched when chosen (each
    // table costs the wasm about 3 KB brotli), except in host tests, which have no network.
    // A citizen wing (a `wing-…` feature, set by its page) compiles in only the Sorani texts its
    // own pages and the shared parts use: another wing's page texts are empty in it.
    let mut users = text_users(Path::new("src"), &reference);
    for code in rega_api::ErrorCode::ALL {
        if let Some(wings) = wing_only_error(*code) {
            let key = reference
                .iter()
                .find(|k| **k == &format!("error.{}", code.as_str()));
            if let Some(key) = key {
                users.insert(key.as_str(), wings.iter().copied().collect());
            }
        }
    }
    let wing = WINGS
        .iter()
        .find(|w| std::env::var_os(format!("CARGO_FEATURE_WING_{}", w.to_uppercase())).is_some());
    for ((tag, messages, _), (_, name)) in tables.iter().zip(LOCALES) {
        if *tag != "ckb" {
            out.push_str("#[cfg(not(target_arch = \"wasm32\"))]\n");
        }
        let _ = writeln!(
            out,
            "/// The `{tag}` strings.\npub static {name}: Messages = Messages(["
        );
        for (key, text) in messages {
            let elsewhere = match (wing, users.get(key.as_str())) {
                (Some(wing), Some(wings)) => !wings.contains(wing),
                _ => false,
            };
            let text = if elsewhere { "" } else { text.as_str() };
            let _ = writeln!(out, "    /* {key} */ {text:?},");
        }
        out.push_str("]);\n");
    }
    let _ = writeln!(
        out,
        "/// How many messages a table has.\npub const COUNT: usize = {};",
        reference.len()
    );
    out.push_str("impl Messages {\n    /// A table from texts in alphabetical order of their keys.\n    pub fn from_texts(t: [&'static str; COUNT]) -> Messages {\n        Messages(t)\n    }\n}\n");
    // A version of the locale files, so the app asks for new ones after a release.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (_, messages, _) in &tables {
        for (key, text) in messages {
            for byte in key.bytes().chain(text.bytes()) {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    let _ = writeln!(
        out,
        "/// Changes whenever a locale file does.\n#[cfg_attr(not(target_arch = \"wasm32\"), allow(dead_code))]\npub const VERSION: &str = \"{hash:016x}\";"
    );
    out.push_str("/// The localized message for an API error code (the kiosk's and the desk's own codes,\n/// which no citizen page receives, say only that the request failed).\n");
    out.push_str("pub fn error_message(m: &'static Messages, code: rega_api::ErrorCode) -> &'static str {\n    match code {\n");
    for code in rega_api::ErrorCode::ALL {
        // A code only another wing's requests can receive: that wing has its text, this one
        // only says that the request failed.
        let elsewhere = match (wing, wing_only_error(*code)) {
            (Some(wing), Some(wings)) => !wings.contains(wing),
            _ => false,
        };
        let key = if directorate_only(*code) || elsewhere {
            "error.bad_request".to_owned()
        } else {
            format!("error.{}", code.as_str())
        };
        let _ = writeln!(
            out,
            "        rega_api::ErrorCode::{code:?} => m.{}(),",
            field(&key)
        );
    }
    out.push_str("    }\n}\n");
    write_out("messages.rs", &out);
}

/// Messages of one table, in one language.
type Table = (String, BTreeMap<String, String>, Vec<String>);

/// Reads and checks the three locale files of a directory (English first): the same keys, the
/// same placeholders, `_review` naming real keys, Sorani free of Arabic look-alikes.
fn read_tables(path: &Path) -> Vec<Table> {
    let dir = path.display();
    let mut tables: Vec<Table> = Vec::new();
    for (tag, _) in LOCALES {
        let path = path.join(format!("{tag}.json"));
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", path.display())));
        check_key_order(&format!("{dir}/{tag}.json"), &text);
        let value: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| fail(&format!("{} is not valid JSON: {e}", path.display())));
        let object = value
            .as_object()
            .unwrap_or_else(|| fail(&format!("{} must be a JSON object", path.display())));
        let mut messages = BTreeMap::new();
        let mut review = Vec::new();
        for (key, value) in object {
            if key == "_review" {
                review = value
                    .as_array()
                    .unwrap_or_else(|| fail(&format!("{tag}: _review must be a list of keys")))
                    .iter()
                    .map(|k| {
                        k.as_str()
                            .unwrap_or_else(|| fail(&format!("{tag}: _review holds keys")))
                            .to_owned()
                    })
                    .collect();
                continue;
            }
            let text = value
                .as_str()
                .unwrap_or_else(|| fail(&format!("{tag}: \"{key}\" must be a string")));
            if text.trim().is_empty() {
                fail(&format!("{tag}: \"{key}\" is empty"));
            }
            messages.insert(key.clone(), text.to_owned());
        }
        tables.push((tag.to_owned(), messages, review));
    }

    let reference: BTreeSet<&String> = tables[0].1.keys().collect();
    for (tag, messages, review) in &tables {
        let keys: BTreeSet<&String> = messages.keys().collect();
        if let Some(missing) = reference.difference(&keys).next() {
            fail(&format!(
                "{dir}/{tag}.json has no translation for \"{missing}\""
            ));
        }
        if let Some(extra) = keys.difference(&reference).next() {
            fail(&format!(
                "{dir}/{tag}.json has \"{extra}\", which {dir}/en.json does not"
            ));
        }
        for key in review {
            if !messages.contains_key(key) {
                fail(&format!(
                    "{dir}/{tag}.json lists \"{key}\" under _review, but has no such key"
                ));
            }
        }
        for (key, text) in messages {
            if placeholders(text) != placeholders(&tables[0].1[key]) {
                fail(&format!(
                    "{dir}/{tag}.json: \"{key}\" has other {{placeholders}} than English"
                ));
            }
            if tag == "ckb" {
                check_sorani(&format!("{dir}/ckb.json"), key, text);
            }
            check_plural(&format!("{dir}/{tag}.json"), tag, key, text);
            check_terms(&format!("{dir}/{tag}.json"), tag, key, text);
        }
    }
    tables
}

/// One term per concept (issue 17, a native reader's review): the variants found so far, each
/// with the term the app uses instead.
const TERM_VARIANTS: [(&str, &str, &str); 6] = [
    ("ckb", "ژمارەی ئاماژە", "ژمارەی مامەڵە (the reference)"),
    (
        "ckb",
        "سەردانی کراوە",
        "ئامادەبوویت (attended; «سەردانی کراوە» reads \"was visited\")",
    ),
    (
        "ckb",
        "هەڵوەشێنراوەتەوە",
        "هەڵوەشاوەتەوە (cancelled, one spelling)",
    ),
    ("ckb", "هەوڵ بدەرەوە", "هەوڵ بدەوە (try again)"),
    ("ar", "رقم المعاملة", "الرقم المرجعي (the reference)"),
    ("ar", "رقم مرجعي", "الرقم المرجعي (the reference)"),
];

/// Fails on a term variant ([`TERM_VARIANTS`]), and on the app's Sorani name used bare inside a
/// sentence, where «ڕێگا» reads as the common noun "road": it is quoted, or the text is the name.
fn check_terms(file: &str, tag: &str, key: &str, text: &str) {
    for (locale, variant, term) in TERM_VARIANTS {
        if tag == locale && text.contains(variant) {
            fail(&format!("{file}: \"{key}\" writes «{variant}»: use {term}"));
        }
    }
    if tag == "ckb" && text != "ڕێگا" {
        let mut rest = text;
        while let Some(at) = rest.find("ڕێگا") {
            let before = rest[..at].chars().next_back();
            let after = rest[at + "ڕێگا".len()..].chars().next();
            // «ڕێگای …» ("the road of …", "by way of …") is another word.
            let joined = after.is_some_and(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
            if before != Some('«') && !joined {
                fail(&format!(
                    "{file}: \"{key}\" names the app bare inside a sentence: write «ڕێگا»"
                ));
            }
            rest = &rest[at + "ڕێگا".len()..];
        }
    }
}

/// The CLDR plural categories of a language, in the order its forms are written (joined by
/// `|`): Arabic zero, one, two, few, many, other; English and Sorani one, other.
fn plural_categories(tag: &str) -> &'static [&'static str] {
    match tag {
        "ar" => &["zero", "one", "two", "few", "many", "other"],
        _ => &["one", "other"],
    }
}

/// A counted text (its key ends in `#n`) has one form per plural category of its language, each
/// non-empty, and every form names the placeholders of the text's `other` form (Arabic's `one`
/// and `two` may leave the number out, as the language does); no other text holds a `|`.
fn check_plural(file: &str, tag: &str, key: &str, text: &str) {
    if !key.ends_with("#n") {
        if text.contains('|') {
            fail(&format!(
                "{file}: \"{key}\" holds '|', which only a counted text's forms (a key ending in #n) may"
            ));
        }
        return;
    }
    let categories = plural_categories(tag);
    let forms: Vec<&str> = text.split('|').collect();
    if forms.len() != categories.len() {
        fail(&format!(
            "{file}: \"{key}\" needs {} forms joined by '|' ({}), has {}",
            categories.len(),
            categories.join(", "),
            forms.len()
        ));
    }
    let other = placeholders(forms[forms.len() - 1]);
    for (form, category) in forms.iter().zip(categories) {
        if form.trim().is_empty() {
            fail(&format!("{file}: \"{key}\": its {category} form is empty"));
        }
        let mine = placeholders(form);
        let may_drop = tag == "ar" && matches!(*category, "one" | "two");
        if !mine.is_subset(&other) || (!may_drop && mine != other) {
            fail(&format!(
                "{file}: \"{key}\": its {category} form has other {{placeholders}} than its other form"
            ));
        }
    }
}

/// The kiosk, verifier, desk and board strings (`locales-directorate/`): all three languages
/// compiled in, for the directorate app only (the citizen app never names them, so its wasm
/// does not carry them).
fn write_directorate_tables(tables: &[Table]) {
    let mut out = String::new();
    out.push_str("/// Every user-visible string of the directorate screens, in one language.\n");
    out.push_str("#[allow(missing_docs)]\npub struct DirectorateMessages {\n");
    // A counted text's forms are a private field, read through a method that takes the count.
    let name_of = |key: &str| {
        if key.ends_with("#n") {
            format!("{}_forms", field(key))
        } else {
            field(key)
        }
    };
    for key in tables[0].1.keys() {
        let public = if key.ends_with("#n") { "" } else { "pub " };
        let _ = writeln!(out, "    {public}{}: &'static str,", name_of(key));
    }
    out.push_str("}\n#[allow(missing_docs)]\nimpl DirectorateMessages {\n");
    for key in tables[0].1.keys().filter(|k| k.ends_with("#n")) {
        let _ = writeln!(
            out,
            "    pub fn {}(&self, n: u64) -> &'static str {{\n        crate::i18n::plural::form(self.{}, n)\n    }}",
            field(key),
            name_of(key)
        );
    }
    out.push_str("}\n");
    for ((tag, messages, _), (_, name)) in tables.iter().zip(LOCALES) {
        let _ = writeln!(
            out,
            "/// The `{tag}` strings.\npub static {name}: DirectorateMessages = DirectorateMessages {{"
        );
        for (key, text) in messages {
            let _ = writeln!(out, "    {}: {:?},", name_of(key), text);
        }
        out.push_str("};\n");
    }
    out.push_str("/// The localized message for an error code of the kiosk or the desk.\n");
    out.push_str("pub fn directorate_error(m: &'static DirectorateMessages, code: rega_api::ErrorCode) -> Option<&'static str> {\n    match code {\n");
    for code in rega_api::ErrorCode::ALL
        .iter()
        .filter(|c| directorate_only(**c))
    {
        let _ = writeln!(
            out,
            "        rega_api::ErrorCode::{code:?} => Some(m.{}),",
            field(&format!("error.{}", code.as_str()))
        );
    }
    out.push_str("        _ => None,\n    }\n}\n");
    write_out("directorate_messages.rs", &out);
}

/// Error codes only the kiosk and the desk receive: their messages live with the directorate
/// screens' strings, so the citizen app does not carry them.
/// Error codes only one citizen wing's requests receive (the licence's own endpoints): the
/// other wings do not carry their texts.
fn wing_only_error(code: rega_api::ErrorCode) -> Option<&'static [&'static str]> {
    use rega_api::ErrorCode as E;
    match code {
        E::NoLicence
        | E::LicenceSuspended
        | E::DeviceWithdrawn
        | E::TooManyDevices
        | E::SharedPhone => Some(&["licence"]),
        _ => None,
    }
}

fn directorate_only(code: rega_api::ErrorCode) -> bool {
    ["kiosk_", "check_in_", "staff_"]
        .iter()
        .any(|prefix| code.as_str().starts_with(prefix))
}

fn write_out(name: &str, text: &str) {
    let target =
        Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| fail("OUT_DIR is not set")))
            .join(name);
    std::fs::write(&target, text)
        .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", target.display())));
}

/// The app reads a fetched locale file's values in file order, so every file lists `_review`
/// first and then its keys in alphabetical order (the order of the `Messages` fields).
fn check_key_order(file: &str, text: &str) {
    let keys: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("  \""))
        .filter_map(|rest| rest.split_once("\":").map(|(key, _)| key))
        .collect();
    if keys.first() != Some(&"_review") {
        fail(&format!("{file} must start with \"_review\""));
    }
    if let Some(pair) = keys[1..].windows(2).find(|w| w[0] >= w[1]) {
        fail(&format!(
            "{file}: keys must be in alphabetical order, one per line; \"{}\" comes before \"{}\"",
            pair[0], pair[1]
        ));
    }
}

fn field(key: &str) -> String {
    key.trim_end_matches("#n").replace(['.', '-'], "_")
}

fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

fn check_sorani(file: &str, key: &str, text: &str) {
    for (letter, advice) in NOT_SORANI {
        if text.contains(letter) {
            fail(&format!("{file}: \"{key}\" contains {advice}"));
        }
    }
    if text.contains("\u{0647}\u{200C}") {
        fail(&format!(
            "{file}: \"{key}\" spells ە as heh + ZWNJ (use ە U+06D5)"
        ));
    }
}

fn fail(message: &str) -> ! {
    panic!("\n\nlocale check failed: {message}\n\n");
}
