//! The phones a licence is kept on (docs/credential.md, "The bound form"). Adding a phone counts
//! the citizen's phones and records the new one under the citizen's lock, so a burst of phones
//! cannot pass the limit.

use async_trait::async_trait;

use crate::store::engine::{Lock, Tx, sql};
use crate::store::queries::audit::insert_audit;
use crate::store::rows::Columns;
use crate::store::{
    AuditRecord, DeviceIssue, DeviceRecord, DeviceRefusal, LicenceDevices, SqlStore, StoreError,
};

/// A phone's columns.
const DEVICE_COLUMNS: &str = "id, citizen_id, binding, label, added_at, last_issued_at, \
                              valid_until, withdrawn_at, withdrawn_by";

fn device(row: &impl Columns) -> Result<DeviceRecord, StoreError> {
    Ok(DeviceRecord {
        id: row.int("id")?,
        citizen_id: row.int("citizen_id")?,
        binding: row.text("binding")?,
        label: row.text("label")?,
        added_at: row.int("added_at")?,
        last_issued_at: row.int("last_issued_at")?,
        valid_until: row.int("valid_until")?,
        withdrawn_at: row.int_or_null("withdrawn_at")?,
        withdrawn_by: row.text_or_null("withdrawn_by")?,
    })
}

async fn device_in(
    tx: &mut Tx,
    citizen_id: i64,
    column: &str,
    value: DeviceKey<'_>,
) -> Result<Option<DeviceRecord>, StoreError> {
    let statement = format!(
        "SELECT {DEVICE_COLUMNS} FROM licence_device WHERE citizen_id = $1 AND {column} = $2"
    );
    Ok(match value {
        DeviceKey::Binding(binding) => sql!(&mut *tx, |c| sqlx::query(&statement)
            .bind(citizen_id)
            .bind(binding)
            .fetch_optional(c)
            .await?
            .as_ref()
            .map(device)
            .transpose()?),
        DeviceKey::Id(id) => sql!(&mut *tx, |c| sqlx::query(&statement)
            .bind(citizen_id)
            .bind(id)
            .fetch_optional(c)
            .await?
            .as_ref()
            .map(device)
            .transpose()?),
    })
}

/// How a phone is looked up.
enum DeviceKey<'a> {
    Binding(&'a str),
    Id(i64),
}

#[async_trait]
impl LicenceDevices for SqlStore {
    async fn issue_to_device(
        &self,
        issue: &DeviceIssue,
    ) -> Result<Result<DeviceRecord, DeviceRefusal>, StoreError> {
        let mut tx = self.engine.begin("issue_to_device").await?;
        tx.lock(Lock::Citizen(issue.citizen_id)).await?;
        let known = device_in(
            &mut tx,
            issue.citizen_id,
            "binding",
            DeviceKey::Binding(&issue.binding),
        )
        .await?;
        let id = match known {
            Some(known) if known.withdrawn_at.is_some() => {
                tx.commit().await?;
                return Ok(Err(DeviceRefusal::Withdrawn));
            }
            Some(known) => {
                sql!(&mut tx, |c| sqlx::query(
                    "UPDATE licence_device SET last_issued_at = $1, valid_until = $2, label = $3 \
                     WHERE id = $4"
                )
                .bind(issue.now)
                .bind(issue.valid_until)
                .bind(&issue.label)
                .bind(known.id)
                .execute(c)
                .await?
                .rows_affected());
                known.id
            }
            None => {
                let held = sql!(&mut tx, |c| sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM licence_device \
                     WHERE citizen_id = $1 AND withdrawn_at IS NULL"
                )
                .bind(issue.citizen_id)
                .fetch_one(c)
                .await?);
                if held >= issue.max_devices {
                    tx.commit().await?;
                    return Ok(Err(DeviceRefusal::TooMany));
                }
                let id = sql!(&mut tx, |c| sqlx::query_scalar::<_, i64>(
                    "INSERT INTO licence_device (citizen_id, binding, public_key, label, \
                     added_at, last_issued_at, valid_until) VALUES ($1, $2, $3, $4, $5, $5, $6) \
                     RETURNING id"
                )
                .bind(issue.citizen_id)
                .bind(&issue.binding)
                .bind(&issue.public_key)
                .bind(&issue.label)
                .bind(issue.now)
                .bind(issue.valid_until)
                .fetch_one(c)
                .await?);
                insert_audit(
                    &mut tx,
                    &AuditRecord {
                        at: issue.now,
                        actor: format!("citizen:{}", issue.citizen_id),
                        action: "licence.device_added".into(),
                        object: format!("device:{id}"),
                        result: "ok".into(),
                    },
                )
                .await?;
                id
            }
        };
        let device = device_in(&mut tx, issue.citizen_id, "id", DeviceKey::Id(id))
            .await?
            .ok_or_else(|| StoreError::Corrupt("a phone just written is gone".into()))?;
        tx.commit().await?;
        Ok(Ok(device))
    }

    async fn devices_of(&self, citizen_id: i64) -> Result<Vec<DeviceRecord>, StoreError> {
        let statement = format!(
            "SELECT {DEVICE_COLUMNS} FROM licence_device WHERE citizen_id = $1 \
             ORDER BY added_at DESC, id DESC"
        );
        let mut c = self.engine.read("devices_of").await?;
        let rows = sql!(&mut c, |c| sqlx::query(&statement)
            .bind(citizen_id)
            .fetch_all(c)
            .await?
            .iter()
            .map(device)
            .collect::<Result<Vec<_>, _>>()?);
        Ok(rows)
    }

    async fn withdraw_device(
        &self,
        citizen_id: i64,
        device_id: i64,
        by: &str,
        now: i64,
    ) -> Result<Option<DeviceRecord>, StoreError> {
        let mut tx = self.engine.begin("withdraw_device").await?;
        tx.lock(Lock::Citizen(citizen_id)).await?;
        let withdrawn = sql!(&mut tx, |c| sqlx::query(
            "UPDATE licence_device SET withdrawn_at = $1, withdrawn_by = $2 \
             WHERE id = $3 AND citizen_id = $4 AND withdrawn_at IS NULL"
        )
        .bind(now)
        .bind(by)
        .bind(device_id)
        .bind(citizen_id)
        .execute(c)
        .await?
        .rows_affected());
        if withdrawn == 1 {
            insert_audit(
                &mut tx,
                &AuditRecord {
                    at: now,
                    actor: if by == "citizen" {
                        format!("citizen:{citizen_id}")
                    } else {
                        by.to_owned()
                    },
                    action: "licence.device_withdrawn".into(),
                    object: format!("device:{device_id}"),
                    result: "ok".into(),
                },
            )
            .await?;
        }
        let device = device_in(&mut tx, citizen_id, "id", DeviceKey::Id(device_id)).await?;
        tx.commit().await?;
        Ok(device)
    }
}
