//! The storage conformance suite: every store method, the same assertions on SQLite and on
//! PostgreSQL (`both!`), one file per area of the store.

mod bookings;
mod citizens;
mod closures;
mod idempotency;
mod kiosks;
mod operations;
mod outcomes;
mod registry;
mod staff;

use std::sync::Arc;

use rega_api::ids::{NationalId, Reference};
use rega_api::service::ServiceKind;
use rega_server::store::{
    Appointment, BookRequest, Directorate, Localized, NewCitizen, NewLicence, StaffRole, Store,
    TestKind, TestResult,
};

use crate::helpers::{Db, store};

/// A fresh store on `db` with its data directory, or `None` when PostgreSQL is skipped outside CI.
async fn fresh(db: Db) -> Option<(Arc<dyn Store>, tempfile::TempDir)> {
    let data = tempfile::tempdir().expect("a temporary directory");
    let store = store(db, data.path()).await?;
    Some((store, data))
}

const NOW: i64 = 1_795_856_400;
const DAY: i64 = 86_400;

fn localized(text: &str) -> Localized {
    Localized {
        en: text.into(),
        ckb: text.into(),
        ar: text.into(),
    }
}

/// A directorate with `counters` places per theory-test slot, and slots at the given starts.
async fn directorate(store: &Arc<dyn Store>, counters: u32, starts: &[i64]) -> Vec<i64> {
    let d = Directorate {
        id: "erbil".into(),
        name: localized("Erbil"),
        address: localized("Erbil"),
        phone: "+9647500000000".into(),
    };
    store
        .upsert_directorate(&d, &[(ServiceKind::TheoryTest, counters)])
        .await
        .expect("directorate");
    store
        .ensure_slots("erbil", ServiceKind::TheoryTest, starts)
        .await
        .expect("slots");
    let slots = store
        .slots_between("erbil", ServiceKind::TheoryTest, 0, i64::MAX)
        .await
        .expect("slots");
    slots.iter().map(|s| s.id).collect()
}

async fn citizen(store: &Arc<dyn Store>, n: u32) -> i64 {
    let citizen = NewCitizen {
        national_id: NationalId::parse(&format!("{:012}", 199_000_000_000u64 + u64::from(n)))
            .expect("an id"),
        phone: format!("+96475{n:08}"),
        birth_date: "1990-01-01".into(),
        tests: Vec::new(),
        licence: None,
    };
    store.insert_citizen(&citizen).await.expect("a citizen")
}

fn request(citizen_id: i64, slot_id: i64) -> BookRequest {
    BookRequest {
        citizen_id,
        slot_id,
        service: ServiceKind::TheoryTest,
        now: NOW,
        offers: Default::default(),
        limit: rega_server::domain::limits::ChangeLimit {
            max: 4,
            since: NOW - 30 * DAY,
        },
    }
}

async fn booked_places(store: &Arc<dyn Store>, slot_id: i64) -> i64 {
    let slots = store
        .slots_between("erbil", ServiceKind::TheoryTest, 0, i64::MAX)
        .await
        .expect("slots");
    slots
        .iter()
        .find(|s| s.id == slot_id)
        .expect("the slot")
        .booked
}

/// A directorate `id` with the given counters per service (and no slots).
async fn named_directorate(store: &Arc<dyn Store>, id: &str, counters: &[(ServiceKind, u32)]) {
    let d = Directorate {
        id: id.into(),
        name: localized(id),
        address: localized(&format!("{id} street")),
        phone: "+9647500000001".into(),
    };
    store
        .upsert_directorate(&d, counters)
        .await
        .expect("directorate");
}

/// A citizen with a licence (suspended when `suspension` is given); the citizen's id.
async fn licensed_citizen(store: &Arc<dyn Store>, n: u32, suspension: Option<&str>) -> i64 {
    let citizen = NewCitizen {
        national_id: NationalId::parse(&format!("{:012}", 198_000_000_000u64 + u64::from(n)))
            .expect("an id"),
        phone: format!("+96477{n:08}"),
        birth_date: "1985-06-30".into(),
        tests: vec![TestResult {
            test: TestKind::Theory,
            passed: true,
            taken_on: "2004-05-01".into(),
            valid_until: None,
        }],
        licence: Some(NewLicence {
            document_number: format!("KR-{n:06}"),
            expiry_date: "2030-01-31".into(),
            suspension: suspension.map(str::to_owned),
            elements: serde_json::json!({"family_name": "Hama", "categories": ["B"], "n": n}),
        }),
    };
    store.insert_citizen(&citizen).await.expect("a citizen")
}

/// One slot of `service` at `directorate` starting at `starts_at`; its id.
async fn slot_at(
    store: &Arc<dyn Store>,
    directorate: &str,
    service: ServiceKind,
    starts_at: i64,
) -> i64 {
    store
        .ensure_slots(directorate, service, &[starts_at])
        .await
        .expect("slots");
    store
        .slots_between(directorate, service, starts_at, starts_at + 1)
        .await
        .expect("slots")
        .first()
        .expect("the slot exists")
        .id
}

/// Books `citizen` into `slot_id` (the rules allow it); the appointment.
async fn booked(
    store: &Arc<dyn Store>,
    citizen_id: i64,
    slot_id: i64,
    service: ServiceKind,
) -> Appointment {
    store
        .book(&BookRequest {
            service,
            ..request(citizen_id, slot_id)
        })
        .await
        .expect("booked")
}

/// A staff account; its id.
async fn staff(store: &Arc<dyn Store>, name: &str, role: StaffRole, directorate: &str) -> i64 {
    let directorate = (role != StaffRole::Admin).then_some(directorate);
    store
        .create_staff(
            &rega_server::store::NewStaff {
                username: name,
                password_hash: "$argon2id$v=19$stand-in",
                role,
                directorate_id: directorate,
                one_time: false,
            },
            NOW,
        )
        .await
        .expect("a staff account")
        .expect("a new name")
}

/// The status of one of a citizen's appointments.
async fn status_of(
    store: &Arc<dyn Store>,
    citizen_id: i64,
    reference: &Reference,
) -> rega_server::store::AppointmentStatus {
    store
        .appointments_of(citizen_id)
        .await
        .expect("appointments")
        .into_iter()
        .find(|a| &a.reference == reference)
        .expect("the appointment")
        .status
}

/// A ticket link digest no other check-in has (the store keeps each once).
pub(crate) fn fresh_link() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "test-link-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}
