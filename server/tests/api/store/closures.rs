//! Planning and closures: setting the places of slots, closing a period (cancelling its
//! appointments, giving back the change it cost), lifting it, and the SMS each citizen is owed
//! (closure notices and reminders), each claimed once.

use rega_api::service::ServiceKind;
use rega_server::domain::messages::MessageKind;
use rega_server::store::{
    AppointmentStatus, BookError, BookRequest, MessageOutcome, NewClosure, StaffRole,
};

use super::{
    DAY, NOW, booked, citizen, fresh, named_directorate, request, slot_at, staff, status_of,
};
use crate::helpers::Db;

async fn setting_places_keeps_every_booking_and_every_closure(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    let service = ServiceKind::TheoryTest;
    named_directorate(&store, "erbil", &[(service, 3)]).await;
    let day = NOW + 3 * DAY;
    let slots: Vec<i64> = [0, 1800, 3600].iter().map(|o| day + o).collect();
    let mut ids = Vec::new();
    for start in &slots {
        ids.push(slot_at(&store, "erbil", service, *start).await);
    }
    for n in 1..=2 {
        let who = citizen(&store, n).await;
        booked(&store, who, ids[0], service).await;
    }
    let (changed, kept) = store
        .set_capacity("erbil", service, day, day + 7200, 1)
        .await
        .expect("planned");
    assert_eq!(
        (changed, kept),
        (2, 1),
        "{db:?}: the slot with two booked keeps its places"
    );
    let capacities: Vec<i64> = store
        .slots_between("erbil", service, day, day + 7200)
        .await
        .expect("slots")
        .iter()
        .map(|s| s.capacity)
        .collect();
    assert_eq!(capacities, [3, 1, 1], "{db:?}");
    let supervisor = staff(&store, "erbil-supervisor", StaffRole::Supervisor, "erbil").await;
    store
        .close(&NewClosure {
            directorate_id: "erbil",
            day: "2026-11-23",
            starts_at: day + 3600,
            ends_at: day + 5400,
            note: "water",
            staff_id: supervisor,
            now: NOW,
        })
        .await
        .expect("closed");
    let (changed, kept) = store
        .set_capacity("erbil", service, day, day + 7200, 5)
        .await
        .expect("planned");
    assert_eq!(
        (changed, kept),
        (2, 1),
        "{db:?}: the closed slot stays closed"
    );
    let capacities: Vec<i64> = store
        .slots_between("erbil", service, day, day + 7200)
        .await
        .expect("slots")
        .iter()
        .map(|s| s.capacity)
        .collect();
    assert_eq!(capacities, [5, 5, 0], "{db:?}");
}
both!(setting_places_keeps_every_booking_and_every_closure);

async fn a_closure_cancels_its_period_once_and_lifting_it_reopens_the_slots(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    let service = ServiceKind::TheoryTest;
    named_directorate(&store, "erbil", &[(service, 2)]).await;
    named_directorate(&store, "duhok", &[(service, 2)]).await;
    let day = NOW + 3 * DAY;
    let inside = slot_at(&store, "erbil", service, day).await;
    let outside = slot_at(&store, "erbil", service, day + 7200).await;
    let elsewhere = slot_at(&store, "duhok", service, day).await;
    let (a, b, c) = (
        citizen(&store, 1).await,
        citizen(&store, 2).await,
        citizen(&store, 3).await,
    );
    let hit = booked(&store, a, inside, service).await;
    let spared = booked(&store, b, outside, service).await;
    let other = booked(&store, c, elsewhere, service).await;
    let supervisor = staff(&store, "erbil-supervisor", StaffRole::Supervisor, "erbil").await;
    let closure = NewClosure {
        directorate_id: "erbil",
        day: "2026-11-23",
        starts_at: day,
        ends_at: day + 3600,
        note: "power cut",
        staff_id: supervisor,
        now: NOW + 10,
    };
    let (id, cancelled) = store.close(&closure).await.expect("closed");
    assert_eq!(cancelled, 1, "{db:?}");
    assert_eq!(
        status_of(&store, a, &hit.reference).await,
        AppointmentStatus::Cancelled
    );
    assert_eq!(
        status_of(&store, b, &spared.reference).await,
        AppointmentStatus::Booked
    );
    assert_eq!(
        status_of(&store, c, &other.reference).await,
        AppointmentStatus::Booked
    );
    let mine = store.appointments_of(a).await.expect("listed");
    assert_eq!(
        mine[0].closed_at,
        Some(NOW + 10),
        "{db:?}: marked as the directorate's"
    );
    let slot = store.slot(inside).await.expect("read").expect("found");
    assert_eq!(
        (slot.capacity, slot.booked),
        (0, 0),
        "{db:?}: closed and its place given back"
    );
    assert!(matches!(
        store.book(&request(b, inside)).await,
        Err(BookError::SlotFull)
    ));
    // A slot the window reaches later is created closed.
    let late = slot_at(&store, "erbil", service, day + 1800).await;
    assert_eq!(
        store
            .slot(late)
            .await
            .expect("read")
            .expect("found")
            .capacity,
        0,
        "{db:?}"
    );

    let listed = store
        .closures_of("erbil", day - DAY, day + DAY)
        .await
        .expect("listed");
    assert_eq!(listed.len(), 1);
    let entry = &listed[0];
    assert_eq!(
        (entry.id, entry.day.as_str(), entry.starts_at, entry.ends_at),
        (id, "2026-11-23", day, day + 3600)
    );
    assert_eq!(
        (entry.note.as_str(), entry.staff.as_str(), entry.cancelled),
        ("power cut", "erbil-supervisor", 1)
    );
    assert!(
        store
            .closures_of("duhok", 0, i64::MAX)
            .await
            .expect("listed")
            .is_empty()
    );
    assert!(
        store
            .closures_of("erbil", day + 3600, day + DAY)
            .await
            .expect("listed")
            .is_empty(),
        "{db:?}: [from, to)"
    );

    // The citizen's message was written with the closure; a sender claims it once.
    let notices = store
        .claim_messages(NOW + 20, NOW + 320, 10)
        .await
        .expect("claimed");
    assert_eq!(notices.len(), 1, "{db:?}");
    assert_eq!(notices[0].kind, MessageKind::Closure);
    assert_eq!(
        (notices[0].reference.as_deref(), notices[0].starts_at),
        (Some(hit.reference.to_string().as_str()), Some(day))
    );
    assert_eq!(
        (
            notices[0].phone.as_str(),
            notices[0].directorate_id.as_deref()
        ),
        ("+9647500000001", Some("erbil"))
    );
    assert!(
        store
            .claim_messages(NOW + 30, NOW + 330, 10)
            .await
            .expect("claimed")
            .is_empty(),
        "once, while its lease runs"
    );

    assert!(
        !store
            .lift_closure("duhok", id, supervisor, NOW + 40)
            .await
            .expect("tried"),
        "{db:?}"
    );
    assert!(
        store
            .lift_closure("erbil", id, supervisor, NOW + 40)
            .await
            .expect("lifted")
    );
    assert!(
        !store
            .lift_closure("erbil", id, supervisor, NOW + 41)
            .await
            .expect("tried"),
        "once"
    );
    assert_eq!(
        store
            .slot(inside)
            .await
            .expect("read")
            .expect("found")
            .capacity,
        2,
        "{db:?}"
    );
    assert_eq!(
        store
            .slot(late)
            .await
            .expect("read")
            .expect("found")
            .capacity,
        2
    );
    assert_eq!(
        status_of(&store, a, &hit.reference).await,
        AppointmentStatus::Cancelled,
        "stays cancelled"
    );
    assert!(
        store
            .closures_of("erbil", 0, i64::MAX)
            .await
            .expect("listed")
            .is_empty()
    );
}
both!(a_closure_cancels_its_period_once_and_lifting_it_reopens_the_slots);

async fn a_closure_gives_back_the_booking_it_cost(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    let service = ServiceKind::TheoryTest;
    named_directorate(&store, "erbil", &[(service, 2)]).await;
    let supervisor = staff(&store, "erbil-supervisor", StaffRole::Supervisor, "erbil").await;
    let me = citizen(&store, 1).await;
    let limited = |slot| rega_server::store::BookRequest {
        limit: rega_server::domain::limits::ChangeLimit {
            max: 1,
            since: NOW - 30 * DAY,
        },
        ..request(me, slot)
    };
    let day = NOW + 3 * DAY;
    let first = slot_at(&store, "erbil", service, day).await;
    let second = slot_at(&store, "erbil", service, day + DAY).await;
    store.book(&limited(first)).await.expect("booked");
    store
        .close(&NewClosure {
            directorate_id: "erbil",
            day: "2026-11-23",
            starts_at: day,
            ends_at: day + 1800,
            note: "",
            staff_id: supervisor,
            now: NOW,
        })
        .await
        .expect("closed");
    store
        .book(&limited(second))
        .await
        .expect("the closed booking did not count against the limit");
    let latest = store.appointments_of(me).await.expect("listed")[0]
        .reference
        .clone();
    store.cancel(me, &latest, NOW).await.expect("cancelled");
    assert!(
        matches!(
            store.book(&limited(second)).await,
            Err(BookError::TooManyChanges)
        ),
        "{db:?}"
    );
}
both!(a_closure_gives_back_the_booking_it_cost);

async fn each_reminder_is_written_once_for_booked_appointments_in_its_window(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    let service = ServiceKind::Renewal;
    named_directorate(&store, "erbil", &[(service, 5)]).await;
    let tomorrow = NOW + DAY;
    let due = slot_at(&store, "erbil", service, tomorrow).await;
    let later = slot_at(&store, "erbil", service, tomorrow + 2 * DAY).await;
    let (a, b, c) = (
        citizen(&store, 1).await,
        citizen(&store, 2).await,
        citizen(&store, 3).await,
    );
    let remind = booked(&store, a, due, service).await;
    let cancelled = booked(&store, b, due, service).await;
    store
        .cancel(b, &cancelled.reference, NOW)
        .await
        .expect("cancelled");
    booked(&store, c, later, service).await;
    let window = (tomorrow - 60, tomorrow + 60);
    // Booked after the evening's reminder hour: not reminded (the booking was just confirmed).
    assert_eq!(
        store
            .enqueue_reminders(window.0, window.1, NOW, NOW + 10)
            .await
            .expect("written"),
        0,
        "{db:?}"
    );
    assert_eq!(
        store
            .enqueue_reminders(window.0, window.1, NOW + 1, NOW + 10)
            .await
            .expect("written"),
        1,
        "{db:?}"
    );
    assert_eq!(
        store
            .enqueue_reminders(window.0, window.1, NOW + 1, NOW + 20)
            .await
            .expect("written"),
        0,
        "{db:?}: once per appointment and start"
    );
    let claimed = store
        .claim_messages(NOW + 20, NOW + 320, 10)
        .await
        .expect("claimed");
    assert_eq!(claimed.len(), 1, "{db:?}");
    let reminder = &claimed[0];
    assert_eq!(reminder.kind, MessageKind::Reminder);
    assert_eq!(
        (reminder.reference.as_deref(), reminder.phone.as_str()),
        (
            Some(remind.reference.to_string().as_str()),
            "+9647500000001"
        )
    );
    assert_eq!(
        (reminder.starts_at, reminder.directorate_id.as_deref()),
        (Some(tomorrow), Some("erbil"))
    );
    assert!(reminder.still_booked_then);
    store
        .finish_message(reminder.id, MessageOutcome::Sent, None, NOW + 21)
        .await
        .expect("sent");

    // Moved to another day, the appointment is reminded again, of its new day.
    let moved_to = slot_at(&store, "erbil", service, tomorrow + DAY).await;
    store
        .reschedule(
            a,
            &remind.reference,
            moved_to,
            &BookRequest {
                citizen_id: a,
                slot_id: moved_to,
                service,
                now: NOW + 100,
                offers: Default::default(),
                limit: rega_server::domain::limits::ChangeLimit { max: 10, since: 0 },
            },
        )
        .await
        .expect("moved");
    assert_eq!(
        store
            .enqueue_reminders(
                tomorrow + DAY - 60,
                tomorrow + DAY + 60,
                NOW + 101,
                NOW + 200
            )
            .await
            .expect("written"),
        1,
        "{db:?}: re-armed for the new day"
    );
}
both!(each_reminder_is_written_once_for_booked_appointments_in_its_window);
