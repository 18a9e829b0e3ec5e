//! The outcome feed: every attendance, no-show, lapse and closure cancellation is recorded in
//! its own transaction, and a reader that follows the cursor never misses one, also while many
//! desks record at the same moment (on PostgreSQL, transactions commit in any order).

use std::collections::BTreeSet;
use std::sync::Arc;

use rega_api::service::ServiceKind;
use rega_server::store::{NewClosure, OutcomeKind, StaffRole};
use tokio::sync::Barrier;

use super::{DAY, NOW, booked, citizen, directorate, fresh, staff};
use crate::helpers::Db;

const DESKS: usize = 24;

async fn a_reader_following_the_cursor_sees_every_outcome_once(db: Db) {
    let Some((store, _data)) = fresh(db).await else {
        return;
    };
    let day = NOW + 3 * DAY;
    let slots = directorate(&store, 40, &[day, day + 1800, day + 3600]).await;
    let mut appointments = Vec::new();
    for n in 0..DESKS + 4 {
        let who = citizen(&store, u32::try_from(n).expect("small")).await;
        let slot = if n < DESKS {
            slots[0]
        } else {
            slots[n % 2 + 1]
        };
        appointments.push(booked(&store, who, slot, ServiceKind::TheoryTest).await);
    }
    assert!(
        store.outcomes_after(0, 100).await.expect("read").is_empty(),
        "{db:?}: booking is not an outcome"
    );
    // Every desk records at once; a reader follows the cursor meanwhile.
    let barrier = Arc::new(Barrier::new(DESKS + 1));
    let mut desks = Vec::new();
    for (n, a) in appointments.iter().take(DESKS).enumerate() {
        let (store, barrier, reference) = (store.clone(), barrier.clone(), a.reference.clone());
        desks.push(tokio::spawn(async move {
            barrier.wait().await;
            store
                .record_attendance("erbil", &reference, n % 3 != 0, day + 60)
                .await
                .expect("recorded");
        }));
    }
    let reader = {
        let (store, barrier) = (store.clone(), barrier.clone());
        tokio::spawn(async move {
            barrier.wait().await;
            let (mut after, mut seen) = (0, Vec::new());
            while seen.len() < DESKS {
                for outcome in store.outcomes_after(after, 5).await.expect("read") {
                    assert!(outcome.cursor > after, "in cursor order");
                    after = outcome.cursor;
                    seen.push(outcome);
                }
                tokio::task::yield_now().await;
            }
            seen
        })
    };
    for desk in desks {
        desk.await.expect("a desk");
    }
    let seen = tokio::time::timeout(std::time::Duration::from_secs(60), reader)
        .await
        .expect("the reader saw them all")
        .expect("the reader");
    let references: BTreeSet<String> = seen.iter().map(|o| o.reference.to_string()).collect();
    assert_eq!(references.len(), DESKS, "{db:?}: each once");
    for (n, a) in appointments.iter().take(DESKS).enumerate() {
        let outcome = seen
            .iter()
            .find(|o| o.reference == a.reference)
            .expect("seen");
        let expected = if n % 3 != 0 {
            OutcomeKind::Attended
        } else {
            OutcomeKind::NoShow
        };
        assert_eq!(
            (
                outcome.kind,
                outcome.directorate_id.as_str(),
                outcome.service,
                outcome.starts_at,
                outcome.occurred_at,
                outcome.result.clone()
            ),
            (
                expected,
                "erbil",
                ServiceKind::TheoryTest,
                day,
                day + 60,
                None
            ),
            "{db:?}"
        );
    }
    // A closure's cancellations and a lapsed day's no-shows are outcomes too.
    let supervisor = staff(&store, "erbil-supervisor", StaffRole::Supervisor, "erbil").await;
    let (_, cancelled) = store
        .close(&NewClosure {
            directorate_id: "erbil",
            day: "2026-12-01",
            starts_at: day + 1800,
            ends_at: day + 3600,
            note: "power cut",
            staff_id: supervisor,
            now: day - DAY,
        })
        .await
        .expect("closed");
    assert_eq!(cancelled, 2, "{db:?}");
    assert_eq!(store.close_lapsed(day + 2 * DAY).await.expect("lapsed"), 2);
    let last = seen.last().expect("seen").cursor;
    let rest = store.outcomes_after(last, 100).await.expect("read");
    let kinds: Vec<(OutcomeKind, i64)> = rest.iter().map(|o| (o.kind, o.starts_at)).collect();
    assert_eq!(
        kinds,
        [
            (OutcomeKind::CancelledByClosure, day + 1800),
            (OutcomeKind::CancelledByClosure, day + 1800),
            (OutcomeKind::NoShow, day + 3600),
            (OutcomeKind::NoShow, day + 3600),
        ],
        "{db:?}"
    );
    assert!(
        store
            .outcomes_after(rest[3].cursor, 100)
            .await
            .expect("read")
            .is_empty()
    );
    // Kept for the registry to pull, then pruned by age.
    assert_eq!(
        store.prune_outcomes(day).await.expect("pruned"),
        2,
        "{db:?}: the closure's, recorded a day before"
    );
    assert_eq!(
        store.outcomes_after(0, 1000).await.expect("read").len(),
        DESKS + 2
    );
}
both!(
    a_reader_following_the_cursor_sees_every_outcome_once,
    multi_thread
);
