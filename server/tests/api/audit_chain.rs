//! The audit trail no one can quietly edit (issue 15): every record chained to the one before;
//! a record changed, removed or inserted with SQL, the newest records cut off, or the purge
//! checkpoint moved is named by the check `rega audit verify` runs — on SQLite and PostgreSQL,
//! with two instances writing at the same instant.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use rega_credential::keys::VerifyingKey;
use rega_credential::sign::{Issuer, generate_key};
use rega_credential::{KeyStatus, TrustList, TrustedKey};
use rega_server::domain::audit_chain::{CheckpointSignature, Finding};
use rega_server::store::{AuditRecord, Store};
use rega_server::trail::{signature_holds, verify_chain};
use sqlx::Connection as _;

use crate::helpers::{Db, fresh_postgres_database, postgres_store, postgres_url, sqlite_store};

const T0: i64 = 1_795_856_400;

/// A store and a way around it: raw SQL, as a dishonest insider would have.
struct Trail {
    store: Arc<dyn Store>,
    raw: Raw,
    data: tempfile::TempDir,
}

enum Raw {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Trail {
    async fn new(db: Db) -> Option<Trail> {
        let data = tempfile::tempdir().expect("a directory");
        Some(match db {
            Db::Sqlite => Trail {
                store: sqlite_store(data.path()).await,
                raw: Raw::Sqlite(data.path().join("rega.sqlite3")),
                data,
            },
            Db::Postgres => {
                let url = fresh_postgres_database(&postgres_url()?).await;
                Trail {
                    store: postgres_store(&url).await,
                    raw: Raw::Postgres(url),
                    data,
                }
            }
        })
    }

    /// Runs a statement behind Rega's back.
    async fn sql(&self, statement: &str) {
        match &self.raw {
            Raw::Sqlite(path) => {
                let mut c =
                    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                        .await
                        .expect("SQLite opens");
                sqlx::query(statement).execute(&mut c).await.expect("done");
            }
            Raw::Postgres(url) => {
                let mut c = sqlx::PgConnection::connect(url).await.expect("connects");
                sqlx::query(statement).execute(&mut c).await.expect("done");
            }
        }
    }

    async fn write(&self, n: i64) {
        self.store.audit(&record(n)).await.expect("written");
    }

    async fn findings(&self) -> Vec<Finding> {
        verify_chain(self.store.as_ref())
            .await
            .expect("read")
            .findings
    }
}

fn record(n: i64) -> AuditRecord {
    AuditRecord {
        at: T0 + n * 3600,
        actor: format!("staff:{}", n % 3),
        action: "staff.called".into(),
        object: format!("ticket:T-{n:03}"),
        result: "ok".into(),
    }
}

async fn each_kind_of_tampering_is_named_where_it_happened(db: Db) {
    let Some(trail) = Trail::new(db).await else {
        return;
    };
    for n in 1..=10 {
        trail.write(n).await;
    }
    assert_eq!(trail.findings().await, vec![]);

    // A result changed, then put back: the chain is whole again.
    trail
        .sql("UPDATE audit_log SET result = 'refused' WHERE seq = 4")
        .await;
    assert_eq!(trail.findings().await, vec![Finding::Changed { seq: 4 }]);
    trail
        .sql("UPDATE audit_log SET result = 'ok' WHERE seq = 4")
        .await;
    assert_eq!(trail.findings().await, vec![]);

    // The actor changed and its hash recomputed by someone who knows the scheme: the next record
    // no longer chains from it.
    trail
        .sql("UPDATE audit_log SET actor = 'staff:9' WHERE seq = 5")
        .await;
    let forged = {
        let records = trail.store.audit_chain(3, 2).await.expect("read");
        let mut fifth = records[1].record.clone();
        fifth.actor = "staff:9".into();
        rega_server::domain::audit_chain::link_hash(&records[0].hash, 5, &fifth)
    };
    trail
        .sql(&format!(
            "UPDATE audit_log SET hash = '{forged}' WHERE seq = 5"
        ))
        .await;
    assert_eq!(trail.findings().await, vec![Finding::Changed { seq: 6 }]);

    // A record removed; a record inserted by hand; the newest cut off.
    trail.sql("DELETE FROM audit_log WHERE seq = 8").await;
    trail
        .sql(
            "INSERT INTO audit_log (at_utc, actor, action, object, result) \
             VALUES ('2026-12-01T00:00:00Z', 'staff:1', 'staff.no_show', 'ticket:T-999', 'ok')",
        )
        .await;
    trail.sql("DELETE FROM audit_log WHERE seq = 10").await;
    assert_eq!(
        trail.findings().await,
        vec![
            Finding::Changed { seq: 6 },
            Finding::Removed { from: 8, to: 8 },
            Finding::HeadMismatch { last: 9, head: 10 },
            Finding::Unchained { count: 1 },
        ]
    );
}
both!(each_kind_of_tampering_is_named_where_it_happened);

async fn purging_leaves_a_signed_checkpoint_the_rest_verifies_from(db: Db) {
    let Some(trail) = Trail::new(db).await else {
        return;
    };
    for n in 1..=10 {
        trail.write(n).await;
    }
    // Signed by a DL1 signing key, as the server's purge job signs with the key in force.
    let issuer = Issuer::new(generate_key().expect("a key"), "KRG-GDT");
    let (kid, key) = (issuer.kid(), *issuer.verifying_key());
    let sign = move |message: &[u8]| {
        Some(CheckpointSignature {
            kid: kid.iter().map(|b| format!("{b:02x}")).collect(),
            signature: issuer.sign_message(message),
        })
    };
    let purged = trail
        .store
        .purge_audit(T0 + 5 * 3600 + 1, T0 + 20 * 3600, &sign)
        .await
        .expect("purged");
    assert_eq!(purged, 5);
    let head = trail.store.audit_head().await.expect("the head");
    assert_eq!(
        (head.checkpoint_seq, head.seq),
        (5, 11),
        "the purge is a record of its own"
    );
    let report = verify_chain(trail.store.as_ref()).await.expect("read");
    assert_eq!(report.findings, vec![]);
    let attestation = report
        .attestation
        .expect("the purge record names the checkpoint");
    assert_eq!(attestation.seq, 5);
    let list = |key: VerifyingKey| {
        TrustList::new(
            "KRG-GDT-TRUST".into(),
            T0,
            T0 + 30 * 86_400,
            vec![TrustedKey {
                kid: rega_credential::keys::kid_of(&key),
                key,
                iss: "KRG-GDT".into(),
                nbf: T0,
                exp: T0 + 365 * 86_400,
                status: KeyStatus::Active,
            }],
        )
        .expect("a list")
    };
    assert_eq!(signature_holds(&attestation, &list(key)), Some(true));
    let other = *Issuer::new(generate_key().expect("a key"), "KRG-GDT").verifying_key();
    assert_eq!(
        signature_holds(&attestation, &list(other)),
        Some(false),
        "a key the list does not name for that kid"
    );
    assert_eq!(
        trail
            .store
            .purge_audit(T0, T0 + 20 * 3600, &|_: &[u8]| None)
            .await
            .expect("nothing"),
        0
    );

    // More records removed and the checkpoint moved over them: the purge record names another.
    let seventh = trail.store.audit_chain(6, 1).await.expect("read")[0]
        .hash
        .clone();
    trail.sql("DELETE FROM audit_log WHERE seq IN (6, 7)").await;
    trail
        .sql(&format!(
            "UPDATE audit_chain SET checkpoint_seq = 7, checkpoint_hash = '{seventh}' WHERE id = 1"
        ))
        .await;
    assert_eq!(
        trail.findings().await,
        vec![Finding::CheckpointNotAttested { seq: 7 }]
    );
}
both!(purging_leaves_a_signed_checkpoint_the_rest_verifies_from);

/// Two instances on one PostgreSQL database write 40 records each at the same instant (and a
/// busy SQLite store 80): one chain, no place twice, none skipped.
async fn writers_at_the_same_instant_make_one_unbroken_chain(db: Db) {
    let Some(trail) = Trail::new(db).await else {
        return;
    };
    let second: Arc<dyn Store> = match &trail.raw {
        Raw::Postgres(url) => postgres_store(url).await,
        Raw::Sqlite(_) => trail.store.clone(),
    };
    let barrier = Arc::new(tokio::sync::Barrier::new(80));
    let mut writers = Vec::new();
    for n in 0..80 {
        let store = if n % 2 == 0 {
            trail.store.clone()
        } else {
            second.clone()
        };
        let barrier = barrier.clone();
        writers.push(tokio::spawn(async move {
            barrier.wait().await;
            store.audit(&record(n)).await.expect("written");
        }));
    }
    for writer in writers {
        writer.await.expect("finished");
    }
    let report = verify_chain(trail.store.as_ref()).await.expect("read");
    assert_eq!(report.findings, vec![]);
    assert_eq!((report.head.seq, report.checked), (80, 80));
}
both!(writers_at_the_same_instant_make_one_unbroken_chain);

/// `rega audit verify`, the operator's command: exit 0 on a whole trail; a deliberately edited
/// record reported by its place, exit 1.
#[tokio::test]
async fn rega_audit_verify_reports_an_edited_record() {
    let Some(trail) = Trail::new(Db::Sqlite).await else {
        return;
    };
    for n in 1..=3 {
        trail.write(n).await;
    }
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_rega"))
            .args(["audit", "verify", "--data-dir"])
            .arg(trail.data.path())
            .output()
            .expect("rega runs")
    };
    let whole = run();
    let text = String::from_utf8_lossy(&whole.stdout);
    assert_eq!(whole.status.code(), Some(0), "{text}");
    assert!(
        text.contains("3 record(s) checked") && text.contains("the audit trail is whole"),
        "{text}"
    );
    trail
        .sql("UPDATE audit_log SET object = 'ticket:T-000' WHERE seq = 2")
        .await;
    let broken = run();
    let text = String::from_utf8_lossy(&broken.stdout);
    assert_eq!(broken.status.code(), Some(1), "{text}");
    assert!(
        text.contains("BROKEN: record 2 does not match the chain"),
        "{text}"
    );
}
