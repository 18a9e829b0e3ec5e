//! Idempotency-Keys outside the booking transaction: claim, answer, replay, release, expiry,
//! and keys scoped to their owner (a citizen, or a staff account).

use rega_server::store::{IdempotencyOwner, IdempotencyState};

use super::{NOW, citizen, fresh, named_directorate, staff};
use crate::helpers::Db;

async fn a_key_is_claimed_once_then_replays_its_answer(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    named_directorate(&store, "erbil", &[]).await;
    let me = IdempotencyOwner::Citizen(citizen(&store, 1).await);
    let desk = IdempotencyOwner::Staff(
        staff(
            &store,
            "erbil-desk",
            rega_server::store::StaffRole::Desk,
            "erbil",
        )
        .await,
    );
    for owner in [me, desk] {
        assert_eq!(
            store
                .idempotency_seen(owner, "k1", "h1")
                .await
                .expect("read"),
            None
        );
        assert_eq!(
            store
                .idempotency_begin(owner, "k1", "h1", NOW)
                .await
                .expect("claimed"),
            IdempotencyState::Started,
            "{db:?} {owner:?}"
        );
        assert_eq!(
            store
                .idempotency_begin(owner, "k1", "h1", NOW)
                .await
                .expect("seen"),
            IdempotencyState::InProgress
        );
        assert_eq!(
            store
                .idempotency_begin(owner, "k1", "other", NOW)
                .await
                .expect("seen"),
            IdempotencyState::Mismatch
        );
        store
            .idempotency_finish(owner, "k1", 201, "{\"ok\":1}")
            .await
            .expect("stored");
        let done = IdempotencyState::Done {
            status: 201,
            body: "{\"ok\":1}".into(),
        };
        assert_eq!(
            store
                .idempotency_begin(owner, "k1", "h1", NOW)
                .await
                .expect("seen"),
            done
        );
        assert_eq!(
            store
                .idempotency_seen(owner, "k1", "h1")
                .await
                .expect("read"),
            Some(done.clone())
        );
        assert_eq!(
            store
                .idempotency_seen(owner, "k1", "other")
                .await
                .expect("read"),
            Some(IdempotencyState::Mismatch)
        );
        // Releasing a finished key does nothing: its answer stays.
        store
            .idempotency_abort(owner, "k1")
            .await
            .expect("released");
        assert_eq!(
            store
                .idempotency_seen(owner, "k1", "h1")
                .await
                .expect("read"),
            Some(done)
        );
    }
    // The same key of another owner is another key.
    let neighbour = IdempotencyOwner::Citizen(citizen(&store, 2).await);
    assert_eq!(
        store
            .idempotency_begin(neighbour, "k1", "h1", NOW)
            .await
            .expect("claimed"),
        IdempotencyState::Started,
        "{db:?}"
    );
}
both!(a_key_is_claimed_once_then_replays_its_answer);

async fn a_released_key_runs_again_and_old_keys_are_forgotten(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    named_directorate(&store, "erbil", &[]).await;
    let me = IdempotencyOwner::Citizen(citizen(&store, 1).await);
    let desk = IdempotencyOwner::Staff(
        staff(
            &store,
            "erbil-desk",
            rega_server::store::StaffRole::Desk,
            "erbil",
        )
        .await,
    );
    store
        .idempotency_begin(me, "k", "h", NOW)
        .await
        .expect("claimed");
    store.idempotency_abort(me, "k").await.expect("released");
    assert_eq!(
        store.idempotency_seen(me, "k", "h").await.expect("read"),
        None,
        "{db:?}"
    );
    assert_eq!(
        store
            .idempotency_begin(me, "k", "h", NOW)
            .await
            .expect("claimed"),
        IdempotencyState::Started
    );
    store
        .idempotency_begin(me, "old", "h", NOW - 100_000)
        .await
        .expect("claimed");
    store
        .idempotency_begin(desk, "old", "h", NOW - 100_000)
        .await
        .expect("claimed");
    store
        .idempotency_begin(desk, "new", "h", NOW)
        .await
        .expect("claimed");
    assert_eq!(
        store.idempotency_expire(NOW - 1000).await.expect("expired"),
        2,
        "{db:?}"
    );
    assert_eq!(
        store.idempotency_seen(me, "old", "h").await.expect("read"),
        None
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
        Some(IdempotencyState::InProgress)
    );
    assert_eq!(
        store.idempotency_seen(me, "k", "h").await.expect("read"),
        Some(IdempotencyState::InProgress)
    );
}
both!(a_released_key_runs_again_and_old_keys_are_forgotten);
