//! `POST /registry/records` over HTTP, on SQLite and PostgreSQL: only a registry client's
//! credential is let in (and not once revoked), each record is applied or refused on its own
//! with its field named, a phone change ends the citizen's sessions and tells the old number,
//! and every call is audited.

use serde_json::{Value, json};

use crate::helpers::{Db, THURSDAY_9AM, expect_problem, spawn_demo};

fn record(national_id: &str, version: i64, phone: &str) -> Value {
    json!({
        "national_id": national_id,
        "version": version,
        "name_latin": "Dilan Omar",
        "name_arabic": "دیلان عومەر",
        "birth_date": "1995-07-09",
        "phone": phone,
        "status": "active",
        "tests": [{ "test": "theory", "result": "passed", "date": "2026-01-10" }]
    })
}

async fn the_registry_sends_records_as_a_client(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let send = |credential: Option<&str>, body: Value| {
        let mut request = demo
            .app
            .client
            .post(format!("{}/api/v1/registry/records", demo.app.url))
            .json(&body);
        if let Some(credential) = credential {
            request = request.header("authorization", format!("Registry {credential}"));
        }
        request.send()
    };
    let new = "190000000001";
    let body = json!({ "records": [record(new, 1, "+9647501230001")] });
    expect_problem(
        send(None, body.clone()).await.expect("answered"),
        401,
        "unauthenticated",
    )
    .await;
    expect_problem(
        send(Some("not-a-credential"), body)
            .await
            .expect("answered"),
        401,
        "unauthenticated",
    )
    .await;
    let (_, credential) =
        rega_server::routes::registry::add_client(demo.state.store.as_ref(), "gdt", THURSDAY_9AM)
            .await
            .expect("stored")
            .expect("a new client");
    let mut bad_phone = record("190000000002", 1, "+9647501230002");
    bad_phone["phone"] = json!("0750 123");
    let mut bad_type = record("190000000003", 1, "+9647501230003");
    bad_type["version"] = json!("one");
    let answer = send(
        Some(&credential),
        json!({ "records": [record(new, 1, "+9647501230001"), bad_phone, bad_type] }),
    )
    .await
    .expect("answered");
    assert_eq!(answer.status(), 200, "{db:?}");
    let answer: Value = answer.json().await.expect("JSON");
    let results = answer["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    assert_eq!(
        (
            results[0]["national_id"].as_str(),
            results[0]["outcome"].as_str()
        ),
        (Some(new), Some("created")),
        "{db:?}"
    );
    assert_eq!(
        (results[1]["outcome"].as_str(), results[1]["field"].as_str()),
        (Some("refused"), Some("phone"))
    );
    assert_eq!(
        (results[2]["outcome"].as_str(), results[2]["field"].as_str()),
        (Some("refused"), Some("-"))
    );
    // The new citizen signs in; the registry moves them to another phone.
    let cookie = demo.sign_in(new).await;
    let answer: Value = send(
        Some(&credential),
        json!({ "records": [record(new, 2, "+9647501239999"), record(new, 2, "+9647501239999")] }),
    )
    .await
    .expect("answered")
    .json()
    .await
    .expect("JSON");
    assert_eq!(answer["results"][0]["outcome"], "updated", "{db:?}");
    assert_eq!(
        answer["results"][1]["outcome"], "unchanged",
        "{db:?}: sent twice"
    );
    expect_problem(
        demo.get_with_cookie("/api/v1/appointments", &cookie).await,
        401,
        "unauthenticated",
    )
    .await;
    rega_server::sender::deliver_due(&demo.state)
        .await
        .expect("the outbox is sent");
    let told = demo
        .state
        .store
        .sms_to("+9647501230001", 10)
        .await
        .expect("the outbox");
    assert!(
        told.iter().any(|m| m
            .body
            .contains("ژمارەی مۆبایلی چوونەژوورەوە لە تۆماری هاتووچۆدا گۆڕدرا")),
        "{db:?}: the old number is told: {told:?}"
    );
    let audited = demo.state.store.audit_records(200).await.expect("audit");
    assert!(
        audited
            .iter()
            .any(|r| r.actor == "registry:gdt" && r.action == "registry.records"),
        "{db:?}"
    );
    assert!(
        demo.state
            .store
            .revoke_registry_client("gdt", THURSDAY_9AM)
            .await
            .expect("revoked")
    );
    expect_problem(
        send(
            Some(&credential),
            json!({ "records": [record(new, 3, "+9647501239999")] }),
        )
        .await
        .expect("answered"),
        401,
        "unauthenticated",
    )
    .await;
}

both!(the_registry_sends_records_as_a_client);
