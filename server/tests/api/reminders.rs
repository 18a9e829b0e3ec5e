//! The day-before reminder: exactly one SMS per appointment, also with two instances running.

use std::sync::Arc;

use rega_api::ids::NationalId;
use rega_server::AppState;
use rega_server::store::{BookRequest, Store};

use crate::helpers::{
    Db, THURSDAY_9AM, fresh_postgres_database, postgres_store, postgres_url, spawn_demo,
};

const DAY: i64 = 86_400;

/// Books tomorrow's (Friday is closed, so the clock is set to Saturday for Sunday) slots for
/// the demo citizens, directly in the store.
async fn book_sundays(store: &Arc<dyn Store>, citizens: &[&str]) -> usize {
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
            limit: rega_server::domain::limits::ChangeLimit { max: 4, since: 0 },
        };
        store.book(&request).await.expect("booked");
    }
    citizens.len()
}

const CITIZENS: [&str; 5] = [
    "100000000001",
    "100000000002",
    "100000000003",
    "100000000004",
    "100000000005",
];

async fn messages_to(store: &Arc<dyn Store>, citizen: &str) -> Vec<String> {
    let phone = store
        .citizen_by_national_id(&NationalId::parse(citizen).expect("an id"))
        .await
        .expect("found")
        .expect("a citizen")
        .phone;
    store
        .sms_to(&phone, 10)
        .await
        .expect("outbox")
        .into_iter()
        .map(|m| m.body)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_appointment_gets_one_reminder_the_day_before_sqlite() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    book_sundays(&demo.state.store, &CITIZENS).await;
    // Thursday: nothing is due for Friday.
    assert_eq!(
        rega_server::jobs::send_due_reminders(&demo.state)
            .await
            .expect("runs"),
        0
    );
    demo.clock.set(THURSDAY_9AM + 2 * DAY); // Saturday 09:00
    let (a, b) = (demo.state.clone(), demo.state.clone());
    let (one, two) = tokio::join!(
        async move {
            rega_server::jobs::send_due_reminders(&a)
                .await
                .expect("runs")
        },
        async move {
            rega_server::jobs::send_due_reminders(&b)
                .await
                .expect("runs")
        },
    );
    assert_eq!(one + two, 5);
    assert_eq!(
        rega_server::jobs::send_due_reminders(&demo.state)
            .await
            .expect("runs"),
        0,
        "never twice"
    );
    for citizen in CITIZENS {
        let reminders: Vec<String> = messages_to(&demo.state.store, citizen)
            .await
            .into_iter()
            .filter(|m| m.contains("Tomorrow"))
            .collect();
        assert_eq!(reminders.len(), 1, "{citizen}");
        assert!(
            reminders[0].contains("Erbil Traffic Directorate")
                && reminders[0].contains("بەڕێوەبەرایەتیی هاتووچۆی هەولێر"),
            "{}",
            reminders[0]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgres_send_each_reminder_once() {
    let Some(server) = postgres_url() else { return };
    let url = fresh_postgres_database(&server).await;
    let clock = Arc::new(rega_server::clock::TestClock::at(THURSDAY_9AM));
    let mut instances = Vec::new();
    for _ in 0..2 {
        let store = postgres_store(&url).await;
        instances.push(AppState::new(store, "no-dist".into(), true).with_clock(clock.clone()));
    }
    rega_server::demo::seed(&instances[0])
        .await
        .expect("demo data");
    rega_server::jobs::ensure_window_slots(&instances[0])
        .await
        .expect("slots");
    book_sundays(&instances[0].store, &CITIZENS).await;
    clock.set(THURSDAY_9AM + 2 * DAY);
    let runs: Vec<_> = instances
        .iter()
        .cloned()
        .flat_map(|state| (0..3).map(move |_| state.clone()))
        .map(|state| {
            tokio::spawn(async move {
                rega_server::jobs::send_due_reminders(&state)
                    .await
                    .expect("runs")
            })
        })
        .collect();
    let mut total = 0;
    for run in runs {
        total += run.await.expect("ran");
    }
    assert_eq!(
        total, 5,
        "six runs over two instances sent each reminder once"
    );
    for citizen in CITIZENS {
        let reminders = messages_to(&instances[1].store, citizen).await;
        assert_eq!(
            reminders.iter().filter(|m| m.contains("Tomorrow")).count(),
            1,
            "{citizen}"
        );
    }
}
