//! The licence registry's copy: directorates with their counters, citizens and their licences.

use async_trait::async_trait;
use rega_api::ids::NationalId;
use rega_api::service::ServiceKind;

use super::bookings::cancel_in;
use crate::store::engine::{Lock, Tx, sql};
use crate::store::rows::{self, Columns, citizen_columns};
use crate::store::{
    CitizenRecord, Directorate, LicenceRecord, NewCitizen, Registry, RegistryCitizen,
    RegistryOutcome, SqlStore, StoreError,
};

#[async_trait]
impl Registry for SqlStore {
    async fn upsert_directorate(
        &self,
        d: &Directorate,
        counters: &[(ServiceKind, u32)],
    ) -> Result<(), StoreError> {
        let mut tx = self.engine.begin("upsert_directorate").await?;
        sql!(&mut tx, |c| sqlx::query(
            "INSERT INTO directorate \
               (id, name_en, name_ckb, name_ar, address_en, address_ckb, address_ar, phone) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET \
               name_en = excluded.name_en, name_ckb = excluded.name_ckb, \
               name_ar = excluded.name_ar, address_en = excluded.address_en, \
               address_ckb = excluded.address_ckb, address_ar = excluded.address_ar, \
               phone = excluded.phone"
        )
        .bind(&d.id)
        .bind(&d.name.en)
        .bind(&d.name.ckb)
        .bind(&d.name.ar)
        .bind(&d.address.en)
        .bind(&d.address.ckb)
        .bind(&d.address.ar)
        .bind(&d.phone)
        .execute(c)
        .await?
        .rows_affected());
        for (service, count) in counters {
            sql!(&mut tx, |c| sqlx::query(
                "INSERT INTO counter (directorate_id, service, counters) VALUES ($1, $2, $3) \
                 ON CONFLICT (directorate_id, service) DO UPDATE SET counters = excluded.counters"
            )
            .bind(&d.id)
            .bind(service.code())
            .bind(i64::from(*count))
            .execute(c)
            .await?
            .rows_affected());
        }
        tx.commit().await
    }

    async fn directorates(
        &self,
    ) -> Result<Vec<(Directorate, Vec<(ServiceKind, u32)>)>, StoreError> {
        let mut c = self.engine.read("directorates").await?;
        let directorates = sql!(&mut c, |c| sqlx::query(
            "SELECT id, name_en, name_ckb, name_ar, address_en, address_ckb, address_ar, phone \
             FROM directorate ORDER BY id"
        )
        .fetch_all(c)
        .await?
        .iter()
        .map(rows::directorate)
        .collect::<Result<Vec<_>, _>>()?);
        let counters = sql!(&mut c, |c| sqlx::query(
            "SELECT directorate_id, service, counters FROM counter \
             ORDER BY directorate_id, service"
        )
        .fetch_all(c)
        .await?
        .iter()
        .map(rows::counter)
        .collect::<Result<Vec<_>, _>>()?);
        Ok(directorates
            .into_iter()
            .map(|d| {
                let own = counters
                    .iter()
                    .filter(|(id, ..)| *id == d.id)
                    .map(|(_, service, count)| (*service, *count))
                    .collect();
                (d, own)
            })
            .collect())
    }

    async fn insert_citizen(&self, citizen: &NewCitizen) -> Result<i64, StoreError> {
        let mut tx = self.engine.begin("insert_citizen").await?;
        let id = sql!(&mut tx, |c| sqlx::query_scalar::<_, i64>(
            "INSERT INTO citizen (national_id, phone, birth_date, theory_test_passed) \
             VALUES ($1, $2, $3, $4) RETURNING id"
        )
        .bind(citizen.national_id.as_str())
        .bind(&citizen.phone)
        .bind(&citizen.birth_date)
        .bind(citizen.theory_test_passed)
        .fetch_one(c)
        .await?);
        if let Some(licence) = &citizen.licence {
            sql!(&mut tx, |c, d| sqlx::query(d.insert_licence)
                .bind(id)
                .bind(&licence.document_number)
                .bind(&licence.expiry_date)
                .bind(licence.suspension.is_some())
                .bind(&licence.suspension)
                .bind(licence.elements.to_string())
                .execute(c)
                .await?
                .rows_affected());
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn citizen_by_national_id(
        &self,
        national_id: &NationalId,
    ) -> Result<Option<CitizenRecord>, StoreError> {
        let mut c = self.engine.read("citizen_by_national_id").await?;
        Ok(sql!(&mut c, |c| sqlx::query(concat!(
            "SELECT ",
            citizen_columns!(),
            " FROM citizen WHERE national_id = $1"
        ))
        .bind(national_id.as_str())
        .fetch_optional(c)
        .await?
        .as_ref()
        .map(rows::citizen)
        .transpose()?))
    }

    async fn citizen(&self, citizen_id: i64) -> Result<Option<CitizenRecord>, StoreError> {
        let mut c = self.engine.read("citizen").await?;
        Ok(sql!(&mut c, |c| sqlx::query(concat!(
            "SELECT ",
            citizen_columns!(),
            " FROM citizen WHERE id = $1"
        ))
        .bind(citizen_id)
        .fetch_optional(c)
        .await?
        .as_ref()
        .map(rows::citizen)
        .transpose()?))
    }

    async fn apply_registry(
        &self,
        records: &[RegistryCitizen],
        now: i64,
    ) -> Result<Vec<RegistryOutcome>, StoreError> {
        // In national-ID order, so that two batches touching the same citizens lock them in
        // the same order (PostgreSQL); answered in the records' order.
        let mut order: Vec<usize> = (0..records.len()).collect();
        order.sort_by(|&a, &b| {
            records[a]
                .national_id
                .as_str()
                .cmp(records[b].national_id.as_str())
        });
        let mut outcomes = vec![RegistryOutcome::Unchanged; records.len()];
        let mut tx = self.engine.begin("apply_registry").await?;
        for i in order {
            outcomes[i] = apply_in(&mut tx, &records[i], now).await?;
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    async fn licence_of(&self, citizen_id: i64) -> Result<Option<LicenceRecord>, StoreError> {
        let mut c = self.engine.read("licence_of").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT document_number, expiry_date, suspension_reason, \
               CAST(elements AS TEXT) AS elements FROM licence WHERE citizen_id = $1"
        )
        .bind(citizen_id)
        .fetch_optional(c)
        .await?
        .as_ref()
        .map(rows::licence)
        .transpose()?))
    }
}

/// Applies one registry record inside the caller's transaction (see `Registry::apply_registry`).
async fn apply_in(
    tx: &mut Tx,
    record: &RegistryCitizen,
    now: i64,
) -> Result<RegistryOutcome, StoreError> {
    let national_id = record.national_id.as_str();
    if let Some(licence) = &record.licence {
        let taken = sql!(tx, |c| sqlx::query(
            "SELECT 1 FROM licence l JOIN citizen c ON c.id = l.citizen_id \
             WHERE l.document_number = $1 AND c.national_id <> $2"
        )
        .bind(&licence.document_number)
        .bind(national_id)
        .fetch_optional(c)
        .await?
        .is_some());
        if taken {
            return Ok(RegistryOutcome::LicenceTaken);
        }
    }
    let created = sql!(tx, |c| sqlx::query(
        "INSERT INTO citizen (national_id, phone, birth_date, registry_version) \
         VALUES ($1, $2, $3, 0) ON CONFLICT (national_id) DO NOTHING"
    )
    .bind(national_id)
    .bind(&record.phone)
    .bind(&record.birth_date)
    .execute(c)
    .await?
    .rows_affected())
        == 1;
    let id = sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT id FROM citizen WHERE national_id = $1"
    )
    .bind(national_id)
    .fetch_one(c)
    .await?);
    // The citizen's row lock first, as their bookings take it: the version is read under it.
    tx.lock(Lock::Citizen(id)).await?;
    let (version, old_phone, was_active) = sql!(tx, |c| sqlx::query(
        "SELECT registry_version, phone, status FROM citizen WHERE id = $1"
    )
    .bind(id)
    .fetch_one(c)
    .await
    .map(|row| {
        Ok::<_, StoreError>((
            row.int("registry_version")?,
            row.text("phone")?,
            row.text("status")? == "active",
        ))
    })??);
    if version >= record.version {
        return Ok(RegistryOutcome::Unchanged);
    }
    sql!(tx, |c| sqlx::query(
        "UPDATE citizen SET phone = $1, birth_date = $2, name_latin = $3, name_arabic = $4, \
           status = $5, registry_version = $6, theory_test_passed = $7 WHERE id = $8"
    )
    .bind(&record.phone)
    .bind(&record.birth_date)
    .bind(&record.name_latin)
    .bind(&record.name_arabic)
    .bind(if record.active { "active" } else { "inactive" })
    .bind(record.version)
    .bind(record.theory_test_passed)
    .bind(id)
    .execute(c)
    .await?
    .rows_affected());
    match &record.licence {
        Some(licence) => {
            sql!(tx, |c, d| sqlx::query(&format!(
                "{} ON CONFLICT (citizen_id) DO UPDATE SET \
                   document_number = excluded.document_number, expiry_date = excluded.expiry_date, \
                   suspended = excluded.suspended, suspension_reason = excluded.suspension_reason, \
                   elements = excluded.elements",
                d.insert_licence
            ))
            .bind(id)
            .bind(&licence.document_number)
            .bind(&licence.expiry_date)
            .bind(licence.suspension.is_some())
            .bind(&licence.suspension)
            .bind(licence.elements.to_string())
            .execute(c)
            .await?
            .rows_affected());
        }
        None => {
            sql!(tx, |c| sqlx::query(
                "DELETE FROM licence WHERE citizen_id = $1"
            )
            .bind(id)
            .execute(c)
            .await?
            .rows_affected());
        }
    }
    sql!(tx, |c| sqlx::query(
        "DELETE FROM test_result WHERE citizen_id = $1"
    )
    .bind(id)
    .execute(c)
    .await?
    .rows_affected());
    for test in &record.tests {
        sql!(tx, |c| sqlx::query(
            "INSERT INTO test_result (citizen_id, test, passed, taken_on, valid_until) \
             VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(id)
        .bind(test.test.code())
        .bind(test.passed)
        .bind(&test.taken_on)
        .bind(&test.valid_until)
        .execute(c)
        .await?
        .rows_affected());
    }
    if created {
        return Ok(RegistryOutcome::Created);
    }
    let phone_changed = old_phone != record.phone;
    let deactivated = was_active && !record.active;
    if phone_changed || deactivated {
        revoke_sessions_in(tx, id, now).await?;
    }
    if phone_changed {
        notice_in(tx, &old_phone, "phone_changed", None, now).await?;
    }
    let mut cancelled = 0;
    if deactivated {
        let future = sql!(tx, |c| sqlx::query(
            "SELECT a.reference FROM appointment a JOIN slot s ON s.id = a.slot_id \
             WHERE a.citizen_id = $1 AND a.status = 'booked' AND s.starts_at > $2 \
             ORDER BY s.starts_at"
        )
        .bind(id)
        .bind(now)
        .fetch_all(c)
        .await?
        .iter()
        .map(rows::reference)
        .collect::<Result<Vec<_>, _>>()?);
        for reference in future {
            if let Ok(appointment) = cancel_in(tx, id, &reference, now).await? {
                cancelled += 1;
                notice_in(
                    tx,
                    &record.phone,
                    "appointment_cancelled",
                    Some((reference.code(), appointment.starts_at)),
                    now,
                )
                .await?;
            }
        }
    }
    Ok(RegistryOutcome::Updated {
        phone_changed,
        deactivated,
        cancelled,
    })
}

/// Revokes every open session of the citizen.
async fn revoke_sessions_in(tx: &mut Tx, citizen_id: i64, now: i64) -> Result<(), StoreError> {
    sql!(tx, |c| sqlx::query(
        "UPDATE session SET revoked_at = $1 WHERE citizen_id = $2 AND revoked_at IS NULL"
    )
    .bind(now)
    .bind(citizen_id)
    .execute(c)
    .await?
    .rows_affected());
    Ok(())
}

/// Records an SMS the change owes (sent by `jobs::send_citizen_notices`).
async fn notice_in(
    tx: &mut Tx,
    phone: &str,
    kind: &str,
    appointment: Option<(&str, i64)>,
    now: i64,
) -> Result<(), StoreError> {
    sql!(tx, |c| sqlx::query(
        "INSERT INTO citizen_notice (phone, kind, reference, starts_at, created_at) \
         VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(phone)
    .bind(kind)
    .bind(appointment.map(|(r, _)| r))
    .bind(appointment.map(|(_, at)| at))
    .bind(now)
    .execute(c)
    .await?
    .rows_affected());
    Ok(())
}
