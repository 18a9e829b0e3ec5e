//! The operators' DL1 tools, end to end through the `rega` binary, and the independent
//! cross-check: Python's pycose/cbor2/base45/zlib verify Rega's tokens, and Debian's zbarimg
//! reads a PNG of Rega's QR code back to the exact text.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn rega(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rega"))
        .args(args)
        .output()
        .expect("rega runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn licences() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("credential/testdata/licences"))
        .expect("the demo licences")
        .map(|e| e.expect("an entry").path())
        .collect();
    files.sort();
    files
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A server's keys directory, the anchor's offline directory, and the list the anchor signed
/// from a document naming the server key's public part.
struct Keys {
    dir: tempfile::TempDir,
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Keys {
    fn new() -> Keys {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let keys = Keys { dir };
        ok(&rega(&[
            "keys",
            "generate",
            "--out",
            &keys.keys().to_string_lossy(),
        ]));
        ok(&rega(&[
            "anchor",
            "generate",
            "--out",
            &keys.anchor().to_string_lossy(),
        ]));
        let public = keys.public_parts().remove(0);
        std::fs::copy(
            &public,
            keys.anchor().join(public.file_name().expect("a name")),
        )
        .expect("taken to the anchor's machine");
        std::fs::write(
            keys.anchor().join("trust-list.toml"),
            format!(
                "valid_days = 30\n[[key]]\npublic_key = \"{}\"\nstatus = \"active\"\n\
                 not_before = \"2024-01-01\"\nnot_after = \"2030-12-31\"\n",
                public.file_name().expect("a name").to_string_lossy()
            ),
        )
        .expect("the document");
        ok(&rega(&[
            "trust-list",
            "sign",
            "--anchor-key",
            &keys.anchor().join("anchor-key.pem").to_string_lossy(),
            "--keys",
            &keys.anchor().join("trust-list.toml").to_string_lossy(),
            "--out",
            &keys.trust_list().to_string_lossy(),
        ]));
        keys
    }
    fn anchor(&self) -> PathBuf {
        self.dir.path().join("anchor")
    }
    /// The server key's public parts (`signing-<kid>.pub.pem`).
    fn public_parts(&self) -> Vec<PathBuf> {
        let mut parts: Vec<PathBuf> = std::fs::read_dir(self.keys())
            .expect("the keys")
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.to_string_lossy().ends_with(".pub.pem"))
            .collect();
        parts.sort();
        parts
    }
    fn keys(&self) -> PathBuf {
        self.dir.path().join("keys")
    }
    fn trust_list(&self) -> PathBuf {
        self.dir.path().join("trust-list.jws")
    }
    fn token(&self, licence: &Path) -> String {
        let out = rega(&[
            "token",
            "--keys",
            &self.keys().to_string_lossy(),
            "--licence",
            &licence.to_string_lossy(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout(&out)
    }
    fn verify(&self, text: &str, at: Option<&str>) -> Output {
        let (list, anchor) = (self.trust_list(), self.anchor().join("anchor-pub.pem"));
        let mut args = vec![
            "verify",
            "--trust-list",
            list.to_str().expect("utf8"),
            "--anchor",
            anchor.to_str().expect("utf8"),
        ];
        if let Some(at) = at {
            args.extend(["--at", at]);
        }
        args.push(text);
        rega(&args)
    }
}

#[test]
fn keys_are_made_for_the_owner_only_and_the_anchor_apart_from_the_server() {
    let keys = Keys::new();
    let public = keys.public_parts();
    assert_eq!(public.len(), 1);
    let private = PathBuf::from(public[0].to_string_lossy().replace(".pub.pem", ".pem"));
    assert!(private.is_file());
    assert!(
        !keys.keys().join("anchor-key.pem").exists(),
        "the anchor's private key is made on its own machine"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode(&private), 0o600);
        assert_eq!(mode(&keys.anchor().join("anchor-key.pem")), 0o600);
        assert_eq!(mode(&public[0]), 0o644);
    }
    // A second key never overwrites the first: a new file of its own (rotation).
    ok(&rega(&[
        "keys",
        "generate",
        "--out",
        &keys.keys().to_string_lossy(),
    ]));
    assert_eq!(keys.public_parts().len(), 2);
    let again = rega(&[
        "anchor",
        "generate",
        "--out",
        &keys.anchor().to_string_lossy(),
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("refusing to overwrite"));
    // With two keys, `rega token` asks which.
    let out = rega(&[
        "token",
        "--keys",
        &keys.keys().to_string_lossy(),
        "--licence",
        &licences()[0].to_string_lossy(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--kid"));
}

#[test]
fn a_trust_list_document_with_a_mistake_is_refused_with_its_reason() {
    let keys = Keys::new();
    let sign = |document: &str| {
        std::fs::write(keys.anchor().join("bad.toml"), document).expect("written");
        rega(&[
            "trust-list",
            "sign",
            "--anchor-key",
            &keys.anchor().join("anchor-key.pem").to_string_lossy(),
            "--keys",
            &keys.anchor().join("bad.toml").to_string_lossy(),
        ])
    };
    for (document, reason) in [
        ("valid_days = 30\n", "names no signing key"),
        (
            "valid_days = 365\n[[key]]\npublic_key = \"x.pem\"\nstatus = \"active\"\nnot_before = \"2026-01-01\"\nnot_after = \"2027-01-01\"\n",
            "valid_days",
        ),
        (
            "[[key]]\npublic_key = \"missing.pub.pem\"\nstatus = \"active\"\nnot_before = \"2026-01-01\"\nnot_after = \"2027-01-01\"\n",
            "cannot read",
        ),
        (
            "[[key]]\npublic_key = \"x.pem\"\nstatus = \"suspended\"\nnot_before = \"2026-01-01\"\nnot_after = \"2027-01-01\"\n",
            "not a trust list document",
        ),
    ] {
        let out = sign(document);
        assert_eq!(out.status.code(), Some(1), "{document}");
        let error = String::from_utf8_lossy(&out.stderr);
        assert!(error.contains(reason), "{document}: {error}");
    }
}

#[test]
fn a_token_from_rega_token_verifies_with_rega_verify() {
    let keys = Keys::new();
    for licence in licences() {
        let text = keys.token(&licence);
        assert!(text.starts_with("DL1:"));
        let out = keys.verify(&text, None);
        assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
        let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
        assert_eq!(json["valid"], true);
        let given: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&licence).expect("readable"))
                .expect("JSON");
        assert_eq!(json["licence"]["document_number"], given["document_number"]);
        let expected_status = if licence.ends_with("expired.json") {
            "expired"
        } else {
            "valid"
        };
        assert_eq!(
            json["licence_status"],
            expected_status,
            "{}",
            licence.display()
        );
    }
}

#[test]
fn rega_verify_names_the_failure_and_exits_1() {
    let keys = Keys::new();
    let text = keys.token(&licences()[0]);
    let out = keys.verify(&text, Some("2099-01-01T00:00:00Z"));
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(
        json,
        serde_json::json!({ "valid": false, "error": "KeyNotValid" })
    );
    let out = keys.verify(&text.replacen("DL1:", "HC1:", 1), None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("BadPrefix"));
}

#[test]
fn rega_verify_with_bad_arguments_exits_2() {
    let keys = Keys::new();
    let out = keys.verify("DL1:X", Some("yesterday"));
    assert_eq!(out.status.code(), Some(2));
    let out = rega(&[
        "verify",
        "--trust-list",
        "/nonexistent",
        "--anchor",
        "/nonexistent",
        "DL1:X",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    assert_eq!(rega(&["verify"]).status.code(), Some(2));
}

#[test]
fn a_trust_list_signed_by_another_anchor_is_refused() {
    let (a, b) = (Keys::new(), Keys::new());
    let text = a.token(&licences()[0]);
    let out = rega(&[
        "verify",
        "--trust-list",
        &a.trust_list().to_string_lossy(),
        "--anchor",
        &b.anchor().join("anchor-pub.pem").to_string_lossy(),
        &text,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("BadSignature"));
}

fn python() -> Option<PathBuf> {
    let path = std::env::var_os("REGA_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv/bin/python"));
    if path.exists() {
        return Some(path);
    }
    assert!(
        !ci(),
        "CI is set but {} is missing: the independent cross-check must run",
        path.display()
    );
    eprintln!(
        "note: no Python at {}; skipping the cross-check (cargo xtask test sets it up)",
        path.display()
    );
    None
}

/// Bound-form presentations of a licence, as a phone makes them offline: a credential the
/// server's signing key issued to `phone`, presented by `presenter` (the phone, or a thief
/// holding only the copied credential) at three moments over the credential's days.
fn presentations(
    keys: &Keys,
    licence: &Path,
    phone: &rega_credential::sign::SigningKey,
    presenter: &rega_credential::sign::SigningKey,
) -> Vec<String> {
    let public = keys.public_parts().remove(0);
    let private = PathBuf::from(public.to_string_lossy().replace(".pub.pem", ".pem"));
    let issuer = rega_credential::sign::Issuer::new(
        rega_credential::sign::read_private_key_pem(
            &std::fs::read_to_string(private).expect("the signing key"),
        )
        .expect("a key"),
        "KRG-GDT",
    );
    let licence: rega_credential::Licence =
        serde_json::from_str(&std::fs::read_to_string(licence).expect("a licence"))
            .expect("a licence");
    let now = 1_795_856_400;
    let credential = issuer.issue_bound(
        &licence,
        rega_credential::DeviceBinding::of_key(phone.verifying_key()),
        now,
        7,
    );
    [0, 2 * 86_400 + 17, 7 * 86_400]
        .into_iter()
        .map(|later| rega_credential::sign::present(&credential, presenter, (now + later) as u32))
        .collect()
}

/// Runs the independent cross-check over `texts`: its exit status and report.
fn crosscheck(python: &Path, keys: &Keys, licence: &Path, texts: &[String]) -> (bool, String) {
    let public = keys.public_parts().remove(0);
    let mut child = Command::new(python)
        .arg(repo().join("credential/crosscheck/verify_dl1.py"))
        .arg(&public)
        .arg(repo().join("credential/src/dl1-zlib-dictionary.bin"))
        .arg(licence)
        .arg("KRG-GDT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(texts.join("\n").as_bytes())
        .expect("written");
    let out = child.wait_with_output().expect("finished");
    let report = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), report)
}

#[test]
fn an_independent_implementation_verifies_regas_bound_presentations() {
    let Some(python) = python() else { return };
    let keys = Keys::new();
    let phone = rega_credential::sign::generate_key().expect("a key");
    let thief = rega_credential::sign::generate_key().expect("a key");
    for licence in licences() {
        let texts = presentations(&keys, &licence, &phone, &phone);
        let (ok, report) = crosscheck(&python, &keys, &licence, &texts);
        assert!(ok, "{}: {report}", licence.display());
        assert_eq!(report.matches(": valid bound").count(), 3, "{report}");
        // The credential copied off the phone, presented with another key: refused.
        let copied = presentations(&keys, &licence, &phone, &thief);
        let (ok, report) = crosscheck(&python, &keys, &licence, &copied[..1]);
        assert!(!ok, "a copied credential passed: {report}");
        assert!(
            report.contains("no key named by the credential"),
            "{report}"
        );
    }
}

#[test]
fn an_independent_implementation_verifies_regas_tokens() {
    let Some(python) = python() else { return };
    let keys = Keys::new();
    for licence in licences() {
        let tokens: Vec<String> = (0..3).map(|_| keys.token(&licence)).collect();
        let (ok, report) = crosscheck(&python, &keys, &licence, &tokens);
        assert!(ok, "{}: {report}", licence.display());
        assert_eq!(report.matches(": valid token").count(), 3, "{report}");
    }
}

/// A PNG of the QR code: 4 px per module, a 4-module quiet zone, level Q.
fn qr_png(text: &str) -> Vec<u8> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::Q)
        .expect("fits");
    let (modules, scale, quiet) = (code.width(), 4, 4);
    let size = (modules + 2 * quiet) * scale;
    let colors = code.to_colors();
    let mut pixels = vec![255u8; size * size];
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (x, y) = (i % modules + quiet, i / modules + quiet);
            for dy in 0..scale {
                let row = (y * scale + dy) * size;
                pixels[row + x * scale..row + x * scale + scale].fill(0);
            }
        }
    }
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, size as u32, size as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder
        .write_header()
        .expect("header")
        .write_image_data(&pixels)
        .expect("pixels");
    png
}

#[test]
fn zbarimg_reads_regas_qr_code_back_to_the_exact_text() {
    if !Path::new("/usr/bin/zbarimg").exists() {
        assert!(
            !ci(),
            "CI is set but zbarimg is missing: the QR cross-check must run"
        );
        eprintln!("note: zbarimg is missing; skipping (cargo xtask setup installs zbar-tools)");
        return;
    }
    let keys = Keys::new();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let phone = rega_credential::sign::generate_key().expect("a key");
    for licence in licences() {
        // Both forms: a token, and a phone's presentation of a bound credential.
        let bound = presentations(&keys, &licence, &phone, &phone).remove(0);
        for text in [keys.token(&licence), bound] {
            let path = dir.path().join("qr.png");
            std::fs::write(&path, qr_png(&text)).expect("written");
            let out = Command::new("/usr/bin/zbarimg")
                .args(["--raw", "-q"])
                .arg(&path)
                .output()
                .expect("zbarimg runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(stdout(&out), text, "{}", licence.display());
        }
    }
}

/// An earlier version's `signing-key.pem`: `rega keys export` writes its public part (named by
/// its kid) to sign into the list, once, and again changes nothing.
#[test]
fn rega_keys_export_writes_an_older_keys_public_part() {
    let dir = tempfile::tempdir().expect("a directory");
    let key = rega_credential::sign::generate_key().expect("a key");
    std::fs::write(
        dir.path().join("signing-key.pem"),
        rega_credential::sign::private_key_pem(&key).expect("PEM"),
    )
    .expect("written");
    let kid: String = rega_credential::keys::kid_of(key.verifying_key())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let public = dir.path().join(format!("signing-{kid}.pub.pem"));
    for _ in 0..2 {
        ok(&rega(&[
            "keys",
            "export",
            "--keys",
            &dir.path().to_string_lossy(),
        ]));
        let read = rega_credential::sign::read_public_key_pem(
            &std::fs::read_to_string(&public).expect("the public part"),
        )
        .expect("a public key");
        assert_eq!(&read, key.verifying_key());
    }
    let empty = tempfile::tempdir().expect("a directory");
    let out = rega(&["keys", "export", "--keys", &empty.path().to_string_lossy()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no signing key"));
}
