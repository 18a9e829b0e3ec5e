//! API speed on this machine (SPEC §8), for `cargo xtask bench`: prints one JSON object per
//! figure. A measurement, not a test: it asserts nothing about speed.
//!
//! - SQLite's raw commit rate with Rega's settings (WAL, synchronous=FULL, BEGIN IMMEDIATE):
//!   the ceiling for bookings;
//! - availability GET and a bare axum JSON handler, each at full speed and at a fixed rate
//!   (oha, latency corrected for the schedule), both servers built in release mode;
//! - booking POST at full speed (64 in flight) and at a fixed rate, open loop: each request is
//!   sent at its scheduled time and its latency counted from then, so a slow server cannot hide
//!   its queue (no coordinated omission);
//! - 500 concurrent attempts on a slot with 5 places;
//! - the server's peak memory (VmHWM);
//! - the same booking load on PostgreSQL when `REGA_BENCH_DATABASE_URL` is set.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Server;
use rega_api::service::ServiceKind;
use rega_server::store::Store;
use serde_json::{Value, json};
use sqlx::Connection;

const SECONDS: u64 = 10;
const IN_FLIGHT: usize = 64;

fn emit(value: Value) {
    println!("{value}");
}

/// Runs oha against a URL: at full speed, then at a fixed rate — the budget's rate when the
/// server can reach it, else 80% of its maximum — with latency corrected for the schedule.
fn oha(name: &str, url: &str, budget_rps: f64) -> f64 {
    let run = |extra: &[&str]| -> Value {
        let out = Command::new("oha")
            .args([
                "-z",
                &format!("{SECONDS}s"),
                "-c",
                &IN_FLIGHT.to_string(),
                "--no-tui",
                "--output-format",
                "json",
            ])
            .args(extra)
            .arg(url)
            .output()
            .expect("oha runs (cargo install oha)");
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| json!({ "error": String::from_utf8_lossy(&out.stderr) }))
    };
    let full = run(&[]);
    let max = full["summary"]["requestsPerSec"].as_f64().unwrap_or(0.0);
    let rate = if max >= budget_rps {
        budget_rps
    } else {
        (max * 0.8).floor().max(1.0)
    };
    let fixed = run(&["-q", &format!("{rate}"), "--latency-correction"]);
    emit(json!({
        "bench": name,
        "max_rps": max,
        "max_success_rate": full["summary"]["successRate"],
        "fixed_rate_rps": rate,
        "fixed_p50_ms": fixed["latencyPercentiles"]["p50"].as_f64().map(|s| s * 1000.0),
        "fixed_p99_ms": fixed["latencyPercentiles"]["p99"].as_f64().map(|s| s * 1000.0),
        "command": format!("oha -z {SECONDS}s -c {IN_FLIGHT} [-q {rate} --latency-correction] {url}"),
    }));
    max
}

/// SQLite commits per second with Rega's settings, one writer, one row per transaction.
async fn sqlite_raw_commits(dir: &Path) -> f64 {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    let options = SqliteConnectOptions::new()
        .filename(dir.join("raw.sqlite3"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true);
    let mut connection = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("SQLite opens");
    sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
        .execute(&mut connection)
        .await
        .expect("a table");
    let n = 2000;
    let started = Instant::now();
    for i in 0..n {
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut connection)
            .await
            .expect("begin");
        sqlx::query("INSERT INTO t (v) VALUES (?)")
            .bind(i)
            .execute(&mut connection)
            .await
            .expect("insert");
        sqlx::query("COMMIT")
            .execute(&mut connection)
            .await
            .expect("commit");
    }
    let rate = f64::from(n) / started.elapsed().as_secs_f64();
    emit(
        json!({ "bench": "sqlite_raw_commits", "commits_per_s": rate, "command": "cargo bench -p rega-server --bench api" }),
    );
    rate
}

/// A directorate with big theory-test counters and its window's slots, a 5-place one for the
/// contention run, and citizens with sessions (bulk-inserted in one transaction). Returns the
/// session cookies and the first open day's slot ids.
async fn seed(
    store: Arc<dyn Store>,
    raw_url: &str,
    postgres: bool,
    citizens: usize,
    counters: u32,
) -> (Vec<String>, Vec<i64>) {
    common::theory_network(&store, &[("bench", counters.min(50)), ("contention", 5)]).await;
    common::raise_places(raw_url, postgres, "bench", counters).await;
    let slots = store
        .slots_between("bench", ServiceKind::TheoryTest, 0, i64::MAX)
        .await
        .expect("slots");
    let now = common::unix_now();
    let first_day: Vec<i64> = slots
        .iter()
        .filter(|s| s.starts_at > now)
        .take(12)
        .map(|s| s.id)
        .collect();
    let cookies = common::citizens_with_sessions(raw_url, postgres, 500_000_000_000, citizens)
        .await
        .into_iter()
        .map(|(_, cookie)| cookie)
        .collect();
    (cookies, first_day)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

async fn book(client: &reqwest::Client, url: &str, cookie: &str, key: usize, slot: i64) -> u16 {
    client
        .post(format!("{url}/api/v1/appointments"))
        .header("cookie", cookie)
        .header("idempotency-key", format!("bench-key-{key:010}"))
        .json(&json!({ "slot_id": slot, "service": "theory_test" }))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

/// Bookings at full speed (IN_FLIGHT at a time), then at a fixed rate, open loop.
async fn booking_load(name: &str, url: &str, cookies: &[String], slots: &[i64]) -> f64 {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .build()
        .expect("a client");
    let half = cookies.len() / 2;
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(SECONDS / 2);
    let workers: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            let (client, url, next, cookies, slots) = (
                client.clone(),
                url.to_owned(),
                next.clone(),
                cookies[..half].to_vec(),
                slots.to_vec(),
            );
            tokio::spawn(async move {
                let mut ok = 0u32;
                while Instant::now() < deadline {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= cookies.len() {
                        break;
                    }
                    if book(&client, &url, &cookies[i], i, slots[i % slots.len()]).await == 201 {
                        ok += 1;
                    }
                }
                ok
            })
        })
        .collect();
    let mut booked = 0;
    for w in workers {
        booked += w.await.expect("a worker");
    }
    let max = f64::from(booked) / started.elapsed().as_secs_f64();
    // Fixed rate over the second half of the citizens: 80% of the maximum, at most 2,000/s.
    let rate = (max * 0.8).clamp(1.0, 2000.0);
    let count = ((rate * (SECONDS / 2) as f64) as usize).min(cookies.len() - half);
    let start = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(count);
    for n in 0..count {
        let scheduled = start + Duration::from_secs_f64(n as f64 / rate);
        tokio::time::sleep_until(scheduled).await;
        let (client, url, cookie, slot) = (
            client.clone(),
            url.to_owned(),
            cookies[half + n].clone(),
            slots[n % slots.len()],
        );
        tasks.push(tokio::spawn(async move {
            let status = book(&client, &url, &cookie, half + n, slot).await;
            (status, scheduled.elapsed().as_secs_f64() * 1000.0)
        }));
    }
    let mut latencies = Vec::with_capacity(count);
    let mut failures = 0;
    for t in tasks {
        let (status, ms) = t.await.expect("a request");
        if status != 201 {
            failures += 1;
        }
        latencies.push(ms);
    }
    latencies.sort_by(f64::total_cmp);
    emit(json!({
        "bench": name,
        "max_bookings_per_s": max,
        "fixed_rate_per_s": rate,
        "fixed_p50_ms": percentile(&latencies, 0.5),
        "fixed_p99_ms": percentile(&latencies, 0.99),
        "fixed_non_201": failures,
        "command": "cargo bench -p rega-server --bench api",
    }));
    max
}

/// 500 concurrent attempts on the contention directorate's 5-place slot.
async fn contention(url: &str, store: &Arc<dyn Store>, cookies: &[String]) {
    let now = common::unix_now();
    let slot = store
        .slots_between("contention", ServiceKind::TheoryTest, now, i64::MAX)
        .await
        .expect("slots")
        .first()
        .expect("a slot")
        .id;
    let client = reqwest::Client::new();
    let tasks: Vec<_> = cookies
        .iter()
        .enumerate()
        .map(|(n, cookie)| {
            let (client, url, cookie) = (client.clone(), url.to_owned(), cookie.clone());
            tokio::spawn(async move { book(&client, &url, &cookie, 9_000_000 + n, slot).await })
        })
        .collect();
    let (mut created, mut conflict, mut server_errors, mut other) = (0, 0, 0, 0);
    for t in tasks {
        match t.await.expect("a request") {
            201 => created += 1,
            409 => conflict += 1,
            0 | 500..=599 => server_errors += 1,
            _ => other += 1,
        }
    }
    emit(
        json!({ "bench": "contention_500_on_5", "created": created, "conflict_409": conflict, "server_errors": server_errors, "other": other, "command": "cargo bench -p rega-server --bench api" }),
    );
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let raw = sqlite_raw_commits(dir.path()).await;

    let baseline = Server::start(&["bench-baseline"], &[], "/");
    let bare = oha("bare_axum_json", &format!("{}/", baseline.url), 20_000.0);
    drop(baseline);

    let data = dir.path().join("sqlite");
    std::fs::create_dir_all(&data).expect("a data directory");
    let db = data.join("rega.sqlite3");
    let store: Arc<dyn Store> =
        Arc::new(rega_server::store::sqlite::open(&db).await.expect("SQLite"));
    let (cookies, slots) = seed(
        store.clone(),
        &format!("sqlite://{}", db.display()),
        false,
        30_000,
        5000,
    )
    .await;
    let server = Server::start(
        &["serve", "--demo", "--data-dir", &data.to_string_lossy()],
        &[],
        "/readyz",
    );
    let availability = oha(
        "availability_days_get",
        &format!(
            "{}/api/v1/availability/days?directorate=bench&service=theory_test",
            server.url
        ),
        20_000.0,
    );
    emit(json!({ "bench": "availability_vs_bare", "ratio": availability / bare.max(1.0) }));
    let bookings = booking_load(
        "booking_post_sqlite",
        &server.url,
        &cookies[..29_500],
        &slots,
    )
    .await;
    emit(json!({ "bench": "booking_vs_raw_commits", "ratio": bookings / raw.max(1.0) }));
    contention(&server.url, &store, &cookies[29_500..]).await;
    emit(
        json!({ "bench": "server_peak_rss", "peak_rss_mib": server.peak_rss_kib() as f64 / 1024.0, "command": "VmHWM of rega serve after the loads above" }),
    );
    drop(server);

    if let Some(url) = std::env::var("REGA_BENCH_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        let db_url = common::fresh_postgres_database(&url, "rega_bench").await;
        let store: Arc<dyn Store> = Arc::new(
            rega_server::store::postgres::connect(&db_url)
                .await
                .expect("PostgreSQL"),
        );
        let (cookies, slots) = seed(store, &db_url, true, 20_000, 5000).await;
        let pg_data = dir.path().join("pg");
        let server = Server::start(
            &["serve", "--demo", "--data-dir", &pg_data.to_string_lossy()],
            &[("DATABASE_URL", db_url.as_str())],
            "/readyz",
        );
        booking_load("booking_post_postgres", &server.url, &cookies, &slots).await;
        drop(server);
    }
}
