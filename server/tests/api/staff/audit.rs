//! Reading the audit trail over HTTP: a supervisor sees their directorate's records and no
//! other's, the administrator all; filtered by staff account, action and appointment reference;
//! the day as CSV; a desk not at all.

use serde_json::Value;

use crate::helpers::{Db, DemoApp, THURSDAY_9AM, expect_problem, spawn_demo};

const DAY: &str = "2026-11-26";

async fn page(demo: &DemoApp, cookie: &str, query: &str) -> Vec<(String, String, String)> {
    let response = demo
        .staff(
            "GET",
            &format!("/staff/audit?day={DAY}{query}"),
            Some(cookie),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let page: Value = response.json().await.expect("JSON");
    page["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| {
            let who = r["staff"]
                .as_str()
                .or(r["actor"].as_str())
                .unwrap_or("")
                .to_owned();
            (
                who,
                r["action"].as_str().unwrap_or("").to_owned(),
                r["object"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

async fn supervisors_read_their_directorate_and_the_administrator_all(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let citizen = demo.sign_in(&rega_server::demo::practice_id(1)).await;
    let erbil_slot = demo.slot_ids("erbil", "medical_check", "2026-11-29").await[2];
    let erbil_ref = demo.book_slot(&citizen, "medical_check", erbil_slot).await;
    let other = demo.sign_in(&rega_server::demo::practice_id(2)).await;
    let duhok_slot = demo.slot_ids("duhok", "medical_check", "2026-11-29").await[2];
    let duhok_ref = demo.book_slot(&other, "medical_check", duhok_slot).await;
    let erbil_desk = demo.staff_cookie("erbil-desk").await;
    let duhok_desk = demo.staff_cookie("duhok-desk").await;
    let supervisor = demo.staff_cookie("erbil-supervisor").await;
    let admin = demo.staff_cookie("network-admin").await;

    let erbil = page(&demo, &supervisor, "").await;
    assert!(
        erbil
            .iter()
            .any(|(_, a, o)| a == "booking.created" && *o == format!("appointment:{erbil_ref}")),
        "{erbil:?}"
    );
    assert!(
        erbil.iter().any(|(w, _, _)| w == "erbil-desk"),
        "its desk's sign-in: {erbil:?}"
    );
    assert!(
        !erbil
            .iter()
            .any(|(_, _, o)| *o == format!("appointment:{duhok_ref}")),
        "another directorate's appointment"
    );
    assert!(
        !erbil.iter().any(|(w, _, _)| w == "duhok-desk"),
        "another directorate's staff"
    );

    let all = page(&demo, &admin, "").await;
    assert!(
        all.iter()
            .any(|(_, _, o)| *o == format!("appointment:{duhok_ref}")),
        "{all:?}"
    );
    assert!(all.iter().any(|(w, _, _)| w == "duhok-desk"), "{all:?}");

    // Filters: one appointment, one account, one action.
    let one = page(&demo, &supervisor, &format!("&reference={erbil_ref}")).await;
    assert!(
        !one.is_empty()
            && one
                .iter()
                .all(|(_, _, o)| *o == format!("appointment:{erbil_ref}")),
        "{one:?}"
    );
    let desk_only = page(&demo, &admin, "&staff=duhok-desk").await;
    assert!(
        !desk_only.is_empty() && desk_only.iter().all(|(w, _, _)| w == "duhok-desk"),
        "{desk_only:?}"
    );
    assert!(page(&demo, &admin, "&staff=nobody-here").await.is_empty());
    let created = page(&demo, &admin, "&action=booking.created").await;
    assert_eq!(created.len(), 2, "{created:?}");

    // The day as CSV.
    let response = demo
        .staff(
            "GET",
            &format!("/staff/audit?day={DAY}&format=csv"),
            Some(&supervisor),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .expect("text")
            .contains("rega-audit-erbil-2026-11-26.csv")
    );
    let text = response.text().await.expect("text");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("seq,time,actor,staff,action,object,result")
    );
    assert!(
        text.contains(&format!("booking.created,appointment:{erbil_ref},ok")),
        "{text}"
    );
    assert!(!text.contains(&duhok_ref));

    // Refusals: a desk, a bad day or reference, an unknown format; reading is itself audited.
    expect_problem(
        demo.staff("GET", "/staff/audit", Some(&erbil_desk), None)
            .await,
        403,
        "staff_forbidden",
    )
    .await;
    expect_problem(
        demo.staff("GET", "/staff/audit", Some(&duhok_desk), None)
            .await,
        403,
        "staff_forbidden",
    )
    .await;
    expect_problem(
        demo.staff("GET", "/staff/audit", None, None).await,
        401,
        "staff_unauthenticated",
    )
    .await;
    expect_problem(
        demo.staff("GET", "/staff/audit?day=26-11-2026", Some(&admin), None)
            .await,
        422,
        "invalid_date",
    )
    .await;
    expect_problem(
        demo.staff("GET", "/staff/audit?reference=NOPE", Some(&admin), None)
            .await,
        422,
        "invalid_reference",
    )
    .await;
    expect_problem(
        demo.staff("GET", "/staff/audit?format=xlsx", Some(&admin), None)
            .await,
        400,
        "bad_request",
    )
    .await;
    let reads = page(&demo, &admin, "&action=staff.audit_read").await;
    assert!(
        reads
            .iter()
            .any(|(w, _, o)| w == "erbil-supervisor" && o == "audit:erbil:2026-11-26"),
        "{reads:?}"
    );

    // Every record written on the way, group-committed bookings included, is in one chain.
    let report = rega_server::trail::verify_chain(demo.state.store.as_ref())
        .await
        .expect("read");
    assert_eq!(report.findings, vec![]);
    assert!(report.checked > 10, "{}", report.checked);
}
both!(supervisors_read_their_directorate_and_the_administrator_all);
