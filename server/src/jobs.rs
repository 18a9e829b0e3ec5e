//! Background work: keeping a slot row for every bookable time of the booking window, writing
//! the evening reminders (sent by `crate::sender`), closing the appointments of past days
//! nobody recorded, and keeping the waitlist's holds moving.

use rega_api::service::ServiceKind;
use rega_api::time::LocalDateTime;

use crate::AppState;
use crate::domain::calendar::{booking_window, closed_reason, slot_starts};
use crate::domain::configuration::Configuration;
use crate::store::StoreError;

/// Creates the slots of the booking window that do not exist yet, for every directorate and
/// service it offers. Safe to run often and from several instances at once.
pub async fn ensure_window_slots(state: &AppState) -> Result<u64, StoreError> {
    let config = state.configuration().await?;
    let created = create_window_slots(state.store.as_ref(), &config, state.clock.now()).await?;
    if created > 0 {
        // New places: this instance's cached availability answers are out of date.
        state.caches.availability.clear();
    }
    Ok(created)
}

/// [`ensure_window_slots`] for a configuration: the slots of each directorate's open days of
/// the window, for each service it offers. How many were created.
pub async fn create_window_slots(
    store: &dyn crate::store::Store,
    config: &Configuration,
    now: i64,
) -> Result<u64, StoreError> {
    let today = LocalDateTime::from_unix(now).date;
    let mut created = 0;
    for directorate in &config.directorates {
        let (first, last) = booking_window(config, directorate, today);
        for service in ServiceKind::ALL {
            if config.places(directorate, service) == 0 {
                continue;
            }
            let mut starts = Vec::new();
            let mut day = first;
            while day <= last {
                if closed_reason(config, directorate, day).is_none() {
                    starts.extend(
                        slot_starts(config, directorate, service, day)
                            .into_iter()
                            .map(LocalDateTime::to_unix),
                    );
                }
                day = day.add_days(1);
            }
            created += store
                .ensure_slots(&directorate.directorate.id, service, &starts)
                .await?;
        }
    }
    Ok(created)
}

/// Runs [`ensure_window_slots`] now and then every hour, so the window moves with the days.
pub fn spawn_slot_keeper(state: AppState) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            match ensure_window_slots(&state).await {
                Ok(created) if created > 0 => {
                    tracing::info!(created, "slots of the booking window created")
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, "cannot create the slots of the booking window")
                }
            }
        }
    });
}

/// Closes the appointments of the days that are over which nobody marked attended or no-show
/// (`domain::appointment`), audited as one `day.closed` record with their number. Returns how
/// many. Any number of instances may run it.
pub async fn close_lapsed_days(state: &AppState) -> Result<u64, StoreError> {
    let now = state.clock.now();
    let closed = state.store.close_lapsed(now).await?;
    if closed > 0 {
        let day = LocalDateTime::from_unix(now).date;
        crate::http::audit::audit(
            state,
            "system",
            "day.closed",
            &format!("appointments-before:{day}"),
            &format!("ok:{closed}"),
        )
        .await;
    }
    Ok(closed)
}

/// Purges the audit records older than the configuration's `audit_retention_days` (a checkpoint
/// stays in the chain), and logs the chain's head: the log, shipped elsewhere, witnesses it, so
/// a chain rewritten from some record onwards no longer matches the heads logged before.
pub async fn keep_audit_trail(state: &AppState) -> Result<(), StoreError> {
    let now = state.clock.now();
    let days = state.configuration().await?.rules.audit_retention_days;
    let credentials = state.credentials.clone();
    let sign = move |message: &[u8]| {
        let issuer = credentials.as_ref()?.issuer(now).ok()?;
        Some(crate::domain::audit_chain::CheckpointSignature {
            kid: crate::auth::sessions::hex(&issuer.kid()),
            signature: issuer.sign_message(message),
        })
    };
    let purged = state
        .store
        .purge_audit(now - days * 86_400, now, &sign)
        .await?;
    if purged > 0 {
        tracing::info!(purged, days, "audit records past their retention purged");
    }
    let head = state.store.audit_head().await?;
    tracing::info!(target: "audit", seq = head.seq, hash = head.hash, "audit chain head");
    Ok(())
}

/// How long the outcome feed keeps an outcome for the registry to pull (`docs/registry.md`).
pub const OUTCOMES_KEPT_DAYS: i64 = 90;

/// Runs every 10 minutes: tomorrow's reminders (once the reminder hour has come), the closing of
/// past days' appointments, forgetting idempotency keys older than 48 hours and outcomes older than
/// [`OUTCOMES_KEPT_DAYS`], and the audit trail's purge and head ([`keep_audit_trail`]).
pub fn spawn_reminders(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            match crate::sender::enqueue_reminders(&state).await {
                Ok(written) if written > 0 => {
                    tracing::info!(written, "tomorrow's reminders written");
                    state.messages_written.notify_one();
                }
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "cannot write tomorrow's reminders"),
            }
            match close_lapsed_days(&state).await {
                Ok(closed) if closed > 0 => {
                    tracing::info!(closed, "appointments of past days closed")
                }
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "cannot close the past days' appointments"),
            }
            let before = state.clock.now() - crate::http::idempotency::KEEP_SECONDS;
            if let Err(error) = state.store.idempotency_expire(before).await {
                tracing::error!(%error, "cannot forget old idempotency keys");
            }
            let before = state.clock.now() - OUTCOMES_KEPT_DAYS * 86_400;
            if let Err(error) = state.store.prune_outcomes(before).await {
                tracing::error!(%error, "cannot prune old outcomes");
            }
            if let Err(error) = keep_audit_trail(&state).await {
                tracing::error!(%error, "cannot purge the audit trail or read its head");
            }
        }
    });
}

/// How often an instance looks for a newly published trust list or signing key.
pub const TRUST_LIST_REFRESH_SECONDS: u64 = 10;

/// Runs every [`TRUST_LIST_REFRESH_SECONDS`]: takes a newly published trust list (from the
/// store, or a file dropped in the keys directory) and a newly made signing key; warns once an
/// hour while the list expires within a week or the server cannot sign.
pub fn spawn_trust_list_refresh(state: AppState) {
    let Some(credentials) = state.credentials.clone() else {
        return;
    };
    tokio::spawn(async move {
        let mut every =
            tokio::time::interval(std::time::Duration::from_secs(TRUST_LIST_REFRESH_SECONDS));
        let mut warned_at = i64::MIN;
        loop {
            every.tick().await;
            let now = state.clock.now();
            if let Err(error) = credentials.refresh(state.store.as_ref(), now).await {
                tracing::error!(%error, "cannot refresh the trust list");
            }
            let status = credentials.status(now);
            if let Some(detail) = status.detail.filter(|_| now - warned_at >= 3600) {
                tracing::warn!(
                    signing = status.signing,
                    detail,
                    "DL1 credentials need attention"
                );
                warned_at = now;
            }
        }
    });
}

/// How often every instance looks for waitlist holds that ran out and free places someone waits
/// for (a change that frees a place hands it on at once; this catches the rest: places added by
/// a supervisor, a lifted closure, holds that ran out, also across a restart).
pub const WAITLIST_SECONDS: u64 = 30;

/// Ends the waitlist offers whose hold ran out (each place goes on to the next in line) and
/// offers the free places entries in line wait for. How many offers ended and were made. Any
/// number of instances may run it at once.
pub async fn keep_waitlist(state: &AppState) -> Result<(u64, u64), StoreError> {
    let now = state.clock.now();
    let offers = crate::store::OfferTerms::of(&state.configuration().await?.rules);
    let lapsed = state.store.expire_offers(now, offers).await?;
    let offered = state.store.offer_free_places(now, offers).await?;
    if lapsed + offered > 0 {
        // Places changed hands: this instance's cached availability is out of date, and the
        // offers' messages are due.
        state.caches.availability.clear();
        state.messages_written.notify_one();
    }
    Ok((lapsed, offered))
}

/// Runs [`keep_waitlist`] every [`WAITLIST_SECONDS`].
pub fn spawn_waitlist_keeper(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(WAITLIST_SECONDS));
        loop {
            every.tick().await;
            match keep_waitlist(&state).await {
                Ok((0, 0)) => {}
                Ok((lapsed, offered)) => tracing::info!(lapsed, offered, "waitlist kept"),
                Err(error) => tracing::error!(%error, "cannot keep the waitlist"),
            }
        }
    });
}
