//! The `rega` command: runs the server, and (later) the operators' key and token tools.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rega_server::config::ServeArgs;
use rega_server::tools;

#[derive(Debug, Parser)]
#[command(
    name = "rega",
    version,
    about = "Rega: driving-licence appointments and the digital licence"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the REST API and serve the app.
    Serve(ServeArgs),
    /// Make a server's DL1 signing key (its public part goes to the trust anchor's machine).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// On the trust anchor's offline machine: make the anchor key.
    #[command(subcommand)]
    Anchor(AnchorCommand),
    /// On the trust anchor's offline machine: sign the trust list.
    #[command(subcommand)]
    TrustList(TrustListCommand),
    /// Print a fresh DL1 token for a licence given as JSON.
    Token(tools::TokenArgs),
    /// Verify a DL1 QR text; prints JSON; exit 0 valid, 1 invalid, 2 usage error.
    Verify(tools::VerifyArgs),
    /// Enrol or revoke directorate kiosks.
    #[command(subcommand)]
    Kiosk(KioskCommand),
    /// Load records from the licence registry.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// Manage the licence registry's client credentials.
    #[command(subcommand)]
    RegistryClient(RegistryClientCommand),
    /// Apply or export the network's configuration (directorates, services, hours, holidays,
    /// rules).
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Manage directorate staff accounts.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Check the audit trail's hash chain.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// A bare axum JSON handler on the same runtime: the ceiling `cargo xtask bench` measures
    /// Rega's availability endpoint against.
    #[command(hide = true)]
    BenchBaseline(BaselineArgs),
}

/// `rega bench-baseline`: the ceiling the benchmarks compare against.
#[derive(Debug, clap::Args)]
struct BaselineArgs {
    /// TCP port to listen on (127.0.0.1).
    #[arg(long)]
    port: u16,
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Check a configuration file, show what it would do (the appointments it would strand
    /// first), and apply it; safe to rerun.
    Apply(rega_server::network::cli::ApplyArgs),
    /// Print the configuration in force, in the file's format.
    Export(rega_server::network::cli::ExportArgs),
}

#[derive(Debug, Subcommand)]
enum StaffCommand {
    /// Create a staff account; the password comes from REGA_STAFF_PASSWORD or the first line of
    /// standard input (never from the command line, which other users can see).
    Add(rega_server::run::StaffAddArgs),
}

#[derive(Debug, Subcommand)]
enum RegistryCommand {
    /// Import an NDJSON file of citizen records (the first day, or a catch-up); streams it,
    /// applies the valid records in batches, lists every refused line, and is safe to rerun.
    Import(rega_server::run::RegistryImportArgs),
}

#[derive(Debug, Subcommand)]
enum RegistryClientCommand {
    /// Add a client of `POST /registry/records`; prints its credential once.
    Add(rega_server::run::RegistryClientArgs),
    /// Revoke a client: its credential stops working at once.
    Revoke(rega_server::run::RegistryClientArgs),
}

#[derive(Debug, Subcommand)]
enum KioskCommand {
    /// Enrol a kiosk for a directorate; prints its kiosk code (enter it once on the kiosk).
    Enrol(rega_server::run::KioskEnrolArgs),
    /// Revoke a kiosk's code: the kiosk stops working at once.
    Revoke(rega_server::run::KioskRevokeArgs),
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Write a new signing key and its public part into a server's keys directory (never
    /// overwrites); it signs nothing until a published trust list names it active.
    Generate(tools::KeysGenerate),
    /// Write the public part of each signing key that has none yet (to sign it into the list).
    Export(tools::KeysExport),
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Report every audit record changed, inserted or removed; exit 0 whole, 1 tampered with.
    Verify(rega_server::trail::AuditVerifyArgs),
}

#[derive(Debug, Subcommand)]
enum AnchorCommand {
    /// Write the trust anchor's key pair (never overwrites); the private key stays offline.
    Generate(tools::AnchorGenerate),
}

#[derive(Debug, Subcommand)]
enum TrustListCommand {
    /// Sign the trust list described by a document (each key's public part, state and dates).
    Sign(tools::TrustListSign),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => rega_server::run::serve(args),
        Command::Keys(KeysCommand::Generate(args)) => tools::keys_generate(&args).map(|_| ()),
        Command::Keys(KeysCommand::Export(args)) => tools::keys_export(&args),
        Command::Anchor(AnchorCommand::Generate(args)) => tools::anchor_generate(&args),
        Command::TrustList(TrustListCommand::Sign(args)) => tools::trust_list_sign(&args),
        Command::Token(args) => tools::token(&args),
        Command::Config(ConfigCommand::Apply(args)) => {
            rega_server::network::cli::config_apply(args)
        }
        Command::Config(ConfigCommand::Export(args)) => {
            rega_server::network::cli::config_export(args)
        }
        Command::Staff(StaffCommand::Add(args)) => rega_server::run::staff_add(args),
        Command::Registry(RegistryCommand::Import(args)) => rega_server::run::registry_import(args),
        Command::RegistryClient(RegistryClientCommand::Add(args)) => {
            rega_server::run::registry_client_add(args)
        }
        Command::RegistryClient(RegistryClientCommand::Revoke(args)) => {
            rega_server::run::registry_client_revoke(args)
        }
        Command::Kiosk(KioskCommand::Enrol(args)) => rega_server::run::kiosk_enrol(args),
        Command::Kiosk(KioskCommand::Revoke(args)) => rega_server::run::kiosk_revoke(args),
        Command::BenchBaseline(args) => rega_server::run::baseline(args.port),
        Command::Audit(AuditCommand::Verify(args)) => {
            match rega_server::trail::audit_verify(args) {
                Ok(true) => Ok(()),
                Ok(false) => return ExitCode::from(1),
                Err(error) => Err(error),
            }
        }
        Command::Verify(args) => match tools::verify(&args) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::from(1),
            Err(error) => {
                eprintln!("rega: error: {error:#}");
                return ExitCode::from(2);
            }
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line that names the problem and the fix; never a backtrace.
            eprintln!("rega: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
