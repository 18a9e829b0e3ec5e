//! Every message a citizen gets, end to end through an HTTP SMS gateway (a small server in the
//! test records what it receives), in each of the three languages (issue 17): the sign-in code,
//! booked, moved, a waitlist offer, cancelled, the evening reminder and a closure notice. Each
//! arrives once, in the citizen's language alone, within two segments.

use std::sync::Arc;

use rega_server::demo::practice_id;
use rega_server::domain::messages::segments;
use rega_server::sms::HttpGateway;
use serde_json::{Value, json};

use crate::helpers::sms_gateway::{FakeGateway, fake_gateway};
use crate::helpers::{Db, DemoApp, THURSDAY_9AM, json_of, spawn_configured, store};

/// Ranya's medical check, one place a quarter hour; Tuesday inside the window.
const RANYA: &str = "ranya";
const TUESDAY: &str = "2026-12-01";

/// The texts the gateway took for a phone, in the order it took them.
fn texts_to(gateway: &FakeGateway, phone: &str) -> Vec<String> {
    gateway
        .delivered
        .lock()
        .expect("lock")
        .iter()
        .filter(|(_, body)| body["to"] == phone)
        .map(|(_, body)| body["text"].as_str().expect("a text").to_owned())
        .collect()
}

/// Signs in with the code the gateway took (the code sent while the citizen waits).
async fn sign_in(
    demo: &DemoApp,
    gateway: &FakeGateway,
    id: &str,
    phone: &str,
    locale: &str,
) -> String {
    let before = texts_to(gateway, phone).len();
    let asked = demo
        .post(
            "/api/v1/auth/code",
            json!({ "national_id": id, "locale": locale }),
        )
        .await;
    assert_eq!(asked.status(), 202);
    let mut code = None;
    for _ in 0..100 {
        if let Some(text) = texts_to(gateway, phone).get(before) {
            // The code is the first six Latin digits (English spells "5 minutes" after it).
            code = Some(
                text.chars()
                    .filter(char::is_ascii_digit)
                    .take(6)
                    .collect::<String>(),
            );
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let code = code.expect("the code reached the gateway");
    let verified = demo
        .post(
            "/api/v1/auth/verify",
            json!({ "national_id": id, "code": code, "locale": locale }),
        )
        .await;
    assert_eq!(verified.status(), 200);
    verified
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The fixed opening of a message template, up to its first value.
fn opening(locale: &str, key: &str) -> String {
    let file = match locale {
        "ckb" => include_str!("../../sms/ckb.json"),
        "ar" => include_str!("../../sms/ar.json"),
        _ => include_str!("../../sms/en.json"),
    };
    let templates: Value = serde_json::from_str(file).expect("JSON");
    let template = templates[key].as_str().expect("a template");
    template.split('{').next().expect("text").to_owned()
}

async fn every_message_reaches_the_gateway_once_in_the_citizens_language(db: Db) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let Some(store) = store(db, data.path()).await else {
        return;
    };
    let keys = data.path().join("keys");
    let (url, gateway) = fake_gateway(0).await;
    let demo = spawn_configured(store, data, THURSDAY_9AM, &keys, None, |state| {
        state.sms = Arc::new(HttpGateway::new(url, None).expect("a gateway"));
        state.codes_per_address = 1_000;
    })
    .await;
    let deliver = || rega_server::sender::deliver_due(&demo.state);
    let tuesday = demo.slot_ids(RANYA, "medical_check", TUESDAY).await;
    let wednesday = demo.slot_ids(RANYA, "theory_test", "2026-12-02").await;
    let citizens = [("ckb", 35_u32), ("ar", 36), ("en", 37)];
    for (i, (locale, n)) in citizens.iter().enumerate() {
        let id = practice_id(*n);
        let phone = format!("+96475100{n:05}");
        let cookie = sign_in(&demo, &gateway, &id, &phone, locale).await;
        // Booked on Tuesday afternoon, moved a quarter later; an earlier place is free, so it is
        // offered at once (and declined).
        let booked = demo
            .book(
                &cookie,
                &format!("gateway-book-{i:04}"),
                json!({ "slot_id": tuesday[16 + 2 * i], "service": "medical_check" }),
            )
            .await;
        let reference = json_of(booked, 201).await["reference"]
            .as_str()
            .expect("a reference")
            .to_owned();
        deliver().await.expect("sent");
        let moved = demo
            .change(
                &cookie,
                &format!("gateway-move-{i:04}"),
                &reference,
                "reschedule",
                json!({ "slot_id": tuesday[17 + 2 * i] }),
            )
            .await;
        assert_eq!(moved.status(), 200);
        deliver().await.expect("sent");
        let earlier = demo
            .post_with_cookie(
                &format!("/api/v1/appointments/{reference}/earlier"),
                json!({ "part": "any" }),
                &cookie,
            )
            .await;
        let entry = json_of(earlier, 201).await;
        assert!(entry["offer"].is_object(), "{entry}");
        deliver().await.expect("sent");
        let declined = demo
            .post_with_cookie(
                &format!("/api/v1/waitlist/{}/decline", entry["id"]),
                json!({}),
                &cookie,
            )
            .await;
        assert_eq!(declined.status(), 204);
        // Another booking, cancelled.
        let theory = demo
            .book(
                &cookie,
                &format!("gateway-theory-{i:04}"),
                json!({ "slot_id": wednesday[i], "service": "theory_test" }),
            )
            .await;
        let theory = json_of(theory, 201).await["reference"]
            .as_str()
            .expect("a reference")
            .to_owned();
        deliver().await.expect("sent");
        let cancelled = demo
            .change(
                &cookie,
                &format!("gateway-cancel-{i:04}"),
                &theory,
                "cancel",
                json!({}),
            )
            .await;
        assert_eq!(cancelled.status(), 200);
        deliver().await.expect("sent");
    }
    // Monday 18:05: the evening reminders of Tuesday.
    demo.clock
        .set(THURSDAY_9AM + 4 * 86_400 + 9 * 3600 + 5 * 60);
    rega_server::sender::enqueue_reminders(&demo.state)
        .await
        .expect("written");
    deliver().await.expect("sent");
    // A supervisor closes Tuesday afternoon at Ranya: each hears of it.
    demo.close_hours(RANYA, TUESDAY, 12, 2).await;
    deliver().await.expect("sent");
    assert_eq!(deliver().await.expect("runs"), 0, "never twice");

    let kinds = [
        "sign_in_code",
        "booked",
        "moved",
        "offer",
        "booked",
        "cancelled",
        "reminder",
        "closure",
    ];
    for (locale, n) in citizens {
        let texts = texts_to(&gateway, &format!("+96475100{n:05}"));
        assert_eq!(texts.len(), kinds.len(), "{locale}: {texts:#?}");
        for (text, kind) in texts.iter().zip(kinds) {
            assert!(
                text.starts_with(&opening(locale, kind)),
                "{locale} {kind}: {text}"
            );
            assert!(segments(text) <= 2, "{locale} {kind}: {text}");
            if locale == "en" {
                assert!(
                    !text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
                    "English alone: {text}"
                );
            } else {
                // Latin only inside isolates (the reference, the code), digits the language's.
                let outside: String = text
                    .split('\u{2066}')
                    .map(|part| part.split_once('\u{2069}').map_or(part, |(_, rest)| rest))
                    .collect();
                assert!(
                    !outside.chars().any(|c| c.is_ascii_alphanumeric()),
                    "{locale} {kind} alone: {text}"
                );
            }
        }
    }
}
both!(every_message_reaches_the_gateway_once_in_the_citizens_language);
