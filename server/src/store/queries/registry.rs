//! The licence registry's copy: directorates with their counters, citizens and their licences.

use async_trait::async_trait;
use rega_api::ids::NationalId;
use rega_api::service::ServiceKind;

use crate::store::engine::sql;
use crate::store::rows::{self, citizen_columns};
use crate::store::{
    CitizenRecord, Directorate, LicenceRecord, NewCitizen, Registry, SqlStore, StoreError,
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
