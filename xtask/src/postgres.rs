//! A private PostgreSQL server for the tests: its own data directory and port on 127.0.0.1,
//! started from Debian's binaries and stopped (and deleted) when the tests end.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// A running test server; dropping it stops the server and removes its files.
pub struct TestPostgres {
    bin: PathBuf,
    data: PathBuf,
    as_postgres_user: bool,
    /// `postgres://…` for the tests.
    pub url: String,
}

/// Finds the newest installed PostgreSQL's binaries directory.
fn bin_dir() -> anyhow::Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed (no /usr/lib/postgresql); run `cargo xtask setup`")?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .context("no PostgreSQL server binaries under /usr/lib/postgresql")
}

/// Creates the database `name` on the server of `url` (a URL naming any of its databases) with
/// Debian's `psql`: the new database's URL.
pub fn fresh_database(url: &str, name: &str) -> anyhow::Result<String> {
    let psql = bin_dir()?.join("psql");
    let status = Command::new(&psql)
        .args([url, "-q", "-c", &format!("DROP DATABASE IF EXISTS {name}")])
        .status()
        .context("cannot run psql")?;
    if !status.success() {
        bail!("cannot drop the database {name}");
    }
    let status = Command::new(&psql)
        .args([url, "-q", "-c", &format!("CREATE DATABASE {name}")])
        .status()
        .context("cannot run psql")?;
    if !status.success() {
        bail!("cannot create the database {name}");
    }
    let base = url.rsplit_once('/').map_or(url, |(base, _)| base);
    Ok(format!("{base}/{name}"))
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl TestPostgres {
    /// Initialises and starts a fresh server with a `rega` role that may create databases.
    pub fn start() -> anyhow::Result<TestPostgres> {
        let bin = bin_dir()?;
        let port = free_port()?;
        let data = std::env::temp_dir().join(format!("rega-test-pg-{port}"));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data)?;
        // PostgreSQL refuses to run as root: use the `postgres` account Debian's package creates.
        let as_postgres_user = crate::process::output("id", &["-u"]).as_deref() == Some("0");
        if as_postgres_user {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&data)
                .status()?;
            if !status.success() {
                bail!("cannot give {} to the postgres user", data.display());
            }
        }
        let server = TestPostgres {
            bin,
            data,
            as_postgres_user,
            url: format!("postgres://rega:rega@127.0.0.1:{port}/postgres"),
        };
        let pgdata = server.data.join("pgdata");
        let password_file = server.data.join("pw");
        std::fs::write(&password_file, "rega\n")?;
        if as_postgres_user {
            Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&password_file)
                .status()?;
        }
        server.pg(
            "initdb",
            &[
                "-D",
                &pgdata.to_string_lossy(),
                "-U",
                "rega",
                "--pwfile",
                &password_file.to_string_lossy(),
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
        )?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=on -c max_connections=200 -c max_wal_size=256MB",
            server.data.display()
        );
        server.pg(
            "pg_ctl",
            &[
                "-D",
                &pgdata.to_string_lossy(),
                "-l",
                &server.data.join("log").to_string_lossy(),
                "-o",
                &options,
                "-w",
                "start",
            ],
        )?;
        println!("postgres: test server on 127.0.0.1:{port}");
        Ok(server)
    }

    fn pg(&self, tool: &str, args: &[&str]) -> anyhow::Result<()> {
        let program = self.bin.join(tool);
        let mut command = if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let out = command
            .args(args)
            .current_dir(&self.data)
            .output()
            .with_context(|| format!("cannot run {}", program.display()))?;
        if !out.status.success() {
            bail!(
                "{tool} failed: {}{}",
                String::from_utf8_lossy(&out.stderr).trim(),
                self.log_tail()
            );
        }
        Ok(())
    }

    fn log_tail(&self) -> String {
        std::fs::read_to_string(self.data.join("log"))
            .map(|log| {
                format!(
                    "\nserver log:\n{}",
                    log.lines()
                        .rev()
                        .take(10)
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect::<Vec<_>>()
                        .join("\n")
                )
            })
            .unwrap_or_default()
    }

    fn stop(&self) {
        let pgdata = self.data.join("pgdata");
        let _ = self.pg(
            "pg_ctl",
            &["-D", &pgdata.to_string_lossy(), "-m", "fast", "-w", "stop"],
        );
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        self.stop();
        remove(&self.data);
    }
}

fn remove(path: &Path) {
    let _ = std::fs::remove_dir_all(path);
}
