//! The EU DCC conformance suite for the layers DL1 shares with it: prefix, Base45, zlib,
//! COSE/ES256 and validity times, and the QR picture. Walks every `*/2DCode/raw/*.json` under
//! `$DCC_TESTDATA` (default `../shared/dcc-testdata`), with the prefix `$DCC_PREFIX` (default
//! `HC1:`). A `true` flag must succeed at that step and a `false` flag must fail there.
//! Prints a line per flag and `dcc: N vectors, P passed, F failed, S skipped`; every skip is
//! listed with its reason. Runs as its own binary (harness = false) to print that report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use rega_credential::claims::cwt_times;
use rega_credential::cose::{ALG_ES256, HEADER_ALG, Sign1};
use rega_credential::keys::{key_from_spki_der, kid_of_der};
use rega_credential::verify::{inflate, unprefix};
use rega_credential::{base45, cbor::Value};
use serde_json::Value as Json;

/// The flags about our layers; the others concern the health-certificate payload.
const FLAGS: [&str; 6] = [
    "EXPECTEDPICTUREDECODE",
    "EXPECTEDUNPREFIX",
    "EXPECTEDB45DECODE",
    "EXPECTEDCOMPRESSION",
    "EXPECTEDVERIFY",
    "EXPECTEDEXPIRATIONCHECK",
];

/// Outcome of one step of one vector.
enum Step {
    Ok,
    Failed(String),
    Skip(String),
    /// Refused by DL1's stricter rules: right when the vector expects a failure, a documented
    /// deviation (listed as a skip) when it expects success.
    Stricter(String),
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
}

fn main() {
    let dir = std::env::var_os("DCC_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/dcc-testdata"));
    let prefix = std::env::var("DCC_PREFIX").unwrap_or_else(|_| "HC1:".into());
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    if !dir.is_dir() {
        if ci {
            eprintln!(
                "dcc: the test vectors are missing at {} and CI is set",
                dir.display()
            );
            std::process::exit(1);
        }
        println!(
            "dcc: no test vectors at {}; skipped (set DCC_TESTDATA)",
            dir.display()
        );
        return;
    }
    let known = known_issues(&dir);
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.retain(|p| {
        p.to_string_lossy().contains("/2DCode/raw/") && p.extension().is_some_and(|e| e == "json")
    });
    files.sort();

    let mut tallies: BTreeMap<&str, Tally> = FLAGS.iter().map(|f| (*f, Tally::default())).collect();
    let mut failures = Vec::new();
    let mut skips = Vec::new();
    for file in &files {
        let name = file
            .strip_prefix(&dir)
            .unwrap_or(file)
            .display()
            .to_string();
        let case: Json = match std::fs::read_to_string(file)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
        {
            Some(case) => case,
            None => {
                failures.push(format!("{name}: not readable JSON"));
                continue;
            }
        };
        for flag in FLAGS {
            let Some(expected) = case["EXPECTEDRESULTS"][flag].as_bool() else {
                continue;
            };
            let tally = tallies.get_mut(flag).expect("a known flag");
            let known_issue = known.iter().find_map(|(test, country, set, url)| {
                let applies = flag_test(flag) == test.as_str()
                    && name.starts_with(&format!("{country}/"))
                    && (set.is_empty()
                        || file
                            .file_stem()
                            .is_some_and(|s| s.to_string_lossy() == set.as_str()));
                applies.then(|| format!("upstream known issue ({url})"))
            });
            match (run_step(flag, &case, &prefix), expected) {
                (Step::Stricter(_), false) => tally.passed += 1,
                (Step::Skip(reason) | Step::Stricter(reason), _) => {
                    let reason = match &known_issue {
                        Some(issue) => format!("{reason}; {issue}"),
                        None => reason,
                    };
                    tally.skipped += 1;
                    skips.push(format!("{name} {flag}: {reason}"));
                }
                (Step::Ok, true) | (Step::Failed(_), false) => tally.passed += 1,
                // A disagreement on a case the upstream harness itself lists as a known
                // deviation is reported as a skip with that reason, never silently.
                (Step::Ok, false) | (Step::Failed(_), true) if known_issue.is_some() => {
                    tally.skipped += 1;
                    skips.push(format!(
                        "{name} {flag}: {}",
                        known_issue.unwrap_or_default()
                    ));
                }
                (Step::Ok, false) => {
                    tally.failed += 1;
                    failures.push(format!(
                        "{name} {flag}: expected a failure, the step succeeded"
                    ));
                }
                (Step::Failed(why), true) => {
                    tally.failed += 1;
                    failures.push(format!("{name} {flag}: expected success, failed: {why}"));
                }
            }
        }
    }

    let mut total = Tally::default();
    for (flag, tally) in &tallies {
        println!(
            "{flag}: {} passed, {} failed, {} skipped",
            tally.passed, tally.failed, tally.skipped
        );
        total.passed += tally.passed;
        total.failed += tally.failed;
        total.skipped += tally.skipped;
    }
    for skip in &skips {
        println!("skipped: {skip}");
    }
    for failure in &failures {
        println!("FAILED: {failure}");
    }
    println!(
        "dcc: {} vectors, {} passed, {} failed, {} skipped",
        files.len(),
        total.passed,
        total.failed,
        total.skipped
    );
    if total.failed > 0 || !failures.is_empty() {
        std::process::exit(1);
    }
}

/// The name of the upstream harness test for a flag, as `known_issues.csv` writes it.
fn flag_test(flag: &str) -> &'static str {
    match flag {
        "EXPECTEDVERIFY" => "test_verification_check",
        "EXPECTEDEXPIRATIONCHECK" => "test_expiration_check",
        "EXPECTEDPICTUREDECODE" => "test_picture_decode",
        "EXPECTEDUNPREFIX" => "test_unprefix",
        "EXPECTEDB45DECODE" => "test_b45decode",
        "EXPECTEDCOMPRESSION" => "test_compression",
        _ => "",
    }
}

fn known_issues(dir: &Path) -> Vec<(String, String, String, String)> {
    let Ok(text) = std::fs::read_to_string(dir.join("tests/known_issues.csv")) else {
        return Vec::new();
    };
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let mut f = line.split(',');
            Some((
                f.next()?.into(),
                f.next()?.into(),
                f.next()?.into(),
                f.next()?.into(),
            ))
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn hex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn field<'a>(case: &'a Json, name: &str) -> Option<&'a str> {
    case[name].as_str().filter(|s| !s.is_empty())
}

fn run_step(flag: &str, case: &Json, prefix: &str) -> Step {
    match flag {
        "EXPECTEDPICTUREDECODE" => picture(case),
        "EXPECTEDUNPREFIX" => {
            let Some(text) = field(case, "PREFIX") else {
                return Step::Skip("no PREFIX".into());
            };
            match unprefix(text, prefix) {
                Err(e) => Step::Failed(e.to_string()),
                Ok(body) if field(case, "BASE45").is_some_and(|b| b != body) => {
                    Step::Failed("differs from BASE45".into())
                }
                Ok(_) => Step::Ok,
            }
        }
        "EXPECTEDB45DECODE" => {
            let Some(text) = field(case, "BASE45") else {
                return Step::Skip("no BASE45".into());
            };
            match base45::decode(text) {
                Err(e) => Step::Failed(format!("{e:?}")),
                Ok(bytes)
                    if field(case, "COMPRESSED")
                        .and_then(hex)
                        .is_some_and(|c| c != bytes) =>
                {
                    Step::Failed("differs from COMPRESSED".into())
                }
                Ok(_) => Step::Ok,
            }
        }
        "EXPECTEDCOMPRESSION" => {
            let Some(compressed) = field(case, "COMPRESSED").and_then(hex) else {
                return Step::Skip("no COMPRESSED".into());
            };
            match inflate(&compressed, 16 * 1024) {
                Err(e) => Step::Failed(e.to_string()),
                Ok(bytes)
                    if field(case, "COSE")
                        .and_then(hex)
                        .is_some_and(|c| c != bytes) =>
                {
                    Step::Failed("differs from COSE".into())
                }
                Ok(_) => Step::Ok,
            }
        }
        "EXPECTEDVERIFY" => signature(case),
        "EXPECTEDEXPIRATIONCHECK" => expiration(case),
        _ => Step::Skip("not a layer of DL1".into()),
    }
}

fn cose_of(case: &Json) -> Option<Vec<u8>> {
    if let Some(cose) = field(case, "COSE").and_then(hex) {
        return Some(cose);
    }
    let compressed = field(case, "COMPRESSED").and_then(hex)?;
    inflate(&compressed, 16 * 1024).ok()
}

fn signature(case: &Json) -> Step {
    let Some(cose) = cose_of(case) else {
        return Step::Skip("no COSE".into());
    };
    let message = match Sign1::decode(&cose) {
        Ok(m) => m,
        Err(e) => return Step::Failed(format!("COSE: {e:?}")),
    };
    let alg = match message.protected_alg() {
        Some(alg) => alg,
        None if message.unprotected.map_get_int(HEADER_ALG).is_some() => {
            return Step::Stricter(
                "alg only in the unprotected header: refused by DL1's strict verifier (documented deviation, see ABOUT.md)"
                    .into(),
            );
        }
        None => return Step::Failed("no alg".into()),
    };
    if alg != ALG_ES256 {
        return Step::Skip(format!(
            "algorithm {alg} (RSA-PSS/PS256 is outside DL1, which is ES256 only)"
        ));
    }
    let Some(certificate) = field(
        case["TESTCTX"]
            .as_object()
            .map_or(&Json::Null, |_| &case["TESTCTX"]),
        "CERTIFICATE",
    )
    .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok()) else {
        return Step::Skip("no test certificate".into());
    };
    let Some(key) = certificate_spki(&certificate).and_then(key_from_spki_der) else {
        return Step::Skip("certificate key is not P-256".into());
    };
    // The protected kid wins; the unprotected one counts only when the protected has none.
    let kid = message
        .protected_kid()
        .or_else(|| message.unprotected_kid());
    if kid != Some(&kid_of_der(&certificate)[..]) {
        return Step::Failed("kid does not match the certificate".into());
    }
    if let Err(e) = message.verify_es256(&key) {
        return Step::Failed(format!("signature: {e:?}"));
    }
    // A valid signature over something that is not a CWT is not a verified credential.
    match rega_credential::cbor::decode(&message.payload) {
        Ok(Value::Map(_)) if cwt_times(&message.payload).is_some() => Step::Ok,
        _ => Step::Failed("payload is not a CWT claims map".into()),
    }
}

fn expiration(case: &Json) -> Step {
    let Some(cose) = cose_of(case) else {
        return Step::Skip("no COSE".into());
    };
    let Ok(message) = Sign1::decode(&cose) else {
        return Step::Failed("COSE".into());
    };
    let Some((iat, exp)) = cwt_times(&message.payload) else {
        return Step::Failed("no iat/exp".into());
    };
    let Some(clock) = case["TESTCTX"]["VALIDATIONCLOCK"]
        .as_str()
        .and_then(parse_rfc3339)
    else {
        return Step::Skip("no validation clock".into());
    };
    if iat <= clock && clock <= exp {
        Step::Ok
    } else {
        Step::Failed(format!("clock {clock} outside [{iat}, {exp}]"))
    }
}

fn picture(case: &Json) -> Step {
    let Some(png) = field(case, "2DCODE")
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
    else {
        return Step::Skip("no 2DCODE".into());
    };
    match decode_qr_png(&png) {
        Some(text) if field(case, "PREFIX").is_none_or(|p| p == text) => Step::Ok,
        Some(_) => Step::Failed("decoded text differs from PREFIX".into()),
        None => Step::Failed("no QR code found".into()),
    }
}

/// Decodes the first QR code in a PNG with pure-Rust decoders (png, rqrr).
fn decode_qr_png(bytes: &[u8]) -> Option<String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().ok()?;
    let mut buffer = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buffer).ok()?;
    let channels = info.color_type.samples();
    let (width, height) = (info.width as usize, info.height as usize);
    let luma = |x: usize, y: usize| -> u8 {
        let i = (y * width + x) * channels;
        match channels {
            1 | 2 => buffer[i],
            _ => {
                ((u16::from(buffer[i]) * 3
                    + u16::from(buffer[i + 1]) * 6
                    + u16::from(buffer[i + 2]))
                    / 10) as u8
            }
        }
    };
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, luma);
    image
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
}

/// The SubjectPublicKeyInfo DER of an X.509 certificate (a minimal DER walk).
fn certificate_spki(der: &[u8]) -> Option<&[u8]> {
    /// One DER element: its tag, its content, the whole element, and what follows it.
    type Tlv<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);
    fn tlv(input: &[u8]) -> Option<Tlv<'_>> {
        let tag = *input.first()?;
        let first = *input.get(1)?;
        let (length, header) = if first < 0x80 {
            (usize::from(first), 2)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return None;
            }
            let mut length = 0usize;
            for b in input.get(2..2 + n)? {
                length = (length << 8) | usize::from(*b);
            }
            (length, 2 + n)
        };
        let whole = input.get(..header + length)?;
        Some((tag, &whole[header..], whole, &input[header + length..]))
    }
    let (_, certificate, _, _) = tlv(der)?;
    let (_, tbs, _, _) = tlv(certificate)?;
    let mut rest = tbs;
    let (tag, _, _, after) = tlv(rest)?;
    if tag == 0xa0 {
        rest = after; // explicit version
    }
    for _ in 0..5 {
        rest = tlv(rest)?.3; // serial, signature algorithm, issuer, validity, subject
    }
    Some(tlv(rest)?.2)
}

/// `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]`; no zone means UTC.
fn parse_rfc3339(text: &str) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| -> Option<i64> { text.get(r)?.parse().ok() };
    let (y, mo, d, h, mi, s) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        rest = fraction.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "" | "Z" => 0,
        zone => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            sign * (zone.get(1..3)?.parse::<i64>().ok()? * 3600
                + zone.get(4..6)?.parse::<i64>().ok()? * 60)
        }
    };
    let yy = if mo <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * (if mo > 2 { mo - 3 } else { mo + 9 }) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + s - offset)
}
