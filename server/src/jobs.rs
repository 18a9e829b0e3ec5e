//! Background work: keeping a slot row for every bookable time of the booking window, and the
//! SMS about appointments (the day-before reminder, the notice of a closure), and closing the
//! appointments of past days nobody recorded.

use rega_api::service::ServiceKind;
use rega_api::time::LocalDateTime;

use crate::AppState;
use crate::domain::calendar::{booking_window, closed_reason, slot_starts};
use crate::domain::configuration::Configuration;
use crate::store::{Reminder, StoreError};

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

/// Sends the day-before reminders that are due: for every booked appointment starting
/// tomorrow (Baghdad), once. Returns how many were sent. Any number of instances may run it.
pub async fn send_due_reminders(state: &AppState) -> Result<u32, StoreError> {
    let now = state.clock.now();
    let tomorrow = LocalDateTime::from_unix(now).date.add_days(1);
    let from = LocalDateTime {
        date: tomorrow,
        hour: 0,
        minute: 0,
    }
    .to_unix();
    let to = LocalDateTime {
        date: tomorrow.add_days(1),
        hour: 0,
        minute: 0,
    }
    .to_unix();
    send_to_each(
        state,
        "reminder.sent",
        || state.store.claim_reminders(from, to, now, 100),
        |reminder, (ckb, ar, en)| {
            let time = LocalDateTime::from_unix(reminder.starts_at).hh_mm();
            format!(
                "Rega \u{2066}{}\u{2069}: سبەی \u{2066}{time}\u{2069} {ckb} | غدًا \u{2066}{time}\u{2069} {ar} | Tomorrow {time} {en}",
                reminder.reference
            )
        },
    )
    .await
}

/// Tells every citizen whose appointment a closure cancelled and who has not been told, once:
/// an SMS in the three languages asking them to book again. Returns how many were sent. Any
/// number of instances may run it.
pub async fn send_closure_notices(state: &AppState) -> Result<u32, StoreError> {
    send_to_each(
        state,
        "closure.sms_sent",
        || state.store.claim_closure_notices(state.clock.now(), 100),
        |notice, (ckb, ar, en)| {
            let at = LocalDateTime::from_unix(notice.starts_at);
            let when = format!("{} {}", at.date, at.hh_mm());
            format!(
                "Rega \u{2066}{}\u{2069}: {ckb} لە \u{2066}{when}\u{2069} داخراوە و نۆرەکەت هەڵوەشایەوە؛ تکایە لە ڕێگا نۆرەیەکی نوێ بگرە. \
                 | {ar} مغلقة في \u{2066}{when}\u{2069} وأُلغي موعدك؛ يرجى حجز موعد جديد في ريگا. \
                 | {en} is closed at {when}, so your appointment is cancelled; please book again in Rega.",
                notice.reference
            )
        },
    )
    .await
}

/// Sends the SMS that registry changes owe citizens (`Messages::claim_citizen_notices`), once
/// each, in the three languages: the old number told of a phone change, the citizen told of an
/// appointment cancelled because the registry withdrew their record. Returns how many were
/// handed to the gateway. Any number of instances may run it.
pub async fn send_citizen_notices(state: &AppState) -> Result<u32, StoreError> {
    let mut sent = 0;
    loop {
        let batch = state
            .store
            .claim_citizen_notices(state.clock.now(), 100)
            .await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        for notice in batch {
            let body = match notice.kind.as_str() {
                "phone_changed" => "Rega: ژمارەی مۆبایلی چوونەژوورەوە لە تۆماری هاتوچۆدا گۆڕدرا؛ ئەگەر داوات نەکردووە، پەیوەندی بە بەڕێوەبەرایەتی هاتوچۆوە بکە. \
                     | تم تغيير رقم هاتف الدخول في سجل المرور؛ إن لم تطلب ذلك فاتصل بمديرية المرور. \
                     | The phone number for signing in was changed in the traffic registry; if you did not ask for this, contact your traffic directorate."
                    .to_owned(),
                "appointment_withdrawn" => {
                    let at = LocalDateTime::from_unix(notice.starts_at.unwrap_or_default());
                    let when = format!("{} {}", at.date, at.hh_mm());
                    let reference = notice.reference.as_deref().unwrap_or("-");
                    format!(
                        "Rega \u{2066}{reference}\u{2069}: نۆرەکەت لە \u{2066}{when}\u{2069} هەڵوەشایەوە چونکە بەڕێوەبەرایەتییەکە ئەو کاتە کار ناکات؛ تکایە نۆرەیەکی تر بگرە. \
                         | أُلغي موعدك في \u{2066}{when}\u{2069} لأن المديرية لم تعد تعمل في ذلك الوقت؛ يرجى حجز موعد آخر. \
                         | Your appointment at {when} is cancelled: the directorate no longer works at that time; please book again."
                    )
                }
                _ => {
                    let at = LocalDateTime::from_unix(notice.starts_at.unwrap_or_default());
                    let when = format!("{} {}", at.date, at.hh_mm());
                    let reference = notice.reference.as_deref().unwrap_or("-");
                    format!(
                        "Rega \u{2066}{reference}\u{2069}: نۆرەکەت لە \u{2066}{when}\u{2069} هەڵوەشایەوە چونکە تۆمارەکەت لە تۆماری هاتوچۆدا ڕاگیرا؛ پەیوەندی بە بەڕێوەبەرایەتی هاتوچۆوە بکە. \
                         | أُلغي موعدك في \u{2066}{when}\u{2069} لأن سجلك في سجل المرور أُوقف؛ يرجى الاتصال بمديرية المرور. \
                         | Your appointment at {when} is cancelled: your record in the traffic registry was withdrawn; please contact your traffic directorate."
                    )
                }
            };
            let object = match &notice.reference {
                Some(reference) => format!("appointment:{reference}"),
                None => "phone".to_owned(),
            };
            let action = format!("registry.sms_{}", notice.kind);
            if deliver(state, &notice.phone, &body, (&action, &object)).await {
                sent += 1;
            }
        }
    }
}

/// Sends one SMS about each appointment `claim` hands over, batch after batch until none is
/// left: `text` writes it from the appointment and its directorate's names (ckb, ar, en), the
/// reference and times isolated (LRI … PDI) so they never scramble in right-to-left text. Each is
/// audited as `action`: `ok`, or `sms_failed` when the gateway refused it. Returns how many were
/// handed over.
async fn send_to_each<C, F>(
    state: &AppState,
    action: &str,
    claim: impl Fn() -> C,
    text: F,
) -> Result<u32, StoreError>
where
    C: std::future::Future<Output = Result<Vec<Reminder>, StoreError>>,
    F: Fn(&Reminder, (&str, &str, &str)) -> String,
{
    let directorates = state.store.directorates().await?;
    let mut sent = 0;
    loop {
        let batch = claim().await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        for message in batch {
            let names = directorates
                .iter()
                .find(|(d, _)| d.id == message.directorate_id)
                .map_or(("", "", ""), |(d, _)| {
                    (d.name.ckb.as_str(), d.name.ar.as_str(), d.name.en.as_str())
                });
            let body = text(&message, names);
            let object = format!("appointment:{}", message.reference);
            if deliver(state, &message.phone, &body, (action, &object)).await {
                sent += 1;
            }
        }
    }
}

/// Hands one SMS to the gateway and audits it as `action` on `object` by `system`: `ok`, or
/// `sms_failed` when the gateway refused it. Whether it was handed over.
async fn deliver(
    state: &AppState,
    phone: &str,
    body: &str,
    (action, object): (&str, &str),
) -> bool {
    let result = match state.sms.send(phone, body).await {
        Ok(()) => "ok",
        Err(error) => {
            tracing::error!(%error, action, "an SMS could not be handed to the SMS gateway");
            "sms_failed"
        }
    };
    crate::http::audit::audit(state, "system", action, object, result).await;
    result == "ok"
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

/// Runs every 10 minutes: the reminders, the closure notices, the closing of past days'
/// appointments, forgetting idempotency keys older than 48 hours and outcomes older than
/// [`OUTCOMES_KEPT_DAYS`], and the audit trail's purge and head ([`keep_audit_trail`]).
pub fn spawn_reminders(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            match send_due_reminders(&state).await {
                Ok(sent) if sent > 0 => tracing::info!(sent, "day-before reminders sent"),
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "cannot send the day-before reminders"),
            }
            match send_closure_notices(&state).await {
                Ok(sent) if sent > 0 => tracing::info!(sent, "closure notices sent"),
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "cannot send the closure notices"),
            }
            match send_citizen_notices(&state).await {
                Ok(sent) if sent > 0 => tracing::info!(sent, "registry notices sent"),
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "cannot send the registry notices"),
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
