//! 500 concurrent booking attempts on a slot with 5 places, over real HTTP: exactly 5 booked,
//! every other answer a clean 409 slot_full, no 5xx — on SQLite, and on two server instances
//! sharing one PostgreSQL database with the attempts split between them.

use std::net::SocketAddr;
use std::sync::Arc;

use rega_api::ids::NationalId;
use rega_api::service::ServiceKind;
use rega_server::store::{NewCitizen, Store};
use rega_server::{AppState, app};
use serde_json::json;

use crate::helpers::{Db, fresh_postgres_database, postgres_store, postgres_url, store};

const NOW: i64 = 1_795_672_800; // Thursday 09:00 in Baghdad
const ATTEMPTS: usize = 500;

async fn serve(state: AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address: SocketAddr = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        axum::serve(
            listener,
            app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serves");
    });
    format!("http://{address}")
}

/// A directorate with one 5-place theory-test slot next Sunday, and 500 signed-in citizens
/// (sessions created in the store, as sign-in itself is tested elsewhere). Returns the slot id
/// and the citizens' cookies.
async fn arrange(store: &Arc<dyn Store>) -> (i64, Vec<String>) {
    rega_server::demo::apply_network(
        store.as_ref(),
        &[("erbil", &[(ServiceKind::TheoryTest, 5)])],
        NOW,
    )
    .await
    .expect("the network");
    let sunday_8am = NOW + 3 * 86_400 - 3600;
    store
        .ensure_slots("erbil", ServiceKind::TheoryTest, &[sunday_8am])
        .await
        .expect("a slot");
    let slot = store
        .slots_between("erbil", ServiceKind::TheoryTest, 0, i64::MAX)
        .await
        .expect("slots")[0]
        .id;
    let mut cookies = Vec::with_capacity(ATTEMPTS);
    for n in 0..ATTEMPTS {
        let citizen = NewCitizen {
            national_id: NationalId::parse(&format!("{:012}", 300_000_000_000u64 + n as u64))
                .expect("an id"),
            phone: format!("+96475{n:08}"),
            birth_date: "1990-01-01".into(),
            tests: Vec::new(),
            licence: None,
        };
        let id = store.insert_citizen(&citizen).await.expect("a citizen");
        let token = format!("contention-session-token-{n:06}-0123456789abcdef");
        store
            .create_session(
                rega_server::store::SessionOwner::Citizen(id),
                &rega_server::auth::token_hash(&token),
                NOW,
            )
            .await
            .expect("a session");
        cookies.push(format!("{}={token}", rega_server::auth::SESSION_COOKIE));
    }
    (slot, cookies)
}

fn state(store: Arc<dyn Store>) -> AppState {
    AppState::new(store, "no-dist".into(), false)
        .with_clock(Arc::new(rega_server::clock::TestClock::at(NOW)))
}

async fn attempt_all(
    urls: &[String],
    slot: i64,
    cookies: Vec<String>,
) -> (usize, usize, Vec<(u16, String)>) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .expect("a client");
    let tasks: Vec<_> = cookies
        .into_iter()
        .enumerate()
        .map(|(n, cookie)| {
            let (client, url) = (client.clone(), urls[n % urls.len()].clone());
            tokio::spawn(async move {
                let response = client
                    .post(format!("{url}/api/v1/appointments"))
                    .header("cookie", cookie)
                    .header("idempotency-key", format!("contention-{n:06}"))
                    .json(&json!({ "slot_id": slot, "service": "theory_test" }))
                    .send()
                    .await
                    .expect("answered");
                let status = response.status().as_u16();
                (status, response.text().await.unwrap_or_default())
            })
        })
        .collect();
    let (mut booked, mut full, mut other) = (0, 0, Vec::new());
    for task in tasks {
        let (status, body) = task.await.expect("ran");
        match status {
            201 => booked += 1,
            409 if body.contains("\"slot_full\"") => full += 1,
            _ => other.push((status, body)),
        }
    }
    (booked, full, other)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_http_attempts_on_five_places_sqlite() {
    let data = tempfile::tempdir().expect("a temporary directory");
    let Some(store) = store(Db::Sqlite, data.path()).await else {
        return;
    };
    let (slot, cookies) = arrange(&store).await;
    let url = serve(state(store.clone())).await;
    let (booked, full, other) = attempt_all(&[url], slot, cookies).await;
    assert_eq!((booked, full), (5, 495), "other answers: {other:?}");
    assert!(other.is_empty());
    let slot_row = store
        .slots_between("erbil", ServiceKind::TheoryTest, 0, i64::MAX)
        .await
        .expect("slots")[0]
        .clone();
    assert_eq!(slot_row.booked, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_http_attempts_over_two_instances_sharing_postgres() {
    let Some(server) = postgres_url() else { return };
    let url = fresh_postgres_database(&server).await;
    let (first, second) = (postgres_store(&url).await, postgres_store(&url).await);
    let (slot, cookies) = arrange(&first).await;
    let urls = [
        serve(state(first.clone())).await,
        serve(state(second)).await,
    ];
    let (booked, full, other) = attempt_all(&urls, slot, cookies).await;
    assert_eq!((booked, full), (5, 495), "other answers: {other:?}");
    assert!(other.is_empty());
    let slot_row = first
        .slots_between("erbil", ServiceKind::TheoryTest, 0, i64::MAX)
        .await
        .expect("slots")[0]
        .clone();
    assert_eq!(slot_row.booked, 5);
}

/// Forty citizens each send five bookings at once (distinct keys), to two instances on
/// PostgreSQL or one on SQLite: five places booked, each answer a clean 409 (`slot_full`, or
/// `already_booked` for a citizen's second try), never a 5xx (a citizen's row lock taken after
/// the key's insert once deadlocked two of their own requests on PostgreSQL).
async fn five_tries_each_by_forty_citizens(db: Db) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let stores: Vec<Arc<dyn Store>> = match db {
        Db::Sqlite => match store(Db::Sqlite, data.path()).await {
            Some(s) => vec![s],
            None => return,
        },
        Db::Postgres => {
            let Some(server) = postgres_url() else { return };
            let url = fresh_postgres_database(&server).await;
            let mut two: Vec<Arc<dyn Store>> = Vec::new();
            for _ in 0..2 {
                two.push(postgres_store(&url).await);
            }
            two
        }
    };
    let (slot, cookies) = arrange(&stores[0]).await;
    let mut urls = Vec::new();
    for s in &stores {
        urls.push(serve(state(s.clone())).await);
    }
    let tries: Vec<String> = cookies
        .into_iter()
        .take(40)
        .flat_map(|c| std::iter::repeat_n(c, 5))
        .collect();
    let (booked, full, other) = attempt_all(&urls, slot, tries).await;
    let already = other
        .iter()
        .filter(|(s, body)| *s == 409 && body.contains("\"already_booked\""))
        .count();
    assert_eq!(booked, 5, "{db:?}");
    assert_eq!(
        full + already,
        195,
        "{db:?}: other answers: {:?}",
        other
            .iter()
            .filter(|(_, b)| !b.contains("already_booked"))
            .collect::<Vec<_>>()
    );
}
both!(five_tries_each_by_forty_citizens, multi_thread);
