//! The network's configuration: its versions, and applying one with what it does to the slots
//! and appointments already there, in one transaction.

use async_trait::async_trait;

use super::audit::insert_audit;
use super::bookings::cancel_in;
use super::kiosks::locked_appointment;
use super::outbox::message_in;
use super::outcomes::record_outcomes_in;
use super::registry::upsert_directorate_in;
use crate::domain::messages::MessageKind;
use crate::store::engine::{Lock, sql};
use crate::store::rows::{self, Columns, slot_columns};
use crate::store::{
    AuditRecord, ConfigurationChange, ConfigurationRefused, Configurations, FutureAppointment,
    Slot, SqlStore, StoreError, StoredConfiguration,
};

/// Slot ids one statement names at most.
const IDS_PER_STATEMENT: usize = 500;

#[async_trait]
impl Configurations for SqlStore {
    async fn configuration_version(&self) -> Result<i64, StoreError> {
        let mut c = self.engine.read("configuration_version").await?;
        Ok(sql!(&mut c, |c| sqlx::query_scalar::<_, i64>(
            "SELECT COALESCE(MAX(version), 0) FROM configuration"
        )
        .fetch_one(c)
        .await?))
    }

    async fn configuration(&self) -> Result<Option<StoredConfiguration>, StoreError> {
        let mut c = self.engine.read("configuration").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT version, document, applied_at, applied_by FROM configuration \
             ORDER BY version DESC LIMIT 1"
        )
        .fetch_optional(c)
        .await?
        .map(|row| {
            Ok::<_, StoreError>(StoredConfiguration {
                version: row.int("version")?,
                document: row.text("document")?,
                applied_at: row.int("applied_at")?,
                applied_by: row.text("applied_by")?,
            })
        })
        .transpose()?))
    }

    async fn future_slots(&self, now: i64) -> Result<Vec<Slot>, StoreError> {
        let mut c = self.engine.read("future_slots").await?;
        Ok(sql!(&mut c, |c| sqlx::query(concat!(
            "SELECT ",
            slot_columns!(),
            " FROM slot WHERE starts_at > $1 ORDER BY directorate_id, service, starts_at"
        ))
        .bind(now)
        .fetch_all(c)
        .await?
        .iter()
        .map(rows::slot)
        .collect::<Result<Vec<_>, _>>()?))
    }

    async fn future_appointments(&self, now: i64) -> Result<Vec<FutureAppointment>, StoreError> {
        let mut c = self.engine.read("future_appointments").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT a.reference, a.slot_id, s.directorate_id, a.service, s.starts_at \
             FROM appointment a JOIN slot s ON s.id = a.slot_id \
             WHERE a.status IN ('booked', 'checked_in') AND s.starts_at > $1 \
             ORDER BY s.starts_at, a.reference"
        )
        .bind(now)
        .fetch_all(c)
        .await?
        .iter()
        .map(|row| {
            Ok::<_, StoreError>(FutureAppointment {
                reference: rows::reference(row)?,
                slot_id: row.int("slot_id")?,
                directorate_id: row.text("directorate_id")?,
                service: rows::service(row)?,
                starts_at: row.int("starts_at")?,
            })
        })
        .collect::<Result<Vec<_>, _>>()?))
    }

    async fn apply_configuration(
        &self,
        change: &ConfigurationChange<'_>,
    ) -> Result<Result<i64, ConfigurationRefused>, StoreError> {
        let mut tx = self.engine.begin("apply_configuration").await?;
        let current = sql!(&mut tx, |c| sqlx::query_scalar::<_, i64>(
            "SELECT COALESCE(MAX(version), 0) FROM configuration"
        )
        .fetch_one(c)
        .await?);
        if current != change.expected_version {
            return Ok(Err(ConfigurationRefused::Outdated { current }));
        }
        // The version's row first: two changes applied at once collide here, the second
        // refused by the key, before either touched a slot.
        let version = current + 1;
        sql!(&mut tx, |c| sqlx::query(
            "INSERT INTO configuration (version, document, applied_at, applied_by) \
             VALUES ($1, $2, $3, $4)"
        )
        .bind(version)
        .bind(change.document)
        .bind(change.now)
        .bind(change.actor)
        .execute(c)
        .await?
        .rows_affected());
        for (directorate, places) in &change.directorates {
            upsert_directorate_in(&mut tx, directorate, places).await?;
        }
        // The closing slots, locked in id order as bookings lock theirs: no booking lands on
        // them from here on.
        let mut closing = change.closing_slots.clone();
        closing.sort_unstable();
        if tx.shares_rows() {
            for chunk in closing.chunks(IDS_PER_STATEMENT) {
                tx.lock(Lock::Slots(chunk)).await?;
            }
        }
        // What is booked on them now that no longer fits must be what the preview showed.
        let stranded: std::collections::BTreeSet<String> = change
            .stranded
            .iter()
            .map(|r| r.code().to_owned())
            .collect();
        let mut stranding = change.stranding_slots.clone();
        stranding.sort_unstable();
        for chunk in stranding.chunks(IDS_PER_STATEMENT) {
            let list = placeholders(1, chunk.len());
            let on_them = sql!(&mut tx, |c| {
                let statement = format!(
                    "SELECT reference FROM appointment \
                     WHERE status IN ('booked', 'checked_in') AND slot_id IN ({list})"
                );
                let mut query = sqlx::query_scalar::<_, String>(&statement);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(c).await?
            });
            if on_them.iter().any(|r| !stranded.contains(r)) {
                return Ok(Err(ConfigurationRefused::MoreStranded));
            }
        }
        let mut cancelled = Vec::new();
        for reference in &change.stranded {
            let Some((id, appointment)) = locked_appointment(&mut tx, reference).await? else {
                continue;
            };
            if !appointment.status.is_active() {
                continue;
            }
            if cancel_in(&mut tx, appointment.citizen_id, reference, change.now, None)
                .await?
                .is_ok()
            {
                message_in(
                    &mut tx,
                    MessageKind::AppointmentWithdrawn,
                    &format!("appointment_withdrawn:{reference}"),
                    reference,
                    change.now,
                )
                .await?;
                cancelled.push(id);
            }
        }
        // The closing slots take no more bookings: their places are those still booked.
        for chunk in closing.chunks(IDS_PER_STATEMENT) {
            let list = placeholders(1, chunk.len());
            sql!(&mut tx, |c| {
                let statement = format!("UPDATE slot SET capacity = booked WHERE id IN ({list})");
                let mut query = sqlx::query(&statement);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.execute(c).await?.rows_affected()
            });
        }
        // The staying slots' places: grouped by value, never below what is booked.
        let mut by_places: std::collections::BTreeMap<u32, Vec<i64>> =
            std::collections::BTreeMap::new();
        for (slot, places) in &change.places {
            by_places.entry(*places).or_default().push(*slot);
        }
        for (places, mut slots) in by_places {
            slots.sort_unstable();
            for chunk in slots.chunks(IDS_PER_STATEMENT) {
                if tx.shares_rows() {
                    tx.lock(Lock::Slots(chunk)).await?;
                }
                let list = placeholders(2, chunk.len());
                sql!(&mut tx, |c| {
                    let statement = format!(
                        "UPDATE slot SET capacity = CASE WHEN booked > $1 THEN booked ELSE $1 END \
                         WHERE id IN ({list})"
                    );
                    let mut query = sqlx::query(&statement).bind(i64::from(places));
                    for id in chunk {
                        query = query.bind(*id);
                    }
                    query.execute(c).await?.rows_affected()
                });
            }
        }
        // The feed's cursor after every other lock (see `outcomes`), then the audit chain's
        // head, the last of all.
        record_outcomes_in(&mut tx, &cancelled, change.now).await?;
        insert_audit(
            &mut tx,
            &AuditRecord {
                at: change.now,
                actor: change.actor.to_owned(),
                action: "configuration.applied".into(),
                object: format!("configuration:{version}"),
                result: format!("ok:cancelled={}", cancelled.len()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(version))
    }
}

/// `$first, …` for `n` parameters.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
