//! The audit trail (SPEC §6): one record per request that changes or reveals something.

use async_trait::async_trait;

use crate::store::engine::{Linked, sql};
use crate::store::rows;
use crate::store::{Audit, AuditRecord, SqlStore, StoreError};

#[async_trait]
impl Audit for SqlStore {
    async fn audit(&self, record: &AuditRecord) -> Result<(), StoreError> {
        let mut c = self.engine.write("audit").await?;
        insert_audit(&mut c, record).await
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

/// Writes one audit record on the caller's connection or transaction.
pub(crate) async fn insert_audit(
    link: &mut impl Linked,
    record: &AuditRecord,
) -> Result<(), StoreError> {
    sql!(link, |c, d| sqlx::query(d.insert_audit)
        .bind(record.at)
        .bind(&record.actor)
        .bind(&record.action)
        .bind(&record.object)
        .bind(&record.result)
        .execute(c)
        .await?
        .rows_affected());
    Ok(())
}
