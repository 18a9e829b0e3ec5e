//! The audit trail (SPEC §6): one record per request that changes or reveals something, each
//! chained to the one before it (`domain::audit_chain`).

use async_trait::async_trait;

use crate::domain::audit_chain::{
    AuditHead, ChainedRecord, PURGED, checkpoint_message, link_hash, purge_result,
};
use crate::store::engine::{Dialect, Tx, sql};
use crate::store::rows::{self, Columns};
use crate::store::{
    Audit, AuditEntry, AuditQuery, AuditRecord, CheckpointSigner, SqlStore, StoreError,
};

#[async_trait]
impl Audit for SqlStore {
    async fn audit(&self, record: &AuditRecord) -> Result<(), StoreError> {
        let mut tx = self.engine.begin("audit").await?;
        insert_audit(&mut tx, record).await?;
        tx.commit().await
    }

    async fn audit_search(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let mut c = self.engine.read("audit_search").await?;
        Ok(sql!(&mut c, |c, d| sqlx::query(&search_statement(d))
            .bind(query.from)
            .bind(query.to)
            .bind(&query.actor)
            .bind(&query.action)
            .bind(&query.object)
            .bind(&query.directorate)
            .bind(query.before)
            .bind(i64::from(query.limit))
            .fetch_all(c)
            .await?
            .iter()
            .map(|row| {
                Ok::<_, StoreError>(AuditEntry {
                    id: row.int("id")?,
                    seq: row.int_or_null("seq")?,
                    record: rows::audit(row)?,
                    staff: row.text_or_null("username")?,
                })
            })
            .collect::<Result<Vec<_>, _>>()?))
    }

    async fn audit_head(&self) -> Result<AuditHead, StoreError> {
        let mut c = self.engine.read("audit_head").await?;
        Ok(sql!(&mut c, |c| {
            let row = sqlx::query(
                "SELECT h.seq, h.hash, h.checkpoint_seq, h.checkpoint_hash, \
                 (SELECT COUNT(*) FROM audit_log a WHERE a.seq IS NULL AND a.id > h.legacy_max_id) \
                   AS unchained, \
                 (SELECT COUNT(*) FROM audit_log a WHERE a.seq IS NULL AND a.id <= h.legacy_max_id) \
                   AS legacy \
                 FROM audit_chain h WHERE h.id = 1",
            )
            .fetch_one(c)
            .await?;
            AuditHead {
                seq: row.int("seq")?,
                hash: row.text("hash")?,
                checkpoint_seq: row.int("checkpoint_seq")?,
                checkpoint_hash: row.text("checkpoint_hash")?,
                unchained: row.int("unchained")?,
                legacy: row.int("legacy")?,
            }
        }))
    }

    async fn audit_chain(&self, after: i64, limit: u32) -> Result<Vec<ChainedRecord>, StoreError> {
        let mut c = self.engine.read("audit_chain").await?;
        Ok(sql!(&mut c, |c, d| sqlx::query(d.audit_chain)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(c)
            .await?
            .iter()
            .map(|row| {
                Ok::<_, StoreError>(ChainedRecord {
                    seq: row.int("seq")?,
                    hash: row.text("hash")?,
                    record: rows::audit(row)?,
                })
            })
            .collect::<Result<Vec<_>, _>>()?))
    }

    async fn purge_audit(
        &self,
        before: i64,
        now: i64,
        sign: &CheckpointSigner,
    ) -> Result<u64, StoreError> {
        let mut tx = self.engine.begin("purge_audit").await?;
        let cut = sql!(&mut tx, |c, d| sqlx::query(&format!(
            "SELECT seq, hash FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log \
             WHERE seq IS NOT NULL AND at_utc < {})",
            d.audit_unix_at.replace('$', "$1")
        ))
        .bind(before)
        .fetch_optional(c)
        .await?
        .map(|row| Ok::<_, StoreError>((row.int("seq")?, row.text("hash")?)))
        .transpose()?);
        let Some((seq, hash)) = cut else {
            return Ok(0);
        };
        // The chain up to the cut, and records from before the chain written before `before`.
        let purged = sql!(&mut tx, |c, d| sqlx::query(&format!(
            "DELETE FROM audit_log WHERE seq <= $1 OR (seq IS NULL AND at_utc < {})",
            d.audit_unix_at.replace('$', "$2")
        ))
        .bind(seq)
        .bind(before)
        .execute(c)
        .await?
        .rows_affected());
        sql!(&mut tx, |c| sqlx::query(
            "UPDATE audit_chain SET checkpoint_seq = $1, checkpoint_hash = $2 WHERE id = 1"
        )
        .bind(seq)
        .bind(&hash)
        .execute(c)
        .await?
        .rows_affected());
        // The checkpoint sealed in the chain itself (moving it later shows), and signed.
        let signed = sign(&checkpoint_message(seq, &hash, now));
        insert_audit(
            &mut tx,
            &AuditRecord {
                at: now,
                actor: "system".into(),
                action: PURGED.into(),
                object: format!("audit:..{seq}"),
                result: purge_result(seq, &hash, signed.as_ref()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(purged)
    }

    async fn audit_records(&self, limit: u32) -> Result<Vec<AuditRecord>, StoreError> {
        let mut c = self.engine.read("audit_records").await?;
        Ok(sql!(&mut c, |c, d| sqlx::query(d.audit_records)
            .bind(i64::from(limit))
            .fetch_all(c)
            .await?
            .iter()
            .map(rows::audit)
            .collect::<Result<Vec<_>, _>>()?))
    }
}

/// Audit records of a period, newest first, filtered: `$1` from and `$2` to (Unix seconds), `$3`
/// actor, `$4` action, `$5` object, `$6` directorate (each `''` for any: a directorate's records
/// are its staff's and kiosks' and those about its appointments), `$7` before this id, `$8` limit.
/// The times are compared as stored, so the index on them serves.
fn search_statement(d: &Dialect) -> String {
    let stored = |parameter: &str| d.audit_unix_at.replace('$', parameter);
    format!(
        "SELECT a.id, a.seq, {at} AS at, a.actor, a.action, a.object, a.result, st.username \
         FROM audit_log a LEFT JOIN staff st ON a.actor = 'staff:' || CAST(st.id AS TEXT) \
         WHERE a.at_utc >= {from} AND a.at_utc < {to} \
         AND ($3 = '' OR a.actor = $3) AND ($4 = '' OR a.action = $4) \
         AND ($5 = '' OR a.object = $5) \
         AND ($6 = '' \
              OR st.directorate_id = $6 \
              OR a.actor IN (SELECT 'kiosk:' || CAST(k.id AS TEXT) FROM kiosk_device k \
                             WHERE k.directorate_id = $6) \
              OR a.object IN (SELECT 'appointment:RG-' || substr(ap.reference, 1, 4) || '-' \
                              || substr(ap.reference, 5, 4) FROM appointment ap \
                              JOIN slot s ON s.id = ap.slot_id WHERE s.directorate_id = $6)) \
         AND a.id < $7 ORDER BY a.id DESC LIMIT $8",
        at = d.audit_at_unix,
        from = stored("$1"),
        to = stored("$2"),
    )
}

/// Writes one audit record in the caller's transaction, chained to the one before it. The
/// chain's head is locked here, so this is the last lock a transaction takes: any other row it
/// locks, it locks before (else two writers could wait on each other). Control characters in
/// its texts (a NUL from a request's path, say, which PostgreSQL cannot store) are written as
/// `\u{…}`, so no record is lost to what an attacker sent.
pub(crate) async fn insert_audit(tx: &mut Tx, record: &AuditRecord) -> Result<(), StoreError> {
    let stored = storable(record);
    // Taking the next place locks the head (PostgreSQL) until the transaction ends.
    let (seq, prev) = sql!(&mut *tx, |c| {
        let row =
            sqlx::query("UPDATE audit_chain SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
                .fetch_one(c)
                .await?;
        (row.int("seq")?, row.text("hash")?)
    });
    let hash = link_hash(&prev, seq, &stored);
    sql!(&mut *tx, |c, d| sqlx::query(d.insert_audit)
        .bind(stored.at)
        .bind(&stored.actor)
        .bind(&stored.action)
        .bind(&stored.object)
        .bind(&stored.result)
        .bind(seq)
        .bind(&hash)
        .execute(c)
        .await?
        .rows_affected());
    sql!(&mut *tx, |c| sqlx::query(
        "UPDATE audit_chain SET hash = $1 WHERE id = 1"
    )
    .bind(&hash)
    .execute(c)
    .await?
    .rows_affected());
    Ok(())
}

/// The record as it is stored: its texts [`printable`].
fn storable(record: &AuditRecord) -> AuditRecord {
    let [actor, action, object, result] = [
        &record.actor,
        &record.action,
        &record.object,
        &record.result,
    ]
    .map(|text| printable(text).into_owned());
    AuditRecord {
        at: record.at,
        actor,
        action,
        object,
        result,
    }
}

/// Records written together (SQLite's group commit), chained after the record whose hash is
/// `prev`, from place `first`: each as stored, with its place and hash.
pub(crate) fn chained(prev: &str, first: i64, records: &[AuditRecord]) -> Vec<ChainedRecord> {
    let mut prev = prev.to_owned();
    records
        .iter()
        .zip(first..)
        .map(|(record, seq)| {
            let record = storable(record);
            let hash = link_hash(&prev, seq, &record);
            prev = hash.clone();
            ChainedRecord { seq, hash, record }
        })
        .collect()
}

/// The text with its control characters escaped (`\u{0}`); borrowed when it has none.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped_and_other_text_kept() {
        assert_eq!(super::printable("GET /a\0b"), "GET /a\\u{0}b");
        assert_eq!(super::printable("هەولێر"), "هەولێر");
    }
}
