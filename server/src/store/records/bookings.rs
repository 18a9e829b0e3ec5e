//! Slots and appointments, and the keyed writes that book, move and cancel them.

use rega_api::ids::Reference;
use rega_api::service::ServiceKind;

use super::super::{BookError, StoreError};
use super::AppointmentStatus;
use super::audit::AuditRecord;
use crate::domain::limits::ChangeLimit;

/// A bookable slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Row id.
    pub id: i64,
    /// Directorate.
    pub directorate_id: String,
    /// Service.
    pub service: ServiceKind,
    /// Start, Unix seconds.
    pub starts_at: i64,
    /// Places in total.
    pub capacity: i64,
    /// Places taken.
    pub booked: i64,
}

/// An appointment with its slot's time and place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    /// Its reference.
    pub reference: Reference,
    /// Whose it is.
    pub citizen_id: i64,
    /// Its slot.
    pub slot_id: i64,
    /// The service.
    pub service: ServiceKind,
    /// The directorate.
    pub directorate_id: String,
    /// Start, Unix seconds.
    pub starts_at: i64,
    /// Status.
    pub status: AppointmentStatus,
    /// Booked at, Unix seconds.
    pub created_at: i64,
    /// When the directorate closed at its time and so cancelled it, if it did.
    pub closed_at: Option<i64>,
}

/// Whose Idempotency-Keys these are: keys are scoped to a citizen, or to a staff account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdempotencyOwner {
    /// A citizen's booking writes.
    Citizen(i64),
    /// A staff member's desk actions.
    Staff(i64),
}

impl IdempotencyOwner {
    /// The table that keeps this owner's keys.
    pub fn table(self) -> &'static str {
        match self {
            IdempotencyOwner::Citizen(_) => "idempotency_key",
            IdempotencyOwner::Staff(_) => "staff_idempotency_key",
        }
    }

    /// Its owner column.
    pub fn column(self) -> &'static str {
        match self {
            IdempotencyOwner::Citizen(_) => "citizen_id",
            IdempotencyOwner::Staff(_) => "staff_id",
        }
    }

    /// The owner's id.
    pub fn id(self) -> i64 {
        match self {
            IdempotencyOwner::Citizen(id) | IdempotencyOwner::Staff(id) => id,
        }
    }
}

/// A booking request that the rules have already allowed.
#[derive(Debug, Clone)]
pub struct BookRequest {
    /// The citizen.
    pub citizen_id: i64,
    /// The chosen slot.
    pub slot_id: i64,
    /// The service (must be the slot's).
    pub service: ServiceKind,
    /// Now, Unix seconds.
    pub now: i64,
    /// How a place the change frees is offered to the waitlist.
    pub offers: super::OfferTerms,
    /// The bookings and reschedules the citizen may still make (counted inside the
    /// transaction, so concurrent requests of one citizen cannot both slip under it).
    pub limit: ChangeLimit,
}

/// A fresh random reference.
pub fn new_reference() -> Result<Reference, StoreError> {
    let mut bytes = [0u8; 7];
    getrandom::fill(&mut bytes).map_err(|_| StoreError::NoRandomness)?;
    // 256 is not a multiple of 30: reject the top values so every symbol is equally likely.
    let mut indices = [0u8; 7];
    for (index, byte) in indices.iter_mut().zip(bytes) {
        let mut b = byte;
        while b >= 240 {
            let mut one = [0u8; 1];
            getrandom::fill(&mut one).map_err(|_| StoreError::NoRandomness)?;
            b = one[0];
        }
        *index = b % 30;
    }
    Ok(Reference::from_random(indices))
}

/// What an Idempotency-Key has seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyState {
    /// The same key came with another request.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
    /// The first request finished: replay its response.
    Done {
        /// Its status.
        status: u16,
        /// Its body.
        body: String,
    },
}

/// A message of the outbox, claimed to be sent, with what writing it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Row id (also the gateway's key, so a resend after a lost answer is not delivered twice).
    pub id: i64,
    /// What it tells.
    pub kind: crate::domain::messages::MessageKind,
    /// Where it goes.
    pub phone: String,
    /// The citizen's language.
    pub locale: rega_api::Locale,
    /// The appointment it is about.
    pub reference: Option<String>,
    /// Its service.
    pub service: Option<rega_api::service::ServiceKind>,
    /// Its directorate.
    pub directorate_id: Option<String>,
    /// Its start when the message was written, Unix seconds.
    pub starts_at: Option<i64>,
    /// When it was written.
    pub created_at: i64,
    /// Attempts so far, this one included.
    pub attempts: i64,
    /// The appointment is still booked at that start (a reminder of one that moved or ended is
    /// obsolete).
    pub still_booked_then: bool,
    /// For an offer: until when its place is held.
    pub hold_until: Option<i64>,
}

/// How a message of the outbox ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageOutcome {
    /// The gateway took it.
    Sent,
    /// The gateway kept failing for longer than the configured time.
    GivenUp,
    /// No longer true (a reminder of an appointment moved or ended meanwhile).
    Obsolete,
}

impl MessageOutcome {
    /// The stored form.
    pub fn code(self) -> &'static str {
        match self {
            MessageOutcome::Sent => "sent",
            MessageOutcome::GivenUp => "given_up",
            MessageOutcome::Obsolete => "obsolete",
        }
    }
}

/// An idempotent write's key and audit record, stored in the write's own transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnceWrite<'a> {
    /// Whose key.
    pub owner: IdempotencyOwner,
    /// The Idempotency-Key.
    pub key: &'a str,
    /// The request's hash (method, path, body).
    pub request_hash: &'a str,
    /// The audit record; its result is set from the answer (`ok`, or the status code).
    pub audit: AuditRecord,
}

/// A change to a citizen's bookings that runs under an Idempotency-Key in one transaction with
/// its key, its answer and its audit record ([`Bookings::change_once`]).
#[derive(Debug, Clone)]
pub enum BookingChange {
    /// A new booking.
    Book(BookRequest),
    /// Moving the appointment `reference` to the request's slot (its service).
    Reschedule {
        /// The appointment.
        reference: Reference,
        /// The new place: the citizen, the slot, the service, the time, the change limit.
        request: BookRequest,
    },
    /// Cancelling the appointment `reference`, releasing its place.
    Cancel {
        /// The citizen.
        citizen_id: i64,
        /// The appointment.
        reference: Reference,
        /// Now.
        now: i64,
        /// How the freed place is offered to the waitlist.
        offers: super::OfferTerms,
    },
    /// Taking the place a waitlist offer holds (`request.slot_id`): a new booking, or for an
    /// earlier place the booking `moving` moved there.
    Accept {
        /// The waitlist entry.
        entry_id: i64,
        /// The booking it moves, if it is an earlier place's.
        moving: Option<Reference>,
        /// The citizen, the held slot, its service, the time, the change limit.
        request: BookRequest,
    },
}

impl BookingChange {
    /// Whose bookings it changes.
    pub fn citizen_id(&self) -> i64 {
        match self {
            BookingChange::Book(request)
            | BookingChange::Reschedule { request, .. }
            | BookingChange::Accept { request, .. } => request.citizen_id,
            BookingChange::Cancel { citizen_id, .. } => *citizen_id,
        }
    }

    /// When.
    pub fn now(&self) -> i64 {
        match self {
            BookingChange::Book(request)
            | BookingChange::Reschedule { request, .. }
            | BookingChange::Accept { request, .. } => request.now,
            BookingChange::Cancel { now, .. } => *now,
        }
    }
}

/// What [`Bookings::change_once`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnceOutcome {
    /// The request ran: this answer was stored with the key (a booking, or its refusal).
    Answered {
        /// Its status.
        status: u16,
        /// Its JSON body.
        body: String,
    },
    /// The key was seen before (`Mismatch`, `InProgress` or `Done`): nothing ran.
    Seen(IdempotencyState),
}

/// Turns a change's outcome (the appointment as it now is, or the refusal) into the answer to
/// store and send: (status, JSON body). Owned, so that a writer batching several changes into
/// one commit can run it.
pub type Respond =
    Box<dyn FnOnce(Result<&Appointment, &BookError>) -> (u16, String) + Send + 'static>;

/// The audit result of an answer: `ok` for success, else its status code.
pub fn audit_result(status: u16) -> String {
    if (200..300).contains(&status) {
        "ok".to_owned()
    } else {
        status.to_string()
    }
}

/// One limit on an action: at most `max` events under `key` after `since`.
#[derive(Debug, Clone, Copy)]
pub struct EventLimit<'a> {
    /// What is counted (`code-sent:id:…`).
    pub key: &'a str,
    /// The window's start (exclusive).
    pub since: i64,
    /// How many events the window holds.
    pub max: u32,
}
