//! The areas the directorates' requests reach: staff accounts, the queue, kiosks, closures,
//! messages, the audit trail, idempotency keys and the staff's keyed writes.

use async_trait::async_trait;
use rega_api::Locale;
use rega_api::ids::Reference;
use rega_api::service::ServiceKind;

use super::super::records::*;
use super::super::{AttendanceError, CheckInError, StoreError};
use crate::domain::audit_chain::{AuditHead, ChainedRecord, CheckpointSignature};

/// Signs a purge checkpoint's message (`domain::audit_chain::checkpoint_message`), or `None`
/// when the server has no signing key in force.
pub type CheckpointSigner = dyn Fn(&[u8]) -> Option<CheckpointSignature> + Send + Sync;
use crate::domain::rules::BookingRules;

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
    /// issued then (else the account's own choice), which also clears the account's second
    /// factor and recovery codes (an administrator resets an account that lost them, after
    /// checking who its holder is in person). Every session of the account ends but
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

/// The staff's second factor (`domain::second_factor`).
#[async_trait]
pub trait SecondFactors: Send + Sync {
    /// Keeps `secret` (base32) as the account's enrolment in progress, replacing any earlier
    /// one; false when the account already has a second factor (or does not exist).
    async fn begin_second_factor(&self, staff_id: i64, secret: &str) -> Result<bool, StoreError>;

    /// Confirms the enrolment of `secret` in one transaction: it becomes the account's second
    /// factor with `step` as its last used code, `recovery_hashes` replace its recovery codes, and
    /// every session of the account but `keep_session` ends. False when `secret` is no longer the
    /// enrolment in progress (another began meanwhile, or it was confirmed already).
    async fn confirm_second_factor(
        &self,
        staff_id: i64,
        secret: &str,
        step: i64,
        recovery_hashes: &[String],
        keep_session: &str,
        now: i64,
    ) -> Result<bool, StoreError>;

    /// Takes the code of `step` for a sign-in: true once, for a step later than any used before
    /// (two sign-ins sending the same code at once cannot both succeed).
    async fn use_second_factor_step(&self, staff_id: i64, step: i64) -> Result<bool, StoreError>;

    /// Takes a recovery code (by its hash): true once.
    async fn use_recovery_code(
        &self,
        staff_id: i64,
        code_hash: &str,
        now: i64,
    ) -> Result<bool, StoreError>;

    /// The account's recovery codes not yet used.
    async fn recovery_codes_left(&self, staff_id: i64) -> Result<i64, StoreError>;
}

/// The desk's day: the list, calling tickets, attendance.
#[async_trait]
pub trait Queue: Send + Sync {
    /// The appointments starting in `[from, to)` with their tickets' times, of one directorate
    /// or (`None`) of every one: what the day's figures are counted from.
    async fn queue_entries(
        &self,
        directorate_id: Option<&str>,
        from: i64,
        to: i64,
    ) -> Result<Vec<crate::domain::queue_figures::QueueEntry>, StoreError>;

    /// A directorate's appointments starting in `[from, to)`, in time order, with their tickets.
    async fn day_list(
        &self,
        directorate_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<DayEntry>, StoreError>;

    /// A directorate's walk-ins' tickets of `day`, in the order they were issued.
    async fn walk_ins(
        &self,
        directorate_id: &str,
        day: &str,
    ) -> Result<Vec<WalkInEntry>, StoreError>;

    /// Calls the first waiting ticket of an area's queue on a day (`domain::queue_order`) to
    /// `counter`; each ticket is called once, also when counters (or instances) call at the same
    /// moment.
    async fn call_next(
        &self,
        directorate_id: &str,
        day: &str,
        area: &str,
        counter: &str,
        now: i64,
    ) -> Result<Option<CalledTicket>, StoreError>;

    /// Calls the appointment's called ticket again (`domain::recall`); `None` if it has no
    /// ticket of this directorate that was called and is not done.
    async fn recall(
        &self,
        directorate_id: &str,
        reference: &Reference,
        now: i64,
    ) -> Result<Option<CalledTicket>, StoreError>;

    /// A ticket of `day` as its holder follows it, if there is one with that key on that day.
    async fn held_ticket(
        &self,
        key: TicketKey<'_>,
        day: &str,
    ) -> Result<Option<HeldTicket>, StoreError>;

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
    /// one transaction. An appointment checked in before gets its ticket again. Either way the
    /// ticket's link is now the one whose code has the digest `link_hash` (an older code no
    /// longer opens it).
    async fn check_in(
        &self,
        directorate_id: &str,
        reference: &Reference,
        now: i64,
        rules: &BookingRules,
        link_hash: &str,
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

/// The development SMS outbox (demo mode), and the outbox of messages owed to citizens.
#[async_trait]
pub trait Messages: Send + Sync {
    /// Stores an SMS in the outbox.
    async fn push_sms(&self, phone: &str, body: &str, now: i64) -> Result<(), StoreError>;

    /// The newest SMS to a phone, newest first.
    async fn sms_to(&self, phone: &str, limit: u32) -> Result<Vec<SmsRecord>, StoreError>;

    /// Claims up to `limit` messages of the outbox that are due (not done, their next attempt
    /// come, no other sender's lease running) until `lease_until`, counting the attempt: each is
    /// handed to one sender at a time, also across instances.
    async fn claim_messages(
        &self,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Ends a claimed message: `sent`, `given_up` or `obsolete` (a reminder of an appointment
    /// that moved or ended meanwhile).
    async fn finish_message(
        &self,
        id: i64,
        outcome: MessageOutcome,
        error: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError>;

    /// Gives a claimed message back for another attempt at `next_attempt_at`.
    async fn retry_message(
        &self,
        id: i64,
        next_attempt_at: i64,
        error: &str,
    ) -> Result<(), StoreError>;

    /// Writes the reminder of every booked appointment starting in `[from, to)` last booked or
    /// moved before `changed_before`, once per appointment and start (a moved appointment is
    /// reminded of its new time); how many were written.
    async fn enqueue_reminders(
        &self,
        from: i64,
        to: i64,
        changed_before: i64,
        now: i64,
    ) -> Result<u64, StoreError>;

    /// Keeps the language a citizen chose, for their messages.
    async fn set_citizen_locale(&self, citizen_id: i64, locale: Locale) -> Result<(), StoreError>;
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
    /// in the chain and signed by `sign` (the server's DL1 signing key in force, if any), so the
    /// rest still verifies: how many were deleted.
    async fn purge_audit(
        &self,
        before: i64,
        now: i64,
        sign: &CheckpointSigner,
    ) -> Result<u64, StoreError>;
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
