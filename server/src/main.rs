//! The `rega` command: runs the server, and (later) the operators' key and token tools.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rega_server::config::ServeArgs;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => rega_server::run::serve(args),
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
