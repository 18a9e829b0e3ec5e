//! RFC 9457 problem documents with a stable machine `code` the app maps to a localized message.

use serde::{Deserialize, Serialize};

/// The media type of every error response.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// Defines the error codes with their wire form, status and title in one table.
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $wire:literal, $status:literal, $title:literal;)*) => {
        /// Stable error codes. The wire form (snake case) never changes once published: the app
        /// keys its localized messages on it.
        /// Read back from the wire by [`crate::wire_words!`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, so tests can prove each one has a message in every locale.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The wire form of the code (the table `wire_words!` makes below).
            pub fn as_str(self) -> &'static str {
                self.word()
            }

            /// The HTTP status that goes with the code.
            pub fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)* }
            }

            /// A short English title for the problem document; clients show their own text.
            pub fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title,)* }
            }
        }

        crate::wire_words!(ErrorCode, "an error code", { $($variant = $wire,)* });
    };
}

error_codes! {
    /// No such endpoint or object (also what another citizen's object looks like).
    NotFound = "not_found", 404, "Not found";
    /// The method is not allowed on this endpoint.
    MethodNotAllowed = "method_not_allowed", 405, "Method not allowed";
    /// The request is malformed.
    BadRequest = "bad_request", 400, "Bad request";
    /// The body is not JSON of the expected shape (syntax, types, unknown or missing fields).
    InvalidJson = "invalid_json", 400, "Invalid JSON body";
    /// The body must be application/json.
    UnsupportedMediaType = "unsupported_media_type", 415, "Unsupported media type";
    /// The request body is larger than the server accepts.
    PayloadTooLarge = "payload_too_large", 413, "Request body too large";
    /// A national card number has 12 digits.
    InvalidNationalId = "invalid_national_id", 422, "Invalid national ID";
    /// A sign-in code has 6 digits.
    InvalidCode = "invalid_code", 422, "Invalid code";
    /// Not a booking reference, or a character is mistyped.
    InvalidReference = "invalid_reference", 422, "Invalid reference";
    /// Not a YYYY-MM-DD date.
    InvalidDate = "invalid_date", 422, "Invalid date";
    /// No directorate has this identifier.
    UnknownDirectorate = "unknown_directorate", 404, "Unknown directorate";
    /// No service has this identifier.
    UnknownService = "unknown_service", 422, "Unknown service";
    /// The day is before the next working day or more than 30 days ahead.
    OutsideBookingWindow = "outside_booking_window", 422, "Outside the booking window";
    /// The directorate is closed on that day.
    DayClosed = "day_closed", 422, "Directorate closed";
    /// No valid session: sign in again.
    Unauthenticated = "unauthenticated", 401, "Sign-in needed";
    /// A state-changing request came from another site.
    ForbiddenOrigin = "forbidden_origin", 403, "Forbidden origin";
    /// The sign-in code is wrong.
    CodeIncorrect = "code_incorrect", 422, "Incorrect code";
    /// The sign-in code is no longer valid: ask for a new one.
    CodeExpired = "code_expired", 422, "Code expired";
    /// Too many wrong codes: ask for a new one.
    TooManyAttempts = "too_many_attempts", 429, "Too many attempts";
    /// Too many requests: wait before trying again (see Retry-After).
    RateLimited = "rate_limited", 429, "Too many requests";
    /// Someone else took the last place: choose another time.
    SlotFull = "slot_full", 409, "Slot full";
    /// The time slot does not exist for this service.
    SlotNotFound = "slot_not_found", 404, "No such slot";
    /// The citizen already has an active appointment for this service.
    AlreadyBooked = "already_booked", 409, "Already booked";
    /// At most 4 bookings or changes in 30 days.
    TooManyChanges = "too_many_changes", 409, "Too many bookings";
    /// Changes and cancellations close 24 hours before the start.
    PastCutoff = "past_cutoff", 409, "Too late to change online";
    /// Three missed appointments in 90 days block online booking for 30 days.
    NoShowBlocked = "no_show_blocked", 403, "Online booking blocked";
    /// The appointment is no longer booked (cancelled, checked in or past).
    NotChangeable = "not_changeable", 409, "Cannot be changed";
    /// The citizen is on the waitlist for this service already.
    AlreadyWaiting = "already_waiting", 409, "Already on the waitlist";
    /// The place is no longer held for the citizen: the offer was taken, declined or ran out.
    OfferGone = "offer_gone", 409, "Offer no longer held";
    /// The last day of a waitlist entry is before its first.
    InvalidDayRange = "invalid_day_range", 422, "Invalid days";
    /// A new licence is only for people without one.
    NotEligibleAlreadyLicensed = "not_eligible_already_licensed", 403, "Already licensed";
    /// The minimum age is 18.
    NotEligibleTooYoung = "not_eligible_too_young", 403, "Too young";
    /// This service needs an existing licence.
    NotEligibleNoLicence = "not_eligible_no_licence", 403, "No licence";
    /// Renewal opens 180 days before expiry.
    NotEligibleRenewalNotDue = "not_eligible_renewal_not_due", 403, "Renewal not due";
    /// A suspended licence allows only the medical check.
    NotEligibleLicenceSuspended = "not_eligible_licence_suspended", 403, "Licence suspended";
    /// The practical test needs a passed theory test.
    NotEligibleTheoryTestNotPassed = "not_eligible_theory_test_not_passed", 403, "Theory test not passed";
    /// The Idempotency-Key header is missing or not 8-64 visible ASCII characters.
    IdempotencyKeyInvalid = "idempotency_key_invalid", 400, "Invalid Idempotency-Key";
    /// The key was used before with a different request.
    IdempotencyKeyReused = "idempotency_key_reused", 422, "Idempotency-Key reused";
    /// A request with this key is still being processed.
    IdempotencyInProgress = "idempotency_in_progress", 409, "Request in progress";
    /// The registry has no driving licence for this citizen.
    NoLicence = "no_licence", 404, "No licence";
    /// A suspended licence has no QR code.
    LicenceSuspended = "licence_suspended", 403, "Licence suspended";
    /// This phone was withdrawn from the citizen's licence: it is issued no credential.
    DeviceWithdrawn = "device_withdrawn", 403, "Phone withdrawn";
    /// The licence is kept on as many phones as allowed (5): withdraw one first.
    TooManyDevices = "too_many_devices", 409, "Too many phones";
    /// A session on a shared phone is issued no credential: nothing is kept on it.
    SharedPhone = "shared_phone", 403, "Shared phone";
    /// No valid staff session: sign in at the desk.
    StaffUnauthenticated = "staff_unauthenticated", 401, "Staff sign-in needed";
    /// The username or password is wrong (or the account is disabled).
    StaffSignInFailed = "staff_sign_in_failed", 401, "Sign-in failed";
    /// The account's role may not do this (a desk in a supervisor's room, anyone but an
    /// administrator in `/admin`, an administrator at a directorate's desk).
    StaffForbidden = "staff_forbidden", 403, "Not allowed for this account";
    /// The account signed in with a one-time password and must choose its own first.
    StaffPasswordChangeRequired = "staff_password_change_required", 403, "Choose a new password first";
    /// The account signs in with a second factor: send the code from its authenticator app (or
    /// a recovery code) with the password.
    StaffSecondFactorRequired = "staff_second_factor_required", 401, "Code needed";
    /// The second factor's code is wrong or was already used.
    StaffSecondFactorWrong = "staff_second_factor_wrong", 401, "Wrong code";
    /// The account's role signs in with a second factor: set one up (`POST
    /// /staff/second-factor`) before anything else.
    StaffSecondFactorSetupRequired = "staff_second_factor_setup_required", 403, "Set up two-step sign-in first";
    /// The account has a second factor already (an administrator's password reset clears it).
    StaffSecondFactorExists = "staff_second_factor_exists", 409, "Two-step sign-in already set up";
    /// The code does not match the second factor being set up (or none is being set up).
    StaffSecondFactorNotConfirmed = "staff_second_factor_not_confirmed", 422, "Code does not match";
    /// The current password is wrong.
    StaffWrongPassword = "staff_wrong_password", 422, "Wrong password";
    /// A new password has 12 to 128 characters and is not the old one.
    StaffWeakPassword = "staff_weak_password", 422, "Password too weak";
    /// A username has 3 to 64 characters: lower-case letters, digits, `.`, `-`, `_`.
    StaffInvalidUsername = "staff_invalid_username", 422, "Invalid username";
    /// Another account has this username.
    StaffUsernameTaken = "staff_username_taken", 409, "Username taken";
    /// A desk or supervisor needs a directorate that exists; an administrator has none.
    StaffInvalidDirectorate = "staff_invalid_directorate", 422, "Invalid directorate";
    /// The change would leave no active administrator.
    StaffLastAdmin = "staff_last_admin", 409, "The last administrator";
    /// The configuration document is refused (the detail names the line and the field).
    StaffConfigInvalid = "staff_config_invalid", 422, "Invalid configuration";
    /// Another version of the configuration was applied since it was read: preview again.
    StaffConfigOutdated = "staff_config_outdated", 409, "Configuration changed meanwhile";
    /// The change would cancel appointments: preview them, then confirm.
    StaffConfigStrands = "staff_config_strands", 409, "Appointments would be cancelled";
    /// The trust list is not signed by this server's configured anchor, or has expired.
    StaffTrustListRefused = "staff_trust_list_refused", 422, "Trust list refused";
    /// A list signed at the same time or later is published already.
    StaffTrustListOutdated = "staff_trust_list_outdated", 409, "A newer trust list is published";
    /// Not a counter area, or a counter name that is not 1 to 8 letters or digits.
    StaffInvalidCounter = "staff_invalid_counter", 422, "Invalid counter";
    /// Not a quarter-hour period of the day with its start before its end, or it is over.
    StaffInvalidPeriod = "staff_invalid_period", 422, "Invalid period";
    /// The appointment's ticket has not been called (or is done): nothing to call again, and a
    /// checked-in citizen is not recorded as absent before their ticket is called.
    StaffTicketNotCalled = "staff_ticket_not_called", 409, "The ticket has not been called";
    /// A checked-in citizen is recorded as absent only after their ticket was called again.
    StaffRecallFirst = "staff_recall_first", 409, "Call the ticket again first";
    /// Not a ticket as printed: an area letter, a hyphen and its number, `A-015`.
    StaffInvalidTicket = "staff_invalid_ticket", 422, "Invalid ticket";
    /// No such ticket today at this directorate.
    StaffTicketNotFound = "staff_ticket_not_found", 404, "No such ticket today";
    /// The ticket is done (served or missed): it can no longer be moved or changed.
    StaffTicketDone = "staff_ticket_done", 409, "The ticket is done";
    /// Only a theory or practical test's appointment has a result.
    StaffNotATest = "staff_not_a_test", 422, "Not a test appointment";
    /// The test's result is recorded already (or the appointment was cancelled or missed).
    StaffResultRecorded = "staff_result_recorded", 409, "Result already recorded";
    /// The kiosk has no valid device credential (never enrolled, or revoked).
    KioskNotEnrolled = "kiosk_not_enrolled", 401, "Kiosk not enrolled";
    /// No appointment has this reference.
    CheckInNotFound = "check_in_not_found", 404, "No such appointment";
    /// No ticket of today has this code (mistyped, replaced by a check-in again, or of another
    /// day), or the appointment has no ticket today.
    TicketNotFound = "ticket_not_found", 404, "No such ticket today";
    /// The appointment is at another directorate.
    CheckInWrongDirectorate = "check_in_wrong_directorate", 409, "Another directorate";
    /// Check-in opens 60 minutes before the appointment.
    CheckInTooEarly = "check_in_too_early", 409, "Too early to check in";
    /// Check-in closes 15 minutes after the appointment's start.
    CheckInTooLate = "check_in_too_late", 409, "Too late to check in";
    /// The appointment was cancelled.
    CheckInCancelled = "check_in_cancelled", 409, "Appointment cancelled";
    /// The appointment has already been served.
    CheckInAlreadyServed = "check_in_already_served", 409, "Already served";
    /// The database cannot be reached.
    NotReady = "not_ready", 503, "Service not ready";
    /// The app build is missing on the server.
    AppNotBuilt = "app_not_built", 503, "The app is not built on this server";
    /// Something failed on the server; the detail is in the server log.
    Internal = "internal", 500, "Internal error";
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the problem type; `about:blank` style is avoided so the code is explicit.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short, human-readable summary.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// The stable machine code.
    pub code: ErrorCode,
    /// A human-readable explanation of this occurrence, when there is one worth giving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Problem {
    /// The problem document for a code, with its standard title and status.
    pub fn new(code: ErrorCode) -> Problem {
        Problem {
            kind: format!("urn:rega:problem:{}", code.as_str()),
            title: code.title().to_owned(),
            status: code.status(),
            code,
            detail: None,
        }
    }

    /// Adds an explanation of this occurrence.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = Some(detail.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_document_carries_its_code_in_snake_case() {
        let json = serde_json::to_value(Problem::new(ErrorCode::NotFound)).expect("serializes");
        assert_eq!(json["code"], "not_found");
        assert_eq!(json["status"], 404);
        assert_eq!(json["type"], "urn:rega:problem:not_found");
        assert!(json.get("detail").is_none());
    }

    #[test]
    fn every_code_reads_back_the_word_it_writes() {
        crate::wire::assert_round_trip(ErrorCode::ALL_WORDS);
    }

    #[test]
    fn an_unknown_code_is_refused_not_taken_for_another() {
        assert!(serde_json::from_str::<ErrorCode>("\"no_such_code\"").is_err());
        assert!(serde_json::from_str::<ErrorCode>("7").is_err());
        assert_eq!(ErrorCode::from_word("Not_Found"), None);
    }

    #[test]
    fn every_code_reads_back_from_its_wire_form() {
        for &code in ErrorCode::ALL {
            let wire = format!("\"{}\"", code.as_str());
            let back: ErrorCode = serde_json::from_str(&wire).expect("parses");
            assert_eq!(back, code);
            assert_eq!(ErrorCode::from_word(code.as_str()), Some(code));
        }
    }
}
