//! The areas a citizen's requests reach: the database itself, the registry's copy, the
//! configuration, the trust lists, the outcome feed, bookings, sign-in, sessions and limits.

use async_trait::async_trait;
use rega_api::ids::{NationalId, Reference};
use rega_api::service::ServiceKind;

use super::super::records::*;
use super::super::{BookError, StoreError};

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

    /// Announces a directorate's change (`crate::changes`) to every instance: `Ok(true)` when
    /// the database carries it (PostgreSQL's `NOTIFY`, heard by every instance's relay, this
    /// one's too), `Ok(false)` when the caller must deliver it itself (SQLite: one instance).
    async fn announce_change(&self, payload: &str) -> Result<bool, StoreError>;

    /// Starts passing every instance's announcements to `deliver`: PostgreSQL `LISTEN`s on a
    /// connection of its own, reconnected when lost, and passes `None` after a reconnection
    /// (changes made meanwhile were not heard). `Ok(false)` on SQLite: nothing to relay.
    async fn relay_changes(
        &self,
        deliver: Box<dyn Fn(Option<String>) + Send + Sync>,
    ) -> Result<bool, StoreError>;
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

/// The waitlist (docs/waitlist.md): citizens in line for a place of a service, and the places
/// held for them. Taking an offer is a booking change (`BookingChange::Accept`).
#[async_trait]
pub trait Waitlist: Send + Sync {
    /// Puts the citizen in line (after the rules allowed the days), then offers the places free
    /// already to whoever is first in line for them: the entry as it is then.
    async fn join_waitlist(
        &self,
        entry: &NewEntry,
    ) -> Result<Result<WaitlistEntry, JoinRefusal>, StoreError>;

    /// The citizen's entries in line or offered a place.
    async fn waitlist_of(&self, citizen_id: i64) -> Result<Vec<WaitlistEntry>, StoreError>;

    /// Ends the citizen's entry: leaves the line, or (`declined`) declines the place held for
    /// it, which goes on to the next in line. `None` when there is no such entry in line (or,
    /// declining, no offer).
    async fn leave_waitlist(
        &self,
        citizen_id: i64,
        entry_id: i64,
        declined: bool,
        now: i64,
        offers: OfferTerms,
    ) -> Result<Option<EntryStatus>, StoreError>;

    /// Ends the offers whose hold ran out; each place goes on to the next in line. How many.
    /// Safe to run from several instances at once (and after a crash: a hold is a row).
    async fn expire_offers(&self, now: i64, offers: OfferTerms) -> Result<u64, StoreError>;

    /// Offers the free places that entries in line wait for (places added by a supervisor, a
    /// lifted closure, a new day of the window). How many offers were made.
    async fn offer_free_places(&self, now: i64, offers: OfferTerms) -> Result<u64, StoreError>;
}

/// The phones a citizen's licence is kept on (docs/credential.md, "The bound form").
#[async_trait]
pub trait LicenceDevices: Send + Sync {
    /// Records a credential issued to a phone, adding the phone if it is new, in one
    /// transaction with the citizen locked: the phone as it is then, or why it is refused (it
    /// was withdrawn; a new one would pass the limit). A new phone is audited.
    async fn issue_to_device(
        &self,
        issue: &DeviceIssue,
    ) -> Result<Result<DeviceRecord, DeviceRefusal>, StoreError>;

    /// The citizen's phones, newest first, withdrawn ones included.
    async fn devices_of(&self, citizen_id: i64) -> Result<Vec<DeviceRecord>, StoreError>;

    /// Withdraws one of the citizen's phones (`by`: `citizen` or `staff:<id>`), audited in the
    /// same transaction: the phone as it is then (withdrawing twice changes nothing), or `None`
    /// when the citizen has no such phone.
    async fn withdraw_device(
        &self,
        citizen_id: i64,
        device_id: i64,
        by: &str,
        now: i64,
    ) -> Result<Option<DeviceRecord>, StoreError>;
}
