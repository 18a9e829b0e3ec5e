//! "The first day in production" (`docs/operations.md`), followed literally with the real
//! `rega` binary and no demo: keys, `rega config apply`, `rega registry import`, an administrator
//! (who makes the supervisor and the desk over the API) and a
//! registry client, `rega serve` with an HTTP SMS gateway (a small server here that records
//! what it receives); a citizen signs in with the code the gateway received and books; on the
//! day (the server restarted under libfaketime, as a non-demo server keeps the real time) a kiosk
//! is enrolled, the citizen checks in, the desk calls and serves them, and the outcome is in the
//! registry's feed.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::citizen::cookie_of;

/// libfaketime, installed by `cargo xtask setup` (Debian's `libfaketime`).
const FAKETIME: &str = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";
const NATIONAL_ID: &str = "150000000001";
const PHONE: &str = "+9647501234501";
const PASSWORD: &str = "first-day-desk-password";

fn rega(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rega"));
    command
        .env("REGA_DATA_DIR", data)
        .env_remove("DATABASE_URL")
        .env_remove("REGA_DEMO");
    command
}

/// Runs a `rega` command to success: its standard output.
fn step(data: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = rega(data);
    command.args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("rega runs");
    assert!(
        out.status.success(),
        "rega {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The SMS gateway: records every message posted to it.
async fn gateway() -> (String, Arc<Mutex<Vec<(String, String)>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    let app = axum::Router::new().route(
        "/send",
        axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
            let kept = kept.clone();
            async move {
                kept.lock().expect("the list").push((
                    body["to"].as_str().unwrap_or_default().to_owned(),
                    body["text"].as_str().unwrap_or_default().to_owned(),
                ));
                axum::http::StatusCode::ACCEPTED
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!("http://{}/send", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serves") });
    (url, received)
}

/// `rega serve` without `--demo`, at the real time or (`at`) under libfaketime: the child
/// and its URL.
fn serve(data: &Path, keys: &Path, sms: &str, at: Option<&str>) -> (Child, String) {
    let mut command = rega(data);
    command
        .args([
            "serve",
            "--port",
            "0",
            "--sms-gateway-url",
            sms,
            "--keys-dir",
        ])
        .arg(keys)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(at) = at {
        command
            .env("LD_PRELOAD", FAKETIME)
            .env("FAKETIME", format!("@{at}"))
            .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
            .env("TZ", "UTC");
    }
    let mut child = command.spawn().expect("rega serve starts");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    while !line.starts_with("Rega is running at ") {
        line.clear();
        assert!(
            out.read_line(&mut line).expect("a line") > 0,
            "rega serve stopped before it was ready"
        );
    }
    let url = line
        .trim()
        .trim_start_matches("Rega is running at ")
        .to_owned();
    (child, url)
}

fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// Signs a staff account in: the answer, asserted 200.
async fn staff_sign_in(
    http: &reqwest::Client,
    url: &str,
    username: &str,
    password: &str,
) -> reqwest::Response {
    let response = http
        .post(format!("{url}/api/v1/staff/sign-in"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200, "{username} signs in");
    response
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        .try_into()
        .expect("in range")
}

/// The signed-in account sets up its second factor with an authenticator app's code: its secret.
async fn set_up_second_factor(http: &reqwest::Client, url: &str, cookie: &str) -> String {
    let me: Value = http
        .get(format!("{url}/api/v1/staff/me"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(me["must_set_up_second_factor"], true, "{me}");
    let setup: Value = http
        .post(format!("{url}/api/v1/staff/second-factor"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    let secret = setup["secret"].as_str().expect("a secret").to_owned();
    let confirmed = http
        .post(format!("{url}/api/v1/staff/second-factor/confirm"))
        .header("cookie", cookie)
        .json(&json!({ "code": crate::helpers::staff::totp(&secret, unix_now()) }))
        .send()
        .await
        .expect("answered");
    assert_eq!(confirmed.status(), 200);
    secret
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_day_in_production_as_the_operations_guide_says() {
    assert!(
        Path::new(FAKETIME).exists(),
        "libfaketime is missing: run cargo xtask setup"
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().join("data");
    let keys = dir.path().join("keys");
    let (sms, received) = gateway().await;
    let http = reqwest::Client::new();

    // 1-5: keys, the network's configuration, the registry's citizens, staff, a registry client.
    // The anchor is made on its own offline machine; the server makes its signing key and
    // exports the public part; the anchor's machine signs the list the server is given.
    let anchor = dir.path().join("anchor-machine");
    step(
        &data,
        &["anchor", "generate", "--out", &anchor.to_string_lossy()],
        &[],
    );
    step(
        &data,
        &["keys", "generate", "--out", &keys.to_string_lossy()],
        &[],
    );
    let public = std::fs::read_dir(&keys)
        .expect("the keys")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .find(|n| n.ends_with(".pub.pem"))
        .expect("the signing key's public part");
    std::fs::copy(keys.join(&public), anchor.join(&public)).expect("taken to the anchor");
    std::fs::write(
        anchor.join("trust-list.toml"),
        format!(
            "[[key]]\npublic_key = \"{public}\"\nstatus = \"active\"\n\
             not_before = \"2026-01-01\"\nnot_after = \"2030-12-31\"\n"
        ),
    )
    .expect("the list document");
    step(
        &data,
        &[
            "trust-list",
            "sign",
            "--anchor-key",
            &anchor.join("anchor-key.pem").to_string_lossy(),
            "--keys",
            &anchor.join("trust-list.toml").to_string_lossy(),
            "--out",
            &keys.join("trust-list.jws").to_string_lossy(),
        ],
        &[],
    );
    std::fs::copy(anchor.join("anchor-pub.pem"), keys.join("anchor-pub.pem"))
        .expect("the anchor's public key configured");
    let network: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "data",
        "demo-configuration.toml",
    ]
    .iter()
    .collect();
    assert!(step(&data, &["config", "apply", &network.to_string_lossy()], &[]).contains("applied"));
    let citizens = dir.path().join("citizens.ndjson");
    let record = json!({
        "national_id": NATIONAL_ID, "version": 1, "name_latin": "Soran Aziz",
        "name_arabic": "سۆران عەزیز", "birth_date": "1994-04-12", "phone": PHONE,
        "status": "active"
    });
    std::fs::write(&citizens, format!("{record}\n")).expect("written");
    assert!(
        step(
            &data,
            &["registry", "import", &citizens.to_string_lossy()],
            &[]
        )
        .contains("1 created")
    );
    step(
        &data,
        &[
            "staff",
            "add",
            "--username",
            "network-admin",
            "--role",
            "admin",
        ],
        &[("REGA_STAFF_PASSWORD", PASSWORD)],
    );
    let credential = step(
        &data,
        &["registry-client", "add", "--name", "gdt-registry"],
        &[],
    )
    .lines()
    .last()
    .expect("the credential")
    .to_owned();

    // 6: the server, with the SMS gateway. The citizen signs in with the code it received.
    let (server, url) = serve(&data, &keys, &sms, None);
    let api = |path: &str| format!("{url}/api/v1{path}");
    let ready: serde_json::Value = http
        .get(format!("{url}/readyz"))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(ready["credentials"]["status"], "ok", "{ready}");

    // The administrator makes the directorate's supervisor and desk; each gets a one-time
    // password, and chooses its own at its first sign-in.
    // An administrator (as a supervisor) sets up a second factor before anything else.
    let admin = cookie_of(&staff_sign_in(&http, &url, "network-admin", PASSWORD).await);
    set_up_second_factor(&http, &url, &admin).await;
    for (username, role) in [
        ("erbil-supervisor-1", "supervisor"),
        ("erbil-desk-1", "desk"),
    ] {
        let created: Value = http
            .post(api("/admin/staff"))
            .header("cookie", &admin)
            .json(&json!({ "username": username, "role": role, "directorate": "erbil" }))
            .send()
            .await
            .expect("answered")
            .json()
            .await
            .expect("JSON");
        let one_time = created["one_time_password"].as_str().expect("a password");
        let first = staff_sign_in(&http, &url, username, one_time).await;
        let changed = http
            .post(api("/staff/password"))
            .header("cookie", cookie_of(&first))
            .json(&json!({ "current_password": one_time, "new_password": PASSWORD }))
            .send()
            .await
            .expect("answered");
        assert_eq!(changed.status(), 200, "{username}");
        let me: Value = changed.json().await.expect("JSON");
        assert_eq!(
            me["must_set_up_second_factor"],
            role == "supervisor",
            "{me}"
        );
        if role == "supervisor" {
            let secret = set_up_second_factor(&http, &url, &cookie_of(&first)).await;
            // From now on the password alone does not open the account; a code does, once.
            let refused = http
                .post(api("/staff/sign-in"))
                .json(&json!({ "username": username, "password": PASSWORD }))
                .send()
                .await
                .expect("answered");
            assert_eq!(refused.status(), 401);
            // The code that confirmed the setup is used; the app's next one (a step ahead is
            // accepted, for a phone's clock a little fast) opens it.
            let code = crate::helpers::staff::totp(&secret, unix_now() + 30);
            let signed_in = http
                .post(api("/staff/sign-in"))
                .json(&json!({ "username": username, "password": PASSWORD, "code": code }))
                .send()
                .await
                .expect("answered");
            assert_eq!(signed_in.status(), 200, "{username} signs in with a code");
        }
    }
    let asked = http
        .post(api("/auth/code"))
        .json(&json!({ "national_id": NATIONAL_ID }))
        .send()
        .await
        .expect("answered");
    assert_eq!(asked.status(), 202);
    let mut code = None;
    for _ in 0..100 {
        code = received
            .lock()
            .expect("the list")
            .iter()
            .find(|(to, _)| to == PHONE)
            .and_then(|(_, text)| {
                text.split(|c: char| !c.is_ascii_digit())
                    .find(|w| w.len() == 6)
                    .map(str::to_owned)
            });
        if code.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let code = code.expect("the gateway received the sign-in code");
    let verified = http
        .post(api("/auth/verify"))
        .json(&json!({ "national_id": NATIONAL_ID, "code": code }))
        .send()
        .await
        .expect("answered");
    assert_eq!(verified.status(), 200);
    let citizen = cookie_of(&verified);
    let days: Value = http
        .get(api(
            "/availability/days?directorate=erbil&service=medical_check",
        ))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    let day = days["days"]
        .as_array()
        .expect("days")
        .iter()
        .find(|d| d["places_left"].as_u64() > Some(0))
        .expect("a free day")["date"]
        .as_str()
        .expect("a date")
        .to_owned();
    let slots: Value = http
        .get(api(&format!(
            "/availability/slots?directorate=erbil&service=medical_check&date={day}"
        )))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    let slot = &slots["slots"][0];
    let booked: Value = http
        .post(api("/appointments"))
        .header("cookie", &citizen)
        .header("idempotency-key", "first-day-booking-1")
        .json(&json!({ "slot_id": slot["slot_id"], "service": "medical_check" }))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    let reference = booked["reference"].as_str().expect("booked").to_owned();
    stop(server);

    // The day: 30 minutes before the appointment (in UTC for libfaketime).
    let starts = rega_api::time::parse_rfc3339(slot["starts_at"].as_str().expect("a time"))
        .expect("RFC 3339");
    let at = starts - 30 * 60;
    let (days_since, seconds) = (at.div_euclid(86_400), at.rem_euclid(86_400));
    let date = rega_api::time::Date::from_days_since_epoch(days_since);
    let faked = format!(
        "{date} {:02}:{:02}:{:02}",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    );
    let (server, url) = serve(&data, &keys, &sms, Some(&faked));
    let api = |path: &str| format!("{url}/api/v1{path}");

    // 7: a kiosk enrolled; the citizen checks in; the desk calls and serves them.
    let kiosk = step(
        &data,
        &[
            "kiosk",
            "enrol",
            "--directorate",
            "erbil",
            "--label",
            "Erbil hall 1",
        ],
        &[],
    )
    .lines()
    .last()
    .expect("the kiosk code")
    .to_owned();
    let ticket: Value = http
        .post(api("/kiosk/check-in"))
        .header("authorization", format!("Kiosk {kiosk}"))
        .json(&json!({ "reference": reference }))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(ticket["ticket"], "M-001", "{ticket}");
    let desk = cookie_of(&staff_sign_in(&http, &url, "erbil-desk-1", PASSWORD).await);
    let called: Value = http
        .post(api("/staff/call-next"))
        .header("cookie", &desk)
        .header("idempotency-key", "first-day-call-1")
        .json(&json!({ "area": "M", "counter": "1" }))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(called["called"]["reference"], reference.as_str());
    let served = http
        .post(api(&format!("/staff/appointments/{reference}/attended")))
        .header("cookie", &desk)
        .header("idempotency-key", "first-day-served-1")
        .send()
        .await
        .expect("answered");
    assert_eq!(served.status(), 204);

    // The registry sees it in its feed.
    let feed: Value = http
        .get(api("/registry/outcomes?after=0"))
        .header("authorization", format!("Registry {credential}"))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    let outcomes = feed["outcomes"].as_array().expect("outcomes");
    assert_eq!(outcomes.len(), 1, "{feed}");
    assert_eq!(
        (
            outcomes[0]["kind"].as_str(),
            outcomes[0]["national_id"].as_str(),
            outcomes[0]["reference"].as_str()
        ),
        (
            Some("attended"),
            Some(NATIONAL_ID),
            Some(reference.as_str())
        )
    );
    stop(server);
}
