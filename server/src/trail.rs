//! `rega audit verify`: walks the audit trail's hash chain (`domain::audit_chain`) and reports
//! every record changed, inserted or removed, and a moved purge checkpoint.

use crate::domain::audit_chain::{AuditHead, ChainCheck, Finding};
use crate::run::{DatabaseArgs, block_on};
use crate::store::{Store, StoreError};

/// Records read per page.
const PAGE: u32 = 5_000;

/// `rega audit verify`.
#[derive(Debug, clap::Args)]
pub struct AuditVerifyArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// The chain as it stands: its head, how many records were checked, and what is wrong. Records
/// written while it runs (after the head it read) are left for the next run.
pub async fn verify_chain(store: &dyn Store) -> Result<(AuditHead, u64, Vec<Finding>), StoreError> {
    let head = store.audit_head().await?;
    let mut check = ChainCheck::new(&head);
    let mut after = head.checkpoint_seq;
    'pages: loop {
        let page = store.audit_chain(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for record in &page {
            if record.seq > head.seq {
                break 'pages;
            }
            check.record(record);
        }
    }
    let checked = check.checked;
    Ok((head.clone(), checked, check.finish(&head)))
}

/// Prints the report; `Ok(true)` when the chain is whole (exit 0), `Ok(false)` when not (1).
pub fn audit_verify(args: AuditVerifyArgs) -> anyhow::Result<bool> {
    block_on(async move {
        let store = args.database.open().await?;
        let (head, checked, findings) = verify_chain(store.as_ref()).await?;
        for finding in &findings {
            println!("BROKEN: {finding}");
        }
        println!(
            "{checked} record(s) checked, {} to {}; head {} {}",
            head.checkpoint_seq + 1,
            head.seq,
            head.seq,
            head.hash
        );
        if head.checkpoint_seq > 0 {
            println!(
                "records up to {} were purged (checkpoint {})",
                head.checkpoint_seq, head.checkpoint_hash
            );
        }
        if head.legacy > 0 {
            println!(
                "{} record(s) from before the chain began are not covered",
                head.legacy
            );
        }
        println!(
            "{}",
            if findings.is_empty() {
                "the audit trail is whole"
            } else {
                "the audit trail was tampered with"
            }
        );
        Ok(findings.is_empty())
    })
}
