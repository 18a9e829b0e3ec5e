//! Idempotency-Keys of staff writes (`StaffWrites::staff_once`): the key, the change, its answer
//! and its audit record in one transaction — a key runs once and replays its answer, another
//! request under it is a mismatch, keys are scoped to their owner, and old keys are forgotten.

use rega_api::service::ServiceKind;
use rega_server::store::{
    AuditRecord, IdempotencyOwner, IdempotencyState, OnceOutcome, OnceWrite, StaffAnswer,
    StaffChange, StaffOutcome, StaffRole,
};

use super::{DAY, NOW, citizen, fresh, named_directorate, slot_at, staff};
use crate::helpers::Db;

/// A key's write, audited as `desk.test` at `at`.
fn write<'a>(owner: IdempotencyOwner, key: &'a str, hash: &'a str, at: i64) -> OnceWrite<'a> {
    OnceWrite {
        owner,
        key,
        request_hash: hash,
        audit: AuditRecord {
            at,
            actor: "staff:test".into(),
            action: "desk.test".into(),
            object: String::new(),
            result: String::new(),
        },
    }
}

/// Answers a planning outcome with its counts.
fn counted(outcome: &StaffOutcome) -> StaffAnswer {
    StaffAnswer {
        status: 200,
        body: format!("{outcome:?}"),
        object: "capacity:erbil".into(),
        result: "ok".into(),
    }
}

async fn a_staff_write_runs_once_per_key_and_replays_its_answer(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    named_directorate(&store, "erbil", &[(ServiceKind::TheoryTest, 2)]).await;
    let slot_starts = NOW + 3 * DAY;
    let slot = slot_at(&store, "erbil", ServiceKind::TheoryTest, slot_starts).await;
    let desk =
        IdempotencyOwner::Staff(staff(&store, "erbil-sup", StaffRole::Supervisor, "erbil").await);
    let change = StaffChange::Capacity {
        directorate_id: "erbil",
        service: ServiceKind::TheoryTest,
        from: slot_starts,
        to: slot_starts + 1,
        places: 7,
    };
    assert_eq!(
        store
            .idempotency_seen(desk, "k1", "h1")
            .await
            .expect("read"),
        None
    );
    let first = store
        .staff_once(&change, &write(desk, "k1", "h1", NOW), Box::new(counted))
        .await
        .expect("ran");
    let body = format!(
        "{:?}",
        StaffOutcome::Planned {
            changed: 1,
            kept: 0
        }
    );
    assert_eq!(
        first,
        OnceOutcome::Answered {
            status: 200,
            body: body.clone()
        },
        "{db:?}"
    );
    let done = IdempotencyState::Done { status: 200, body };
    assert_eq!(
        store
            .staff_once(&change, &write(desk, "k1", "h1", NOW), Box::new(counted))
            .await
            .expect("seen"),
        OnceOutcome::Seen(done.clone()),
        "{db:?}: the second time nothing runs"
    );
    assert_eq!(
        store
            .staff_once(&change, &write(desk, "k1", "other", NOW), Box::new(counted))
            .await
            .expect("seen"),
        OnceOutcome::Seen(IdempotencyState::Mismatch)
    );
    assert_eq!(
        store
            .idempotency_seen(desk, "k1", "h1")
            .await
            .expect("read"),
        Some(done)
    );
    assert_eq!(
        store
            .slot(slot)
            .await
            .expect("read")
            .expect("the slot")
            .capacity,
        7
    );
    let audited: Vec<AuditRecord> = store
        .audit_records(50)
        .await
        .expect("audit")
        .into_iter()
        .filter(|r| r.action == "desk.test")
        .collect();
    assert_eq!(audited.len(), 1, "{db:?}: audited once, with the change");
    assert_eq!(
        (audited[0].object.as_str(), audited[0].result.as_str()),
        ("capacity:erbil", "ok")
    );
    // The same key of another owner is another key.
    let other =
        IdempotencyOwner::Staff(staff(&store, "erbil-sup2", StaffRole::Supervisor, "erbil").await);
    assert!(matches!(
        store
            .staff_once(&change, &write(other, "k1", "h1", NOW), Box::new(counted))
            .await
            .expect("ran"),
        OnceOutcome::Answered { .. }
    ));
    // A citizen's key of the same name is not a staff key either.
    let me = IdempotencyOwner::Citizen(citizen(&store, 1).await);
    assert_eq!(
        store.idempotency_seen(me, "k1", "h1").await.expect("read"),
        None
    );
}
both!(a_staff_write_runs_once_per_key_and_replays_its_answer);

async fn a_refusal_is_stored_with_its_key_and_old_keys_are_forgotten(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    named_directorate(&store, "erbil", &[]).await;
    let desk = IdempotencyOwner::Staff(staff(&store, "erbil-desk", StaffRole::Desk, "erbil").await);
    let nobody = rega_server::store::new_reference().expect("a reference");
    let change = StaffChange::Attendance {
        directorate_id: "erbil",
        reference: &nobody,
        attended: true,
        now: NOW,
    };
    let refused = |outcome: &StaffOutcome| StaffAnswer {
        status: 404,
        body: format!("{outcome:?}"),
        object: "appointment".into(),
        result: "not_found".into(),
    };
    for (key, at) in [("old", NOW - 100_000), ("new", NOW)] {
        assert_eq!(
            store
                .staff_once(&change, &write(desk, key, "h", at), Box::new(refused))
                .await
                .expect("ran"),
            OnceOutcome::Answered {
                status: 404,
                body: "NotFound".into()
            },
            "{db:?}"
        );
    }
    assert_eq!(
        store.idempotency_expire(NOW - 1000).await.expect("expired"),
        1,
        "{db:?}"
    );
    assert_eq!(
        store
            .idempotency_seen(desk, "old", "h")
            .await
            .expect("read"),
        None
    );
    assert_eq!(
        store
            .idempotency_seen(desk, "new", "h")
            .await
            .expect("read"),
        Some(IdempotencyState::Done {
            status: 404,
            body: "NotFound".into()
        })
    );
}
both!(a_refusal_is_stored_with_its_key_and_old_keys_are_forgotten);
