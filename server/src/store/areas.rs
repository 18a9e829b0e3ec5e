//! What the store does, by area: one trait per area, and [`Store`], which is all of them. The
//! handlers hold an `Arc<dyn Store>` and call any area's method on it.

use async_trait::async_trait;
use rega_api::ids::{NationalId, Reference};
use rega_api::service::ServiceKind;

use super::records::*;
use super::{AttendanceError, BookError, CheckInError, StoreError};
use crate::domain::audit_chain::{AuditHead, ChainedRecord};
use crate::domain::rules::BookingRules;

/// The database itself: what it is, whether it answers, its schema, the secrets every instance shares.
#[async_trait]
pub trait Operations: Send + Sync {
    /// A short description for the log: which database, never a password.
    fn describe(&self) -> String;

    /// Proves the database answers a query; `/readyz` uses it.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The newest migration applied, to show that start-up migrated the schema.
    async fn schema_version(&self) -> Result<i64, StoreError>;

    /// The shared secret with this name: `candidate` is stored if there is none yet, and the
    /// stored value is returned, so every instance ends up with the same one.
    async fn shared_secret(&self, name: &str, candidate: &str) -> Result<String, StoreError>;
}

/// The licence registry's copy: directorates with their counters, citizens and their licences.
#[async_trait]
pub trait Registry: Send + Sync {
    /// Creates or updates a directorate and its counters per service.
    async fn upsert_directorate(
        &self,
        directorate: &Directorate,
        counters: &[(ServiceKind, u32)],
    ) -> Result<(), StoreError>;

    /// Every directorate with its counters per service, by id.
    async fn directorates(&self)
    -> Result<Vec<(Directorate, Vec<(ServiceKind, u32)>)>, StoreError>;

    /// Adds a citizen (and licence); returns the citizen's id.
    async fn insert_citizen(&self, citizen: &NewCitizen) -> Result<i64, StoreError>;

    /// A citizen by national card number.
    async fn citizen_by_national_id(
        &self,
        national_id: &NationalId,
    ) -> Result<Option<CitizenRecord>, StoreError>;

    /// A citizen by id.
    async fn citizen(&self, citizen_id: i64) -> Result<Option<CitizenRecord>, StoreError>;

    /// Applies records from the licence registry in one transaction, each at its version: a
    /// record no newer than the one held changes nothing (`Unchanged`); a licence number of
    /// another citizen refuses the record whole (`LicenceTaken`). A phone change revokes the
    /// citizen's sessions and owes the old number an SMS; a withdrawal (inactive) revokes them
    /// and cancels the future booked appointments, each owing the citizen an SMS
    /// ([`Messages::claim_citizen_notices`]). One outcome per record, in order.
    async fn apply_registry(
        &self,
        records: &[RegistryCitizen],
        now: i64,
    ) -> Result<Vec<RegistryOutcome>, StoreError>;

    /// Adds a registry client with the hash of its credential: its id, or `None` when the name
    /// is taken.
    async fn add_registry_client(
        &self,
        name: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<i64>, StoreError>;

    /// The registry client holding this credential's hash, unless revoked: (id, name).
    async fn registry_client(&self, token_hash: &str) -> Result<Option<(i64, String)>, StoreError>;

    /// Revokes the registry client `name`: whether there was one in force.
    async fn revoke_registry_client(&self, name: &str, now: i64) -> Result<bool, StoreError>;

    /// The citizen's licence, if any.
    async fn licence_of(&self, citizen_id: i64) -> Result<Option<LicenceRecord>, StoreError>;

    /// The citizen's latest result of each test (from the registry, or recorded at a desk).
    async fn test_results_of(&self, citizen_id: i64) -> Result<Vec<TestResult>, StoreError>;
}

/// The network's configuration (`docs/configuration.md`): its versions, and applying a new one
/// with what it does to the slots and appointments already there.
#[async_trait]
pub trait Configurations: Send + Sync {
    /// The version in force (0: none applied yet), read on every request that needs the
    /// configuration so that a change applied on one instance is in force on all at once.
    async fn configuration_version(&self) -> Result<i64, StoreError>;

    /// The configuration in force, if any.
    async fn configuration(&self) -> Result<Option<StoredConfiguration>, StoreError>;

    /// Every slot starting after `now`, by directorate, service and start.
    async fn future_slots(&self, now: i64) -> Result<Vec<Slot>, StoreError>;

    /// Every booked or checked-in appointment starting after `now`.
    async fn future_appointments(&self, now: i64) -> Result<Vec<FutureAppointment>, StoreError>;

    /// Applies a new version in one transaction: the directorates and their places, the slots'
    /// places, the stranded appointments cancelled (each citizen owed an SMS, each an outcome
    /// `cancelled_by_closure`), audited. The new version, or why it was refused (nothing
    /// changed).
    async fn apply_configuration(
        &self,
        change: &ConfigurationChange<'_>,
    ) -> Result<Result<i64, ConfigurationRefused>, StoreError>;
}

/// The trust lists published to the network (`docs/credential.md`), each signed offline by the
/// trust anchor; the newest is served verbatim by every instance.
#[async_trait]
pub trait TrustLists: Send + Sync {
    /// Publishes a list signed at `signed_at` (already verified by the caller), unless one
    /// signed at the same time or later is published: whether it was.
    async fn publish_trust_list(
        &self,
        signed_at: i64,
        expires_at: i64,
        jws: &str,
        at: i64,
        by: &str,
    ) -> Result<bool, StoreError>;

    /// The newest published list (its JWS), if any.
    async fn trust_list(&self) -> Result<Option<String>, StoreError>;
}

/// The outcome feed the registry pulls (`docs/registry.md`): attended, no-show, cancelled by a
/// closure, test results. Written in the transaction of the change it reports, so it is never
/// missing nor reported for a change that did not happen.
#[async_trait]
pub trait Outcomes: Send + Sync {
    /// Up to `limit` outcomes after the cursor `after`, in cursor order. Cursors become visible
    /// in order: once `n` is seen, no outcome with a lower cursor appears later.
    async fn outcomes_after(&self, after: i64, limit: u32) -> Result<Vec<FeedOutcome>, StoreError>;

    /// Deletes the outcomes recorded before `before`: how many.
    async fn prune_outcomes(&self, before: i64) -> Result<u64, StoreError>;
}

/// Slots and appointments: booking (under an Idempotency-Key in one transaction), moving, cancelling, and a citizen's list.
#[async_trait]
pub trait Bookings: Send + Sync {
    /// Creates the slots that do not exist yet (capacity = the directorate's counters for the
    /// service, or 0 inside a closure); existing slots are left as they are. Returns how many
    /// were created.
    async fn ensure_slots(
        &self,
        directorate_id: &str,
        service: ServiceKind,
        starts: &[i64],
    ) -> Result<u64, StoreError>;

    /// The slots of a directorate and service starting in `[from, to)`, in time order.
    async fn slots_between(
        &self,
        directorate_id: &str,
        service: ServiceKind,
        from: i64,
        to: i64,
    ) -> Result<Vec<Slot>, StoreError>;

    /// A slot by id.
    async fn slot(&self, slot_id: i64) -> Result<Option<Slot>, StoreError>;

    /// Books a place in a slot, atomically: the place is taken only if one is free, and the
    /// appointment exists only if the place was taken.
    async fn book(&self, request: &BookRequest) -> Result<Appointment, BookError>;

    /// Runs a booking, a move or a cancellation under an Idempotency-Key, in one transaction:
    /// claims the key, makes the change (a refusal undoes only the change), stores the answer
    /// `respond` makes of the outcome with the key, and writes the audit record; it answers once
    /// that is committed. A key seen before changes nothing and says what it has seen. A
    /// database failure, a crash or a client gone before the commit leaves nothing behind, the
    /// key included, so a retry runs afresh. (SQLite commits the changes waiting at the same
    /// moment together: one fsync.)
    async fn change_once(
        &self,
        change: &BookingChange,
        write: &OnceWrite<'_>,
        respond: Respond,
    ) -> Result<OnceOutcome, StoreError>;

    /// Moves a booked appointment to another slot of the same service, atomically: the old
    /// place is released only if the new one was taken.
    async fn reschedule(
        &self,
        citizen_id: i64,
        reference: &Reference,
        new_slot_id: i64,
        request: &BookRequest,
    ) -> Result<Appointment, BookError>;

    /// Cancels a booked appointment and releases its place.
    async fn cancel(
        &self,
        citizen_id: i64,
        reference: &Reference,
        now: i64,
    ) -> Result<Appointment, BookError>;

    /// A citizen's appointments, newest slot first.
    async fn appointments_of(&self, citizen_id: i64) -> Result<Vec<Appointment>, StoreError>;

    /// Closes every appointment still booked or checked in whose day is over: never checked in
    /// → no-show, checked in → attended (`domain::appointment`). Returns how many. A booking
    /// closes the citizen's own lapsed appointment of its service itself; this is the day-end
    /// job's sweep, safe from several instances at once.
    async fn close_lapsed(&self, now: i64) -> Result<u64, StoreError>;

    /// Start times of the citizen's missed appointments at `now`: those recorded as no-shows
    /// and those of past days never checked in (lapsed, not yet closed).
    async fn no_shows_of(&self, citizen_id: i64, now: i64) -> Result<Vec<i64>, StoreError>;
}

/// Sign-in codes for citizens.
#[async_trait]
pub trait CitizenAuth: Send + Sync {
    /// Issues a new one-time code for a citizen, revoking any earlier unused one.
    async fn replace_otp(
        &self,
        citizen_id: i64,
        code_hmac: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError>;

    /// The citizen's newest code that is neither used nor revoked (possibly expired).
    async fn current_otp(&self, citizen_id: i64) -> Result<Option<OtpRecord>, StoreError>;

    /// Counts a wrong try on a code, revoking it at `max_failures`; returns the tries so far.
    async fn otp_failed(&self, otp_id: i64, max_failures: u32) -> Result<u32, StoreError>;

    /// Uses a code once: true only for the one request that consumed it.
    async fn otp_consume(&self, otp_id: i64, now: i64) -> Result<bool, StoreError>;
}

/// Sessions of citizens and of staff, one implementation for both (each kind in its own table).
#[async_trait]
pub trait Sessions: Send + Sync {
    /// Stores a new session by the hash of its token.
    async fn create_session(
        &self,
        owner: SessionOwner,
        token_hash: &str,
        now: i64,
    ) -> Result<(), StoreError>;

    /// A citizen's session by the hash of its token.
    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError>;

    /// A staff session by its token hash, with its account.
    async fn staff_session(&self, token_hash: &str) -> Result<Option<StaffSession>, StoreError>;

    /// Marks a session as used now (for the idle timeout); never moves it back.
    async fn touch_session(
        &self,
        kind: SessionKind,
        token_hash: &str,
        now: i64,
    ) -> Result<(), StoreError>;

    /// Ends a session (the first end stays).
    async fn revoke_session(
        &self,
        kind: SessionKind,
        token_hash: &str,
        now: i64,
    ) -> Result<(), StoreError>;
}

/// Events counted by the rate limits.
#[async_trait]
pub trait RateEvents: Send + Sync {
    /// How many events with this key happened after `since`.
    async fn count_events(&self, key: &str, since: i64) -> Result<u32, StoreError>;

    /// When the newest event with this key after `since` happened, if one did.
    async fn latest_event(&self, key: &str, since: i64) -> Result<Option<i64>, StoreError>;

    /// Takes an event at `at` under every limit's key if each limit still has room, as one
    /// atomic step (a burst sent at one instant cannot pass a limit, on one instance or
    /// several): `None`. Else nothing is recorded and the answer is the index of the first full
    /// limit. Two limits on one key (two windows) record one event.
    async fn take_event(
        &self,
        limits: &[EventLimit<'_>],
        at: i64,
    ) -> Result<Option<usize>, StoreError>;

    /// Gives back one event taken under `key` at `at` (an attempt that turned out not to count,
    /// such as a right code).
    async fn give_back_event(&self, key: &str, at: i64) -> Result<(), StoreError>;
}

/// Staff accounts.
#[async_trait]
pub trait StaffAccounts: Send + Sync {
    /// Creates a staff account (`one_time`: its password is a one-time password, to be changed
    /// at the first sign-in); its id, or `None` when the username is taken.
    async fn create_staff(
        &self,
        account: &NewStaff<'_>,
        now: i64,
    ) -> Result<Option<i64>, StoreError>;

    /// A staff account by its sign-in name.
    async fn staff_by_username(&self, username: &str) -> Result<Option<StaffRecord>, StoreError>;

    /// A staff account by its number.
    async fn staff_by_id(&self, id: i64) -> Result<Option<StaffRecord>, StoreError>;

    /// Every staff account, by username.
    async fn staff_accounts(&self) -> Result<Vec<StaffRecord>, StoreError>;

    /// Sets an account's role, directorate and access in one transaction; never leaves the
    /// network without an active administrator (the active administrators' rows are locked
    /// first, so two administrators deactivating each other at once cannot both succeed). An
    /// account that loses its access, role or directorate loses its sessions.
    async fn set_staff(
        &self,
        id: i64,
        role: StaffRole,
        directorate_id: Option<&str>,
        active: bool,
        now: i64,
    ) -> Result<StaffChangeOutcome, StoreError>;

    /// Sets an account's password hash. `one_time_at`: an administrator's one-time password,
    /// issued then (else the account's own choice). Every session of the account ends but
    /// `keep_session` (the token hash of the session that changed it); false for no account.
    async fn set_staff_password(
        &self,
        id: i64,
        password_hash: &str,
        one_time_at: Option<i64>,
        keep_session: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError>;
}

/// The desk's day: the list, calling tickets, attendance.
#[async_trait]
pub trait Queue: Send + Sync {
    /// A directorate's appointments starting in `[from, to)`, in time order, with their tickets.
    async fn day_list(
        &self,
        directorate_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<DayEntry>, StoreError>;

    /// Calls the waiting ticket with the lowest number of an area on a day to `counter`; each
    /// ticket is called once, also when counters (or instances) call at the same moment.
    async fn call_next(
        &self,
        directorate_id: &str,
        day: &str,
        area: &str,
        counter: &str,
        now: i64,
    ) -> Result<Option<CalledTicket>, StoreError>;

    /// The tickets called on a day, the latest first.
    async fn called_tickets(
        &self,
        directorate_id: &str,
        day: &str,
        limit: u32,
    ) -> Result<Vec<CalledTicket>, StoreError>;

    /// Records that the citizen came (`attended`) or did not (`no_show`), for an appointment of
    /// this directorate that is booked or checked in; its ticket, if any, is done.
    async fn record_attendance(
        &self,
        directorate_id: &str,
        reference: &Reference,
        attended: bool,
        now: i64,
    ) -> Result<(), AttendanceError>;
}

/// Kiosks and check-in.
#[async_trait]
pub trait Kiosks: Send + Sync {
    /// Enrols a kiosk for a directorate with a credential (stored as its hash); its id.
    async fn enrol_kiosk(
        &self,
        directorate_id: &str,
        label: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<i64, StoreError>;

    /// The kiosk holding this credential, unless it was revoked.
    async fn kiosk(&self, token_hash: &str) -> Result<Option<KioskDevice>, StoreError>;

    /// The kiosks of a directorate with when they were enrolled and revoked, newest first.
    async fn kiosks_of(
        &self,
        directorate_id: &str,
    ) -> Result<Vec<(KioskDevice, i64, Option<i64>)>, StoreError>;

    /// Revokes a kiosk's credential — only a kiosk of `directorate_id` when one is given (a
    /// supervisor's); false if there is no such kiosk still in use.
    async fn revoke_kiosk(
        &self,
        kiosk_id: i64,
        directorate_id: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError>;

    /// Checks in the appointment with this reference at a kiosk of `directorate_id`: within the
    /// rules' window, marks it checked in and issues the next ticket of its area for the day, in
    /// one transaction. An appointment checked in before gets its ticket again.
    async fn check_in(
        &self,
        directorate_id: &str,
        reference: &Reference,
        now: i64,
        rules: &BookingRules,
    ) -> Result<Ticket, CheckInError>;
}

/// A supervisor's planning: the places of slots, closing a period and lifting a closure.
#[async_trait]
pub trait Closures: Send + Sync {
    /// How many appointments a closure of the directorate's `[from, to)` would cancel now
    /// (counted as [`Closures::close`] selects them).
    async fn closure_preview(
        &self,
        directorate_id: &str,
        from: i64,
        to: i64,
    ) -> Result<u64, StoreError>;

    /// Sets the capacity of a directorate's slots of a service starting in `[from, to)`, except
    /// where more places are already booked than the new capacity (those keep theirs, so no
    /// booking is lost) and where the directorate is closed (those stay closed): (slots
    /// changed, slots kept).
    async fn set_capacity(
        &self,
        directorate_id: &str,
        service: ServiceKind,
        from: i64,
        to: i64,
        capacity: i64,
    ) -> Result<(u64, u64), StoreError>;

    /// Closes a directorate's period, in one transaction: the closure is stored, every slot
    /// starting in it takes no more bookings, every booked or checked-in appointment in it is
    /// cancelled with the closure's id on it (a waiting ticket is done), and each citizen gets
    /// back the booking it cost (the 30-day limit). Returns the closure's id and how many
    /// appointments were cancelled.
    async fn close(&self, closure: &NewClosure<'_>) -> Result<(i64, u64), StoreError>;

    /// Lifts a closure of the directorate: its slots take bookings again, with the places of the
    /// directorate's counters (unless another closure still covers them); the appointments it
    /// cancelled stay cancelled. False if there is no such closure in force.
    async fn lift_closure(
        &self,
        directorate_id: &str,
        closure_id: i64,
        staff_id: i64,
        now: i64,
    ) -> Result<bool, StoreError>;

    /// The closures in force of a directorate overlapping `[from, to)`, in time order.
    async fn closures_of(
        &self,
        directorate_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<ClosureRecord>, StoreError>;
}

/// The SMS outbox, and the messages about appointments that an instance claims to send.
#[async_trait]
pub trait Messages: Send + Sync {
    /// Stores an SMS in the outbox.
    async fn push_sms(&self, phone: &str, body: &str, now: i64) -> Result<(), StoreError>;

    /// The newest SMS to a phone, newest first.
    async fn sms_to(&self, phone: &str, limit: u32) -> Result<Vec<SmsRecord>, StoreError>;

    /// Claims up to `limit` booked appointments starting in `[from, to)` whose reminder has not
    /// been claimed, marking them; each appointment is claimed by exactly one caller, also
    /// across instances.
    async fn claim_reminders(
        &self,
        from: i64,
        to: i64,
        now: i64,
        limit: u32,
    ) -> Result<Vec<Reminder>, StoreError>;

    /// Claims up to `limit` appointments cancelled by a closure whose citizen has not been told,
    /// marking them; each is claimed by exactly one caller, also across instances.
    async fn claim_closure_notices(
        &self,
        now: i64,
        limit: u32,
    ) -> Result<Vec<Reminder>, StoreError>;

    /// Claims up to `limit` SMS that registry changes owe citizens and nobody has sent: each is
    /// handed to one caller once.
    async fn claim_citizen_notices(
        &self,
        now: i64,
        limit: u32,
    ) -> Result<Vec<CitizenNotice>, StoreError>;
}

/// The audit trail (SPEC §6).
#[async_trait]
pub trait Audit: Send + Sync {
    /// Writes one audit record.
    async fn audit(&self, record: &AuditRecord) -> Result<(), StoreError>;

    /// The newest audit records, newest first.
    async fn audit_records(&self, limit: u32) -> Result<Vec<AuditRecord>, StoreError>;

    /// The records matching a query, newest first.
    async fn audit_search(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;

    /// The chain's head, the purge checkpoint, and the records outside the chain.
    async fn audit_head(&self) -> Result<AuditHead, StoreError>;

    /// The chained records after place `after`, in chain order, at most `limit`.
    async fn audit_chain(&self, after: i64, limit: u32) -> Result<Vec<ChainedRecord>, StoreError>;

    /// Deletes the records written before `before` and leaves a checkpoint, sealed by a record
    /// in the chain, so the rest still verifies: how many were deleted.
    async fn purge_audit(&self, before: i64, now: i64) -> Result<u64, StoreError>;
}

/// Idempotency-Keys: what one has answered, and forgetting old ones (each write claims and answers its key inside its own transaction: `Bookings::change_once`, `StaffWrites::staff_once`).
#[async_trait]
pub trait Idempotency: Send + Sync {
    /// What an Idempotency-Key has seen, without claiming it: `None` for a new key.
    async fn idempotency_seen(
        &self,
        owner: IdempotencyOwner,
        key: &str,
        request_hash: &str,
    ) -> Result<Option<IdempotencyState>, StoreError>;

    /// Forgets keys older than `before`.
    async fn idempotency_expire(&self, before: i64) -> Result<u64, StoreError>;
}

/// The desk's and the supervisors' writes under an Idempotency-Key.
#[async_trait]
pub trait StaffWrites: Send + Sync {
    /// Runs a staff write once per key, in one transaction: the key claimed (a key seen before
    /// changes nothing and is reported), the change made, its answer (`respond`) stored with
    /// the key, and the audit record (`write.audit`, object and result from the answer) written.
    /// A database failure rolls all of it back, the key included.
    async fn staff_once(
        &self,
        change: &StaffChange<'_>,
        write: &OnceWrite<'_>,
        respond: StaffRespond<'_>,
    ) -> Result<OnceOutcome, StoreError>;
}

/// Everything the server keeps. Both engines pass one conformance suite
/// (`server/tests/api/store/`).
pub trait Store:
    Operations
    + Registry
    + Configurations
    + TrustLists
    + Outcomes
    + Bookings
    + CitizenAuth
    + Sessions
    + RateEvents
    + StaffAccounts
    + Queue
    + Kiosks
    + Closures
    + StaffWrites
    + Messages
    + Audit
    + Idempotency
    + 'static
{
}

impl<T> Store for T where
    T: Operations
        + Registry
        + Configurations
        + TrustLists
        + Outcomes
        + Bookings
        + CitizenAuth
        + Sessions
        + RateEvents
        + StaffAccounts
        + Queue
        + Kiosks
        + Closures
        + StaffWrites
        + Messages
        + Audit
        + Idempotency
        + 'static
{
}
