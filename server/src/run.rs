//! Starting and stopping the server process: logging, storage, the listener, graceful shutdown.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::config::ServeArgs;
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

async fn serve_async(args: ServeArgs) -> anyhow::Result<()> {
    // Listen for SIGTERM before anything else, so a stop that arrives during start-up is
    // graceful too.
    let shutdown = shutdown_signal()?;
    let store = match &args.database_url {
        Some(url) => store::postgres::PgStore::connect(url)
            .await
            .map(|s| Arc::new(s) as _)?,
        None => {
            prepare_data_dir(&args.data_dir)?;
            let path = args.data_dir.join("rega.sqlite3");
            store::sqlite::SqliteStore::open(&path)
                .await
                .map(|s| Arc::new(s) as _)?
        }
    };

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
    state.codes_per_address = args.codes_per_address;
    match (&args.sms_gateway_url, args.demo) {
        (Some(url), _) => {
            let gateway = crate::sms::HttpGateway::new(
                url.clone(),
                args.sms_gateway_token.clone(),
                std::time::Duration::from_secs(2),
            )?;
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
    state.credentials =
        crate::credentials::Credentials::load(&keys_dir, args.demo, state.clock.now())?;
    if args.demo {
        crate::demo::seed(&state)
            .await
            .context("cannot seed the demo data")?;
    }
    crate::jobs::ensure_window_slots(&state)
        .await
        .context("cannot create the slots of the booking window")?;
    crate::jobs::spawn_slot_keeper(state.clone());
    crate::jobs::spawn_reminders(state.clone());
    let local = listener
        .local_addr()
        .context("cannot read the listening address")?;
    let url = format!("http://{}:{}", display_host(local), local.port());
    tracing::info!(%url, demo = args.demo, database = state.store.describe(), "rega is ready");
    // The URL on a line of its own, for people and for scripts waiting on it.
    println!("Rega is running at {url}");

    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("the HTTP server stopped with an error")?;
    tracing::info!("rega stopped");
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
