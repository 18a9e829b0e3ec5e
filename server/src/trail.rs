//! `rega audit verify`: walks the audit trail's hash chain (`domain::audit_chain`) and reports
//! every record changed, inserted or removed, a moved purge checkpoint, and (given the trust
//! list) a purge checkpoint whose signature does not verify.

use std::path::PathBuf;

use anyhow::Context as _;
use rega_credential::TrustList;

use crate::domain::audit_chain::{Attestation, AuditHead, ChainCheck, Finding, checkpoint_message};
use crate::run::{DatabaseArgs, block_on};
use crate::store::{Store, StoreError};

/// Records read per page.
const PAGE: u32 = 5_000;

/// `rega audit verify`.
#[derive(Debug, clap::Args)]
pub struct AuditVerifyArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The published trust list (trust-list.jws), to check the purge checkpoint's signature.
    #[arg(long, requires = "anchor")]
    pub trust_list: Option<PathBuf>,
    /// The trust anchor's public key (anchor-pub.pem) the list is signed by.
    #[arg(long, requires = "trust_list")]
    pub anchor: Option<PathBuf>,
}

/// What walking the chain found.
#[derive(Debug, Clone)]
pub struct ChainReport {
    /// The head as read before the walk.
    pub head: AuditHead,
    /// Records checked.
    pub checked: u64,
    /// What is wrong.
    pub findings: Vec<Finding>,
    /// The purge record naming the checkpoint in force, if any.
    pub attestation: Option<Attestation>,
}

/// The chain as it stands. Records written while it runs (after the head it read) are left for
/// the next run.
pub async fn verify_chain(store: &dyn Store) -> Result<ChainReport, StoreError> {
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
    let (checked, attestation) = (check.checked, check.attestation.clone());
    Ok(ChainReport {
        findings: check.finish(&head),
        head,
        checked,
        attestation,
    })
}

/// Whether a signed checkpoint's signature verifies with the key of its kid in the list.
pub fn signature_holds(attestation: &Attestation, list: &TrustList) -> Option<bool> {
    let signed = attestation.signed.as_ref()?;
    let holds = list
        .keys
        .iter()
        .find(|k| crate::auth::sessions::hex(&k.kid) == signed.kid)
        .is_some_and(|key| {
            rega_credential::keys::verify_message(
                &key.key,
                &checkpoint_message(attestation.seq, &attestation.hash, attestation.at),
                &signed.signature,
            )
        });
    Some(holds)
}

/// Prints the report; `Ok(true)` when the chain is whole (exit 0), `Ok(false)` when not (1).
pub fn audit_verify(args: AuditVerifyArgs) -> anyhow::Result<bool> {
    let list = match (&args.trust_list, &args.anchor) {
        (Some(list), Some(anchor)) => {
            let read = |p: &PathBuf| {
                std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
            };
            let anchor = rega_credential::sign::read_public_key_pem(&read(anchor)?)
                .context("--anchor is not a P-256 public key")?;
            Some(TrustList::from_jws(&read(list)?, &anchor).map_err(|e| {
                anyhow::anyhow!("the trust list is not signed by the anchor: {e:?}")
            })?)
        }
        _ => None,
    };
    block_on(async move {
        let store = args.database.open().await?;
        let mut report = verify_chain(store.as_ref()).await?;
        let head = &report.head;
        if let Some(attestation) = &report.attestation {
            match (&attestation.signed, &list) {
                (None, _) => println!(
                    "the purge checkpoint is not signed (no signing key was in force when purging)"
                ),
                (Some(signed), None) => println!(
                    "the purge checkpoint is signed by key {}; give --trust-list and --anchor to check it",
                    signed.kid
                ),
                (Some(_), Some(list)) => {
                    if signature_holds(attestation, list) == Some(false) {
                        report.findings.push(Finding::CheckpointSignatureBad {
                            seq: attestation.seq,
                        });
                    } else {
                        println!("the purge checkpoint's signature verifies");
                    }
                }
            }
        }
        for finding in &report.findings {
            println!("BROKEN: {finding}");
        }
        println!(
            "{} record(s) checked, {} to {}; head {} {}",
            report.checked,
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
        let whole = report.findings.is_empty();
        println!(
            "{}",
            if whole {
                "the audit trail is whole"
            } else {
                "the audit trail was tampered with"
            }
        );
        Ok(whole)
    })
}
