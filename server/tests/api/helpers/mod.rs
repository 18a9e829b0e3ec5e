//! Spawning the app for a test, with a fresh SQLite file or a fresh PostgreSQL database, and the
//! requests tests make: as a citizen (`citizen`), at the desk (`staff`), at a kiosk (`kiosk`).

pub mod citizen;
pub mod kiosk;
pub mod sms_gateway;
pub mod staff;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use rega_server::store::Store;
use rega_server::{AppState, app};
use sqlx::Connection;

/// Runs an `async fn(Db)` test on SQLite and on PostgreSQL: `both!(name)` makes the tests
/// `name::sqlite` and `name::postgres` (`both!(name, multi_thread)` on four worker threads, for
/// tests that race requests). In CI the PostgreSQL half can never be skipped (`postgres_url`).
macro_rules! both {
    ($test:ident) => {
        mod $test {
            #[tokio::test]
            async fn sqlite() {
                super::$test($crate::helpers::Db::Sqlite).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::$test($crate::helpers::Db::Postgres).await;
            }
        }
    };
    ($test:ident, multi_thread) => {
        mod $test {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$test($crate::helpers::Db::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                super::$test($crate::helpers::Db::Postgres).await;
            }
        }
    };
}

/// A running app and what it needs to stay alive.
pub struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    /// A client that does not follow redirects or decompress, so tests see the raw response.
    pub client: reqwest::Client,
    /// The data directory; removed when the test ends.
    pub _data: tempfile::TempDir,
}

impl TestApp {
    /// GET a path.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("the request is answered")
    }
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// A fresh SQLite store in a temporary directory.
pub async fn sqlite_store(dir: &Path) -> Arc<dyn Store> {
    Arc::new(
        rega_server::store::sqlite::open(&dir.join("rega.sqlite3"))
            .await
            .expect("SQLite opens"),
    )
}

/// The PostgreSQL server for tests, from `REGA_TEST_DATABASE_URL` (set by `cargo xtask test`).
/// In CI its absence fails the test; elsewhere the PostgreSQL half is skipped with a notice.
pub fn postgres_url() -> Option<String> {
    match std::env::var("REGA_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
            assert!(
                !ci,
                "CI is set but REGA_TEST_DATABASE_URL is not: the PostgreSQL tests must run in CI"
            );
            eprintln!(
                "note: REGA_TEST_DATABASE_URL is not set; skipping the PostgreSQL half (cargo xtask test sets it)"
            );
            None
        }
    }
}

/// A fresh, empty PostgreSQL database on the test server, and its URL.
pub async fn fresh_postgres_database(server_url: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "rega_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let mut admin = sqlx::PgConnection::connect(server_url)
        .await
        .expect("the PostgreSQL test server answers");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("a test database is created");
    let (base, _) = server_url
        .rsplit_once('/')
        .expect("the URL names a database");
    format!("{base}/{name}")
}

/// A fresh store on the given database, or `None` when PostgreSQL is skipped outside CI.
pub async fn store(db: Db, dir: &Path) -> Option<Arc<dyn Store>> {
    match db {
        Db::Sqlite => Some(sqlite_store(dir).await),
        Db::Postgres => {
            let server = postgres_url()?;
            let url = fresh_postgres_database(&server).await;
            Some(postgres_store(&url).await)
        }
    }
}

/// A store on this PostgreSQL database: one instance of several sharing it.
pub async fn postgres_store(url: &str) -> Arc<dyn Store> {
    Arc::new(
        rega_server::store::postgres::connect(url)
            .await
            .expect("PostgreSQL store connects"),
    )
}

/// Serves the app on a random port, with a fresh SQLite database and the given `dist/`.
pub async fn spawn_app(dist: Option<PathBuf>) -> TestApp {
    let data = tempfile::tempdir().expect("a temporary directory");
    let store = sqlite_store(data.path()).await;
    spawn_with_store(store, dist, data).await
}

/// Serves the app on a random port with the given store.
pub async fn spawn_with_store(
    store: Arc<dyn Store>,
    dist: Option<PathBuf>,
    data: tempfile::TempDir,
) -> TestApp {
    let dist_dir = dist.unwrap_or_else(|| data.path().join("no-dist"));
    let state = AppState::new(store, dist_dir, true);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address: SocketAddr = listener.local_addr().expect("a local address");
    tokio::spawn(async move {
        axum::serve(listener, app(state))
            .await
            .expect("the test server runs");
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    TestApp {
        url: format!("http://{address}"),
        client,
        _data: data,
    }
}

/// A `dist/` like Trunk's: index.html, a hashed JS file, and their precompressed variants.
pub fn fake_dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let write =
        |name: &str, body: &[u8]| std::fs::write(dir.path().join(name), body).expect("a dist file");
    write("index.html", b"<!doctype html><title>Rega</title>");
    write("index.html.br", b"brotli-index");
    write("index.html.gz", b"gzip-index");
    write("rega-app-0123456789abcdef.js", b"export default 1;");
    write("rega-app-0123456789abcdef.js.br", b"brotli-js");
    write("boot.js", b"// boot");
    write(
        "directorate.html",
        b"<!doctype html><title>Rega directorate</title>",
    );
    write(
        "verifier.html",
        b"<!doctype html><title>Rega verifier</title>",
    );
    write("kiosk.html", b"<!doctype html><title>Rega kiosk</title>");
    std::fs::create_dir_all(dir.path().join("routes")).expect("a routes directory");
    write(
        "routes/book-day.html",
        b"<!doctype html><title>Rega</title><h1>Which day?</h1>",
    );
    write(
        "routes/home.html",
        b"<!doctype html><title>Rega</title><h1>Start</h1>",
    );
    dir
}

/// Thursday 2026-11-26, 09:00 in Baghdad: tomorrow and the day after are the weekend.
pub const THURSDAY_9AM: i64 = 1_795_672_800;

/// The app with demo data and a test clock, on a fresh SQLite or PostgreSQL database.
pub struct DemoApp {
    /// The running app.
    pub app: TestApp,
    /// The clock the app reads.
    pub clock: Arc<rega_server::clock::TestClock>,
    /// The app's state, for arranging data directly.
    pub state: AppState,
}

/// Serves the demo data at `now` on the given database (`None` when PostgreSQL is skipped).
pub async fn spawn_demo(db: Db, now: i64) -> Option<DemoApp> {
    let data = tempfile::tempdir().expect("a temporary directory");
    let store = store(db, data.path()).await?;
    let keys = data.path().join("keys");
    Some(spawn_instance(store, data, now, &keys, None).await)
}

/// Serves the demo data at `now` on a store another instance may share, with the DL1 keys in
/// `keys` and, when given, the operator's trust anchor (else the demo's, made in memory).
pub async fn spawn_instance(
    store: Arc<dyn Store>,
    data: tempfile::TempDir,
    now: i64,
    keys: &Path,
    anchor: Option<&Path>,
) -> DemoApp {
    spawn_configured(store, data, now, keys, anchor, |_| {}).await
}

/// Serves the demo data at `now` with supervisors and administrators held to a second factor,
/// as every server but a demo's holds them (`None` when PostgreSQL is skipped).
pub async fn spawn_demo_with_second_factor(db: Db, now: i64) -> Option<DemoApp> {
    let data = tempfile::tempdir().expect("a temporary directory");
    let store = store(db, data.path()).await?;
    let keys = data.path().join("keys");
    Some(
        spawn_configured(store, data, now, &keys, None, |state| {
            state.second_factor_required = true;
        })
        .await,
    )
}

/// [`spawn_instance`], with the state changed by `configure` before it serves.
pub async fn spawn_configured(
    store: Arc<dyn Store>,
    data: tempfile::TempDir,
    now: i64,
    keys: &Path,
    anchor: Option<&Path>,
    configure: impl FnOnce(&mut AppState),
) -> DemoApp {
    let clock = Arc::new(rega_server::clock::TestClock::at(now));
    let mut state =
        AppState::new(store, data.path().join("no-dist"), true).with_clock(clock.clone());
    configure(&mut state);
    state.credentials =
        rega_server::credentials::Credentials::load(keys, anchor, true, state.store.as_ref(), now)
            .await
            .expect("demo keys");
    rega_server::demo::seed(&state).await.expect("demo data");
    // As `rega serve` does: on PostgreSQL, hear the changes every instance announces.
    state
        .relay_changes()
        .await
        .expect("the change relay listens");
    rega_server::jobs::ensure_window_slots(&state)
        .await
        .expect("slots");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address: SocketAddr = listener.local_addr().expect("a local address");
    let router = app(state.clone());
    tokio::spawn(async move {
        axum::serve(listener, router)
            .await
            .expect("the test server runs");
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    DemoApp {
        app: TestApp {
            url: format!("http://{address}"),
            client,
            _data: data,
        },
        clock,
        state,
    }
}

/// Asserts the status of an answer, and returns its JSON body.
pub async fn json_of(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status);
    response.json().await.expect("JSON")
}

/// Asserts a problem document with the status and code, and returns it.
pub async fn expect_problem(
    response: reqwest::Response,
    status: u16,
    code: &str,
) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status, "status for {code}");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "{code}"
    );
    let problem: serde_json::Value = response.json().await.expect("a JSON problem");
    assert_eq!(problem["code"], code, "{problem}");
    assert_eq!(problem["status"], status);
    problem
}
