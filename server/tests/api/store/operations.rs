//! The store as a whole: migration, the database file, shared secrets, the audit trail, the
//! outbox and rate events.

use crate::helpers::{Db, store};

async fn a_fresh_store_is_migrated_and_answers(db: Db) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let Some(store) = store(db, data.path()).await else {
        return;
    };
    store.ping().await.expect("the database answers");
    assert!(
        store
            .schema_version()
            .await
            .expect("the version is readable")
            >= 1,
        "{db:?}"
    );
    assert!(
        !store.describe().contains("rega:rega"),
        "no password in the description: {}",
        store.describe()
    );
}

both!(a_fresh_store_is_migrated_and_answers);

#[tokio::test]
async fn the_sqlite_file_is_in_wal_mode() {
    let data = tempfile::tempdir().expect("a temporary directory");
    let _store = crate::helpers::sqlite_store(data.path()).await;
    let path = data.path().join("rega.sqlite3");
    let mut connection = <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!(
        "sqlite://{}",
        path.display()
    ))
    .await
    .expect("the file opens");
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut connection)
        .await
        .expect("a pragma");
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn reopening_a_database_keeps_it_and_does_not_migrate_twice() {
    let data = tempfile::tempdir().expect("a temporary directory");
    let first = crate::helpers::sqlite_store(data.path()).await;
    let version = first.schema_version().await.expect("a version");
    drop(first);
    let second = crate::helpers::sqlite_store(data.path()).await;
    assert_eq!(second.schema_version().await.expect("a version"), version);
}

// ---- Booking: the same assertions on both databases. ----

use rega_server::store::AuditRecord;

use super::{NOW, fresh};

async fn every_instance_ends_up_with_the_first_shared_secret(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    let first = store.shared_secret("otp", "aaaa").await.expect("stored");
    assert_eq!(first, "aaaa");
    let second = store.shared_secret("otp", "bbbb").await.expect("read");
    assert_eq!(second, "aaaa", "{db:?}: the second candidate is not stored");
    let other = store.shared_secret("cookie", "cccc").await.expect("stored");
    assert_eq!(other, "cccc", "{db:?}: each name has its own secret");
}
both!(every_instance_ends_up_with_the_first_shared_secret);

async fn the_audit_trail_reads_back_newest_first(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    for (n, action) in ["auth.code_sent", "booking.created", "booking.cancelled"]
        .iter()
        .enumerate()
    {
        store
            .audit(&AuditRecord {
                at: NOW + n as i64 * 61,
                actor: format!("citizen:{n}"),
                action: (*action).into(),
                object: "ABC-DEF-G".into(),
                result: "ok".into(),
            })
            .await
            .expect("written");
    }
    let records = store.audit_records(2).await.expect("read");
    assert_eq!(records.len(), 2, "{db:?}: the limit holds");
    assert_eq!(records[0].action, "booking.cancelled", "{db:?}");
    assert_eq!(
        records[0].at,
        NOW + 122,
        "{db:?}: the time is kept to the second"
    );
    assert_eq!(records[0].actor, "citizen:2");
    assert_eq!(records[1].action, "booking.created");
    assert_eq!(store.audit_records(10).await.expect("read").len(), 3);
}
both!(the_audit_trail_reads_back_newest_first);

async fn the_outbox_keeps_each_phones_messages_newest_first(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    store
        .push_sms("+9647500000001", "one", NOW)
        .await
        .expect("stored");
    store
        .push_sms("+9647500000002", "other", NOW + 1)
        .await
        .expect("stored");
    store
        .push_sms("+9647500000001", "two", NOW + 2)
        .await
        .expect("stored");
    let mine = store.sms_to("+9647500000001", 10).await.expect("read");
    let bodies: Vec<&str> = mine.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["two", "one"], "{db:?}");
    assert_eq!(mine[0].created_at, NOW + 2);
    assert_eq!(mine[0].phone, "+9647500000001");
    assert_eq!(
        store.sms_to("+9647500000001", 1).await.expect("read").len(),
        1
    );
    assert!(
        store
            .sms_to("+9647500000009", 10)
            .await
            .expect("read")
            .is_empty()
    );
}
both!(the_outbox_keeps_each_phones_messages_newest_first);

async fn rate_events_are_counted_per_key_after_a_time(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    let record = |key: &'static str, at: i64| {
        let store = store.clone();
        async move {
            let room = [rega_server::store::EventLimit {
                key,
                since: 0,
                max: 100,
            }];
            assert_eq!(store.take_event(&room, at).await.expect("recorded"), None);
        }
    };
    for at in [NOW - 100, NOW - 10, NOW] {
        record("code:1", at).await;
    }
    record("code:2", NOW).await;
    assert_eq!(
        store
            .count_events("code:1", NOW - 60)
            .await
            .expect("counted"),
        2,
        "{db:?}"
    );
    assert_eq!(
        store
            .count_events("code:1", NOW - 1000)
            .await
            .expect("counted"),
        3
    );
    assert_eq!(
        store.count_events("code:1", NOW).await.expect("counted"),
        0,
        "after, not at"
    );
    assert_eq!(store.count_events("code:3", 0).await.expect("counted"), 0);
}
both!(rate_events_are_counted_per_key_after_a_time);

async fn an_event_is_taken_only_while_every_limit_has_room(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    use rega_server::store::EventLimit;
    let limits = |since| {
        [
            EventLimit {
                key: "id:1",
                since,
                max: 2,
            },
            EventLimit {
                key: "address:1",
                since,
                max: 3,
            },
        ]
    };
    for n in 0..2 {
        assert_eq!(
            store
                .take_event(&limits(NOW - 60), NOW + n)
                .await
                .expect("taken"),
            None,
            "{db:?}"
        );
    }
    // The first limit is full: nothing is recorded under either key.
    assert_eq!(
        store
            .take_event(&limits(NOW - 60), NOW + 2)
            .await
            .expect("asked"),
        Some(0)
    );
    assert_eq!(
        store.count_events("address:1", 0).await.expect("counted"),
        2
    );
    assert_eq!(
        store.latest_event("id:1", 0).await.expect("read"),
        Some(NOW + 1)
    );
    assert_eq!(store.latest_event("id:9", 0).await.expect("read"), None);
    // One event given back makes room again; two limits on one key record one event.
    store
        .give_back_event("id:1", NOW + 1)
        .await
        .expect("given back");
    assert_eq!(store.count_events("id:1", 0).await.expect("counted"), 1);
    let same_key = [
        EventLimit {
            key: "id:1",
            since: NOW - 60,
            max: 2,
        },
        EventLimit {
            key: "id:1",
            since: NOW - 3600,
            max: 5,
        },
    ];
    assert_eq!(
        store.take_event(&same_key, NOW + 3).await.expect("taken"),
        None
    );
    assert_eq!(store.count_events("id:1", 0).await.expect("counted"), 2);
}
both!(an_event_is_taken_only_while_every_limit_has_room);
