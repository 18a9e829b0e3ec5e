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

/// Writes one audit record on the caller's connection or transaction. Control characters in
/// its texts (a NUL from a request's path, say, which PostgreSQL cannot store) are written as
/// `\u{…}`, so no record is lost to what an attacker sent.
pub(crate) async fn insert_audit(
    link: &mut impl Linked,
    record: &AuditRecord,
) -> Result<(), StoreError> {
    let [actor, action, object, result] = [
        &record.actor,
        &record.action,
        &record.object,
        &record.result,
    ]
    .map(|text| printable(text));
    sql!(link, |c, d| sqlx::query(d.insert_audit)
        .bind(record.at)
        .bind(&*actor)
        .bind(&*action)
        .bind(&*object)
        .bind(&*result)
        .execute(c)
        .await?
        .rows_affected());
    Ok(())
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
