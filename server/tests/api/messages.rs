//! What citizens hear from Rega, and when (issue 17): each change told once, in the citizen's
//! one language; the reminder the evening before, once, following a move; a message the gateway
//! refuses retried with backoff, then given up and audited; and with two instances on one
//! PostgreSQL database, each message sent once.

use std::sync::Arc;

use rega_api::ids::NationalId;
use rega_server::AppState;
use rega_server::clock::Clock as _;
use rega_server::sms::HttpGateway;
use rega_server::store::{BookRequest, Store};
use serde_json::{Value, json};

use crate::helpers::sms_gateway::fake_gateway;
use crate::helpers::{
    Db, DemoApp, THURSDAY_9AM, fresh_postgres_database, postgres_store, postgres_url, spawn_demo,
};

const DAY: i64 = 86_400;

async fn trail(demo: &DemoApp) -> Vec<String> {
    demo.state
        .store
        .audit_records(500)
        .await
        .expect("the trail")
        .into_iter()
        .map(|r| format!("{} {} {}", r.action, r.object, r.result))
        .collect()
}

async fn a_citizen_hears_of_each_change_once_in_their_language(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let citizen = "200000000002";
    let cookie = demo.sign_in_as(citizen, Some("ar")).await;
    let code = demo.outbox_texts(citizen).await.remove(0);
    assert!(
        code.starts_with("ريگا: رمز الدخول \u{2066}") && !code.contains("Rega"),
        "{code}"
    );
    let slots = demo.slot_ids("erbil", "medical_check", "2026-12-01").await;
    let reference = demo.book_slot(&cookie, "medical_check", slots[0]).await;
    assert_eq!(
        rega_server::sender::deliver_due(&demo.state)
            .await
            .expect("sent"),
        1
    );
    let booked = demo.outbox_texts(citizen).await.remove(0);
    assert_eq!(
        booked,
        format!(
            "ريگا: تم حجز موعدك: الفحص الطبي، مديرية مرور أربيل، الثلاثاء ١ كانون الأول، ٨:٠٠\u{a0}ص. \
             الرقم المرجعي: \u{2066}{reference}\u{2069}"
        )
    );

    let moved = demo
        .change(
            &cookie,
            "messages-move-0001",
            &reference,
            "reschedule",
            json!({ "slot_id": slots[2] }),
        )
        .await;
    assert_eq!(moved.status(), 200);
    rega_server::sender::deliver_due(&demo.state)
        .await
        .expect("sent");
    let moved = demo.outbox_texts(citizen).await.remove(0);
    assert!(
        moved.starts_with("ريگا: نُقل موعدك إلى الثلاثاء ١ كانون الأول، ٨:٣٠\u{a0}ص"),
        "{moved}"
    );

    // The citizen switches the app to English: the next message is in English alone.
    let switched = demo
        .app
        .client
        .put(format!("{}/api/v1/auth/locale", demo.app.url))
        .header("cookie", &cookie)
        .json(&json!({ "locale": "en" }))
        .send()
        .await
        .expect("answered");
    assert_eq!(switched.status(), 204);
    let cancelled = demo
        .change(
            &cookie,
            "messages-cancel-01",
            &reference,
            "cancel",
            json!({}),
        )
        .await;
    assert_eq!(cancelled.status(), 200);
    rega_server::sender::deliver_due(&demo.state)
        .await
        .expect("sent");
    assert_eq!(
        demo.outbox_texts(citizen).await.remove(0),
        format!(
            "Rega: cancelled: Medical check, Erbil Traffic Directorate, Tuesday 1 December, \
             8:30 am. Reference {reference}"
        )
    );
    // Never twice: nothing is left to send, and each went once.
    assert_eq!(
        rega_server::sender::deliver_due(&demo.state)
            .await
            .expect("sent"),
        0
    );
    assert_eq!(
        demo.outbox_texts(citizen).await.len(),
        4,
        "code, booked, moved, cancelled"
    );
    let trail = trail(&demo).await;
    for kind in ["booked", "moved", "cancelled"] {
        let line = format!("sms.{kind} appointment:{reference} ok");
        assert_eq!(
            trail.iter().filter(|l| **l == line).count(),
            1,
            "{line}: {trail:?}"
        );
    }
}
both!(a_citizen_hears_of_each_change_once_in_their_language);

/// Books Sunday's first slots for the citizens directly in the store (written at Thursday 09:00,
/// as if booked then): their references.
async fn book_sundays(store: &Arc<dyn Store>, citizens: &[&str]) -> Vec<String> {
    let sunday = rega_api::time::Date::parse("2026-11-29").expect("a date");
    let from = rega_api::time::LocalDateTime {
        date: sunday,
        hour: 0,
        minute: 0,
    }
    .to_unix();
    let slots = store
        .slots_between(
            "erbil",
            rega_api::service::ServiceKind::MedicalCheck,
            from,
            from + DAY,
        )
        .await
        .expect("slots");
    let mut references = Vec::new();
    for (n, citizen) in citizens.iter().enumerate() {
        let id = store
            .citizen_by_national_id(&NationalId::parse(citizen).expect("an id"))
            .await
            .expect("found")
            .expect("a citizen")
            .id;
        let request = BookRequest {
            citizen_id: id,
            slot_id: slots[n].id,
            service: rega_api::service::ServiceKind::MedicalCheck,
            now: THURSDAY_9AM,
            offers: Default::default(),
            limit: rega_server::domain::limits::ChangeLimit { max: 4, since: 0 },
        };
        references.push(
            store
                .book(&request)
                .await
                .expect("booked")
                .reference
                .to_string(),
        );
    }
    references
}

const CITIZENS: [&str; 5] = [
    "100000000001",
    "100000000002",
    "100000000003",
    "100000000004",
    "100000000005",
];

/// Saturday 2026-11-28 at `hour`:`minute` in Baghdad.
fn saturday(hour: i64, minute: i64) -> i64 {
    THURSDAY_9AM + 2 * DAY + (hour - 9) * 3600 + minute * 60
}

async fn the_reminder_goes_the_evening_before_once(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let references = book_sundays(&demo.state.store, &CITIZENS).await;
    demo.clock.set(saturday(17, 59));
    assert_eq!(
        rega_server::sender::enqueue_reminders(&demo.state)
            .await
            .expect("runs"),
        0,
        "not before the reminder hour (18:00)"
    );
    demo.clock.set(saturday(18, 0));
    assert_eq!(
        rega_server::sender::enqueue_reminders(&demo.state)
            .await
            .expect("runs"),
        5
    );
    assert_eq!(
        rega_server::sender::enqueue_reminders(&demo.state)
            .await
            .expect("runs"),
        0,
        "written once"
    );
    // Two senders at once: each reminder goes once.
    let (a, b) = (demo.state.clone(), demo.state.clone());
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let (ba, bb) = (barrier.clone(), barrier);
    let (one, two) = tokio::join!(
        tokio::spawn(async move {
            ba.wait().await;
            rega_server::sender::deliver_due(&a).await.expect("runs")
        }),
        tokio::spawn(async move {
            bb.wait().await;
            rega_server::sender::deliver_due(&b).await.expect("runs")
        }),
    );
    assert_eq!(one.expect("ran") + two.expect("ran"), 5);
    for (citizen, reference) in CITIZENS.iter().zip(&references) {
        let reminders: Vec<String> = demo
            .outbox_texts(citizen)
            .await
            .into_iter()
            .filter(|t| t.contains("سبەی نۆرەت هەیە"))
            .collect();
        assert_eq!(reminders.len(), 1, "{citizen}");
        assert!(
            reminders[0].contains("بەڕێوەبەرایەتیی هاتووچۆی هەولێر")
                && reminders[0].contains(&format!("\u{2066}{reference}\u{2069}"))
                && !reminders[0].contains("Erbil"),
            "{}",
            reminders[0]
        );
    }
    demo.clock.set(saturday(23, 50));
    assert_eq!(
        rega_server::sender::enqueue_reminders(&demo.state)
            .await
            .expect("runs"),
        0
    );
    assert_eq!(
        rega_server::sender::deliver_due(&demo.state)
            .await
            .expect("runs"),
        0,
        "never twice"
    );
}
both!(the_reminder_goes_the_evening_before_once, multi_thread);

async fn a_refused_message_is_retried_then_given_up_and_audited(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    // The gateway refuses twice, then takes messages.
    let (url, gateway) = fake_gateway(2).await;
    let mut state = demo.state.clone();
    state.sms = Arc::new(HttpGateway::new(url, None).expect("a gateway"));
    let citizen = "200000000004";
    let cookie = demo.sign_in(citizen).await;
    let slots = demo.slot_ids("erbil", "medical_check", "2026-12-01").await;
    let reference = demo.book_slot(&cookie, "medical_check", slots[0]).await;
    let deliver = || rega_server::sender::deliver_due(&state);
    assert_eq!(deliver().await.expect("runs"), 0, "refused: kept for later");
    demo.clock.advance(29);
    assert_eq!(deliver().await.expect("runs"), 0, "not due before 30 s");
    assert_eq!(*gateway.calls.lock().expect("calls"), 1);
    demo.clock.advance(1);
    assert_eq!(
        deliver().await.expect("runs"),
        0,
        "refused again: a minute now"
    );
    demo.clock.advance(59);
    assert_eq!(deliver().await.expect("runs"), 0);
    demo.clock.advance(1);
    assert_eq!(
        deliver().await.expect("runs"),
        1,
        "taken at the third attempt"
    );
    demo.clock.advance(3600);
    assert_eq!(deliver().await.expect("runs"), 0, "and never again");
    let delivered = gateway.delivered.lock().expect("delivered").clone();
    assert_eq!(delivered.len(), 1);
    let body = &delivered[0].1;
    assert!(
        body["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("rega-")),
        "{body}"
    );
    assert!(
        body["text"]
            .as_str()
            .is_some_and(|t| t.contains(&reference)),
        "{body}"
    );

    // A gateway that never takes it: retried for the configured 12 hours, then given up, and the
    // failure is in the directorate's trail.
    let (down, _) = fake_gateway(u32::MAX).await;
    state.sms = Arc::new(HttpGateway::new(down, None).expect("a gateway"));
    let cookie = demo.sign_in(citizen).await;
    let cancelled = demo
        .change(
            &cookie,
            "messages-cancel-02",
            &reference,
            "cancel",
            json!({}),
        )
        .await;
    assert_eq!(cancelled.status(), 200);
    let started = demo.clock.now();
    let mut attempts = 0;
    while demo.clock.now() < started + 13 * 3600 {
        rega_server::sender::deliver_due(&state)
            .await
            .expect("runs");
        demo.clock.advance(600);
        attempts += 1;
    }
    assert!(attempts > 20);
    let trail = trail(&demo).await;
    assert!(
        trail.contains(&format!("sms.given_up appointment:{reference} cancelled")),
        "{trail:?}"
    );
    assert!(!trail.contains(&format!("sms.cancelled appointment:{reference} ok")));
    // The supervisor of Erbil reads it in the directorate's trail.
    let supervisor = demo.staff_cookie("erbil-supervisor").await;
    let day = rega_api::time::LocalDateTime::from_unix(demo.clock.now()).date;
    let read: Value = demo
        .staff(
            "GET",
            &format!("/staff/audit?day={day}&action=sms.given_up"),
            Some(&supervisor),
            None,
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        read["records"][0]["object"],
        format!("appointment:{reference}"),
        "{read}"
    );
}
both!(a_refused_message_is_retried_then_given_up_and_audited);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgres_send_each_message_once() {
    let Some(server) = postgres_url() else { return };
    let url = fresh_postgres_database(&server).await;
    let clock = Arc::new(rega_server::clock::TestClock::at(THURSDAY_9AM));
    let (gateway_url, gateway) = fake_gateway(0).await;
    let mut instances = Vec::new();
    for _ in 0..2 {
        let store = postgres_store(&url).await;
        let mut state = AppState::new(store, "no-dist".into(), true).with_clock(clock.clone());
        state.sms = Arc::new(HttpGateway::new(gateway_url.clone(), None).expect("a gateway"));
        instances.push(state);
    }
    rega_server::demo::seed(&instances[0])
        .await
        .expect("demo data");
    rega_server::jobs::ensure_window_slots(&instances[0])
        .await
        .expect("slots");
    book_sundays(&instances[0].store, &CITIZENS).await;
    clock.set(saturday(18, 5));
    // Both instances write the reminders: once each.
    let written = rega_server::sender::enqueue_reminders(&instances[0])
        .await
        .expect("written")
        + rega_server::sender::enqueue_reminders(&instances[1])
            .await
            .expect("written");
    assert_eq!(written, 5);
    let barrier = Arc::new(tokio::sync::Barrier::new(6));
    let runs: Vec<_> = instances
        .iter()
        .cloned()
        .flat_map(|state| (0..3).map(move |_| state.clone()))
        .map(|state| {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                rega_server::sender::deliver_due(&state)
                    .await
                    .expect("runs")
            })
        })
        .collect();
    let mut total = 0;
    for run in runs {
        total += run.await.expect("ran");
    }
    assert_eq!(total, 5, "six senders over two instances sent each once");
    let delivered = gateway.delivered.lock().expect("delivered").clone();
    let mut ids: Vec<String> = delivered
        .iter()
        .map(|(_, body)| body["id"].as_str().expect("a key").to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!((delivered.len(), ids.len()), (5, 5));
}
