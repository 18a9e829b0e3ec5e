//! The network's configuration: `rega config apply` refuses a wrong file with its line and
//! applies a right one once (rerunning changes nothing), `rega config export` gives it back, a
//! server without `--demo` refuses to start while anything is missing; a change that strands
//! appointments shows them first, then cancels each (place freed, citizen told, outcome in the
//! feed), and is refused when an appointment it would strand was booked since; a change applied
//! on one instance is in force on another at once.

use std::process::Command;
use std::sync::Arc;

use rega_api::service::ServiceKind;
use rega_api::time::{Date, LocalDateTime};
use rega_server::clock::Clock;
use rega_server::network::{apply, file};
use rega_server::store::{ConfigurationRefused, Store};
use serde_json::Value;

use crate::helpers::{
    Db, THURSDAY_9AM, fresh_postgres_database, postgres_store, postgres_url, spawn_demo,
};

fn rega() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rega"))
}

fn run(args: &[&str], data: &std::path::Path) -> (bool, String, String) {
    let out = rega()
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("DATABASE_URL")
        .env_remove("REGA_DEMO")
        .output()
        .expect("rega runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn config_apply_names_the_line_applies_once_and_export_gives_it_back() {
    let data = tempfile::tempdir().expect("a temporary directory");
    let dir = data.path();
    // Without a configuration (nor an SMS gateway, nor keys) a real server does not start.
    let (ok, _, stderr) = run(&["serve", "--port", "0"], dir);
    assert!(!ok);
    for missing in ["SMS gateway", "signing key", "rega config apply"] {
        assert!(stderr.contains(missing), "{missing}: {stderr}");
    }
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.starts_with("rega: error:"))
            .count(),
        1,
        "{stderr}"
    );

    let demo = rega_server::demo::DEMO_CONFIGURATION;
    let broken = demo.replacen("sunday = \"08:00-14:00\"", "sunday = \"08:00-14:10\"", 1);
    let line = broken
        .lines()
        .position(|l| l.contains("14:10"))
        .expect("edited")
        + 1;
    let path = dir.join("network.toml");
    std::fs::write(&path, &broken).expect("written");
    let file_arg = path.to_string_lossy().into_owned();
    let (ok, _, stderr) = run(&["config", "apply", &file_arg], dir);
    assert!(!ok);
    assert!(
        stderr.contains(&format!("line {line}: directorates[0].hours.sunday:")),
        "{stderr}"
    );
    let (ok, _, stderr) = run(&["config", "export"], dir);
    assert!(
        !ok && stderr.contains("no configuration"),
        "nothing applied: {stderr}"
    );

    std::fs::write(&path, demo).expect("written");
    let (ok, stdout, stderr) = run(&["config", "apply", &file_arg, "--dry-run"], dir);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("dry run: nothing applied"), "{stdout}");
    let (ok, stdout, stderr) = run(&["config", "apply", &file_arg], dir);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("applied: version 1"), "{stdout}");
    let (ok, stdout, _) = run(&["config", "apply", &file_arg], dir);
    assert!(ok && stdout.contains("nothing to apply"), "{stdout}");
    let (ok, exported, _) = run(&["config", "export"], dir);
    assert!(ok);
    assert_eq!(exported, demo, "the demo file is in the export's own form");

    // A directorate is never removed.
    let without_kalar = demo
        .split("\n[[directorates]]\n")
        .filter(|part| !part.contains("id = \"kalar\""))
        .collect::<Vec<_>>()
        .join("\n[[directorates]]\n");
    std::fs::write(&path, without_kalar).expect("written");
    let (ok, _, stderr) = run(&["config", "apply", &file_arg], dir);
    assert!(!ok && stderr.contains("`kalar` is missing"), "{stderr}");

    // Configured now: only the SMS gateway and the keys are missing.
    let (ok, _, stderr) = run(&["serve", "--port", "0"], dir);
    assert!(!ok && !stderr.contains("rega config apply"), "{stderr}");
}

/// Sunday 2026-11-29 at `hour:minute` in Baghdad.
fn sunday(hour: u8, minute: u8) -> i64 {
    LocalDateTime {
        date: Date::parse("2026-11-29").expect("a date"),
        hour,
        minute,
    }
    .to_unix()
}

/// The demo file with Erbil's Sunday as given.
fn erbil_sunday(hours: &str) -> String {
    let mut config = file::parse(rega_server::demo::DEMO_CONFIGURATION).expect("the demo");
    config.directorates[0]
        .hours
        .insert("sunday".into(), hours.into());
    file::render(&config)
}

async fn slot_at(store: &Arc<dyn Store>, service: ServiceKind, at: i64) -> i64 {
    store
        .slots_between("erbil", service, at, at + 1)
        .await
        .expect("slots")[0]
        .id
}

async fn shorter_hours_strand_what_they_cut_and_only_that(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let store = demo.state.store.clone();
    let citizen = demo.sign_in("200000000001").await;
    let late = slot_at(&store, ServiceKind::TheoryTest, sunday(13, 30)).await;
    let early = slot_at(&store, ServiceKind::MedicalCheck, sunday(9, 0)).await;
    let stranded = demo.book_slot(&citizen, "theory_test", late).await;
    let kept = demo.book_slot(&citizen, "medical_check", early).await;

    // Erbil closes at 12:00 on Sundays: the preview names the 13:30 appointment, only it.
    let now = demo.clock.now();
    let text = erbil_sunday("08:00-12:00");
    let plan = apply::plan(store.as_ref(), &text, now)
        .await
        .expect("store")
        .expect("a valid file");
    let names: Vec<String> = plan
        .stranded
        .iter()
        .map(|a| a.reference.to_string())
        .collect();
    assert_eq!(names, std::slice::from_ref(&stranded), "{db:?}");
    assert_eq!(plan.expected_version, 1);

    // Someone books a 12:30 slot meanwhile: applying the preview is refused, nothing changed.
    let other = demo.sign_in("200000000002").await;
    let noon = slot_at(&store, ServiceKind::TheoryTest, sunday(12, 30)).await;
    let meanwhile = demo.book_slot(&other, "theory_test", noon).await;
    assert_eq!(
        apply::apply(store.as_ref(), &plan, "test", now)
            .await
            .expect("store"),
        Err(ConfigurationRefused::MoreStranded),
        "{db:?}"
    );
    assert_eq!(store.configuration_version().await.expect("read"), 1);

    // Previewed again, both are listed; applied: each cancelled, its place freed, its
    // citizen told, the outcome in the feed; the rest untouched.
    let plan = apply::plan(store.as_ref(), &text, now)
        .await
        .expect("store")
        .expect("a valid file");
    assert_eq!(plan.stranded.len(), 2, "{db:?}");
    let outdated = plan.clone();
    assert_eq!(
        apply::apply(store.as_ref(), &plan, "test", now)
            .await
            .expect("store"),
        Ok(2)
    );
    assert_eq!(
        apply::apply(store.as_ref(), &outdated, "test", now)
            .await
            .expect("store"),
        Err(ConfigurationRefused::Outdated { current: 2 }),
        "{db:?}: a preview of an older version is refused"
    );
    let list: Value = demo
        .get_with_cookie("/api/v1/appointments", &citizen)
        .await
        .json()
        .await
        .expect("JSON");
    let status = |reference: &str| {
        list["upcoming"]
            .as_array()
            .expect("upcoming")
            .iter()
            .chain(list["past"].as_array().expect("past"))
            .find(|a| a["reference"] == reference)
            .map(|a| a["status"].clone())
    };
    assert_eq!(status(&stranded), Some("cancelled".into()), "{db:?}");
    assert_eq!(status(&kept), Some("booked".into()), "{db:?}");
    let sent = rega_server::sender::deliver_due(&demo.state)
        .await
        .expect("sent");
    assert!(
        sent >= 2,
        "{db:?}: the two notices among the bookings' messages"
    );
    let outbox: Value = demo
        .app
        .get("/api/v1/dev/outbox?national_id=200000000001")
        .await
        .json()
        .await
        .expect("JSON");
    assert!(
        outbox
            .as_array()
            .expect("messages")
            .iter()
            .any(|m| m["text"]
                .as_str()
                .is_some_and(|t| t.contains(&stranded) && t.contains("ئەو کاتە کار ناکات"))),
        "{db:?}: {outbox}"
    );
    let feed = store.outcomes_after(0, 10).await.expect("read");
    let cancelled: Vec<String> = feed
        .iter()
        .filter(|o| o.kind == rega_server::store::OutcomeKind::CancelledByClosure)
        .map(|o| o.reference.to_string())
        .collect();
    assert_eq!(cancelled.len(), 2);
    assert!(cancelled.contains(&stranded) && cancelled.contains(&meanwhile));
    // In force at once: Sunday's theory slots end before 12:00, the cut ones take no bookings.
    demo.clock.advance(60);
    let slots: Value = demo
        .app
        .get("/api/v1/availability/slots?directorate=erbil&service=theory_test&date=2026-11-29")
        .await
        .json()
        .await
        .expect("JSON");
    let open: Vec<&str> = slots["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .filter(|s| s["places_left"].as_u64() > Some(0))
        .map(|s| s["time"].as_str().expect("a time"))
        .collect();
    assert_eq!(open.last(), Some(&"11:30"), "{db:?}: {slots}");
    let third = demo.sign_in("200000000003").await;
    let refused = demo
        .book(
            &third,
            "config-late-0001",
            serde_json::json!({ "slot_id": late, "service": "theory_test" }),
        )
        .await;
    assert_eq!(
        refused.status(),
        409,
        "{db:?}: the 13:30 slot takes no bookings"
    );
    let audited = store.audit_records(50).await.expect("records");
    assert!(audited.iter().any(|r| r.action == "configuration.applied"
        && r.object == "configuration:2"
        && r.result == "ok:cancelled=2"));
}
both!(shorter_hours_strand_what_they_cut_and_only_that);

/// Two instances on one PostgreSQL database: a service withdrawn through one is gone from the
/// other's answers at once.
#[tokio::test]
async fn a_change_on_one_instance_is_in_force_on_another_at_once() {
    let Some(server) = postgres_url() else { return };
    let url = fresh_postgres_database(&server).await;
    let (first, second) = (postgres_store(&url).await, postgres_store(&url).await);
    let now = THURSDAY_9AM;
    let states = [first.clone(), second.clone()].map(|store| {
        rega_server::AppState::new(store, "no-dist".into(), false)
            .with_clock(Arc::new(rega_server::clock::TestClock::at(now)))
    });
    let plan = apply::plan(first.as_ref(), rega_server::demo::DEMO_CONFIGURATION, now)
        .await
        .expect("store")
        .expect("valid");
    apply::apply(first.as_ref(), &plan, "test", now)
        .await
        .expect("store")
        .expect("applied");
    let offered = |state: &rega_server::AppState| {
        let state = state.clone();
        async move {
            let config = state.configuration().await.expect("configured");
            config.services[&ServiceKind::MedicalCheck].offered
        }
    };
    assert!(offered(&states[1]).await);
    let mut withdrawn = file::parse(rega_server::demo::DEMO_CONFIGURATION).expect("the demo");
    withdrawn
        .services
        .get_mut("medical_check")
        .expect("there")
        .offered = false;
    let plan = apply::plan(second.as_ref(), &file::render(&withdrawn), now)
        .await
        .expect("store")
        .expect("valid");
    apply::apply(second.as_ref(), &plan, "test", now)
        .await
        .expect("store")
        .expect("applied");
    assert!(
        !offered(&states[0]).await,
        "the first instance follows at once"
    );
    assert!(!offered(&states[1]).await);
    let closed = first
        .slots_between("erbil", ServiceKind::MedicalCheck, now, i64::MAX)
        .await
        .expect("slots");
    assert!(
        !closed.is_empty() && closed.iter().all(|s| s.capacity == 0),
        "the withdrawn service's slots take no bookings"
    );
}

/// Demo mode on a database that holds another network (the crash proof seeds its own before it
/// starts the demo server) starts without adding the demo's Erbil appointments or kiosk.
async fn demo_mode_over_another_network_starts_and_adds_nothing(db: Db) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let Some(store) = crate::helpers::store(db, data.path()).await else {
        return;
    };
    let now = THURSDAY_9AM;
    rega_server::demo::apply_network(
        store.as_ref(),
        &[("chaos", &[(ServiceKind::TheoryTest, 5)])],
        now,
    )
    .await
    .expect("the network applied");
    let clock = Arc::new(rega_server::clock::TestClock::at(now));
    let state = rega_server::AppState::new(store.clone(), data.path().join("no-dist"), true)
        .with_clock(clock);
    rega_server::demo::seed(&state)
        .await
        .expect("the demo starts");
    let ids: Vec<String> = store
        .directorates()
        .await
        .expect("read")
        .into_iter()
        .map(|(d, _)| d.id)
        .collect();
    assert_eq!(ids, ["chaos"], "{db:?}");
    assert!(store.kiosks_of("chaos").await.expect("read").is_empty());
}
both!(demo_mode_over_another_network_starts_and_adds_nothing);
