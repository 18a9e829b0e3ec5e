//! `cargo xtask test`: every check the project has, in one command, with one summary.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::postgres::TestPostgres;
use crate::process::run as sh;
use crate::root;

struct Step {
    name: &'static str,
    seconds: f64,
    outcome: Result<(), String>,
}

/// Runs setup, format, lints, host tests on both databases, the release build, and the browser
/// tests against a fresh server; prints a summary and fails if any step failed.
pub fn run() -> anyhow::Result<()> {
    let started = Instant::now();
    let mut steps: Vec<Step> = Vec::new();
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");

    let tools = timed(&mut steps, "setup", crate::setup::run);
    let Some(tools) = tools else {
        return summary(&steps, started);
    };

    timed(&mut steps, "format (cargo fmt --check)", || {
        sh("cargo", &["fmt", "--all", "--check"], &[])
    });
    timed(&mut steps, "lints (clippy, host)", || {
        sh(
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--quiet",
                "--",
                "-D",
                "warnings",
            ],
            &[],
        )
    });
    timed(
        &mut steps,
        "lints (clippy, wasm32 app and verifier)",
        || {
            sh(
                "cargo",
                &[
                    "clippy",
                    "-p",
                    "rega-app",
                    "-p",
                    "rega-credential",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--quiet",
                    "--",
                    "-D",
                    "warnings",
                ],
                &[],
            )
        },
    );
    timed(
        &mut steps,
        "app tests in a JavaScript engine (wasm-bindgen-test, Node)",
        || {
            sh(
                "cargo",
                &[
                    "test",
                    "-p",
                    "rega-app",
                    "--lib",
                    "--target",
                    "wasm32-unknown-unknown",
                    // No --quiet: cargo passes it on to the runner, which refuses it.
                ],
                &[
                    ("PATH", tools.path.as_os_str()),
                    (
                        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                        std::ffi::OsStr::new("wasm-bindgen-test-runner"),
                    ),
                ],
            )
        },
    );
    timed(
        &mut steps,
        "the browser's verifier carries no signer",
        verifier_has_no_signer,
    );

    // PostgreSQL for the storage tests: a given URL, or a private server started here.
    let mut postgres: Option<TestPostgres> = None;
    let database_url = match std::env::var("REGA_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => timed(&mut steps, "postgres (start a test server)", || {
            TestPostgres::start().map(|server| {
                let url = server.url.clone();
                postgres = Some(server);
                url
            })
        }),
    };
    if database_url.is_none() && ci {
        steps.push(Step {
            name: "postgres required in CI",
            seconds: 0.0,
            outcome: Err(
                "CI is set and PostgreSQL could not be started: its tests must not be skipped"
                    .into(),
            ),
        });
    }
    timed(&mut steps, "host tests (SQLite and PostgreSQL)", || {
        let mut env: Vec<(&str, &std::ffi::OsStr)> =
            vec![("REGA_PYTHON", tools.python.as_os_str())];
        if let Some(url) = &database_url {
            env.push(("REGA_TEST_DATABASE_URL", url.as_ref()));
        }
        sh("cargo", &["test", "--workspace", "--quiet"], &env)
    });

    let built = timed(
        &mut steps,
        "release build of the app (trunk, wasm-opt)",
        || crate::build::release(&tools),
    );
    let server_built = timed(&mut steps, "release build of the server", || {
        sh(
            "cargo",
            &["build", "--release", "--quiet", "-p", "rega-server"],
            &[],
        )
    });
    if server_built.is_some() {
        timed(
            &mut steps,
            "crash proof, short (5 SIGKILLs SQLite, 3 PostgreSQL)",
            || match &database_url {
                Some(url) => crate::chaos::run(crate::chaos::Length::Short, url).map(|report| {
                    print!("{report}");
                }),
                None => bail!("no PostgreSQL to run the crash proof's second half on"),
            },
        );
    }
    if server_built.is_some() {
        timed(
            &mut steps,
            "schema fuzzing (schemathesis, SQLite and PostgreSQL)",
            || schema_fuzzing(&tools, database_url.as_deref()),
        );
    }
    drop(postgres);
    if built.is_some() && server_built.is_some() {
        timed(&mut steps, "browser tests (Playwright, Chromium)", || {
            browser_tests(&tools)
        });
    }
    summary(&steps, started)
}

/// The credential crate as the browser builds it must not pull in the issuing half: no PEM
/// parsing, no randomness, no deflate.
fn verifier_has_no_signer() -> anyhow::Result<()> {
    let tree = crate::process::output(
        "cargo",
        &[
            "tree",
            "-p",
            "rega-credential",
            "--target",
            "wasm32-unknown-unknown",
            "-e",
            "normal",
            "--prefix",
            "none",
        ],
    )
    .context("cargo tree failed")?;
    let forbidden: Vec<&str> = tree
        .lines()
        .filter(|l| {
            ["getrandom", "flate2", "pem-rfc7468", "pkcs8", "zlib-rs"]
                .iter()
                .any(|c| l.starts_with(c))
        })
        .collect();
    if !forbidden.is_empty() {
        bail!(
            "the wasm verifier depends on signing-side crates: {}",
            forbidden.join(", ")
        );
    }
    // And the directorate app (the verify page) uses the crate without its issuing half.
    let features = crate::process::output(
        "cargo",
        &[
            "tree",
            "-p",
            "rega-app",
            "--target",
            "wasm32-unknown-unknown",
            "-e",
            "features",
            "-i",
            "rega-credential",
        ],
    )
    .context("cargo tree failed")?;
    if features.contains("rega-credential feature \"sign\"") {
        bail!("the browser app builds rega-credential with its `sign` feature");
    }
    Ok(())
}

fn timed<T>(
    steps: &mut Vec<Step>,
    name: &'static str,
    f: impl FnOnce() -> anyhow::Result<T>,
) -> Option<T> {
    println!("\n==> {name}");
    let started = Instant::now();
    let result = f();
    let seconds = started.elapsed().as_secs_f64();
    match result {
        Ok(value) => {
            steps.push(Step {
                name,
                seconds,
                outcome: Ok(()),
            });
            Some(value)
        }
        Err(error) => {
            eprintln!("xtask: {name} failed: {error:#}");
            steps.push(Step {
                name,
                seconds,
                outcome: Err(format!("{error:#}")),
            });
            None
        }
    }
}

fn summary(steps: &[Step], started: Instant) -> anyhow::Result<()> {
    println!("\n==> summary");
    for step in steps {
        let mark = if step.outcome.is_ok() { "ok  " } else { "FAIL" };
        println!("  {mark} {:<48} {:>7.1} s", step.name, step.seconds);
    }
    let failed: Vec<&Step> = steps.iter().filter(|s| s.outcome.is_err()).collect();
    println!("  total {:.1} s", started.elapsed().as_secs_f64());
    // A full disk shows as many unrelated failures; say how much room there was.
    if let Some(free) = crate::process::output("df", &["-h", "--output=avail,target", ".", "/tmp"])
    {
        println!("  disk space left:\n{free}");
    }
    if failed.is_empty() {
        println!("all checks passed");
        Ok(())
    } else {
        for step in &failed {
            if let Err(message) = &step.outcome {
                // The first line says what failed; a step may add why (the failed browser tests).
                let mut lines = message.lines();
                println!("  {}: {}", step.name, lines.next().unwrap_or(""));
                for line in lines.take(60) {
                    println!("    {line}");
                }
            }
        }
        bail!("{} of {} steps failed", failed.len(), steps.len())
    }
}

/// A `rega serve` process on a free port with a fresh database; killed when dropped.
pub(crate) struct TestServer {
    child: Child,
    pub(crate) data_dir: std::path::PathBuf,
    pub(crate) url: String,
}

/// Test cases schemathesis generates per operation and caller in the test command.
const FUZZ_EXAMPLES: &str = "30";

/// end2end/api-fuzz.py against a demo server on SQLite, then one on PostgreSQL: every operation
/// as anonymous, kiosk, registry client, citizen, desk and supervisor; no 5xx, no undocumented status or type, no
/// body outside its schema.
fn schema_fuzzing(tools: &crate::setup::Tools, database_url: Option<&str>) -> anyhow::Result<()> {
    let Some(database_url) = database_url else {
        bail!("no PostgreSQL to fuzz the PostgreSQL store against");
    };
    let postgres = crate::postgres::fresh_database(database_url, "rega_fuzz")?;
    for env in [vec![], vec![("DATABASE_URL", postgres.as_str())]] {
        let server = TestServer::start_with(&env)?;
        let log = std::fs::read_to_string(server.log_path()).unwrap_or_default();
        let kiosk = log
            .lines()
            .find_map(|l| l.split_once("enter this kiosk code once: "))
            .map(|(_, code)| code.trim().to_owned())
            .context("the demo printed no kiosk code")?;
        let mut add = Command::new(root().join("target/release/rega"));
        add.args(["registry-client", "add", "--name", "fuzz", "--data-dir"])
            .arg(&server.data_dir)
            .env_remove("DATABASE_URL")
            .envs(env.iter().copied());
        let added = add
            .output()
            .context("cannot run rega registry-client add")?;
        if !added.status.success() {
            bail!(
                "rega registry-client add failed: {}",
                String::from_utf8_lossy(&added.stderr)
            );
        }
        let registry = String::from_utf8_lossy(&added.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .to_owned();
        println!(
            "fuzz: {} on {}",
            if env.is_empty() {
                "SQLite"
            } else {
                "PostgreSQL"
            },
            server.url
        );
        sh(
            tools.python.to_str().unwrap_or("python3"),
            &[
                root()
                    .join("end2end/api-fuzz.py")
                    .to_str()
                    .unwrap_or_default(),
                &server.url,
                &kiosk,
                &registry,
                FUZZ_EXAMPLES,
            ],
            &[],
        )?;
    }
    Ok(())
}

impl TestServer {
    pub(crate) fn start() -> anyhow::Result<TestServer> {
        TestServer::start_with(&[])
    }

    /// Starts it with these environment variables (`DATABASE_URL` for PostgreSQL).
    pub(crate) fn start_with(env: &[(&str, &str)]) -> anyhow::Result<TestServer> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let data_dir = std::env::temp_dir().join(format!("rega-e2e-{port}"));
        let _ = std::fs::remove_dir_all(&data_dir);
        let log = std::fs::File::create(log_path(port))?;
        let child = Command::new(root().join("target/release/rega"))
            .args(["serve", "--demo", "--port", &port.to_string()])
            // Every spec signs in from 127.0.0.1; the per-ID limits stay as in production.
            .args(["--codes-per-address", "10000"])
            .arg("--data-dir")
            .arg(&data_dir)
            .arg("--dist-dir")
            .arg(root().join("dist"))
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("cannot start target/release/rega")?;
        let server = TestServer {
            child,
            data_dir,
            url: format!("http://127.0.0.1:{port}"),
        };
        server.wait_ready(port)?;
        Ok(server)
    }

    fn wait_ready(&self, port: u16) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
                use std::io::{Read, Write};
                let _ = stream.write_all(
                    b"GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                );
                let mut reply = String::new();
                let _ = stream.read_to_string(&mut reply);
                if reply.starts_with("HTTP/1.1 200") {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        bail!(
            "the test server did not become ready within 60 s; see {}",
            log_path(port).display()
        )
    }

    /// Where its output goes.
    pub(crate) fn log_path(&self) -> std::path::PathBuf {
        log_path(
            self.url
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or(0),
        )
    }
}

fn log_path(port: u16) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("rega-e2e-{port}.log"))
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // SIGTERM first, so the graceful shutdown path runs as in production.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

fn browser_tests(tools: &crate::setup::Tools) -> anyhow::Result<()> {
    let server = TestServer::start()?;
    let bin = root().join("target/release/rega");
    // A second release of the same app, for the test that the service worker picks it up.
    let next = root().join("target/dist-next");
    crate::build::next_release(&root().join("dist"), &next)?;
    let dist = root().join("dist");
    println!("e2e: rega on {}", server.url);
    playwright(
        tools,
        &server,
        "end2end/playwright.config.ts",
        &[
            ("REGA_BIN", bin.as_os_str()),
            ("REGA_DIST", dist.as_os_str()),
            ("REGA_NEXT_DIST", next.as_os_str()),
            ("REGA_PYTHON", tools.python.as_os_str()),
        ],
    )
}

/// Runs a Playwright configuration against `server`, in Debian's Chromium.
pub(crate) fn playwright(
    tools: &crate::setup::Tools,
    server: &TestServer,
    config: &str,
    extra_env: &[(&str, &std::ffi::OsStr)],
) -> anyhow::Result<()> {
    let mut env: Vec<(&str, &std::ffi::OsStr)> = vec![
        ("PATH", tools.path.as_ref()),
        ("REGA_BASE_URL", server.url.as_ref()),
        ("REGA_DATA_DIR", server.data_dir.as_os_str()),
        ("CHROMIUM_PATH", tools.chromium.as_os_str()),
    ];
    env.extend_from_slice(extra_env);
    // A JSON report beside the list, so a failure's own message reaches the summary (CI shows
    // only the end of the output).
    let report = root().join("target/playwright-report.json");
    let _ = std::fs::remove_file(&report);
    env.push(("PLAYWRIGHT_JSON_OUTPUT_NAME", report.as_os_str()));
    sh(
        "npx",
        &[
            "--no-install",
            "playwright",
            "test",
            "--config",
            config,
            "--reporter=list,json",
        ],
        &env,
    )
    .map_err(|error| match std::fs::read_to_string(&report) {
        Ok(json) => anyhow::anyhow!("{error:#}\n{}", crate::playwright_report::failures(&json)),
        Err(_) => error,
    })
}
