//! The licence registry's copy: directorates with their counters, citizens and their licences.

use async_trait::async_trait;
use rega_api::ids::NationalId;
use rega_api::service::ServiceKind;

use super::bookings::cancel_in;
use super::outbox::{message_in, phone_message_in};
use crate::domain::messages::MessageKind;
use crate::store::engine::{Tx, sql};
use crate::store::rows::{self, Columns, citizen_columns};
use crate::store::{
    CitizenRecord, Directorate, LicenceRecord, NewCitizen, Registry, RegistryCitizen,
    RegistryOutcome, SqlStore, StoreError, TestResult,
};

#[async_trait]
impl Registry for SqlStore {
    async fn upsert_directorate(
        &self,
        d: &Directorate,
        counters: &[(ServiceKind, u32)],
    ) -> Result<(), StoreError> {
        let mut tx = self.engine.begin("upsert_directorate").await?;
        upsert_directorate_in(&mut tx, d, counters).await?;
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
        let id = sql!(&mut tx, |c| {
            sqlx::query_scalar::<_, i64>(
            "INSERT INTO citizen (national_id, phone, birth_date) VALUES ($1, $2, $3) RETURNING id"
        )
        .bind(citizen.national_id.as_str())
        .bind(&citizen.phone)
        .bind(&citizen.birth_date)
        .fetch_one(c)
        .await?
        });
        let tests: Vec<(i64, &TestResult)> = citizen.tests.iter().map(|t| (id, t)).collect();
        insert_tests(&mut tx, &tests).await?;
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
        let mut outcomes = vec![RegistryOutcome::Unchanged; records.len()];
        let per = self.engine.dialect().rows_per_statement;
        for (chunk, answers) in records.chunks(per).zip(outcomes.chunks_mut(per)) {
            let mut tx = self.engine.begin("apply_registry").await?;
            apply_in(&mut tx, chunk, answers, now).await?;
            tx.commit().await?;
        }
        Ok(outcomes)
    }

    async fn add_registry_client(
        &self,
        name: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut c = self.engine.write("add_registry_client").await?;
        Ok(sql!(&mut c, |c| sqlx::query_scalar::<_, i64>(
            "INSERT INTO registry_client (name, token_hash, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING RETURNING id"
        )
        .bind(name)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(c)
        .await?))
    }

    async fn registry_client(&self, token_hash: &str) -> Result<Option<(i64, String)>, StoreError> {
        let mut c = self.engine.read("registry_client").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT id, name FROM registry_client WHERE token_hash = $1 AND revoked_at IS NULL"
        )
        .bind(token_hash)
        .fetch_optional(c)
        .await?
        .map(|row| Ok::<_, StoreError>((row.int("id")?, row.text("name")?)))
        .transpose()?))
    }

    async fn revoke_registry_client(&self, name: &str, now: i64) -> Result<bool, StoreError> {
        let mut c = self.engine.write("revoke_registry_client").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "UPDATE registry_client SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL"
        )
        .bind(now)
        .bind(name)
        .execute(c)
        .await?
        .rows_affected())
            == 1)
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

    async fn test_results_of(&self, citizen_id: i64) -> Result<Vec<TestResult>, StoreError> {
        let mut c = self.engine.read("test_results_of").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT test, passed, taken_on, valid_until FROM test_result WHERE citizen_id = $1 \
             ORDER BY test"
        )
        .bind(citizen_id)
        .fetch_all(c)
        .await?
        .iter()
        .map(rows::test_result)
        .collect::<Result<Vec<_>, _>>()?))
    }
}

/// `$first, $first+1, …` for `n` parameters, comma-separated.
fn params(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What Rega holds of a citizen before the batch: id, version, phone, active.
struct Held {
    id: i64,
    version: i64,
    phone: String,
    active: bool,
}

/// Applies a batch of registry records (at most the dialect's `rows_per_statement`) inside the
/// caller's transaction, set-based — a handful of statements per batch, whatever its size —
/// writing each record's outcome into `outcomes`.
async fn apply_in(
    tx: &mut Tx,
    records: &[RegistryCitizen],
    outcomes: &mut [RegistryOutcome],
    now: i64,
) -> Result<(), StoreError> {
    // One record per citizen: the highest version (the first of equal ones; the rest are
    // `unchanged`).
    let mut chosen: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let id = r.national_id.as_str();
        match chosen.get(id) {
            Some(&j) if records[j].version >= r.version => {}
            _ => {
                chosen.insert(id, i);
            }
        }
    }
    // What is held, locked (PostgreSQL), in national-ID order: two batches, or a batch and a
    // citizen's own booking (which locks the citizen's row first too), never wait on each other
    // in a cycle.
    let ids: Vec<&str> = chosen.keys().copied().collect();
    let held: std::collections::HashMap<String, Held> = sql!(tx, |c, d| {
        let statement = format!(
            "SELECT id, national_id, registry_version, phone, status FROM citizen \
             WHERE national_id IN ({}) ORDER BY national_id{}",
            params(1, ids.len()),
            d.for_update
        );
        let mut query = sqlx::query(&statement);
        for id in &ids {
            query = query.bind(*id);
        }
        query
            .fetch_all(c)
            .await?
            .iter()
            .map(|row| {
                Ok::<_, StoreError>((
                    row.text("national_id")?,
                    Held {
                        id: row.int("id")?,
                        version: row.int("registry_version")?,
                        phone: row.text("phone")?,
                        active: row.text("status")? == "active",
                    },
                ))
            })
            .collect::<Result<_, _>>()?
    });
    let mut writing: Vec<usize> = chosen
        .values()
        .copied()
        .filter(|&i| {
            held.get(records[i].national_id.as_str())
                .is_none_or(|h| h.version < records[i].version)
        })
        .collect();
    // A licence number held by another citizen, or by two in this batch, refuses the record.
    let numbers: Vec<&str> = writing
        .iter()
        .filter_map(|&i| {
            records[i]
                .licence
                .as_ref()
                .map(|l| l.document_number.as_str())
        })
        .collect();
    let owners: std::collections::HashMap<String, String> = if numbers.is_empty() {
        Default::default()
    } else {
        sql!(tx, |c| {
            let statement = format!(
                "SELECT l.document_number, c.national_id FROM licence l \
                 JOIN citizen c ON c.id = l.citizen_id WHERE l.document_number IN ({})",
                params(1, numbers.len())
            );
            let mut query = sqlx::query(&statement);
            for n in &numbers {
                query = query.bind(*n);
            }
            query
                .fetch_all(c)
                .await?
                .iter()
                .map(|row| {
                    Ok::<_, StoreError>((row.text("document_number")?, row.text("national_id")?))
                })
                .collect::<Result<_, _>>()?
        })
    };
    let mut claimed: std::collections::HashSet<&str> = std::collections::HashSet::new();
    writing.retain(|&i| {
        let Some(licence) = &records[i].licence else {
            return true;
        };
        let number = licence.document_number.as_str();
        let taken = owners
            .get(number)
            .is_some_and(|owner| owner != records[i].national_id.as_str())
            || !claimed.insert(number);
        if taken {
            outcomes[i] = RegistryOutcome::LicenceTaken;
        }
        !taken
    });
    if writing.is_empty() {
        return Ok(());
    }
    // The citizens, inserted or replaced; a row a newer version reached meanwhile is left.
    let written: std::collections::HashMap<String, i64> = sql!(tx, |c| {
        let rows: Vec<String> = (0..writing.len())
            .map(|n| format!("({})", params(1 + n * 7, 7)))
            .collect();
        let statement = format!(
            "INSERT INTO citizen (national_id, phone, birth_date, name_latin, name_arabic, status, \
               registry_version) VALUES {} \
             ON CONFLICT (national_id) DO UPDATE SET phone = excluded.phone, \
               birth_date = excluded.birth_date, name_latin = excluded.name_latin, \
               name_arabic = excluded.name_arabic, status = excluded.status, \
               registry_version = excluded.registry_version \
             WHERE citizen.registry_version < excluded.registry_version \
             RETURNING id, national_id",
            rows.join(", ")
        );
        let mut query = sqlx::query(&statement);
        for &i in &writing {
            let r = &records[i];
            query = query
                .bind(r.national_id.as_str())
                .bind(&r.phone)
                .bind(&r.birth_date)
                .bind(&r.name_latin)
                .bind(&r.name_arabic)
                .bind(if r.active { "active" } else { "inactive" })
                .bind(r.version);
        }
        query
            .fetch_all(c)
            .await?
            .iter()
            .map(|row| Ok::<_, StoreError>((row.text("national_id")?, row.int("id")?)))
            .collect::<Result<_, _>>()?
    });
    writing.retain(|&i| written.contains_key(records[i].national_id.as_str()));
    let id_of = |i: usize| written[records[i].national_id.as_str()];
    // Licences: replaced, or removed; test results: replaced.
    let all: Vec<i64> = writing.iter().map(|&i| id_of(i)).collect();
    // A result recorded at a desk stays until the registry reports that test itself (below).
    for (table, which) in [("licence", ""), ("test_result", " AND source = 'registry'")] {
        sql!(tx, |c| {
            let statement = format!(
                "DELETE FROM {table} WHERE citizen_id IN ({}){which}",
                params(1, all.len())
            );
            let mut query = sqlx::query(&statement);
            for id in &all {
                query = query.bind(*id);
            }
            query.execute(c).await?.rows_affected()
        });
    }
    let licensed: Vec<usize> = writing
        .iter()
        .copied()
        .filter(|&i| records[i].licence.is_some())
        .collect();
    if !licensed.is_empty() {
        sql!(tx, |c, d| {
            let rows: Vec<String> = (0..licensed.len())
                .map(|n| {
                    let first = 1 + n * 6;
                    format!("({}, ${}{})", params(first, 5), first + 5, d.json_cast)
                })
                .collect();
            let statement = format!(
                "INSERT INTO licence (citizen_id, document_number, expiry_date, suspended, \
                   suspension_reason, elements) VALUES {}",
                rows.join(", ")
            );
            let mut query = sqlx::query(&statement);
            for &i in &licensed {
                let l = records[i]
                    .licence
                    .as_ref()
                    .expect("filtered: has a licence");
                query = query
                    .bind(id_of(i))
                    .bind(&l.document_number)
                    .bind(&l.expiry_date)
                    .bind(l.suspension.is_some())
                    .bind(&l.suspension)
                    .bind(l.elements.to_string());
            }
            query.execute(c).await?.rows_affected()
        });
    }
    let tests: Vec<(i64, &crate::store::TestResult)> = writing
        .iter()
        .flat_map(|&i| records[i].tests.iter().map(move |t| (i, t)))
        .map(|(i, t)| (id_of(i), t))
        .collect();
    insert_tests(tx, &tests).await?;
    // What a change means for the citizen: rare, so one at a time.
    for &i in &writing {
        let record = &records[i];
        let Some(before) = held.get(record.national_id.as_str()) else {
            outcomes[i] = RegistryOutcome::Created;
            continue;
        };
        outcomes[i] = consequences(tx, before, record, now).await?;
    }
    Ok(())
}

/// A replaced record's consequences: a phone change ends the sessions and tells the old
/// number; a withdrawal ends them and cancels the future booked appointments, telling the
/// citizen of each.
async fn consequences(
    tx: &mut Tx,
    before: &Held,
    record: &RegistryCitizen,
    now: i64,
) -> Result<RegistryOutcome, StoreError> {
    let id = before.id;
    let phone_changed = before.phone != record.phone;
    let deactivated = before.active && !record.active;
    if phone_changed || deactivated {
        revoke_sessions_in(tx, id, now).await?;
    }
    if phone_changed {
        phone_message_in(
            tx,
            MessageKind::PhoneChanged,
            &format!("phone_changed:{id}:{now}"),
            &before.phone,
            id,
            now,
        )
        .await?;
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
            if cancel_in(tx, id, &reference, now, None).await?.is_ok() {
                cancelled += 1;
                message_in(
                    tx,
                    MessageKind::AppointmentCancelled,
                    &format!("appointment_cancelled:{reference}"),
                    &reference,
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

/// Inserts test results, 100 rows of 5 parameters a statement (cheap to bind on SQLite, few
/// round trips on PostgreSQL). One the desk recorded gives way only to the registry's result of
/// the same test on the same day or later.
async fn insert_tests(tx: &mut Tx, tests: &[(i64, &TestResult)]) -> Result<(), StoreError> {
    for chunk in tests.chunks(100) {
        sql!(tx, |c| {
            let rows: Vec<String> = (0..chunk.len())
                .map(|n| format!("({}, 'registry')", params(1 + n * 5, 5)))
                .collect();
            let statement = format!(
                "INSERT INTO test_result (citizen_id, test, passed, taken_on, valid_until, source) \
                 VALUES {} \
                 ON CONFLICT (citizen_id, test) DO UPDATE SET passed = excluded.passed, \
                   taken_on = excluded.taken_on, valid_until = excluded.valid_until, \
                   source = 'registry' \
                 WHERE test_result.taken_on <= excluded.taken_on",
                rows.join(", ")
            );
            let mut query = sqlx::query(&statement);
            for (id, t) in chunk {
                query = query
                    .bind(*id)
                    .bind(t.test.code())
                    .bind(t.passed)
                    .bind(&t.taken_on)
                    .bind(&t.valid_until);
            }
            query.execute(c).await?.rows_affected()
        });
    }
    Ok(())
}

/// Creates or updates a directorate and its counters per service, in the caller's transaction.
pub(crate) async fn upsert_directorate_in(
    tx: &mut Tx,
    d: &Directorate,
    counters: &[(ServiceKind, u32)],
) -> Result<(), StoreError> {
    sql!(tx, |c| sqlx::query(
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
        sql!(tx, |c| sqlx::query(
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
    Ok(())
}
