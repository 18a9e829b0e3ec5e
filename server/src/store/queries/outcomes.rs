//! The outcome feed (`docs/registry.md`): recording what happened to appointments inside the
//! transaction that made it happen, recording a test's result at the desk, and reading the feed.
//!
//! Cursors come from the one row of `outcome_counter`, updated in the writing transaction: the
//! row stays locked until that transaction ends, so cursors are handed out in commit order and a
//! reader never sees cursor `n + 1` before `n`. Every writer takes it after its slot and
//! appointment locks, and before only the audit chain's head, so it adds no lock-order cycle.

use async_trait::async_trait;
use rega_api::ids::{NationalId, Reference};
use rega_api::service::ServiceKind;

use super::kiosks::locked_appointment;
use crate::store::engine::{Tx, sql};
use crate::store::rows::{self, Columns};
use crate::store::{
    AppointmentStatus, FeedOutcome, OutcomeKind, Outcomes, SqlStore, StaffOutcome, StoreError,
    TestKind, TestResult,
};

#[async_trait]
impl Outcomes for SqlStore {
    async fn outcomes_after(&self, after: i64, limit: u32) -> Result<Vec<FeedOutcome>, StoreError> {
        let mut c = self.engine.read("outcomes_after").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT id, kind, national_id, reference, directorate_id, service, starts_at, test, \
               passed, valid_until, occurred_at \
             FROM outcome WHERE id > $1 ORDER BY id LIMIT $2"
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(c)
        .await?
        .iter()
        .map(feed_outcome)
        .collect::<Result<Vec<_>, _>>()?))
    }

    async fn prune_outcomes(&self, before: i64) -> Result<u64, StoreError> {
        let mut tx = self.engine.begin("prune_outcomes").await?;
        let pruned = sql!(&mut tx, |c| sqlx::query(
            "DELETE FROM outcome WHERE occurred_at < $1"
        )
        .bind(before)
        .execute(c)
        .await?
        .rows_affected());
        tx.commit().await?;
        Ok(pruned)
    }
}

/// `count` fresh cursors: the last of them (the first is `last - count + 1`).
async fn take_cursors(tx: &mut Tx, count: usize) -> Result<i64, StoreError> {
    let count = i64::try_from(count).map_err(|_| StoreError::Corrupt("outcome count".into()))?;
    Ok(sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "UPDATE outcome_counter SET last = last + $1 WHERE id = 1 RETURNING last"
    )
    .bind(count)
    .fetch_one(c)
    .await?))
}

/// Records the outcome of each appointment in `ids` from its status as it now stands:
/// attended, no-show, or (cancelled: callers pass only those the directorate cancelled, by a
/// closure or a configuration change) cancelled by closure. Other statuses are skipped.
pub(crate) async fn record_outcomes_in(
    tx: &mut Tx,
    ids: &[i64],
    now: i64,
) -> Result<(), StoreError> {
    // A handful of rows a desk action, a closure's day at most: chunks keep the statement small.
    for chunk in ids.chunks(500) {
        let last = take_cursors(tx, chunk.len()).await?;
        let first = last - i64::try_from(chunk.len()).unwrap_or(0);
        let list: Vec<String> = (0..chunk.len()).map(|n| format!("${}", n + 3)).collect();
        let statement = format!(
            "INSERT INTO outcome (id, kind, national_id, reference, directorate_id, service, \
               starts_at, occurred_at) \
             SELECT $1 + ROW_NUMBER() OVER (ORDER BY a.id), \
               CASE a.status WHEN 'attended' THEN 'attended' WHEN 'no_show' THEN 'no_show' \
                 ELSE 'cancelled_by_closure' END, \
               c.national_id, a.reference, s.directorate_id, a.service, s.starts_at, $2 \
             FROM appointment a JOIN slot s ON s.id = a.slot_id \
               JOIN citizen c ON c.id = a.citizen_id \
             WHERE a.id IN ({}) AND a.status IN ('attended', 'no_show', 'cancelled')",
            list.join(", ")
        );
        sql!(tx, |c| {
            let mut query = sqlx::query(&statement).bind(first).bind(now);
            for id in chunk {
                query = query.bind(*id);
            }
            query.execute(c).await?.rows_affected()
        });
    }
    Ok(())
}

/// Records a test's result at the desk (`StaffChange::TestResult`): the appointment must be the
/// directorate's, for a test, not cancelled nor a no-show, and without a result yet; it becomes
/// attended if it was not. The citizen's latest result of the test is replaced (a theory pass
/// opens the practical test at once), and the outcome recorded.
pub(crate) async fn record_test_result_in(
    tx: &mut Tx,
    (directorate_id, reference): (&str, &Reference),
    passed: bool,
    (today, theory_valid_until): (&str, &str),
    now: i64,
) -> Result<StaffOutcome, StoreError> {
    let Some((id, found)) = locked_appointment(tx, reference).await? else {
        return Ok(StaffOutcome::NotFound);
    };
    if found.directorate_id != directorate_id {
        return Ok(StaffOutcome::NotFound);
    }
    let test = match found.service {
        ServiceKind::TheoryTest => TestKind::Theory,
        ServiceKind::PracticalTest => TestKind::Practical,
        _ => return Ok(StaffOutcome::NotATest),
    };
    let recorded = sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM outcome WHERE kind = 'test_result' AND reference = $1"
    )
    .bind(reference.code())
    .fetch_one(c)
    .await?);
    if recorded > 0
        || matches!(
            found.status,
            AppointmentStatus::Cancelled | AppointmentStatus::NoShow
        )
    {
        return Ok(StaffOutcome::NotChangeable);
    }
    if found.status.is_active() {
        sql!(tx, |c| sqlx::query(
            "UPDATE appointment SET status = 'attended', updated_at = $1 WHERE id = $2"
        )
        .bind(now)
        .bind(id)
        .execute(c)
        .await?
        .rows_affected());
        sql!(tx, |c| sqlx::query(
            "UPDATE ticket SET status = 'done' WHERE appointment_id = $1"
        )
        .bind(id)
        .execute(c)
        .await?
        .rows_affected());
        record_outcomes_in(tx, &[id], now).await?;
    }
    let valid_until = (passed && test == TestKind::Theory).then_some(theory_valid_until);
    sql!(tx, |c| sqlx::query(
        "INSERT INTO test_result (citizen_id, test, passed, taken_on, valid_until, source) \
         VALUES ($1, $2, $3, $4, $5, 'desk') \
         ON CONFLICT (citizen_id, test) DO UPDATE SET passed = excluded.passed, \
           taken_on = excluded.taken_on, valid_until = excluded.valid_until, source = 'desk'"
    )
    .bind(found.citizen_id)
    .bind(test.code())
    .bind(passed)
    .bind(today)
    .bind(valid_until)
    .execute(c)
    .await?
    .rows_affected());
    let cursor = take_cursors(tx, 1).await?;
    sql!(tx, |c| sqlx::query(
        "INSERT INTO outcome (id, kind, national_id, reference, directorate_id, service, \
           starts_at, test, passed, valid_until, occurred_at) \
         SELECT $1, 'test_result', c.national_id, $2, $3, $4, $5, $6, $7, $8, $9 \
         FROM citizen c WHERE c.id = $10"
    )
    .bind(cursor)
    .bind(reference.code())
    .bind(directorate_id)
    .bind(found.service.code())
    .bind(found.starts_at)
    .bind(test.code())
    .bind(passed)
    .bind(valid_until)
    .bind(now)
    .bind(found.citizen_id)
    .execute(c)
    .await?
    .rows_affected());
    Ok(StaffOutcome::Recorded)
}

fn feed_outcome(row: &impl Columns) -> Result<FeedOutcome, StoreError> {
    let kind = row.text("kind")?;
    let kind = OutcomeKind::from_code(&kind)
        .ok_or_else(|| StoreError::Corrupt(format!("outcome kind {kind}")))?;
    let national_id = row.text("national_id")?;
    let occurred_at = row.int("occurred_at")?;
    let result = match row.text_or_null("test")?.as_deref() {
        None => None,
        Some(test) => Some(TestResult {
            test: TestKind::from_code(test)
                .ok_or_else(|| StoreError::Corrupt(format!("test {test}")))?,
            passed: row.flag("passed")?,
            taken_on: rega_api::time::LocalDateTime::from_unix(occurred_at)
                .date
                .to_string(),
            valid_until: row.text_or_null("valid_until")?,
        }),
    };
    Ok(FeedOutcome {
        cursor: row.int("id")?,
        kind,
        national_id: NationalId::parse(&national_id)
            .map_err(|_| StoreError::Corrupt("national id".into()))?,
        reference: rows::reference(row)?,
        directorate_id: row.text("directorate_id")?,
        service: rows::service(row)?,
        starts_at: row.int("starts_at")?,
        result,
        occurred_at,
    })
}
