//! The registry's copy (directorates, citizens, licences) and citizen sign-in: one-time codes
//! and sessions.

use rega_api::ids::NationalId;
use rega_api::service::ServiceKind;
use rega_server::store::{SessionKind, SessionOwner, TestKind};

use super::{NOW, citizen, fresh, licensed_citizen, named_directorate};
use crate::helpers::Db;

async fn directorates_are_created_updated_and_listed_by_id(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    named_directorate(&store, "sulaymaniyah", &[(ServiceKind::Renewal, 2)]).await;
    named_directorate(
        &store,
        "erbil",
        &[(ServiceKind::TheoryTest, 4), (ServiceKind::Renewal, 3)],
    )
    .await;
    // Updated in place: a new phone, one counter changed, one added.
    let mut erbil = store.directorates().await.expect("listed")[0].0.clone();
    erbil.phone = "+9646600000000".into();
    store
        .upsert_directorate(
            &erbil,
            &[(ServiceKind::TheoryTest, 6), (ServiceKind::MedicalCheck, 1)],
        )
        .await
        .expect("updated");
    let all = store.directorates().await.expect("listed");
    let ids: Vec<&str> = all.iter().map(|(d, _)| d.id.as_str()).collect();
    assert_eq!(ids, ["erbil", "sulaymaniyah"], "{db:?}");
    let (erbil, counters) = &all[0];
    assert_eq!(erbil.phone, "+9646600000000");
    assert_eq!(erbil.address.ckb, "erbil street");
    let mut counters = counters.clone();
    counters.sort_by_key(|(s, _)| s.code());
    let mut expected = vec![
        (ServiceKind::MedicalCheck, 1),
        (ServiceKind::Renewal, 3),
        (ServiceKind::TheoryTest, 6),
    ];
    expected.sort_by_key(|(s, _)| s.code());
    assert_eq!(counters, expected, "{db:?}");
    assert_eq!(all[1].1, [(ServiceKind::Renewal, 2)]);
}
both!(directorates_are_created_updated_and_listed_by_id);

async fn a_citizen_and_licence_read_back_as_the_registry_sent_them(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    let plain = citizen(&store, 1).await;
    let licensed = licensed_citizen(&store, 2, None).await;
    let suspended = licensed_citizen(&store, 3, Some("Court order 2026/17")).await;

    let record = store.citizen(licensed).await.expect("read").expect("found");
    assert_eq!(record.id, licensed);
    assert_eq!(record.national_id.as_str(), "198000000002");
    assert_eq!(record.phone, "+9647700000002");
    assert_eq!(record.birth_date, "1985-06-30");
    assert_eq!(
        store
            .test_results_of(licensed)
            .await
            .expect("read")
            .iter()
            .map(|t| (t.test, t.passed, t.taken_on.as_str()))
            .collect::<Vec<_>>(),
        [(TestKind::Theory, true, "2004-05-01")],
        "{db:?}"
    );
    let by_id = store
        .citizen_by_national_id(&record.national_id)
        .await
        .expect("read")
        .expect("found");
    assert_eq!(by_id, record);
    assert!(store.test_results_of(plain).await.expect("read").is_empty());
    let unknown = NationalId::parse("100000000999").expect("an id");
    assert!(
        store
            .citizen_by_national_id(&unknown)
            .await
            .expect("read")
            .is_none()
    );
    assert!(
        store
            .citizen(licensed + 1000)
            .await
            .expect("read")
            .is_none()
    );

    let licence = store
        .licence_of(licensed)
        .await
        .expect("read")
        .expect("a licence");
    assert_eq!(licence.document_number, "KR-000002");
    assert_eq!(licence.expiry_date, "2030-01-31");
    assert_eq!(licence.suspension, None);
    assert_eq!(
        licence.elements,
        serde_json::json!({"family_name": "Hama", "categories": ["B"], "n": 2}),
        "{db:?}"
    );
    let licence = store
        .licence_of(suspended)
        .await
        .expect("read")
        .expect("a licence");
    assert_eq!(licence.suspension.as_deref(), Some("Court order 2026/17"));
    assert!(store.licence_of(plain).await.expect("read").is_none());
}
both!(a_citizen_and_licence_read_back_as_the_registry_sent_them);

async fn a_code_is_replaced_counted_revoked_and_used_once(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    let me = citizen(&store, 1).await;
    assert!(store.current_otp(me).await.expect("read").is_none());
    store
        .replace_otp(me, "first", NOW, NOW + 300)
        .await
        .expect("issued");
    store
        .replace_otp(me, "second", NOW + 10, NOW + 310)
        .await
        .expect("issued");
    let code = store.current_otp(me).await.expect("read").expect("a code");
    assert_eq!(
        code.code_hmac, "second",
        "{db:?}: a new code revokes the earlier one"
    );
    assert_eq!((code.expires_at, code.failed_attempts), (NOW + 310, 0));

    assert_eq!(store.otp_failed(code.id, 3).await.expect("counted"), 1);
    assert_eq!(store.otp_failed(code.id, 3).await.expect("counted"), 2);
    assert_eq!(
        store
            .current_otp(me)
            .await
            .expect("read")
            .expect("still there")
            .failed_attempts,
        2
    );
    assert_eq!(store.otp_failed(code.id, 3).await.expect("counted"), 3);
    assert!(
        store.current_otp(me).await.expect("read").is_none(),
        "{db:?}: revoked at the limit"
    );
    assert!(
        !store.otp_consume(code.id, NOW + 20).await.expect("tried"),
        "a revoked code"
    );

    store
        .replace_otp(me, "third", NOW + 30, NOW + 330)
        .await
        .expect("issued");
    let code = store.current_otp(me).await.expect("read").expect("a code");
    assert!(
        store.otp_consume(code.id, NOW + 40).await.expect("used"),
        "{db:?}"
    );
    assert!(
        !store.otp_consume(code.id, NOW + 41).await.expect("tried"),
        "used once only"
    );
    assert!(store.current_otp(me).await.expect("read").is_none());
}
both!(a_code_is_replaced_counted_revoked_and_used_once);

async fn a_citizen_session_is_found_touched_and_revoked(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    let me = citizen(&store, 1).await;
    assert!(store.session("nothing").await.expect("read").is_none());
    store
        .create_session(SessionOwner::Citizen(me), "hash-1", NOW)
        .await
        .expect("created");
    let session = store.session("hash-1").await.expect("read").expect("found");
    assert_eq!(
        (
            session.citizen_id,
            session.created_at,
            session.last_seen_at,
            session.revoked_at
        ),
        (me, NOW, NOW, None),
        "{db:?}"
    );
    store
        .touch_session(SessionKind::Citizen, "hash-1", NOW + 120)
        .await
        .expect("touched");
    store
        .touch_session(SessionKind::Citizen, "hash-1", NOW + 60)
        .await
        .expect("touched");
    let session = store.session("hash-1").await.expect("read").expect("found");
    assert_eq!(session.last_seen_at, NOW + 120, "{db:?}: never moved back");
    store
        .revoke_session(SessionKind::Citizen, "hash-1", NOW + 200)
        .await
        .expect("revoked");
    store
        .revoke_session(SessionKind::Citizen, "hash-1", NOW + 300)
        .await
        .expect("revoked again");
    let session = store.session("hash-1").await.expect("read").expect("found");
    assert_eq!(
        session.revoked_at,
        Some(NOW + 200),
        "{db:?}: the first revocation stays"
    );
}
both!(a_citizen_session_is_found_touched_and_revoked);
