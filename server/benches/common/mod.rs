//! What the benchmarks share: the release server as a child process, and citizens seeded in
//! bulk with sessions (one transaction), so a load can start at once.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rega_api::service::ServiceKind;
use rega_server::store::Store;
use sqlx::Connection;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Now, Unix seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `target/release/rega` with its arguments, on its port; stopped (SIGTERM) when dropped.
pub struct Server {
    child: Option<Child>,
    args: Vec<String>,
    env: Vec<(String, String)>,
    ready_path: String,
    port: u16,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }
}

impl Server {
    /// Starts it on a free port and waits until `ready_path` answers 2xx.
    pub fn start(args: &[&str], env: &[(&str, &str)], ready_path: &str) -> Server {
        let port = free_port();
        let mut server = Server {
            child: None,
            args: args.iter().map(|a| a.to_string()).collect(),
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ready_path: ready_path.to_owned(),
            port,
            url: format!("http://127.0.0.1:{port}"),
        };
        server.restart();
        server
    }

    /// Starts it again (after [`Server::kill`]) on the same port, and waits until it is ready.
    pub fn restart(&mut self) {
        let mut command = Command::new(root().join("target/release/rega"));
        command
            .args(&self.args)
            .args(["--port", &self.port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (k, v) in &self.env {
            command.env(k, v);
        }
        let mut child = command
            .spawn()
            .expect("target/release/rega starts (cargo build --release -p rega-server)");
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let ok = Command::new("curl")
                .args([
                    "-sf",
                    "-m",
                    "2",
                    &format!("{}{}", self.url, self.ready_path),
                ])
                .stdout(Stdio::null())
                .status();
            if ok.is_ok_and(|s| s.success()) {
                self.child = Some(child);
                return;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the server exited at start: {status}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server did not start");
    }

    /// SIGKILL: no shutdown, nothing flushed that was not already on disk.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The server's peak memory (VmHWM), KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        let Some(child) = &self.child else {
            return 0;
        };
        std::fs::read_to_string(format!("/proc/{}/status", child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    }
}

/// The network of the benchmarks: the demo's rules, services and holidays, and directorates
/// offering only the theory test with the given places per slot, applied as an operator's
/// `rega config apply` would (which makes their booking window's slots too).
pub async fn theory_network(store: &Arc<dyn Store>, directorates: &[(&str, u32)]) {
    let theory: Vec<[(ServiceKind, u32); 1]> = directorates
        .iter()
        .map(|(_, n)| [(ServiceKind::TheoryTest, *n)])
        .collect();
    let list: Vec<(&str, &[(ServiceKind, u32)])> = directorates
        .iter()
        .zip(&theory)
        .map(|((id, _), counters)| (*id, &counters[..]))
        .collect();
    rega_server::demo::apply_network(store.as_ref(), &list, unix_now())
        .await
        .expect("the network applied");
}

/// Gives every slot of `directorate` `places` places, as a supervisor's change of places would
/// (the configuration allows at most 50 counters a service, fewer than a load test books).
pub async fn raise_places(raw_url: &str, postgres: bool, directorate: &str, places: u32) {
    let statement = if postgres {
        "UPDATE slot SET capacity = $1 WHERE directorate_id = $2"
    } else {
        "UPDATE slot SET capacity = ? WHERE directorate_id = ?"
    };
    macro_rules! raise {
        ($conn:expr) => {{
            let mut conn = $conn;
            sqlx::query(statement)
                .bind(i64::from(places))
                .bind(directorate)
                .execute(&mut conn)
                .await
                .expect("places raised");
        }};
    }
    if postgres {
        raise!(
            sqlx::PgConnection::connect(raw_url)
                .await
                .expect("PostgreSQL")
        );
    } else {
        raise!(
            sqlx::SqliteConnection::connect(raw_url)
                .await
                .expect("SQLite")
        );
    }
}

/// `citizens` citizens (national IDs from `first_id` on; adults, no licence) each with a
/// session, in one transaction on `raw_url`: their ids and session cookies.
pub async fn citizens_with_sessions(
    raw_url: &str,
    postgres: bool,
    first_id: u64,
    citizens: usize,
) -> Vec<(i64, String)> {
    let p = |n: usize| {
        if postgres {
            format!("${n}")
        } else {
            "?".into()
        }
    };
    let insert_citizen = format!(
        "INSERT INTO citizen (national_id, phone, birth_date) VALUES ({}, {}, {}) RETURNING id",
        p(1),
        p(2),
        p(3)
    );
    let insert_session = format!(
        "INSERT INTO session (token_hash, citizen_id, created_at, last_seen_at) VALUES ({}, {}, {}, {})",
        p(1),
        p(2),
        p(3),
        p(4)
    );
    let now = unix_now();
    let mut seeded = Vec::with_capacity(citizens);
    macro_rules! bulk {
        ($conn:expr) => {{
            let mut tx = $conn.begin().await.expect("a transaction");
            for n in 0..citizens {
                let national_id = first_id + n as u64;
                let id: i64 = sqlx::query_scalar(&insert_citizen)
                    .bind(format!("{national_id:012}"))
                    .bind(format!("+9647{:09}", national_id % 1_000_000_000))
                    .bind("1990-01-01")
                    .fetch_one(&mut *tx)
                    .await
                    .expect("a citizen");
                let token = format!("bench-session-{national_id:012}-0123456789abcdef0123456789");
                sqlx::query(&insert_session)
                    .bind(rega_server::auth::token_hash(&token))
                    .bind(id)
                    .bind(now)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .expect("a session");
                seeded.push((id, format!("{}={token}", rega_server::auth::SESSION_COOKIE)));
            }
            tx.commit().await.expect("committed");
        }};
    }
    if postgres {
        let mut conn = sqlx::PgConnection::connect(raw_url)
            .await
            .expect("PostgreSQL");
        bulk!(conn);
    } else {
        let mut conn = sqlx::SqliteConnection::connect(raw_url)
            .await
            .expect("SQLite");
        bulk!(conn);
    }
    seeded
}

/// A fresh database on the PostgreSQL server of `server_url` (a URL naming any database): its URL.
pub async fn fresh_postgres_database(server_url: &str, prefix: &str) -> String {
    let name = format!("{prefix}_{}_{}", std::process::id(), unix_now());
    let mut admin = sqlx::PgConnection::connect(server_url)
        .await
        .expect("PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("a database");
    format!(
        "{}/{name}",
        server_url
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or(server_url)
    )
}
