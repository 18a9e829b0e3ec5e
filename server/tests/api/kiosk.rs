//! The kiosk over HTTP: enrolment, check-in with its window and refusals, queue tickets, and
//! what a request without the kiosk's credential gets (nothing).

use rega_server::store::AppointmentStatus;
use serde_json::{Value, json};

use crate::helpers::kiosk::SOON;
use crate::helpers::{Db, THURSDAY_9AM, expect_problem, spawn_demo};

/// A well-formed reference (its check character right) that no appointment has.
fn unknown_reference() -> String {
    rega_api::ids::REFERENCE_ALPHABET
        .iter()
        .map(|&c| format!("RG-2345-678{}", char::from(c)))
        .find(|r| rega_api::ids::Reference::parse(r).is_ok())
        .expect("one check character fits")
}

async fn the_kiosk_checks_in_and_issues_tickets(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let (_, erbil) = demo.enrol_kiosk("erbil").await;
    let (reference, _) = demo.soon_appointment().await;

    let response = demo.check_in(Some(&erbil), &reference).await;
    assert_eq!(response.status(), 200);
    let ticket: Value = response.json().await.expect("JSON");
    assert_eq!(ticket["ticket"], "A-001");
    assert_eq!(ticket["area"], "A");
    assert_eq!(ticket["service"], "replacement");
    assert_eq!(ticket["ahead"], 0);
    assert_eq!(ticket["again"], false);
    // Only what the ticket shows (and the code that opens it on a phone): no name, no ID, no
    // phone.
    let mut keys: Vec<&str> = ticket
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "again", "ahead", "area", "link", "service", "ticket", "time"
        ]
    );
    let citizen = demo.citizen_id(SOON).await;
    let status = demo
        .state
        .store
        .appointments_of(citizen)
        .await
        .expect("store")[0]
        .status;
    assert_eq!(status, AppointmentStatus::CheckedIn);

    // A second scan (or a retry) gives the same ticket again.
    let again: Value = demo
        .check_in(Some(&erbil), &reference.to_lowercase())
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(again["ticket"], "A-001");
    assert_eq!(again["again"], true);

    // Tickets are numbered per area and day; those waiting before are counted.
    // (The demo's kiosk citizens fill the 09:45 medical check.)
    let start = THURSDAY_9AM + 15 * 60;
    let first = demo.medical_check("200000000001", start).await;
    let second = demo.medical_check("200000000002", start + 15 * 60).await;
    let m1: Value = demo
        .check_in(Some(&erbil), &first)
        .await
        .json()
        .await
        .expect("JSON");
    let m2: Value = demo
        .check_in(Some(&erbil), &second)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (m1["ticket"].as_str(), m1["ahead"].as_u64()),
        (Some("M-001"), Some(0))
    );
    assert_eq!(
        (m2["ticket"].as_str(), m2["ahead"].as_u64()),
        (Some("M-002"), Some(1))
    );
    assert_eq!(m2["time"], "09:30");
}

both!(the_kiosk_checks_in_and_issues_tickets);

async fn each_refusal_has_its_code_and_changes_nothing(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let (_, erbil) = demo.enrol_kiosk("erbil").await;
    let (_, duhok) = demo.enrol_kiosk("duhok").await;
    let (reference, starts_at) = demo.soon_appointment().await;

    // Without the kiosk's credential, nothing — not even whether the reference exists.
    expect_problem(
        demo.check_in(None, &reference).await,
        401,
        "kiosk_not_enrolled",
    )
    .await;
    expect_problem(
        demo.check_in(Some("not-a-kiosk"), &reference).await,
        401,
        "kiosk_not_enrolled",
    )
    .await;
    expect_problem(
        demo.app.get("/api/v1/kiosk").await,
        401,
        "kiosk_not_enrolled",
    )
    .await;

    expect_problem(
        demo.check_in(Some(&duhok), &reference).await,
        409,
        "check_in_wrong_directorate",
    )
    .await;
    expect_problem(
        demo.check_in(Some(&erbil), "RG-2345-6789").await,
        422,
        "invalid_reference",
    )
    .await;
    expect_problem(
        demo.check_in(Some(&erbil), &unknown_reference()).await,
        404,
        "check_in_not_found",
    )
    .await;

    demo.clock.set(starts_at - 61 * 60);
    expect_problem(
        demo.check_in(Some(&erbil), &reference).await,
        409,
        "check_in_too_early",
    )
    .await;
    demo.clock.set(starts_at + 16 * 60);
    expect_problem(
        demo.check_in(Some(&erbil), &reference).await,
        409,
        "check_in_too_late",
    )
    .await;

    let cancelled = demo
        .medical_check("200000000003", starts_at - 15 * 60)
        .await;
    let citizen = demo.citizen_id("200000000003").await;
    demo.state
        .store
        .cancel(
            citizen,
            &rega_api::ids::Reference::parse(&cancelled).expect("a reference"),
            THURSDAY_9AM,
        )
        .await
        .expect("cancelled");
    demo.clock.set(starts_at);
    expect_problem(
        demo.check_in(Some(&erbil), &cancelled).await,
        409,
        "check_in_cancelled",
    )
    .await;

    // Nothing was checked in by any of these.
    let soon = demo.citizen_id(SOON).await;
    assert_eq!(
        demo.state.store.appointments_of(soon).await.expect("store")[0].status,
        AppointmentStatus::Booked
    );
    // A revoked kiosk is refused at once.
    let (id, revoked) = demo.enrol_kiosk("erbil").await;
    assert!(
        demo.state
            .store
            .revoke_kiosk(id, None, THURSDAY_9AM)
            .await
            .expect("store")
    );
    expect_problem(
        demo.check_in(Some(&revoked), &reference).await,
        401,
        "kiosk_not_enrolled",
    )
    .await;
    let info: Value = demo
        .app
        .client
        .get(format!("{}/api/v1/kiosk", demo.app.url))
        .header("authorization", format!("Kiosk {erbil}"))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(info["directorate"], "erbil");
}

both!(each_refusal_has_its_code_and_changes_nothing);

#[tokio::test]
async fn a_kiosk_is_rate_limited() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let (_, erbil) = demo.enrol_kiosk("erbil").await;
    for _ in 0..rega_server::routes::kiosk::CHECK_INS_PER_MINUTE {
        let status = demo
            .check_in(Some(&erbil), &unknown_reference())
            .await
            .status();
        assert_eq!(status, 404);
    }
    let limited = demo.check_in(Some(&erbil), &unknown_reference()).await;
    assert_eq!(limited.headers()["retry-after"], "60");
    expect_problem(limited, 429, "rate_limited").await;
}

#[tokio::test]
async fn twenty_kiosks_checking_in_at_once_never_share_a_ticket_number() {
    for db in [Db::Sqlite, Db::Postgres] {
        let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
            continue;
        };
        let mut references = Vec::new();
        for n in 1..=20 {
            // Four places a slot; the demo's kiosk citizens fill 09:45.
            let quarter = [-1, 0, 1, 2, 4][usize::try_from(n % 5).expect("small")];
            references.push(
                demo.medical_check(&format!("2{n:011}"), THURSDAY_9AM + quarter * 15 * 60)
                    .await,
            );
        }
        let mut tasks = Vec::new();
        for reference in references {
            let (_, credential) = demo.enrol_kiosk("erbil").await;
            let client = demo.app.client.clone();
            let url = format!("{}/api/v1/kiosk/check-in", demo.app.url);
            tasks.push(tokio::spawn(async move {
                let response = client
                    .post(url)
                    .header("authorization", format!("Kiosk {credential}"))
                    .json(&json!({ "reference": reference }))
                    .send()
                    .await
                    .expect("answered");
                assert_eq!(response.status(), 200);
                let ticket: Value = response.json().await.expect("JSON");
                ticket["ticket"].as_str().expect("a ticket").to_owned()
            }));
        }
        let mut tickets = Vec::new();
        for task in tasks {
            tickets.push(task.await.expect("joined"));
        }
        tickets.sort();
        let expected: Vec<String> = (1..=20).map(|n| format!("M-{n:03}")).collect();
        assert_eq!(tickets, expected);
    }
}
