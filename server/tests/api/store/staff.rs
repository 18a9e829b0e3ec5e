//! Staff accounts and sessions, and the desk's queue: the day's list, call next, the tickets
//! called, attendance.

use rega_api::service::ServiceKind;
use rega_server::domain::rules::BookingRules;
use rega_server::store::{
    AppointmentStatus, AttendanceError, NewStaff, SessionKind, SessionOwner, StaffChangeOutcome,
    StaffRole,
};

use super::{NOW, booked, citizen, fresh, named_directorate, slot_at, staff, status_of};
use crate::helpers::Db;

async fn a_staff_account_and_its_session_read_back(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    named_directorate(&store, "erbil", &[]).await;
    let id = staff(&store, "erbil-supervisor", StaffRole::Supervisor, "erbil").await;
    let again = NewStaff {
        username: "erbil-supervisor",
        password_hash: "x",
        role: StaffRole::Desk,
        directorate_id: Some("erbil"),
        one_time: false,
    };
    assert_eq!(
        store.create_staff(&again, NOW).await.expect("answered"),
        None,
        "{db:?}: a sign-in name is unique"
    );
    let account = store
        .staff_by_username("erbil-supervisor")
        .await
        .expect("read")
        .expect("found");
    assert_eq!(account.id, id);
    assert_eq!(account.role, StaffRole::Supervisor);
    assert_eq!(account.directorate_id.as_deref(), Some("erbil"));
    assert_eq!(account.one_time_password_at, None);
    assert_eq!(account.password_hash, "$argon2id$v=19$stand-in");
    assert!(!account.disabled);
    assert!(
        store
            .staff_by_username("nobody")
            .await
            .expect("read")
            .is_none()
    );

    assert!(
        store
            .staff_session("nothing")
            .await
            .expect("read")
            .is_none()
    );
    store
        .create_session(SessionOwner::Staff(id), "s-1", NOW)
        .await
        .expect("created");
    store
        .touch_session(SessionKind::Staff, "s-1", NOW + 90)
        .await
        .expect("touched");
    store
        .touch_session(SessionKind::Staff, "s-1", NOW + 30)
        .await
        .expect("touched");
    let session = store
        .staff_session("s-1")
        .await
        .expect("read")
        .expect("found");
    assert_eq!(session.staff, account, "{db:?}");
    assert_eq!((session.created_at, session.last_seen_at), (NOW, NOW + 90));
    assert_eq!(session.revoked_at, None);
    store
        .revoke_session(SessionKind::Staff, "s-1", NOW + 100)
        .await
        .expect("revoked");
    store
        .revoke_session(SessionKind::Staff, "s-1", NOW + 200)
        .await
        .expect("revoked again");
    let session = store
        .staff_session("s-1")
        .await
        .expect("read")
        .expect("found");
    assert_eq!(session.revoked_at, Some(NOW + 100), "{db:?}");
}
both!(a_staff_account_and_its_session_read_back);

async fn the_queue_calls_each_ticket_once_in_order_and_records_attendance(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    let service = ServiceKind::MedicalCheck;
    named_directorate(&store, "erbil", &[(service, 5)]).await;
    named_directorate(&store, "duhok", &[(service, 5)]).await;
    let start = NOW + 1800;
    let slot = slot_at(&store, "erbil", service, start).await;
    let rules = BookingRules::default();
    let mut people = Vec::new();
    for n in 1..=3 {
        let who = citizen(&store, n).await;
        let appointment = booked(&store, who, slot, service).await;
        people.push((who, appointment.reference));
    }
    // Checked in in the order 2, 1; 3 stays booked.
    for index in [1, 0] {
        store
            .check_in(
                "erbil",
                &people[index].1,
                NOW,
                &rules,
                &crate::store::fresh_link(),
            )
            .await
            .expect("checked in");
    }
    let day = rega_api::time::LocalDateTime::from_unix(start)
        .date
        .to_string();
    let list = store
        .day_list("erbil", start - 60, start + 60)
        .await
        .expect("the day");
    assert_eq!(list.len(), 3, "{db:?}");
    let waiting: Vec<_> = list.iter().filter_map(|e| e.ticket.clone()).collect();
    assert_eq!(waiting.len(), 2);
    assert!(
        waiting
            .iter()
            .all(|t| t.status == "waiting" && t.area == "M" && t.counter.is_none())
    );
    assert!(
        store
            .day_list("duhok", 0, i64::MAX)
            .await
            .expect("the day")
            .is_empty()
    );

    let first = store
        .call_next("erbil", &day, "M", "3", NOW + 60)
        .await
        .expect("called")
        .expect("a ticket");
    assert_eq!(
        (first.number, first.reference.as_ref()),
        (1, Some(&people[1].1)),
        "{db:?}: lowest number first"
    );
    assert_eq!(
        (first.counter.as_str(), first.called_at, first.service),
        ("3", NOW + 60, service)
    );
    let second = store
        .call_next("erbil", &day, "M", "4", NOW + 120)
        .await
        .expect("called")
        .expect("a ticket");
    assert_eq!(second.number, 2);
    assert!(
        store
            .call_next("erbil", &day, "M", "3", NOW + 130)
            .await
            .expect("called")
            .is_none()
    );
    assert!(
        store
            .call_next("erbil", &day, "T", "3", NOW + 130)
            .await
            .expect("called")
            .is_none()
    );
    assert!(
        store
            .call_next("duhok", &day, "M", "3", NOW + 130)
            .await
            .expect("called")
            .is_none()
    );
    let called = store.called_tickets("erbil", &day, 10).await.expect("read");
    assert_eq!(
        called,
        [second.clone(), first.clone()],
        "{db:?}: the latest first"
    );
    assert_eq!(
        store
            .called_tickets("erbil", &day, 1)
            .await
            .expect("read")
            .len(),
        1
    );

    store
        .record_attendance("erbil", &people[1].1, true, NOW + 600)
        .await
        .expect("attended");
    store
        .record_attendance("erbil", &people[2].1, false, NOW + 3600)
        .await
        .expect("no-show");
    assert!(matches!(
        store
            .record_attendance("erbil", &people[1].1, false, NOW + 700)
            .await,
        Err(AttendanceError::NotChangeable)
    ));
    assert!(
        matches!(
            store
                .record_attendance("duhok", &people[0].1, true, NOW + 700)
                .await,
            Err(AttendanceError::NotFound)
        ),
        "{db:?}: another directorate's appointment is not found"
    );
    assert_eq!(
        status_of(&store, people[1].0, &people[1].1).await,
        AppointmentStatus::Attended
    );
    assert_eq!(
        status_of(&store, people[2].0, &people[2].1).await,
        AppointmentStatus::NoShow
    );
    assert_eq!(
        status_of(&store, people[0].0, &people[0].1).await,
        AppointmentStatus::CheckedIn
    );
    assert_eq!(
        store.no_shows_of(people[2].0, NOW).await.expect("read"),
        [start],
        "{db:?}"
    );
    assert!(
        store
            .no_shows_of(people[1].0, NOW)
            .await
            .expect("read")
            .is_empty()
    );
    let list = store
        .day_list("erbil", start - 60, start + 60)
        .await
        .expect("the day");
    let served = list
        .iter()
        .find(|e| e.reference == people[1].1)
        .expect("listed");
    assert_eq!(
        served.ticket.as_ref().map(|t| t.status.as_str()),
        Some("done"),
        "{db:?}"
    );
}
both!(the_queue_calls_each_ticket_once_in_order_and_records_attendance);

async fn an_administrator_changes_accounts_and_the_last_one_stays(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    named_directorate(&store, "erbil", &[]).await;
    named_directorate(&store, "duhok", &[]).await;
    let admin = staff(&store, "network-admin", StaffRole::Admin, "").await;
    let desk = staff(&store, "erbil-desk", StaffRole::Desk, "erbil").await;
    let one_time = NewStaff {
        username: "duhok-supervisor",
        password_hash: "otp-hash",
        role: StaffRole::Supervisor,
        directorate_id: Some("duhok"),
        one_time: true,
    };
    let supervisor = store
        .create_staff(&one_time, NOW)
        .await
        .expect("created")
        .expect("a new name");
    let names: Vec<String> = store
        .staff_accounts()
        .await
        .expect("the list")
        .into_iter()
        .map(|a| a.username)
        .collect();
    assert_eq!(
        names,
        ["duhok-supervisor", "erbil-desk", "network-admin"],
        "{db:?}"
    );
    let read = store
        .staff_by_id(supervisor)
        .await
        .expect("read")
        .expect("found");
    assert_eq!(read.one_time_password_at, Some(NOW), "{db:?}");
    let read = store
        .staff_by_id(admin)
        .await
        .expect("read")
        .expect("found");
    assert_eq!(
        read.directorate_id, None,
        "{db:?}: an administrator has no directorate"
    );

    // A move to another directorate ends the account's sessions.
    store
        .create_session(SessionOwner::Staff(desk), "desk-1", NOW)
        .await
        .expect("a session");
    assert_eq!(
        store
            .set_staff(desk, StaffRole::Desk, Some("duhok"), true, NOW + 10)
            .await
            .expect("set"),
        StaffChangeOutcome::Changed
    );
    let session = store
        .staff_session("desk-1")
        .await
        .expect("read")
        .expect("found");
    assert_eq!(session.revoked_at, Some(NOW + 10), "{db:?}");
    assert_eq!(session.staff.directorate_id.as_deref(), Some("duhok"));

    // The only administrator can be neither demoted nor deactivated.
    for (role, directorate, active) in [
        (StaffRole::Admin, None, false),
        (StaffRole::Supervisor, Some("erbil"), true),
    ] {
        assert_eq!(
            store
                .set_staff(admin, role, directorate, active, NOW + 20)
                .await
                .expect("answered"),
            StaffChangeOutcome::LastAdmin,
            "{db:?}"
        );
    }
    // With a second one, the first can go; deactivated, it stays listed as such.
    assert_eq!(
        store
            .set_staff(desk, StaffRole::Admin, None, true, NOW + 30)
            .await
            .expect("set"),
        StaffChangeOutcome::Changed
    );
    assert_eq!(
        store
            .set_staff(admin, StaffRole::Admin, None, false, NOW + 40)
            .await
            .expect("set"),
        StaffChangeOutcome::Changed
    );
    assert!(
        store
            .staff_by_id(admin)
            .await
            .expect("read")
            .expect("found")
            .disabled
    );
    assert_eq!(
        store
            .set_staff(9999, StaffRole::Desk, Some("erbil"), true, NOW)
            .await
            .expect("answered"),
        StaffChangeOutcome::NotFound
    );
}
both!(an_administrator_changes_accounts_and_the_last_one_stays);

async fn a_new_password_ends_every_other_session(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    named_directorate(&store, "erbil", &[]).await;
    let desk = staff(&store, "erbil-desk", StaffRole::Desk, "erbil").await;
    for token in ["here", "elsewhere"] {
        store
            .create_session(SessionOwner::Staff(desk), token, NOW)
            .await
            .expect("a session");
    }
    assert!(
        store
            .set_staff_password(desk, "own-hash", None, Some("here"), NOW + 5)
            .await
            .expect("set")
    );
    let here = store
        .staff_session("here")
        .await
        .expect("read")
        .expect("found");
    let elsewhere = store
        .staff_session("elsewhere")
        .await
        .expect("read")
        .expect("found");
    assert_eq!(
        (here.revoked_at, elsewhere.revoked_at),
        (None, Some(NOW + 5)),
        "{db:?}"
    );
    assert_eq!(here.staff.password_hash, "own-hash");
    // A reset by the administrator: a one-time password, and no session survives.
    assert!(
        store
            .set_staff_password(desk, "otp", Some(NOW + 9), None, NOW + 9)
            .await
            .expect("reset")
    );
    let here = store
        .staff_session("here")
        .await
        .expect("read")
        .expect("found");
    assert_eq!(here.revoked_at, Some(NOW + 9), "{db:?}");
    assert_eq!(here.staff.one_time_password_at, Some(NOW + 9));
    assert!(
        !store
            .set_staff_password(9999, "x", None, None, NOW)
            .await
            .expect("answered")
    );
}
both!(a_new_password_ends_every_other_session);

/// A database of the last release, with accounts, sessions and a closure, upgrades to the
/// administrator's schema (SQLite rebuilds the staff table) keeping every row and reference.
#[tokio::test]
async fn an_upgraded_sqlite_database_keeps_its_staff_sessions_and_closures() {
    use rega_server::store::{Sessions, StaffAccounts};
    use sqlx::Connection;
    let data = tempfile::tempdir().expect("a temporary directory");
    let path = data.path().join("rega.sqlite3");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .foreign_keys(true);
    let mut before = sqlx::migrate!("migrations/sqlite");
    let cut = before
        .migrations
        .iter()
        .position(|m| m.description == "staff admin")
        .expect("the administrator's migration");
    before.migrations = before.migrations[..cut].to_vec().into();
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("SQLite");
    before
        .run(&mut conn)
        .await
        .expect("the last release's schema");
    for statement in [
        "INSERT INTO directorate (id, name_en, name_ckb, name_ar, address_en, address_ckb, address_ar, phone) \
         VALUES ('erbil', 'Erbil', 'هەولێر', 'أربيل', 'a', 'b', 'c', '+964662000001')",
        "INSERT INTO staff (username, password_hash, role, directorate_id, created_at) \
         VALUES ('erbil-desk', 'h1', 'desk', 'erbil', 1), ('erbil-supervisor', 'h2', 'supervisor', 'erbil', 1)",
        "INSERT INTO staff_session (token_hash, staff_id, created_at, last_seen_at) VALUES ('t', 2, 1, 1)",
        "INSERT INTO closure (directorate_id, day, starts_at, ends_at, note, staff_id, created_at) \
         VALUES ('erbil', '2026-12-01', 1, 2, 'flood', 2, 1)",
    ] {
        sqlx::query(statement)
            .execute(&mut conn)
            .await
            .expect(statement);
    }
    conn.close().await.expect("closed");

    let store = rega_server::store::sqlite::open(&path)
        .await
        .expect("upgraded");
    let supervisor = store
        .staff_by_username("erbil-supervisor")
        .await
        .expect("read")
        .expect("kept");
    assert_eq!((supervisor.id, supervisor.role), (2, StaffRole::Supervisor));
    let session = store.staff_session("t").await.expect("read").expect("kept");
    assert_eq!(session.staff.username, "erbil-supervisor");
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("SQLite");
    let broken: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(&mut conn)
        .await
        .expect("checked");
    assert!(broken.is_empty(), "{broken:?}");
    // New accounts continue the numbering, and an administrator needs no directorate.
    let admin = store
        .create_staff(
            &NewStaff {
                username: "network-admin",
                password_hash: "h3",
                role: StaffRole::Admin,
                directorate_id: None,
                one_time: false,
            },
            NOW,
        )
        .await
        .expect("created")
        .expect("a new name");
    assert_eq!(admin, 3);
}

/// Two administrators deactivating each other at the same instant: one of them stays.
async fn two_administrators_removing_each_other_at_once_leave_one(db: Db) {
    for round in 0..5 {
        let Some((store, _data)) = fresh(db).await else {
            return;
        };
        let a = staff(&store, "admin-a", StaffRole::Admin, "").await;
        let b = staff(&store, "admin-b", StaffRole::Admin, "").await;
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
        let run = |id: i64| {
            let (store, barrier) = (store.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                store
                    .set_staff(id, StaffRole::Admin, None, false, NOW)
                    .await
            })
        };
        let (first, second) = (run(a), run(b));
        let mut outcomes = [
            first.await.expect("ran").expect("answered"),
            second.await.expect("ran").expect("answered"),
        ];
        outcomes.sort_by_key(|o| *o == StaffChangeOutcome::LastAdmin);
        assert_eq!(
            outcomes,
            [StaffChangeOutcome::Changed, StaffChangeOutcome::LastAdmin],
            "{db:?} round {round}"
        );
        let active = store
            .staff_accounts()
            .await
            .expect("read")
            .into_iter()
            .filter(|s| s.role == StaffRole::Admin && !s.disabled)
            .count();
        assert_eq!(active, 1, "{db:?} round {round}");
    }
}
both!(
    two_administrators_removing_each_other_at_once_leave_one,
    multi_thread
);
