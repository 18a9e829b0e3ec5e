//! Command-line flags of `rega serve`, each with its environment variable.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Args;

/// How `rega serve` runs.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Demo mode: seeds demo directorates, citizens and staff, enables the development SMS
    /// outbox, and generates signing keys on first start. Never use it in production.
    #[arg(long, env = "REGA_DEMO")]
    pub demo: bool,

    /// TCP port to listen on.
    #[arg(long, env = "REGA_PORT", default_value_t = 8080)]
    pub port: u16,

    /// Address to listen on. The default keeps Rega on this machine; put a reverse proxy in front
    /// of it, or use 0.0.0.0 behind a load balancer.
    #[arg(long, env = "REGA_BIND", default_value = "127.0.0.1")]
    pub bind: IpAddr,

    /// Directory for the embedded SQLite database and generated keys. Created if missing.
    #[arg(long, env = "REGA_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// PostgreSQL URL (postgres://user:password@host/db). When given, Rega stores everything
    /// there instead of the embedded SQLite file, and any number of instances may share it.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// Directory of the built app (what `cargo xtask build` writes).
    #[arg(long, env = "REGA_DIST_DIR", default_value = "./dist")]
    pub dist_dir: PathBuf,

    /// Directory with this server's DL1 signing keys (signing-<kid>.pem; `rega keys generate`)
    /// and the published trust list (trust-list.jws). Defaults to `<data-dir>/keys`; demo mode
    /// creates a signing key there on first start. Never the anchor's private key.
    #[arg(long, env = "REGA_KEYS_DIR")]
    pub keys_dir: Option<PathBuf>,

    /// The trust anchor's public key (anchor-pub.pem from the anchor's offline machine): only
    /// lists it signed are served, and the verifier app is given it as its pin. Defaults to
    /// `<keys-dir>/anchor-pub.pem`; demo mode makes an anchor in memory instead.
    #[arg(long, env = "REGA_TRUST_ANCHOR")]
    pub trust_anchor: Option<PathBuf>,

    /// The SMS gateway: sign-in codes and reminders are POSTed here as JSON
    /// `{"to": "+964…", "text": "…"}`. Required outside demo mode; demo mode uses the
    /// development outbox instead.
    #[arg(long, env = "REGA_SMS_GATEWAY_URL")]
    pub sms_gateway_url: Option<String>,

    /// Bearer token for the SMS gateway.
    #[arg(long, env = "REGA_SMS_GATEWAY_TOKEN", hide_env_values = true)]
    pub sms_gateway_token: Option<String>,

    /// Sign-in codes one client address may ask for per 15 minutes. Raise it when many
    /// citizens share one address (a carrier's NAT, a test suite).
    #[arg(long, env = "REGA_CODES_PER_ADDRESS", default_value_t = crate::auth::codes::MAX_CODES_PER_ADDRESS,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub codes_per_address: u32,

    /// Demo mode only: runs the server's clock this many minutes ahead (or behind), to rehearse
    /// a later day on the demo data, e.g. checking in at the kiosk for an appointment booked for
    /// tomorrow. Refused without `--demo`: a real server keeps the real time.
    #[arg(
        long,
        env = "REGA_CLOCK_OFFSET_MINUTES",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    pub clock_offset_minutes: i64,

    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, env = "REGA_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
}
