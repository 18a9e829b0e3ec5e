//! The registry's records (`Registry::apply_registry`): created, replaced only by a newer
//! version, a phone change revoking sessions and telling the old number, a withdrawal
//! cancelling future appointments and telling the citizen, a licence number of another citizen
//! refusing the record whole; and the messages written with the change, claimed once.

use rega_api::ids::NationalId;
use rega_api::service::ServiceKind;
use rega_server::domain::messages::MessageKind;
use rega_server::store::{
    AppointmentStatus, NewLicence, RegistryCitizen, RegistryOutcome, SessionOwner, TestKind,
    TestResult,
};

use super::*;
use crate::helpers::Db;

fn record(n: u32, version: i64, phone: &str) -> RegistryCitizen {
    RegistryCitizen {
        national_id: NationalId::parse(&format!("{:012}", 197_000_000_000u64 + u64::from(n)))
            .expect("an id"),
        version,
        name_latin: "Shilan Ahmed".into(),
        name_arabic: "شیلان ئەحمەد".into(),
        birth_date: "1990-05-01".into(),
        phone: phone.into(),
        active: true,
        licence: Some(NewLicence {
            document_number: format!("KR-9{n:05}"),
            expiry_date: "2031-01-01".into(),
            suspension: None,
            elements: serde_json::json!({"document_number": format!("KR-9{n:05}"), "expiry_date": "2031-01-01"}),
        }),
        tests: vec![TestResult {
            test: TestKind::Theory,
            passed: true,
            taken_on: "2025-01-01".into(),
            valid_until: None,
        }],
    }
}

async fn registry_records_apply_by_version_with_their_consequences(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    let slot = directorate(&store, 2, &[NOW + 3 * DAY]).await[0];
    let first = record(1, 5, "+9647501110001");
    assert_eq!(
        store
            .apply_registry(std::slice::from_ref(&first), NOW)
            .await
            .expect("applied"),
        vec![RegistryOutcome::Created],
        "{db:?}"
    );
    let citizen = store
        .citizen_by_national_id(&first.national_id)
        .await
        .expect("read")
        .expect("the citizen");
    assert!(citizen.active, "{db:?}");
    assert_eq!(
        store.test_results_of(citizen.id).await.expect("read"),
        first.tests,
        "{db:?}"
    );
    assert_eq!(
        store
            .licence_of(citizen.id)
            .await
            .expect("read")
            .expect("a licence")
            .document_number,
        "KR-900001"
    );
    // The same record again, and an older one, change nothing.
    let older = RegistryCitizen {
        version: 4,
        ..record(1, 4, "+9647509999999")
    };
    assert_eq!(
        store
            .apply_registry(&[first.clone(), older], NOW)
            .await
            .expect("applied"),
        vec![RegistryOutcome::Unchanged, RegistryOutcome::Unchanged],
        "{db:?}"
    );
    // A newer version with another phone: the sessions end, the old number is told.
    store
        .create_session(SessionOwner::Citizen(citizen.id), "registry-session-1", NOW)
        .await
        .expect("a session");
    let moved = record(1, 6, "+9647501110002");
    assert_eq!(
        store.apply_registry(&[moved], NOW).await.expect("applied"),
        vec![RegistryOutcome::Updated {
            phone_changed: true,
            deactivated: false,
            cancelled: 0
        }],
        "{db:?}"
    );
    assert!(
        store
            .session("registry-session-1")
            .await
            .expect("read")
            .expect("the session")
            .revoked_at
            .is_some(),
        "{db:?}"
    );
    let told = store
        .claim_messages(NOW, NOW + 300, 10)
        .await
        .expect("claimed");
    assert_eq!(told.len(), 1, "{db:?}");
    assert_eq!(
        (told[0].phone.as_str(), told[0].kind),
        ("+9647501110001", MessageKind::PhoneChanged)
    );
    assert!(
        store
            .claim_messages(NOW, NOW + 300, 10)
            .await
            .expect("claimed")
            .is_empty()
    );
    // Withdrawn: the future appointment is cancelled, its place freed, the citizen told.
    let appointment = booked(&store, citizen.id, slot, ServiceKind::TheoryTest).await;
    let withdrawn = RegistryCitizen {
        active: false,
        ..record(1, 7, "+9647501110002")
    };
    assert_eq!(
        store
            .apply_registry(&[withdrawn], NOW)
            .await
            .expect("applied"),
        vec![RegistryOutcome::Updated {
            phone_changed: false,
            deactivated: true,
            cancelled: 1
        }],
        "{db:?}"
    );
    assert_eq!(
        status_of(&store, citizen.id, &appointment.reference).await,
        AppointmentStatus::Cancelled
    );
    assert_eq!(booked_places(&store, slot).await, 0, "{db:?}");
    assert!(
        !store
            .citizen(citizen.id)
            .await
            .expect("read")
            .expect("the citizen")
            .active
    );
    let told = store
        .claim_messages(NOW, NOW + 300, 10)
        .await
        .expect("claimed");
    assert_eq!(
        (told.len(), told[0].kind, told[0].reference.as_deref()),
        (
            1,
            MessageKind::AppointmentCancelled,
            Some(appointment.reference.to_string().as_str())
        ),
        "{db:?}"
    );
    // Another citizen with this licence number: refused whole, nothing of it stored.
    let thief = RegistryCitizen {
        licence: record(1, 1, "+9647501110009").licence,
        ..record(2, 1, "+9647501110009")
    };
    assert_eq!(
        store
            .apply_registry(std::slice::from_ref(&thief), NOW)
            .await
            .expect("applied"),
        vec![RegistryOutcome::LicenceTaken],
        "{db:?}"
    );
    assert!(
        store
            .citizen_by_national_id(&thief.national_id)
            .await
            .expect("read")
            .is_none(),
        "{db:?}"
    );
}

both!(registry_records_apply_by_version_with_their_consequences);
