//! Kiosks: enrolment, the credential's lookup and revocation, and check-in with its tickets.

use rega_api::service::ServiceKind;
use rega_server::domain::check_in::CheckInRefusal;
use rega_server::domain::rules::BookingRules;
use rega_server::store::{AppointmentStatus, CheckInError};

use super::{NOW, booked, citizen, fresh, named_directorate, slot_at, status_of};
use crate::helpers::Db;

async fn a_kiosk_is_enrolled_found_listed_and_revoked_within_its_directorate(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    named_directorate(&store, "erbil", &[]).await;
    named_directorate(&store, "duhok", &[]).await;
    let hall = store
        .enrol_kiosk("erbil", "Hall 1", "t-1", NOW)
        .await
        .expect("enrolled");
    let door = store
        .enrol_kiosk("erbil", "Door", "t-2", NOW + 5)
        .await
        .expect("enrolled");
    let kiosk = store.kiosk("t-1").await.expect("read").expect("found");
    assert_eq!(
        (
            kiosk.id,
            kiosk.directorate_id.as_str(),
            kiosk.label.as_str()
        ),
        (hall, "erbil", "Hall 1")
    );
    assert!(store.kiosk("t-9").await.expect("read").is_none());

    assert!(
        !store
            .revoke_kiosk(hall, Some("duhok"), NOW + 10)
            .await
            .expect("tried"),
        "{db:?}: a supervisor of another directorate cannot revoke it"
    );
    assert!(store.kiosk("t-1").await.expect("read").is_some());
    assert!(
        store
            .revoke_kiosk(hall, Some("erbil"), NOW + 10)
            .await
            .expect("revoked")
    );
    assert!(
        !store
            .revoke_kiosk(hall, Some("erbil"), NOW + 11)
            .await
            .expect("tried"),
        "once"
    );
    assert!(
        store.kiosk("t-1").await.expect("read").is_none(),
        "{db:?}: revoked"
    );
    assert!(
        store
            .revoke_kiosk(door, None, NOW + 12)
            .await
            .expect("revoked by an operator")
    );

    let listed = store.kiosks_of("erbil").await.expect("listed");
    let summary: Vec<_> = listed
        .iter()
        .map(|(k, enrolled, revoked)| (k.id, k.label.as_str(), *enrolled, *revoked))
        .collect();
    assert_eq!(
        summary,
        [
            (door, "Door", NOW + 5, Some(NOW + 12)),
            (hall, "Hall 1", NOW, Some(NOW + 10))
        ],
        "{db:?}: newest first"
    );
    assert!(store.kiosks_of("duhok").await.expect("listed").is_empty());
}
both!(a_kiosk_is_enrolled_found_listed_and_revoked_within_its_directorate);

async fn check_in_numbers_tickets_per_area_and_refuses_what_the_rules_refuse(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    let rules = BookingRules::default();
    named_directorate(
        &store,
        "erbil",
        &[(ServiceKind::TheoryTest, 5), (ServiceKind::Renewal, 5)],
    )
    .await;
    let start = NOW + 1800;
    let theory = slot_at(&store, "erbil", ServiceKind::TheoryTest, start).await;
    let renewal = slot_at(&store, "erbil", ServiceKind::Renewal, start).await;
    let later = slot_at(&store, "erbil", ServiceKind::TheoryTest, start + 86_400).await;
    let (a, b, c, d) = (
        citizen(&store, 1).await,
        citizen(&store, 2).await,
        citizen(&store, 3).await,
        citizen(&store, 4).await,
    );
    let first = booked(&store, a, theory, ServiceKind::TheoryTest).await;
    let second = booked(&store, b, theory, ServiceKind::TheoryTest).await;
    let other_area = booked(&store, c, renewal, ServiceKind::Renewal).await;
    let tomorrow = booked(&store, d, later, ServiceKind::TheoryTest).await;

    let ticket = store
        .check_in(
            "erbil",
            &first.reference,
            NOW,
            &rules,
            &crate::store::fresh_link(),
        )
        .await
        .expect("in");
    assert_eq!(
        (
            ticket.area.as_str(),
            ticket.number,
            ticket.ahead,
            ticket.again
        ),
        ("T", 1, 0, false),
        "{db:?}"
    );
    assert_eq!(
        (ticket.service, ticket.starts_at),
        (ServiceKind::TheoryTest, start)
    );
    let ticket = store
        .check_in(
            "erbil",
            &second.reference,
            NOW,
            &rules,
            &crate::store::fresh_link(),
        )
        .await
        .expect("in");
    assert_eq!((ticket.number, ticket.ahead), (2, 1), "{db:?}");
    let ticket = store
        .check_in(
            "erbil",
            &other_area.reference,
            NOW,
            &rules,
            &crate::store::fresh_link(),
        )
        .await
        .expect("in");
    assert_eq!(
        (ticket.area.as_str(), ticket.number, ticket.ahead),
        ("A", 1, 0),
        "{db:?}: per area"
    );
    let again = store
        .check_in(
            "erbil",
            &first.reference,
            NOW + 5,
            &rules,
            &crate::store::fresh_link(),
        )
        .await
        .expect("again");
    assert_eq!(
        (again.number, again.again),
        (1, true),
        "{db:?}: the same ticket again"
    );
    assert_eq!(
        status_of(&store, a, &first.reference).await,
        AppointmentStatus::CheckedIn
    );

    let refusal = |r: Result<_, CheckInError>| match r {
        Err(CheckInError::Refused(why)) => why,
        other => panic!("{db:?}: expected a refusal, got {other:?}"),
    };
    assert_eq!(
        refusal(
            store
                .check_in(
                    "erbil",
                    &tomorrow.reference,
                    NOW,
                    &rules,
                    &crate::store::fresh_link()
                )
                .await
        ),
        CheckInRefusal::TooEarly
    );
    assert_eq!(
        refusal(
            store
                .check_in(
                    "duhok",
                    &first.reference,
                    NOW,
                    &rules,
                    &crate::store::fresh_link()
                )
                .await
        ),
        CheckInRefusal::WrongDirectorate
    );
    let unknown = rega_server::store::new_reference().expect("a reference");
    assert_eq!(
        refusal(
            store
                .check_in("erbil", &unknown, NOW, &rules, &crate::store::fresh_link())
                .await
        ),
        CheckInRefusal::NotFound
    );
    assert_eq!(
        refusal(
            store
                .check_in(
                    "erbil",
                    &tomorrow.reference,
                    start + 86_400 + 901,
                    &rules,
                    &crate::store::fresh_link()
                )
                .await
        ),
        CheckInRefusal::TooLate
    );
    store
        .cancel(d, &tomorrow.reference, NOW)
        .await
        .expect("cancelled");
    assert_eq!(
        refusal(
            store
                .check_in(
                    "erbil",
                    &tomorrow.reference,
                    start + 86_400,
                    &rules,
                    &crate::store::fresh_link()
                )
                .await
        ),
        CheckInRefusal::Cancelled
    );
    store
        .record_attendance("erbil", &first.reference, true, NOW + 60)
        .await
        .expect("served");
    assert_eq!(
        refusal(
            store
                .check_in(
                    "erbil",
                    &first.reference,
                    NOW + 70,
                    &rules,
                    &crate::store::fresh_link()
                )
                .await
        ),
        CheckInRefusal::AlreadyServed
    );
    // Checked in, so absent only once called and called again (domain::recall).
    let day = rega_api::time::LocalDateTime::from_unix(NOW)
        .date
        .to_string();
    let called = store
        .call_next("erbil", &day, "T", "1", NOW + 55)
        .await
        .expect("store")
        .expect("called");
    assert_eq!(called.reference.as_ref(), Some(&second.reference));
    assert!(
        matches!(
            store
                .record_attendance("erbil", &second.reference, false, NOW + 56)
                .await,
            Err(rega_server::store::AttendanceError::NoShowTooSoon(_))
        ),
        "{db:?}: not absent after one call"
    );
    store
        .recall("erbil", &second.reference, NOW + 58)
        .await
        .expect("store")
        .expect("called again");
    store
        .record_attendance("erbil", &second.reference, false, NOW + 60)
        .await
        .expect("missed");
    assert_eq!(
        refusal(
            store
                .check_in(
                    "erbil",
                    &second.reference,
                    NOW + 70,
                    &rules,
                    &crate::store::fresh_link()
                )
                .await
        ),
        CheckInRefusal::TooLate,
        "{db:?}: a no-show cannot check in"
    );
}
both!(check_in_numbers_tickets_per_area_and_refuses_what_the_rules_refuse);
