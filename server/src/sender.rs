//! Sends the outbox of messages owed to citizens (`store::queries::outbox`): each written in the
//! citizen's language (`domain::messages`) and handed to the gateway under its key; a gateway
//! failure is retried with backoff, and after the configured time given up and audited
//! (`sms.given_up`, on the appointment, so the directorate's supervisors see it in their trail).
//! Every instance runs it; a message is claimed by one at a time.

use std::time::Duration;

use rega_api::time::LocalDateTime;

use crate::AppState;
use crate::domain::messages::{About, MessageKind, render, retry_delay};
use crate::http::audit::audit;
use crate::sms::Sms;
use crate::store::{MessageOutcome, OutboxMessage, StoreError};

/// How long a sender holds a claimed message: far longer than one gateway attempt (10 s), so a
/// message is never with two senders at once.
pub const LEASE_SECONDS: i64 = 300;

/// Sends every message that is due, batch after batch: how many the gateway took.
pub async fn deliver_due(state: &AppState) -> Result<u32, StoreError> {
    // The rules and the directorates' names, read once there is something to send (an idle
    // sender, every 15 seconds on every instance, reads nothing but its claim).
    let mut context = None;
    let mut sent = 0;
    loop {
        let now = state.clock.now();
        let batch = state
            .store
            .claim_messages(now, now + LEASE_SECONDS, 50)
            .await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        if context.is_none() {
            let rules = state.configuration().await?.rules.clone();
            context = Some((rules, state.directorates().await?));
        }
        let Some((rules, directorates)) = &context else {
            return Ok(sent);
        };
        for message in batch {
            // A reminder of a time no longer booked, an offer whose hold ran out: not sent.
            let stale = match message.kind {
                MessageKind::Reminder => !message.still_booked_then,
                MessageKind::Offer => message.hold_until.is_none_or(|until| until <= now),
                _ => false,
            };
            if stale {
                state
                    .store
                    .finish_message(message.id, MessageOutcome::Obsolete, None, now)
                    .await?;
                continue;
            }
            let directorate = directorates
                .iter()
                .find(|(d, _)| Some(&d.id) == message.directorate_id.as_ref())
                .map_or(String::new(), |(d, _)| {
                    d.name.get(message.locale).to_owned()
                });
            let text = text_of(&message, &directorate);
            let key = format!("rega-{}", message.id);
            let sms = Sms {
                to: &message.phone,
                text: &text,
                key: Some(&key),
            };
            let object = match (&message.reference, message.kind) {
                (Some(reference), _) => format!("appointment:{reference}"),
                (None, MessageKind::Offer) => "waitlist".to_owned(),
                (None, _) => "phone".to_owned(),
            };
            let action = format!("sms.{}", message.kind.code());
            match state.sms.send(&sms).await {
                Ok(()) => {
                    state
                        .store
                        .finish_message(message.id, MessageOutcome::Sent, None, now)
                        .await?;
                    audit(state, "system", &action, &object, "ok").await;
                    sent += 1;
                }
                Err(error) => {
                    let error = error.to_string();
                    let give_up_at = message.created_at + rules.message_give_up_hours * 3600;
                    let next = now + retry_delay(message.attempts);
                    if next > give_up_at {
                        tracing::error!(%error, id = message.id, kind = message.kind.code(), "an SMS was given up");
                        state
                            .store
                            .finish_message(message.id, MessageOutcome::GivenUp, Some(&error), now)
                            .await?;
                        audit(
                            state,
                            "system",
                            "sms.given_up",
                            &object,
                            message.kind.code(),
                        )
                        .await;
                    } else {
                        tracing::warn!(%error, id = message.id, attempt = message.attempts, "the SMS gateway did not take a message; it is retried");
                        state.store.retry_message(message.id, next, &error).await?;
                    }
                }
            }
        }
    }
}

/// The message's text in its citizen's language.
fn text_of(message: &OutboxMessage, directorate: &str) -> String {
    let about = match (&message.reference, message.starts_at) {
        (reference, Some(starts_at))
            if reference.is_some() || message.kind == MessageKind::Offer =>
        {
            Some(About {
                reference: reference.as_deref().unwrap_or_default(),
                service: message.service,
                directorate,
                starts_at,
                until: message.hold_until,
            })
        }
        _ => None,
    };
    render(message.kind, message.locale, about.as_ref())
}

/// Writes tomorrow's reminders once the day's reminder hour (Baghdad) has come: for every
/// appointment booked or last moved before that hour (one booked later was just confirmed), once
/// per appointment and start, so a moved appointment is reminded of its new time. How many.
pub async fn enqueue_reminders(state: &AppState) -> Result<u64, StoreError> {
    let hour = state.configuration().await?.rules.reminder_hour;
    let now = state.clock.now();
    let today = LocalDateTime::from_unix(now).date;
    let at = |date: rega_api::time::Date, hour: u8| {
        LocalDateTime {
            date,
            hour,
            minute: 0,
        }
        .to_unix()
    };
    let reminder_time = at(today, hour);
    if now < reminder_time {
        return Ok(0);
    }
    let tomorrow = today.add_days(1);
    state
        .store
        .enqueue_reminders(
            at(tomorrow, 0),
            at(tomorrow.add_days(1), 0),
            reminder_time,
            now,
        )
        .await
}

/// How often every instance looks for messages due (a change also wakes it at once).
pub const POLL_SECONDS: u64 = 15;

/// Runs the sender: every [`POLL_SECONDS`], and at once when a change has written a message
/// (`AppState::messages_written`).
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        loop {
            match deliver_due(&state).await {
                Ok(sent) if sent > 0 => tracing::info!(sent, "messages sent"),
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "cannot send the outbox"),
            }
            let _ = tokio::time::timeout(
                Duration::from_secs(POLL_SECONDS),
                state.messages_written.notified(),
            )
            .await;
        }
    });
}
