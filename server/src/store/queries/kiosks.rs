//! Kiosks (enrolled per directorate, known by the hash of their credential) and check-in: the
//! store reads the appointment, `domain::check_in::decide` decides, and the ticket is numbered per
//! directorate, day and area inside the same transaction.

use async_trait::async_trait;
use rega_api::ids::Reference;

use super::queue::ahead_in;
use super::tickets::{NewTicket, issue_in};
use crate::domain::check_in::{CheckInRefusal, CheckInStep, decide};
use crate::domain::rules::BookingRules;
use crate::store::engine::{Lock, Tx, sql};
use crate::store::rows::{self, Columns, appointment_columns};
use crate::store::{Appointment, CheckInError, KioskDevice, Kiosks, SqlStore, StoreError, Ticket};

#[async_trait]
impl Kiosks for SqlStore {
    async fn enrol_kiosk(
        &self,
        directorate_id: &str,
        label: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<i64, StoreError> {
        let mut c = self.engine.write("enrol_kiosk").await?;
        Ok(sql!(&mut c, |c| sqlx::query_scalar::<_, i64>(
            "INSERT INTO kiosk_device (directorate_id, label, token_hash, enrolled_at) \
             VALUES ($1, $2, $3, $4) RETURNING id"
        )
        .bind(directorate_id)
        .bind(label)
        .bind(token_hash)
        .bind(now)
        .fetch_one(c)
        .await?))
    }

    async fn kiosk(&self, token_hash: &str) -> Result<Option<KioskDevice>, StoreError> {
        let mut c = self.engine.read("kiosk").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT id, directorate_id, label FROM kiosk_device \
             WHERE token_hash = $1 AND revoked_at IS NULL"
        )
        .bind(token_hash)
        .fetch_optional(c)
        .await?
        .as_ref()
        .map(rows::kiosk)
        .transpose()?))
    }

    async fn kiosks_of(
        &self,
        directorate_id: &str,
    ) -> Result<Vec<(KioskDevice, i64, Option<i64>)>, StoreError> {
        let mut c = self.engine.read("kiosks_of").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT id, directorate_id, label, enrolled_at, revoked_at FROM kiosk_device \
             WHERE directorate_id = $1 ORDER BY id DESC"
        )
        .bind(directorate_id)
        .fetch_all(c)
        .await?
        .iter()
        .map(|row| Ok((
            rows::kiosk(row)?,
            row.int("enrolled_at")?,
            row.int_or_null("revoked_at")?
        )))
        .collect::<Result<Vec<_>, StoreError>>()?))
    }

    async fn revoke_kiosk(
        &self,
        kiosk_id: i64,
        directorate_id: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut c = self.engine.write("revoke_kiosk").await?;
        let revoked = sql!(&mut c, |c| sqlx::query(
            "UPDATE kiosk_device SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL \
             AND (CAST($3 AS TEXT) IS NULL OR directorate_id = $3)"
        )
        .bind(now)
        .bind(kiosk_id)
        .bind(directorate_id)
        .execute(c)
        .await?
        .rows_affected());
        Ok(revoked == 1)
    }

    async fn check_in(
        &self,
        directorate_id: &str,
        reference: &Reference,
        now: i64,
        rules: &BookingRules,
        link_hash: &str,
    ) -> Result<Ticket, CheckInError> {
        let mut tx = self.engine.begin("check_in").await?;
        let found = locked_appointment(&mut tx, reference).await?;
        let (appointment_id, found) =
            found.ok_or(CheckInError::Refused(CheckInRefusal::NotFound))?;
        let step = decide(
            rules,
            found.status,
            found.directorate_id == directorate_id,
            found.starts_at,
            now,
        )
        .map_err(CheckInError::Refused)?;
        let day = rega_api::time::LocalDateTime::from_unix(found.starts_at)
            .date
            .to_string();
        let area = found.service.area();
        let (id, number) = match step {
            CheckInStep::Again => {
                sql!(&mut tx, |c| {
                    sqlx::query(
                "UPDATE ticket SET link_hash = $1 WHERE appointment_id = $2 RETURNING id, number"
            )
            .bind(link_hash)
            .bind(appointment_id)
            .fetch_one(c)
            .await
            .map_err(StoreError::from)
            .and_then(|row| Ok((row.int("id")?, row.int("number")?)))?
                })
            }
            CheckInStep::Issue => {
                let issued = issue_in(
                    &mut tx,
                    &NewTicket {
                        appointment_id: Some(appointment_id),
                        directorate_id,
                        day: &day,
                        service: found.service,
                        priority: None,
                        national_id: None,
                        link_hash,
                        now,
                    },
                )
                .await?;
                sql!(&mut tx, |c| sqlx::query(
                    "UPDATE appointment SET status = 'checked_in', updated_at = $1 WHERE id = $2"
                )
                .bind(now)
                .bind(appointment_id)
                .execute(c)
                .await?
                .rows_affected());
                issued
            }
        };
        let ahead = ahead_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(Ticket {
            area: area.to_owned(),
            number,
            service: found.service,
            starts_at: found.starts_at,
            ahead,
            again: step == CheckInStep::Again,
        })
    }
}

/// The appointment with this reference and its row id, locked for the rest of the transaction
/// (PostgreSQL): the check-in or attendance that reads it decides alone.
pub(crate) async fn locked_appointment(
    tx: &mut Tx,
    reference: &Reference,
) -> Result<Option<(i64, Appointment)>, StoreError> {
    tx.lock(Lock::Appointment(reference.code())).await?;
    Ok(sql!(tx, |c| sqlx::query(concat!(
        "SELECT ",
        appointment_columns!(),
        " FROM appointment a JOIN slot s ON s.id = a.slot_id WHERE a.reference = $1"
    ))
    .bind(reference.code())
    .fetch_optional(c)
    .await?
    .map(|row| Ok::<_, StoreError>((row.int("id")?, rows::appointment(&row)?)))
    .transpose()?))
}
