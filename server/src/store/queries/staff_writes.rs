//! The desk's and the supervisors' writes under an Idempotency-Key: the key, the change, its
//! answer and its audit record in one transaction, so a crash or a client gone never leaves a
//! key "in progress" nor a change without its answer.

use async_trait::async_trait;

use super::audit::insert_audit;
use super::bookings::ensure_slots_in;
use super::closures::{close_in, closures_in, set_capacity_in};
use super::idempotency::{claim_key, finish_key, read_key};
use super::outcomes::record_test_result_in;
use super::queue::{call_next_in, record_attendance_in};
use super::tickets::{Label, NewTicket, recall_in, ticket_action_in, walk_in_in};
use crate::store::engine::Tx;
use crate::store::{
    AttendanceError, AuditRecord, IdempotencyState, OnceOutcome, OnceWrite, SqlStore, StaffChange,
    StaffOutcome, StaffRespond, StaffWrites, StoreError,
};

#[async_trait]
impl StaffWrites for SqlStore {
    async fn staff_once(
        &self,
        change: &StaffChange<'_>,
        write: &OnceWrite<'_>,
        respond: StaffRespond<'_>,
    ) -> Result<OnceOutcome, StoreError> {
        let mut tx = self.engine.begin("staff_once").await?;
        let now = write.audit.at;
        if !claim_key(&mut tx, write.owner, write.key, write.request_hash, now).await? {
            let seen = read_key(&mut tx, write.owner, write.key, write.request_hash).await?;
            return Ok(OnceOutcome::Seen(
                seen.unwrap_or(IdempotencyState::InProgress),
            ));
        }
        let outcome = change_in(&mut tx, change).await?;
        let answer = respond(&outcome);
        finish_key(&mut tx, write.owner, write.key, answer.status, &answer.body).await?;
        insert_audit(
            &mut tx,
            &AuditRecord {
                object: answer.object,
                result: answer.result,
                ..write.audit.clone()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(OnceOutcome::Answered {
            status: answer.status,
            body: answer.body,
        })
    }
}

/// A staff change's steps inside the caller's transaction.
async fn change_in(tx: &mut Tx, change: &StaffChange<'_>) -> Result<StaffOutcome, StoreError> {
    Ok(match change {
        StaffChange::CallNext {
            directorate_id,
            day,
            area,
            counter,
            now,
        } => {
            StaffOutcome::Called(call_next_in(tx, directorate_id, day, area, counter, *now).await?)
        }
        StaffChange::Attendance {
            directorate_id,
            reference,
            attended,
            now,
        } => match record_attendance_in(tx, directorate_id, reference, *attended, *now).await {
            Ok(()) => StaffOutcome::Recorded,
            Err(AttendanceError::NotFound) => StaffOutcome::NotFound,
            Err(AttendanceError::NotChangeable) => StaffOutcome::NotChangeable,
            Err(AttendanceError::NoShowTooSoon(why)) => StaffOutcome::NoShowTooSoon(why),
            Err(AttendanceError::Store(e)) => return Err(e),
        },
        StaffChange::Recall {
            directorate_id,
            reference,
            now,
        } => match recall_in(tx, directorate_id, reference, *now).await? {
            Some(called) => StaffOutcome::Called(Some(called)),
            None => StaffOutcome::NotCalled,
        },
        StaffChange::WalkIn {
            directorate_id,
            day,
            service,
            priority,
            national_id,
            link_hash,
            now,
        } => {
            let ticket = NewTicket {
                appointment_id: None,
                directorate_id,
                day,
                service: *service,
                priority: *priority,
                national_id: *national_id,
                link_hash,
                now: *now,
            };
            walk_in_in(tx, &ticket).await?
        }
        StaffChange::Ticket {
            directorate_id,
            day,
            area,
            number,
            action,
            now,
        } => {
            let label = Label {
                directorate_id,
                day,
                area,
                number: *number,
            };
            ticket_action_in(tx, &label, *action, *now).await?
        }
        StaffChange::TestResult {
            directorate_id,
            reference,
            passed,
            today,
            theory_valid_until,
            now,
        } => {
            record_test_result_in(
                tx,
                (directorate_id, reference),
                *passed,
                (today, theory_valid_until),
                *now,
            )
            .await?
        }
        StaffChange::Close(closure) => {
            let (id, cancelled) = close_in(tx, closure).await?;
            StaffOutcome::Closed { id, cancelled }
        }
        StaffChange::Capacity {
            directorate_id,
            service,
            from,
            to,
            places,
        } => {
            let (changed, kept) =
                set_capacity_in(tx, directorate_id, *service, *from, *to, *places).await?;
            StaffOutcome::Planned { changed, kept }
        }
        StaffChange::OpenSlot {
            directorate_id,
            service,
            starts_at,
            places,
        } => {
            if !closures_in(tx, directorate_id, *starts_at, starts_at + 1)
                .await?
                .is_empty()
            {
                return Ok(StaffOutcome::DayClosed);
            }
            ensure_slots_in(tx, directorate_id, *service, &[*starts_at]).await?;
            let (changed, kept) = set_capacity_in(
                tx,
                directorate_id,
                *service,
                *starts_at,
                starts_at + 1,
                *places,
            )
            .await?;
            StaffOutcome::Planned { changed, kept }
        }
    })
}
