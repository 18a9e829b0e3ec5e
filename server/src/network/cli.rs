//! `rega config apply FILE` and `rega config export` (`docs/configuration.md`).

use anyhow::{Context, bail};
use rega_api::time::LocalDateTime;

use crate::network::apply::{apply, plan};
use crate::run::{DatabaseArgs, block_on};
use crate::store::ConfigurationRefused;

/// `rega config apply`.
#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// The configuration file (TOML); `-` reads standard input.
    pub file: std::path::PathBuf,
    /// Only show what applying it would do.
    #[arg(long)]
    pub dry_run: bool,
    /// Cancel the appointments the change strands (listed first), telling each citizen by SMS.
    #[arg(long)]
    pub cancel_stranded: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// `rega config export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Checks the file, shows what it would do, and applies it unless it is a dry run or it would
/// strand appointments without `--cancel-stranded`.
pub fn config_apply(args: ApplyArgs) -> anyhow::Result<()> {
    block_on(async move {
        let name = args.file.display().to_string();
        let text = if name == "-" {
            std::io::read_to_string(std::io::stdin()).context("cannot read standard input")?
        } else {
            std::fs::read_to_string(&args.file).with_context(|| format!("cannot read {name}"))?
        };
        let store = args.database.open().await?;
        let now = crate::clock::Clock::now(&crate::clock::SystemClock);
        let plan = match plan(store.as_ref(), &text, now).await? {
            Ok(plan) => plan,
            Err(refused) => bail!("{name} {refused}"),
        };
        if plan.unchanged {
            println!(
                "{name} is the configuration in force (version {}): nothing to apply",
                plan.expected_version
            );
            return Ok(());
        }
        println!(
            "{name}: {} directorates, {} holidays; version {} would become {}",
            plan.config.directorates.len(),
            plan.config
                .holidays
                .between(
                    rega_api::time::Date::from_days_since_epoch(0),
                    rega_api::time::Date::from_days_since_epoch(200_000)
                )
                .count(),
            plan.expected_version,
            plan.expected_version + 1
        );
        println!(
            "  slots: {} take no more bookings, {} change their places ({} keep more booked than their counters)",
            plan.closing_slots.len(),
            plan.places.len(),
            plan.over_counters
        );
        println!(
            "  appointments it strands (cancelled, each citizen told by SMS): {}",
            plan.stranded.len()
        );
        for a in &plan.stranded {
            let at = LocalDateTime::from_unix(a.starts_at);
            println!(
                "    {}  {}  {}  {} {}",
                a.reference,
                a.directorate_id,
                a.service.code(),
                at.date,
                at.hh_mm()
            );
        }
        if args.dry_run {
            println!("dry run: nothing applied");
            return Ok(());
        }
        if !plan.stranded.is_empty() && !args.cancel_stranded {
            bail!(
                "{} appointments would be cancelled (listed above); apply again with --cancel-stranded to cancel them and tell each citizen, or change the file",
                plan.stranded.len()
            );
        }
        match apply(store.as_ref(), &plan, "operator", now).await? {
            Ok(version) => {
                println!(
                    "applied: version {version} is in force on every instance (cancelled {})",
                    plan.stranded.len()
                );
                Ok(())
            }
            Err(ConfigurationRefused::Outdated { current }) => bail!(
                "version {current} was applied meanwhile; run the command again to compare with it"
            ),
            Err(ConfigurationRefused::MoreStranded) => bail!(
                "an appointment it would strand was booked meanwhile; run the command again to see it"
            ),
        }
    })
}

/// Prints the configuration in force.
pub fn config_export(args: ExportArgs) -> anyhow::Result<()> {
    block_on(async move {
        let store = args.database.open().await?;
        match store.configuration().await? {
            Some(stored) => {
                print!("{}", stored.document);
                Ok(())
            }
            None => {
                bail!("no configuration is applied yet; apply one with `rega config apply FILE`")
            }
        }
    })
}
