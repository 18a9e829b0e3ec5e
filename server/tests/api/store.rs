//! The storage conformance suite: the same assertions against SQLite and PostgreSQL.

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

#[tokio::test]
async fn sqlite_store_is_migrated_and_answers() {
    a_fresh_store_is_migrated_and_answers(Db::Sqlite).await;
}

#[tokio::test]
async fn postgres_store_is_migrated_and_answers() {
    a_fresh_store_is_migrated_and_answers(Db::Postgres).await;
}

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
