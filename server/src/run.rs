//! Starting and stopping the server process: logging, storage, the listener, graceful shutdown.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::config::ServeArgs;
use crate::http::serve::Limits;
use crate::store;
use crate::{AppState, app};

/// Runs `rega serve` until Ctrl-C or SIGTERM.
pub fn serve(args: ServeArgs) -> anyhow::Result<()> {
    init_logging(&args.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve_async(args))
}

fn init_logging(format: &str) {
    // An empty RUST_LOG counts as unset (an empty filter would silence everything below warn).
    let filter = std::env::var("RUST_LOG")
        .ok()
        .filter(|value| !value.trim().is_empty())
        .and_then(|value| EnvFilter::try_new(value).ok())
        .unwrap_or_else(|| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    // Logs go to stderr: stdout carries only what scripts read (the URL line).
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().flatten_event(true).init();
    } else {
        builder.compact().init();
    }
}

/// Where the database is, for the operators' commands (the same flags as `rega serve`).
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// Directory of the embedded SQLite database.
    #[arg(long, env = "REGA_DATA_DIR", default_value = "./data")]
    pub data_dir: std::path::PathBuf,
    /// PostgreSQL URL, when Rega stores its data there.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

/// `rega kiosk enrol`.
#[derive(Debug, clap::Args)]
pub struct KioskEnrolArgs {
    /// The directorate the kiosk stands in, e.g. `erbil`.
    #[arg(long)]
    pub directorate: String,
    /// A label to tell kiosks apart, e.g. `Erbil hall 1`.
    #[arg(long)]
    pub label: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// `rega registry import`.
#[derive(Debug, clap::Args)]
pub struct RegistryImportArgs {
    /// The registry's NDJSON file: one citizen record per line (`docs/registry.md`); `-` reads
    /// standard input.
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// `rega registry-client add` and `revoke`.
#[derive(Debug, clap::Args)]
pub struct RegistryClientArgs {
    /// The client's name, e.g. `gdt-registry` (what the audit trail shows).
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// `rega kiosk revoke`.
#[derive(Debug, clap::Args)]
pub struct KioskRevokeArgs {
    /// The kiosk's number, as `rega kiosk enrol` printed it.
    #[arg(long)]
    pub id: i64,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

impl DatabaseArgs {
    /// The store these arguments name (SQLite's data directory prepared if need be).
    pub(crate) async fn open(&self) -> anyhow::Result<Arc<dyn store::Store>> {
        open_store(&self.data_dir, self.database_url.as_deref()).await
    }
}

async fn open_store(
    data_dir: &Path,
    database_url: Option<&str>,
) -> anyhow::Result<Arc<dyn store::Store>> {
    Ok(match database_url {
        Some(url) => store::postgres::connect(url)
            .await
            .map(|s| Arc::new(s) as _)?,
        None => {
            prepare_data_dir(data_dir)?;
            let path = data_dir.join("rega.sqlite3");
            store::sqlite::open(&path).await.map(|s| Arc::new(s) as _)?
        }
    })
}

pub(crate) fn block_on<T>(
    work: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(work)
}

/// `rega staff add`.
#[derive(Debug, clap::Args)]
pub struct StaffAddArgs {
    /// The sign-in name.
    #[arg(long)]
    pub username: String,
    /// `desk`, `supervisor` or `admin` (the central administrator, of no directorate).
    #[arg(long, value_parser = ["desk", "supervisor", "admin"])]
    pub role: String,
    /// The one directorate a desk or supervisor works for, e.g. `erbil`; none for `admin`.
    #[arg(long)]
    pub directorate: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Creates a staff account.
pub fn staff_add(args: StaffAddArgs) -> anyhow::Result<()> {
    let password = match std::env::var("REGA_STAFF_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .context("cannot read the password from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    if !crate::auth::password::acceptable_password(&password, &[&args.username]) {
        bail!(
            "the password must have 12 to 128 characters and not be easy to guess (a common password, a word with digits, a keyboard pattern or the username)"
        );
    }
    if !crate::domain::staff::valid_username(&args.username) {
        bail!("the username must be 3 to 64 lower-case letters, digits, `.`, `-` or `_`");
    }
    let role = crate::store::StaffRole::from_code(&args.role)
        .context("the role is desk, supervisor or admin")?;
    block_on(async move {
        let store = args.database.open().await?;
        let known: Vec<String> = store
            .directorates()
            .await?
            .into_iter()
            .map(|(d, _)| d.id)
            .collect();
        if !crate::domain::staff::posting_fits(role, args.directorate.as_deref(), &known) {
            bail!(
                "a desk or supervisor needs --directorate with a configured directorate ({}); an admin takes none",
                known.join(", ")
            );
        }
        let now = crate::clock::Clock::now(&crate::clock::SystemClock);
        let Some(id) = crate::auth::add_staff(
            store.as_ref(),
            &args.username,
            &password,
            role,
            args.directorate.as_deref(),
            now,
        )
        .await?
        else {
            bail!("there is already an account `{}`", args.username);
        };
        crate::http::audit::audit_store(
            store.as_ref(),
            now,
            "operator",
            "staff.added",
            &format!("staff:{id}"),
            "ok",
        )
        .await;
        match &args.directorate {
            Some(d) => println!(
                "staff account {} ({}) added for {d}",
                args.username, args.role
            ),
            None => println!("staff account {} ({}) added", args.username, args.role),
        }
        Ok(())
    })
}

/// Enrols a kiosk and prints its number and code (shown once: only its hash is stored).
pub fn kiosk_enrol(args: KioskEnrolArgs) -> anyhow::Result<()> {
    block_on(async move {
        let store = args.database.open().await?;
        let known = store.directorates().await?;
        if !known.iter().any(|(d, _)| d.id == args.directorate) {
            let ids: Vec<&str> = known.iter().map(|(d, _)| d.id.as_str()).collect();
            bail!(
                "no directorate `{}`; known: {}",
                args.directorate,
                if ids.is_empty() {
                    "none (start rega serve once first)".to_owned()
                } else {
                    ids.join(", ")
                }
            );
        }
        let now = crate::clock::Clock::now(&crate::clock::SystemClock);
        let (id, credential) =
            crate::routes::kiosk::enrol(store.as_ref(), &args.directorate, &args.label, now)
                .await?;
        crate::http::audit::audit_store(
            store.as_ref(),
            now,
            "operator",
            "kiosk.enrolled",
            &format!("kiosk:{id}"),
            "ok",
        )
        .await;
        println!(
            "kiosk {id} enrolled for {}; its kiosk code (enter it once on the kiosk):",
            args.directorate
        );
        println!("{credential}");
        Ok(())
    })
}

/// Imports the registry's records; prints each refused line and a summary. Fails (exit 1) when a
/// line was refused, after applying every other one.
pub fn registry_import(args: RegistryImportArgs) -> anyhow::Result<()> {
    block_on(async move {
        let store = args.database.open().await?;
        let input: Box<dyn std::io::BufRead + Send> = if args.file.as_os_str() == "-" {
            Box::new(std::io::BufReader::new(std::io::stdin()))
        } else {
            let file = std::fs::File::open(&args.file)
                .with_context(|| format!("cannot open {}", args.file.display()))?;
            Box::new(std::io::BufReader::with_capacity(256 * 1024, file))
        };
        let now = crate::clock::Clock::now(&crate::clock::SystemClock);
        let summary =
            crate::registry::import::import(store.as_ref(), input, &mut std::io::stdout(), now)
                .await?;
        let result = format!(
            "ok:created={},updated={},unchanged={},refused={}",
            summary.created, summary.updated, summary.unchanged, summary.refused
        );
        crate::http::audit::audit_store(
            store.as_ref(),
            now,
            "operator",
            "registry.imported",
            &args.file.display().to_string(),
            &result,
        )
        .await;
        println!(
            "{} lines: {} created, {} updated, {} unchanged, {} refused",
            summary.lines, summary.created, summary.updated, summary.unchanged, summary.refused
        );
        if summary.refused > 0 {
            bail!(
                "{} lines refused (listed above); the others are applied, and rerunning the file is safe",
                summary.refused
            );
        }
        Ok(())
    })
}

/// Adds a registry client and prints its credential (shown once: only its hash is stored).
pub fn registry_client_add(args: RegistryClientArgs) -> anyhow::Result<()> {
    block_on(async move {
        let name = args.name.trim();
        if name.is_empty() || name.len() > 64 || name.chars().any(|c| c.is_control()) {
            bail!("the name must be 1 to 64 printable characters");
        }
        let store = args.database.open().await?;
        let now = crate::clock::Clock::now(&crate::clock::SystemClock);
        let Some((id, credential)) =
            crate::routes::registry::add_client(store.as_ref(), name, now).await?
        else {
            bail!(
                "a registry client `{name}` exists already; revoke it first or pick another name"
            );
        };
        crate::http::audit::audit_store(
            store.as_ref(),
            now,
            "operator",
            "registry.client_added",
            &format!("registry-client:{id}:{name}"),
            "ok",
        )
        .await;
        println!(
            "registry client `{name}` added; its credential (send it as `Authorization: Registry <credential>`; shown once):"
        );
        println!("{credential}");
        Ok(())
    })
}

/// Revokes a registry client: its credential stops working at once.
pub fn registry_client_revoke(args: RegistryClientArgs) -> anyhow::Result<()> {
    block_on(async move {
        let store = args.database.open().await?;
        let now = crate::clock::Clock::now(&crate::clock::SystemClock);
        if !store.revoke_registry_client(&args.name, now).await? {
            bail!("no registry client `{}` in force", args.name);
        }
        crate::http::audit::audit_store(
            store.as_ref(),
            now,
            "operator",
            "registry.client_revoked",
            &format!("registry-client:{}", args.name),
            "ok",
        )
        .await;
        println!("registry client `{}` revoked", args.name);
        Ok(())
    })
}

/// Revokes a kiosk's code.
pub fn kiosk_revoke(args: KioskRevokeArgs) -> anyhow::Result<()> {
    block_on(async move {
        let store = args.database.open().await?;
        let now = crate::clock::Clock::now(&crate::clock::SystemClock);
        if !store.revoke_kiosk(args.id, None, now).await? {
            bail!("no enrolled kiosk {} (or it is already revoked)", args.id);
        }
        crate::http::audit::audit_store(
            store.as_ref(),
            now,
            "operator",
            "kiosk.revoked",
            &format!("kiosk:{}", args.id),
            "ok",
        )
        .await;
        println!("kiosk {} revoked", args.id);
        Ok(())
    })
}

async fn serve_async(args: ServeArgs) -> anyhow::Result<()> {
    // Listen for SIGTERM before anything else, so a stop that arrives during start-up is
    // graceful too.
    let shutdown = shutdown_signal()?;
    let store = open_store(&args.data_dir, args.database_url.as_deref()).await?;

    if args.clock_offset_minutes != 0 && !args.demo {
        anyhow::bail!(
            "--clock-offset-minutes is for demo mode only (rehearsing a later day on demo data); a real server keeps the real time"
        );
    }
    let address = SocketAddr::new(args.bind, args.port);
    let listener = TcpListener::bind(address).await.map_err(|error| match error.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
            "port {} is already in use (is another rega running?); stop that program or choose another port with --port or REGA_PORT",
            args.port
        ),
        std::io::ErrorKind::PermissionDenied => anyhow::anyhow!(
            "not allowed to listen on port {}; choose a port above 1023 with --port or REGA_PORT",
            args.port
        ),
        _ => anyhow::anyhow!("cannot listen on {address}: {error}"),
    })?;

    if !args.dist_dir.join("index.html").is_file() {
        tracing::warn!(
            dist_dir = %args.dist_dir.display(),
            "no built app found; the API runs, but pages answer 503 until `cargo xtask serve` builds the app"
        );
    }

    let mut state = AppState::new(store, args.dist_dir.clone(), args.demo);
    if args.clock_offset_minutes != 0 {
        tracing::warn!(
            minutes = args.clock_offset_minutes,
            "demo: the server's clock runs shifted by --clock-offset-minutes"
        );
        state = state.with_clock(std::sync::Arc::new(crate::clock::OffsetClock::minutes(
            args.clock_offset_minutes,
        )));
    }
    state.codes_per_address = args.codes_per_address;
    // Supervisors and administrators sign in with a second factor, except on a demo's made-up
    // accounts (docs/security.md).
    state.second_factor_required = !args.demo;
    match (&args.sms_gateway_url, args.demo) {
        (Some(url), _) => {
            let gateway =
                crate::sms::HttpGateway::new(url.clone(), args.sms_gateway_token.clone())?;
            state.sms = std::sync::Arc::new(gateway);
        }
        (None, false) => tracing::warn!(
            "no SMS gateway (--sms-gateway-url): sign-in codes and reminders cannot be sent"
        ),
        (None, true) => {}
    }
    let keys_dir = args
        .keys_dir
        .clone()
        .unwrap_or_else(|| args.data_dir.join("keys"));
    state.credentials = crate::credentials::Credentials::load(
        &keys_dir,
        args.trust_anchor.as_deref(),
        args.demo,
        state.store.as_ref(),
        state.clock.now(),
    )
    .await?;
    if args.demo {
        crate::demo::seed(&state)
            .await
            .context("cannot seed the demo data")?;
    } else {
        ready_for_production(&args, &state).await?;
    }
    crate::jobs::ensure_window_slots(&state)
        .await
        .context("cannot create the slots of the booking window")?;
    crate::jobs::spawn_slot_keeper(state.clone());
    crate::jobs::spawn_reminders(state.clone());
    crate::jobs::spawn_waitlist_keeper(state.clone());
    crate::sender::spawn(state.clone());
    crate::jobs::spawn_trust_list_refresh(state.clone());
    state
        .relay_changes()
        .await
        .context("cannot listen for the changes other instances announce")?;
    let local = listener
        .local_addr()
        .context("cannot read the listening address")?;
    let url = format!("http://{}:{}", display_host(local), local.port());
    tracing::info!(%url, demo = args.demo, database = state.store.describe(), "rega is ready");
    // The URL on a line of its own, for people and for scripts waiting on it.
    println!("Rega is running at {url}");

    // Open event streams end when the stop begins, so the requests in flight can finish.
    let changes = state.changes.clone();
    let shutdown = async move {
        shutdown.await;
        changes.close();
    };
    crate::http::serve::serve(listener, app(state), shutdown, Limits::default())
        .await
        .context("the HTTP server stopped with an error")?;
    tracing::info!("rega stopped");
    Ok(())
}

/// A server without `--demo` serves real citizens: it refuses to start, listing everything
/// missing at once, rather than start without a way to send sign-in codes, to sign licences,
/// or to know its directorates (`docs/operations.md`, the first day in production).
async fn ready_for_production(args: &ServeArgs, state: &AppState) -> anyhow::Result<()> {
    let mut missing = Vec::new();
    if args.sms_gateway_url.is_none() {
        missing
            .push("an SMS gateway (--sms-gateway-url, REGA_SMS_GATEWAY_URL) for the sign-in codes");
    }
    if state.credentials.is_none() {
        missing.push("a DL1 signing key in the keys directory (--keys-dir; `rega keys generate`) and the trust anchor's public key (--trust-anchor)");
    }
    if state.store.configuration_version().await? == 0 {
        missing.push("the network's configuration (`rega config apply FILE`)");
    }
    if !missing.is_empty() {
        bail!(
            "not starting without --demo: missing {}; see docs/operations.md, \"the first day in production\"",
            missing.join("; ")
        );
    }
    Ok(())
}

fn display_host(address: SocketAddr) -> String {
    match address {
        SocketAddr::V4(v4) => v4.ip().to_string(),
        SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
    }
}

/// Creates the data directory and proves it is writable before anything else starts,
/// so a bad path is one clear error rather than a half-started server.
fn prepare_data_dir(dir: &Path) -> anyhow::Result<()> {
    let hint = "choose another with --data-dir or REGA_DATA_DIR";
    if dir.exists() && !dir.is_dir() {
        bail!(
            "data directory {} is a file, not a directory; {hint}",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot create data directory {}: {e}; {hint}",
            dir.display()
        )
    })?;
    let probe = dir.join(".rega-write-test");
    std::fs::write(&probe, b"ok").map_err(|e| {
        anyhow::anyhow!(
            "cannot write to data directory {}: {e}; {hint}",
            dir.display()
        )
    })?;
    std::fs::remove_file(&probe).ok();
    Ok(())
}

/// A future that completes on Ctrl-C or SIGTERM; the handlers are registered when it is created.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot listen for SIGTERM")?;
    Ok(async move {
        #[cfg(unix)]
        let terminate = terminate.recv();
        #[cfg(not(unix))]
        let terminate = std::future::pending::<Option<()>>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = terminate => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
}

/// Serves `GET /` → `{"ok":true}` with axum on the same runtime as `rega serve`: the ceiling
/// for the availability benchmark.
pub fn baseline(port: u16) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("no runtime")?;
    runtime.block_on(async move {
        let router = axum::Router::new().route(
            "/",
            axum::routing::get(|| async { axum::Json(serde_json::json!({ "ok": true })) }),
        );
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .context("cannot listen")?;
        println!("baseline on http://127.0.0.1:{port}");
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown_signal()?)
            .await
            .context("serve")
    })
}
