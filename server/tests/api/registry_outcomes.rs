//! Outcomes out, over HTTP on SQLite and PostgreSQL: a desk records a theory test's result (a
//! pass opens the practical test at once, for the rule's validity), attendance and no-shows;
//! the registry pulls them from `GET /registry/outcomes` by cursor, page by page, as its own
//! client, audited; a result recorded at a desk outlives a registry record that does not know
//! it yet, and gives way to the registry's own later result.

use serde_json::{Value, json};

use crate::helpers::{Db, DemoApp, THURSDAY_9AM, expect_problem, spawn_demo};

/// The reason the citizen may not book `service` (`None`: they may).
async fn reason(demo: &DemoApp, cookie: &str, service: &str) -> Option<String> {
    let eligibility: Value = demo
        .get_with_cookie("/api/v1/eligibility", cookie)
        .await
        .json()
        .await
        .expect("JSON");
    eligibility["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["service"] == service)
        .expect("listed")["reason"]
        .as_str()
        .map(str::to_owned)
}

async fn pull(demo: &DemoApp, credential: Option<&str>, query: &str) -> reqwest::Response {
    let mut request = demo
        .app
        .client
        .get(format!("{}/api/v1/registry/outcomes{query}", demo.app.url));
    if let Some(credential) = credential {
        request = request.header("authorization", format!("Registry {credential}"));
    }
    request.send().await.expect("answered")
}

async fn result(demo: &DemoApp, desk: &str, reference: &str, key: &str, body: Value) -> u16 {
    demo.app
        .client
        .post(format!(
            "{}/api/v1/staff/appointments/{reference}/test-result",
            demo.app.url
        ))
        .header("cookie", desk)
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .expect("answered")
        .status()
        .as_u16()
}

async fn registry_record(demo: &DemoApp, credential: &str, version: i64, tests: Value) {
    let answer: Value = demo
        .app
        .client
        .post(format!("{}/api/v1/registry/records", demo.app.url))
        .header("authorization", format!("Registry {credential}"))
        .json(&json!({ "records": [{
            "national_id": "300000000005", "version": version,
            "name_latin": "Kiosk Citizen", "name_arabic": "هاووڵاتیی کیۆسک",
            "birth_date": "1993-09-21", "phone": "+9647520000005", "status": "active",
            "tests": tests
        }] }))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(answer["results"][0]["outcome"], "updated", "{answer}");
}

async fn desk_results_and_attendance_reach_the_registry(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let (_, credential) =
        rega_server::routes::registry::add_client(demo.state.store.as_ref(), "gdt", THURSDAY_9AM)
            .await
            .expect("stored")
            .expect("a new client");
    let empty: Value = pull(&demo, Some(&credential), "")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(empty, json!({ "outcomes": [], "next": 0 }), "{db:?}");

    // Kiosk citizen 5 takes the theory test at Erbil now; the practical test is closed to them.
    let (theory, _) = demo.kiosk_check_in("300000000005").await;
    let (medical, _) = demo.kiosk_check_in("300000000001").await;
    let (came, _) = demo.kiosk_check_in("300000000002").await;
    let citizen = demo.sign_in("300000000005").await;
    assert_eq!(
        reason(&demo, &citizen, "practical_test").await.as_deref(),
        Some("not_eligible_theory_test_not_passed"),
        "{db:?}"
    );
    let desk = demo.staff_cookie("erbil-desk").await;
    let passed = json!({ "result": "passed" });
    expect_problem(
        demo.staff(
            "POST",
            &format!("/staff/appointments/{medical}/test-result"),
            Some(&desk),
            Some(passed.clone()),
        )
        .await,
        422,
        "staff_not_a_test",
    )
    .await;
    expect_problem(
        demo.staff(
            "POST",
            &format!("/staff/appointments/{theory}/test-result"),
            Some(&desk),
            Some(json!({ "result": "excellent" })),
        )
        .await,
        400,
        "invalid_json",
    )
    .await;
    let duhok = demo.staff_cookie("duhok-desk").await;
    expect_problem(
        demo.staff(
            "POST",
            &format!("/staff/appointments/{theory}/test-result"),
            Some(&duhok),
            Some(passed.clone()),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    // Recorded once: the same key answers the same; another key is refused.
    for _ in 0..2 {
        assert_eq!(
            result(&demo, &desk, &theory, "result-key-0001", passed.clone()).await,
            204,
            "{db:?}"
        );
    }
    expect_problem(
        demo.staff(
            "POST",
            &format!("/staff/appointments/{theory}/test-result"),
            Some(&desk),
            Some(json!({ "result": "failed" })),
        )
        .await,
        409,
        "staff_result_recorded",
    )
    .await;
    let row = demo.day_row(&desk, &theory).await;
    assert_eq!(
        (row["status"].as_str(), row["result"].as_str()),
        (Some("attended"), Some("passed")),
        "{db:?}"
    );
    assert_eq!(
        reason(&demo, &citizen, "practical_test").await,
        None,
        "{db:?}: the pass opens the practical test at once"
    );
    // The medical check's citizen checked in, so is absent only once called and called again.
    assert_eq!(
        demo.call_next(&desk, "M", "1").await["called"]["reference"],
        medical.as_str()
    );
    let again = demo
        .staff(
            "POST",
            &format!("/staff/appointments/{medical}/recall"),
            Some(&desk),
            None,
        )
        .await;
    assert_eq!(again.status(), 200, "{db:?}");
    for (reference, action) in [(&came, "attended"), (&medical, "no-show")] {
        let answer = demo
            .staff(
                "POST",
                &format!("/staff/appointments/{reference}/{action}"),
                Some(&desk),
                None,
            )
            .await;
        assert_eq!(answer.status(), 204, "{db:?}");
    }

    // The registry pulls them in order, two at a time, following the cursor.
    expect_problem(pull(&demo, None, "").await, 401, "unauthenticated").await;
    for bad in [
        "?limit=0",
        "?limit=1001",
        "?after=-1",
        "?after=x",
        "?from=1",
    ] {
        expect_problem(
            pull(&demo, Some(&credential), bad).await,
            400,
            "bad_request",
        )
        .await;
    }
    let (mut after, mut seen) = (0, Vec::new());
    loop {
        let page: Value = pull(&demo, Some(&credential), &format!("?after={after}&limit=2"))
            .await
            .json()
            .await
            .expect("JSON");
        let outcomes = page["outcomes"].as_array().expect("outcomes").clone();
        if outcomes.is_empty() {
            assert_eq!(page["next"], after);
            break;
        }
        assert!(outcomes.len() <= 2);
        after = page["next"].as_i64().expect("a cursor");
        assert_eq!(outcomes.last().expect("one")["cursor"], after);
        seen.extend(outcomes);
    }
    let summary: Vec<(&str, &str)> = seen
        .iter()
        .map(|o| {
            (
                o["kind"].as_str().expect("a kind"),
                o["reference"].as_str().expect("a reference"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("attended", theory.as_str()),
            ("test_result", theory.as_str()),
            ("attended", came.as_str()),
            ("no_show", medical.as_str()),
        ],
        "{db:?}"
    );
    let recorded = &seen[1];
    assert_eq!(
        (
            recorded["national_id"].as_str(),
            recorded["directorate"].as_str(),
            recorded["service"].as_str()
        ),
        (Some("300000000005"), Some("erbil"), Some("theory_test"))
    );
    assert_eq!(
        recorded["result"],
        json!({ "test": "theory", "result": "passed", "date": "2026-11-26", "valid_until": "2027-11-26" }),
        "{db:?}: a theory pass counts for the rule's 365 days"
    );
    assert!(
        recorded["recorded_at"]
            .as_str()
            .expect("a time")
            .starts_with("2026-11-26T09:00:")
    );
    // The same page asked for again is the same page (at least once).
    let again: Value = pull(&demo, Some(&credential), "?after=0&limit=2")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        again["outcomes"].as_array().expect("outcomes")[..],
        seen[..2]
    );
    let audited = demo.state.store.audit_records(200).await.expect("records");
    assert!(audited.iter().any(|r| r.actor == "registry:gdt"
        && r.action == "registry.outcomes"
        && r.result == "ok:2"));
    assert!(audited.iter().any(|r| r.action == "desk.test_result"
        && r.object == format!("appointment:{theory}")
        && r.result == "passed"));

    // The registry, not yet aware of the desk's pass, sends the citizen without it: kept.
    registry_record(&demo, &credential, 2, json!([])).await;
    assert_eq!(
        reason(&demo, &citizen, "practical_test").await,
        None,
        "{db:?}"
    );
    // An older result of its own does not replace it either.
    registry_record(
        &demo,
        &credential,
        3,
        json!([{ "test": "theory", "result": "failed", "date": "2026-10-01" }]),
    )
    .await;
    assert_eq!(
        reason(&demo, &citizen, "practical_test").await,
        None,
        "{db:?}"
    );
    // Its own result of that day or later does: the registry is the source of truth.
    registry_record(
        &demo,
        &credential,
        4,
        json!([{ "test": "theory", "result": "failed", "date": "2026-11-26" }]),
    )
    .await;
    assert_eq!(
        reason(&demo, &citizen, "practical_test").await.as_deref(),
        Some("not_eligible_theory_test_not_passed"),
        "{db:?}"
    );
}
both!(desk_results_and_attendance_reach_the_registry);
