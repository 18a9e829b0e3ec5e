//! The crash proof (`cargo xtask chaos`; a short form in `cargo xtask test`): citizens book,
//! reschedule and cancel with Idempotency-Keys, some hanging up after a few milliseconds, while
//! the release server is SIGKILLed at random moments and started again — on SQLite one
//! instance; on PostgreSQL two instances on one database, killing one or both. Every request
//! left without an answer is sent again with its key until it gets one. Then the database is
//! read and held against what the clients were told:
//!
//! - every acknowledged booking exists exactly once, in the slot and state its last
//!   acknowledged change gave it (a reschedule is all-or-nothing, a cancel sticks);
//! - no appointment exists that no client was told about (no duplicate of a retried request);
//! - no slot holds more active appointments than its capacity, and every slot's `booked`
//!   counter equals its active appointments;
//! - no Idempotency-Key is left "in progress"; SQLite's `integrity_check` says `ok`; no 5xx.
//!
//! Prints one JSON object per engine with those counts; exits non-zero when any is not as it
//! must be. Arguments: `--sqlite-crashes N` (default 20), `--postgres-crashes N` (default 10;
//! PostgreSQL runs when `REGA_CHAOS_DATABASE_URL` names a server), `--clients N` (default 24).

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::Server;
use rega_api::service::ServiceKind;
use rega_api::time::LocalDateTime;
use rega_server::store::{SessionOwner, StaffRole, Store};
use serde_json::{Value, json};
use sqlx::{Connection, Row};
use tokio::sync::Mutex;

/// Slots the citizens book into: few places each, so that bookings compete.
const SLOTS: usize = 120;
const PLACES: u32 = 3;
/// How long a hanging-up client waits for its answer, at most.
const HANG_UP_MS: u64 = 25;

/// A small deterministic generator (xorshift64*): the run needs spread, not secrecy.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// What the clients saw, counted as they went.
#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    unanswered: AtomicU64,
    hung_up: AtomicU64,
    acknowledged: AtomicU64,
    refused: AtomicU64,
    server_errors: AtomicU64,
    stuck_in_progress: AtomicU64,
    staff_acknowledged: AtomicU64,
}

/// What a citizen was told about one of their appointments: its slot, and whether it stands.
#[derive(Debug, Clone, PartialEq)]
struct Told {
    slot_id: i64,
    cancelled: bool,
}

/// Every citizen's acknowledged appointments, by reference.
type Ledger = Mutex<HashMap<i64, BTreeMap<String, Told>>>;

struct Run {
    urls: Vec<String>,
    client: reqwest::Client,
    tally: Tally,
    ledger: Ledger,
    slots: Vec<i64>,
    stop: AtomicBool,
}

impl Run {
    /// Sends one change until it gets an answer: the same key every time, to the instance
    /// `first` and then to each in turn. `None` when the run stops first.
    async fn until_answered(
        &self,
        first: usize,
        cookie: &str,
        key: &str,
        path: &str,
        body: &Value,
        dice: &mut Dice,
    ) -> Option<(u16, Value)> {
        let mut attempt = 0usize;
        let mut in_progress_since: Option<Instant> = None;
        loop {
            let url = &self.urls[(first + attempt) % self.urls.len()];
            attempt += 1;
            self.tally.requests.fetch_add(1, Ordering::Relaxed);
            let hang_up = dice.below(20) == 0;
            let timeout = if hang_up {
                Duration::from_millis(1 + dice.below(HANG_UP_MS))
            } else {
                Duration::from_secs(10)
            };
            let sent = self
                .client
                .post(format!("{url}/api/v1{path}"))
                .header("cookie", cookie)
                .header("idempotency-key", key)
                .timeout(timeout)
                .json(body)
                .send()
                .await;
            let answer = match sent {
                Ok(response) => {
                    let status = response.status().as_u16();
                    match response.json::<Value>().await {
                        Ok(body) => Some((status, body)),
                        Err(_) => None,
                    }
                }
                Err(_) => None,
            };
            match answer {
                None => {
                    if hang_up {
                        self.tally.hung_up.fetch_add(1, Ordering::Relaxed);
                    } else {
                        self.tally.unanswered.fetch_add(1, Ordering::Relaxed);
                    }
                    if self.stop.load(Ordering::Relaxed) && attempt > 200 {
                        return None;
                    }
                    tokio::time::sleep(Duration::from_millis(20 + dice.below(80))).await;
                }
                Some((status, body)) if status >= 500 => {
                    self.tally.server_errors.fetch_add(1, Ordering::Relaxed);
                    eprintln!("chaos: {status} on {path}: {body}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Some((409, body)) if body["code"] == "idempotency_in_progress" => {
                    // The first copy may still be running (a hang-up does not stop a write);
                    // a key still in progress after 20 s is one left behind.
                    let since = *in_progress_since.get_or_insert_with(Instant::now);
                    if since.elapsed() > Duration::from_secs(20) {
                        self.tally.stuck_in_progress.fetch_add(1, Ordering::Relaxed);
                        return Some((409, body));
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Some(answer) => {
                    if (200..300).contains(&answer.0) {
                        self.tally.acknowledged.fetch_add(1, Ordering::Relaxed);
                    } else {
                        self.tally.refused.fetch_add(1, Ordering::Relaxed);
                    }
                    return Some(answer);
                }
            }
        }
    }

    /// One citizen's script: book a random slot (trying another when it is full), then
    /// perhaps move it, then perhaps cancel it; twice (the change limit allows four changes).
    async fn citizen(&self, worker: usize, citizen: (i64, String), dice: &mut Dice) {
        let (id, cookie) = citizen;
        for round in 0..2 {
            let mut booked: Option<(String, i64)> = None;
            for attempt in 0..3 {
                let slot = self.slots[dice.below(self.slots.len() as u64) as usize];
                let key = format!("chaos-{id}-{round}-book-{attempt}");
                let body = json!({ "slot_id": slot, "service": "theory_test" });
                let Some((status, answer)) = self
                    .until_answered(worker, &cookie, &key, "/appointments", &body, dice)
                    .await
                else {
                    return;
                };
                if status == 201 {
                    let reference = answer["reference"].as_str().unwrap_or_default().to_owned();
                    self.tell(id, &reference, slot).await;
                    booked = Some((reference, slot));
                    break;
                }
            }
            let Some((reference, _)) = booked else {
                continue;
            };
            if dice.below(2) == 0 {
                let slot = self.slots[dice.below(self.slots.len() as u64) as usize];
                let key = format!("chaos-{id}-{round}-move");
                let path = format!("/appointments/{reference}/reschedule");
                let Some((status, _)) = self
                    .until_answered(
                        worker,
                        &cookie,
                        &key,
                        &path,
                        &json!({ "slot_id": slot }),
                        dice,
                    )
                    .await
                else {
                    return;
                };
                if status == 200 {
                    self.tell(id, &reference, slot).await;
                }
            }
            if dice.below(20) != 0 {
                let key = format!("chaos-{id}-{round}-cancel");
                let path = format!("/appointments/{reference}/cancel");
                let Some((status, _)) = self
                    .until_answered(worker, &cookie, &key, &path, &json!({}), dice)
                    .await
                else {
                    return;
                };
                if status == 200 {
                    self.tell_cancelled(id, &reference).await;
                }
            } else {
                // Keeps its appointment: this citizen's second round would be already_booked.
                return;
            }
        }
    }

    async fn tell(&self, citizen: i64, reference: &str, slot_id: i64) {
        self.ledger.lock().await.entry(citizen).or_default().insert(
            stored(reference),
            Told {
                slot_id,
                cancelled: false,
            },
        );
    }

    async fn tell_cancelled(&self, citizen: i64, reference: &str) {
        if let Some(told) = self
            .ledger
            .lock()
            .await
            .get_mut(&citizen)
            .and_then(|m| m.get_mut(&stored(reference)))
        {
            told.cancelled = true;
        }
    }
}

/// A reference as the API shows it (`RG-XXXX-XXXX`) in its stored form.
fn stored(reference: &str) -> String {
    rega_api::ids::Reference::parse(reference)
        .map(|r| r.code().to_owned())
        .unwrap_or_else(|_| format!("unreadable reference {reference}"))
}

/// What the database holds after the run, read directly.
struct Found {
    /// (citizen, reference) → (slot, status).
    appointments: Vec<(i64, String, i64, String)>,
    /// slot → (capacity, booked counter).
    slots: HashMap<i64, (i64, i64)>,
    keys_in_progress: i64,
    integrity: String,
}

async fn read_back(url: &str, postgres: bool) -> Found {
    macro_rules! read {
        ($conn:expr) => {{
            let mut conn = $conn;
            let appointments = sqlx::query(
                "SELECT a.citizen_id, a.reference, a.slot_id, a.status FROM appointment a",
            )
            .fetch_all(&mut conn)
            .await
            .expect("appointments")
            .iter()
            .map(|r| {
                (
                    r.get::<i64, _>(0),
                    r.get::<String, _>(1),
                    r.get::<i64, _>(2),
                    r.get::<String, _>(3),
                )
            })
            .collect();
            let slots = sqlx::query("SELECT id, capacity, booked FROM slot")
                .fetch_all(&mut conn)
                .await
                .expect("slots")
                .iter()
                .map(|r| (r.get::<i64, _>(0), (r.get::<i64, _>(1), r.get::<i64, _>(2))))
                .collect();
            let keys_in_progress: i64 = sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM idempotency_key WHERE status IS NULL) \
                     + (SELECT COUNT(*) FROM staff_idempotency_key WHERE status IS NULL)",
            )
            .fetch_one(&mut conn)
            .await
            .expect("keys");
            let integrity = if postgres {
                "not applicable".to_owned()
            } else {
                sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_one(&mut conn)
                    .await
                    .expect("integrity_check")
            };
            Found {
                appointments,
                slots,
                keys_in_progress,
                integrity,
            }
        }};
    }
    if postgres {
        read!(sqlx::PgConnection::connect(url).await.expect("PostgreSQL"))
    } else {
        read!(sqlx::SqliteConnection::connect(url).await.expect("SQLite"))
    }
}

/// What the run starts from, seeded before the servers start.
struct Seeded {
    /// The slots citizens book, after the change cut-off.
    slots: Vec<i64>,
    /// Their days, `YYYY-MM-DD`, for the supervisor's capacity changes.
    days: Vec<String>,
    /// Citizens with sessions.
    citizens: Vec<(i64, String)>,
    /// The supervisor's session cookie.
    supervisor: String,
}

/// The run's directorate, its slots, citizens with sessions and a supervisor with one.
async fn seed(store: Arc<dyn Store>, raw_url: &str, postgres: bool, crashes: usize) -> Seeded {
    common::theory_network(&store, &[("chaos", PLACES)]).await;
    let after_cutoff = common::unix_now() + 2 * 86_400;
    let window = store
        .slots_between("chaos", ServiceKind::TheoryTest, after_cutoff, i64::MAX)
        .await
        .expect("slots");
    let chosen = &window[..SLOTS.min(window.len())];
    assert_eq!(chosen.len(), SLOTS, "the window has enough slots");
    let mut days: Vec<String> = chosen
        .iter()
        .map(|s| LocalDateTime::from_unix(s.starts_at).date.to_string())
        .collect();
    days.dedup();
    let now = common::unix_now();
    let supervisor = store
        .create_staff(
            &rega_server::store::NewStaff {
                username: "chaos-supervisor",
                password_hash: "$argon2id$v=19$not-used",
                role: StaffRole::Supervisor,
                directorate_id: Some("chaos"),
                one_time: false,
            },
            now,
        )
        .await
        .expect("a supervisor")
        .expect("a new name");
    let token = "chaos-supervisor-session-0123456789abcdef0123456789";
    store
        .create_session(
            SessionOwner::Staff(supervisor),
            &rega_server::auth::token_hash(token),
            now,
        )
        .await
        .expect("a staff session");
    Seeded {
        slots: chosen.iter().map(|s| s.id).collect(),
        days,
        citizens: common::citizens_with_sessions(
            raw_url,
            postgres,
            600_000_000_000,
            3000 + 600 * crashes,
        )
        .await,
        supervisor: format!("{}={token}", rega_server::auth::STAFF_COOKIE),
    }
}

/// One engine's run: load, crash `crashes` times, verify; the report.
async fn chaos(
    engine: &str,
    seeded: Seeded,
    raw_url: &str,
    mut servers: Vec<Server>,
    crashes: usize,
    clients: usize,
) -> Value {
    let postgres = engine == "postgres";
    let Seeded {
        slots,
        days,
        citizens,
        supervisor,
    } = seeded;
    let run = Arc::new(Run {
        urls: servers.iter().map(|s| s.url.clone()).collect(),
        client: reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()
            .expect("a client"),
        tally: Tally::default(),
        ledger: Mutex::new(HashMap::new()),
        slots,
        stop: AtomicBool::new(false),
    });
    let queue = Arc::new(std::sync::Mutex::new(citizens));
    let workers: Vec<_> = (0..clients)
        .map(|worker| {
            let (run, queue) = (run.clone(), queue.clone());
            tokio::spawn(async move {
                let mut dice = Dice(0x9e37_79b9_7f4a_7c15 ^ (worker as u64 + 1));
                loop {
                    if run.stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let next = queue.lock().map(|mut q| q.pop()).unwrap_or(None);
                    let Some(citizen) = next else {
                        return;
                    };
                    run.citizen(worker, citizen, &mut dice).await;
                }
            })
        })
        .collect();
    // A supervisor changing the places of the citizens' days meanwhile (2 to 4, never below
    // what is booked), each change under its key and retried until answered.
    let planner = {
        let run = run.clone();
        tokio::spawn(async move {
            let mut dice = Dice(0x5eed_cafe);
            let mut n = 0usize;
            while !run.stop.load(Ordering::Relaxed) {
                let day = &days[dice.below(days.len() as u64) as usize];
                let body = json!({ "date": day, "service": "theory_test", "capacity": 2 + n % 3 });
                let key = format!("chaos-capacity-{n}");
                if run
                    .until_answered(n, &supervisor, &key, "/staff/capacity", &body, &mut dice)
                    .await
                    .is_some_and(|(status, _)| status == 200)
                {
                    run.tally.staff_acknowledged.fetch_add(1, Ordering::Relaxed);
                }
                n += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    // The killer: at a random moment under load, SIGKILL one instance or all, then start them
    // again; the clients meanwhile get no answer and retry.
    let mut dice = Dice(0x2545_f491 ^ crashes as u64);
    let started = Instant::now();
    for _ in 0..crashes {
        tokio::time::sleep(Duration::from_millis(300 + dice.below(900))).await;
        let victims: Vec<usize> = if servers.len() == 1 || dice.below(3) == 0 {
            (0..servers.len()).collect()
        } else {
            vec![dice.below(servers.len() as u64) as usize]
        };
        for &v in &victims {
            servers[v].kill();
        }
        tokio::time::sleep(Duration::from_millis(dice.below(200))).await;
        for &v in &victims {
            servers[v].restart();
        }
    }
    // A last stretch of load after the last restart, then every client finishes its citizen.
    tokio::time::sleep(Duration::from_millis(500)).await;
    run.stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.expect("a worker");
    }
    planner.await.expect("the supervisor");
    let seconds = started.elapsed().as_secs_f64();
    drop(servers);

    let found = read_back(raw_url, postgres).await;
    let ledger = run.ledger.lock().await;
    let mut told_count = 0u64;
    let (mut found_ok, mut lost, mut wrong_state, mut duplicated) = (0u64, 0u64, 0u64, 0u64);
    let mut by_reference: HashMap<&str, Vec<&(i64, String, i64, String)>> = HashMap::new();
    for a in &found.appointments {
        by_reference.entry(a.1.as_str()).or_default().push(a);
    }
    for (citizen, told) in ledger.iter() {
        for (reference, t) in told {
            told_count += 1;
            match by_reference.get(reference.as_str()).map(Vec::as_slice) {
                None | Some([]) => {
                    if lost == 0 {
                        eprintln!(
                            "chaos: {reference} of citizen {citizen} not found (one stored: {:?})",
                            found.appointments.first()
                        );
                    }
                    lost += 1
                }
                Some([(c, _, slot, status)]) => {
                    let standing = status != "cancelled";
                    if c == citizen && *slot == t.slot_id && standing != t.cancelled {
                        found_ok += 1;
                    } else {
                        wrong_state += 1;
                        eprintln!(
                            "chaos: {reference}: told slot {} cancelled {}, found slot {slot} {status}",
                            t.slot_id, t.cancelled
                        );
                    }
                }
                Some(many) => duplicated += many.len() as u64 - 1,
            }
        }
    }
    // Appointments in the run's slots that no client was told about.
    let told_references: std::collections::HashSet<&str> = ledger
        .values()
        .flat_map(|m| m.keys().map(String::as_str))
        .collect();
    let chaos_slots: std::collections::HashSet<i64> = run.slots.iter().copied().collect();
    duplicated += found
        .appointments
        .iter()
        .filter(|a| chaos_slots.contains(&a.2) && !told_references.contains(a.1.as_str()))
        .count() as u64;
    let mut active: HashMap<i64, i64> = HashMap::new();
    for a in &found.appointments {
        if a.3 == "booked" || a.3 == "checked_in" {
            *active.entry(a.2).or_default() += 1;
        }
    }
    let (mut overbooked, mut counter_drift) = (0u64, 0u64);
    for (slot, (capacity, booked)) in &found.slots {
        let holding = active.get(slot).copied().unwrap_or(0);
        if holding > *capacity {
            overbooked += 1;
        }
        if holding != *booked {
            counter_drift += 1;
        }
    }
    let t = &run.tally;
    let report = json!({
        "bench": format!("chaos_{engine}"),
        "instances": run.urls.len(),
        "crashes": crashes,
        "seconds": seconds,
        "requests": t.requests.load(Ordering::Relaxed),
        "unanswered_then_retried": t.unanswered.load(Ordering::Relaxed),
        "hung_up_then_retried": t.hung_up.load(Ordering::Relaxed),
        "acknowledged": t.acknowledged.load(Ordering::Relaxed),
        "refused_4xx": t.refused.load(Ordering::Relaxed),
        "supervisor_changes_acknowledged": t.staff_acknowledged.load(Ordering::Relaxed),
        "acknowledged_bookings": told_count,
        "found": found_ok,
        "lost": lost,
        "wrong_state": wrong_state,
        "duplicated": duplicated,
        "overbooked": overbooked,
        "counter_drift": counter_drift,
        "keys_in_progress": found.keys_in_progress + t.stuck_in_progress.load(Ordering::Relaxed) as i64,
        "server_errors": t.server_errors.load(Ordering::Relaxed),
        "integrity_check": found.integrity,
        "command": "cargo xtask chaos",
    });
    println!("{report}");
    report
}

fn argument(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn held(report: &Value) -> bool {
    let zero = |k: &str| report[k].as_u64() == Some(0);
    [
        "lost",
        "wrong_state",
        "duplicated",
        "overbooked",
        "counter_drift",
        "keys_in_progress",
        "server_errors",
    ]
    .iter()
    .all(|k| zero(k))
        && report["acknowledged_bookings"].as_u64().unwrap_or(0) > 0
        && (report["integrity_check"] == "ok" || report["integrity_check"] == "not applicable")
}

#[tokio::main]
async fn main() {
    let clients = argument("--clients", 24);
    let mut reports = Vec::new();
    let dir = tempfile::tempdir().expect("a temporary directory");

    let sqlite_crashes = argument("--sqlite-crashes", 20);
    if sqlite_crashes > 0 {
        let data = dir.path().join("sqlite");
        std::fs::create_dir_all(&data).expect("a data directory");
        let db = data.join("rega.sqlite3");
        let store: Arc<dyn Store> =
            Arc::new(rega_server::store::sqlite::open(&db).await.expect("SQLite"));
        let raw = format!("sqlite://{}", db.display());
        let seeded = seed(store, &raw, false, sqlite_crashes).await;
        let server = Server::start(
            &["serve", "--demo", "--data-dir", &data.to_string_lossy()],
            &[],
            "/readyz",
        );
        reports.push(
            chaos(
                "sqlite",
                seeded,
                &raw,
                vec![server],
                sqlite_crashes,
                clients,
            )
            .await,
        );
    }

    let postgres_crashes = argument("--postgres-crashes", 10);
    match std::env::var("REGA_CHAOS_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) if postgres_crashes > 0 => {
            let db_url = common::fresh_postgres_database(&url, "rega_chaos").await;
            let store: Arc<dyn Store> = Arc::new(
                rega_server::store::postgres::connect(&db_url)
                    .await
                    .expect("PostgreSQL"),
            );
            let seeded = seed(store, &db_url, true, postgres_crashes).await;
            let servers = (0..2)
                .map(|n| {
                    let data = dir.path().join(format!("pg{n}"));
                    Server::start(
                        &["serve", "--demo", "--data-dir", &data.to_string_lossy()],
                        &[("DATABASE_URL", db_url.as_str())],
                        "/readyz",
                    )
                })
                .collect();
            reports.push(
                chaos(
                    "postgres",
                    seeded,
                    &db_url,
                    servers,
                    postgres_crashes,
                    clients,
                )
                .await,
            );
        }
        _ if postgres_crashes > 0 => {
            eprintln!("chaos: REGA_CHAOS_DATABASE_URL is not set: PostgreSQL not tried");
            if std::env::var_os("CI").is_some() {
                std::process::exit(1);
            }
        }
        _ => {}
    }
    if !reports.iter().all(held) {
        eprintln!(
            "chaos: the crash proof found a loss, a duplicate, an overbooking, a key left in progress or a 5xx"
        );
        std::process::exit(1);
    }
}
