//! Rows into records, written once for both engines: [`Columns`] reads a column of either
//! engine's row; the mappers below turn a row into its record. A value that does not parse is
//! [`StoreError::Corrupt`].

use rega_api::ids::{NationalId, Reference};
use rega_api::service::ServiceKind;
use rega_api::staff::Priority;
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use super::StoreError;
use super::records::*;

/// The columns every query of the store reads: integers (every integer column is 64 bits on
/// both engines), text and flags.
pub(crate) trait Columns {
    /// An integer.
    fn int(&self, column: &str) -> Result<i64, StoreError>;
    /// An integer or NULL.
    fn int_or_null(&self, column: &str) -> Result<Option<i64>, StoreError>;
    /// Text.
    fn text(&self, column: &str) -> Result<String, StoreError>;
    /// Text or NULL.
    fn text_or_null(&self, column: &str) -> Result<Option<String>, StoreError>;
    /// A boolean.
    fn flag(&self, column: &str) -> Result<bool, StoreError>;
    /// A boolean or NULL.
    fn flag_or_null(&self, column: &str) -> Result<Option<bool>, StoreError>;
}

macro_rules! columns_of {
    ($row:ty) => {
        impl Columns for $row {
            fn int(&self, column: &str) -> Result<i64, StoreError> {
                Ok(self.try_get(column)?)
            }
            fn int_or_null(&self, column: &str) -> Result<Option<i64>, StoreError> {
                Ok(self.try_get(column)?)
            }
            fn text(&self, column: &str) -> Result<String, StoreError> {
                Ok(self.try_get(column)?)
            }
            fn text_or_null(&self, column: &str) -> Result<Option<String>, StoreError> {
                Ok(self.try_get(column)?)
            }
            fn flag(&self, column: &str) -> Result<bool, StoreError> {
                Ok(self.try_get(column)?)
            }
            fn flag_or_null(&self, column: &str) -> Result<Option<bool>, StoreError> {
                Ok(self.try_get(column)?)
            }
        }
    };
}
columns_of!(SqliteRow);
columns_of!(PgRow);

/// The `reference` column.
pub(crate) fn reference(row: &impl Columns) -> Result<Reference, StoreError> {
    let text = row.text("reference")?;
    Reference::parse(&text).map_err(|_| StoreError::Corrupt(format!("reference {text}")))
}

/// The `reference` column where it may be NULL (a walk-in's ticket has no appointment).
pub(crate) fn reference_or_null(row: &impl Columns) -> Result<Option<Reference>, StoreError> {
    row.text_or_null("reference")?
        .map(|text| {
            Reference::parse(&text).map_err(|_| StoreError::Corrupt(format!("reference {text}")))
        })
        .transpose()
}

/// The `priority` column (NULL: a regular ticket).
pub(crate) fn priority(row: &impl Columns) -> Result<Option<Priority>, StoreError> {
    row.text_or_null("priority")?
        .map(|word| {
            Priority::from_word(&word)
                .ok_or_else(|| StoreError::Corrupt(format!("priority {word}")))
        })
        .transpose()
}

/// A ticket as the desk sees it: area, number, ticket_status, counter, recalls, queue_area,
/// priority.
pub(crate) fn ticket_state(row: &impl Columns) -> Result<TicketState, StoreError> {
    Ok(TicketState {
        area: row.text("area")?,
        number: row.int("number")?,
        status: row.text("ticket_status")?,
        counter: row.text_or_null("counter")?,
        recalls: row.int("recalls")?,
        queue_area: row.text("queue_area")?,
        priority: priority(row)?,
    })
}

/// The `service` column.
pub(crate) fn service(row: &impl Columns) -> Result<ServiceKind, StoreError> {
    let code = row.text("service")?;
    ServiceKind::from_code(&code).ok_or_else(|| StoreError::Corrupt(format!("service {code}")))
}

pub(crate) fn status(row: &impl Columns) -> Result<AppointmentStatus, StoreError> {
    let code = row.text("status")?;
    AppointmentStatus::from_code(&code).ok_or_else(|| StoreError::Corrupt(format!("status {code}")))
}

/// The columns [`appointment`] reads, from `appointment a JOIN slot s`.
macro_rules! appointment_columns {
    () => {
        "a.id, a.reference, a.citizen_id, a.slot_id, a.service, a.status, s.directorate_id, s.starts_at, a.created_at, a.updated_at, a.closure_id"
    };
}
pub(crate) use appointment_columns;

/// An appointment with its slot's time and place ([`appointment_columns!`]).
pub(crate) fn appointment(row: &impl Columns) -> Result<Appointment, StoreError> {
    Ok(Appointment {
        reference: reference(row)?,
        citizen_id: row.int("citizen_id")?,
        slot_id: row.int("slot_id")?,
        service: service(row)?,
        directorate_id: row.text("directorate_id")?,
        starts_at: row.int("starts_at")?,
        status: status(row)?,
        created_at: row.int("created_at")?,
        closed_at: match row.int_or_null("closure_id")? {
            Some(_) => Some(row.int("updated_at")?),
            None => None,
        },
    })
}

/// The columns [`slot`] reads.
macro_rules! slot_columns {
    () => {
        "id, directorate_id, service, starts_at, capacity, booked"
    };
}
pub(crate) use slot_columns;

/// A slot ([`slot_columns!`]).
pub(crate) fn slot(row: &impl Columns) -> Result<Slot, StoreError> {
    Ok(Slot {
        id: row.int("id")?,
        directorate_id: row.text("directorate_id")?,
        service: service(row)?,
        starts_at: row.int("starts_at")?,
        capacity: row.int("capacity")?,
        booked: row.int("booked")?,
    })
}

/// A directorate (its columns by name).
pub(crate) fn directorate(row: &impl Columns) -> Result<Directorate, StoreError> {
    Ok(Directorate {
        id: row.text("id")?,
        name: Localized {
            en: row.text("name_en")?,
            ckb: row.text("name_ckb")?,
            ar: row.text("name_ar")?,
        },
        address: Localized {
            en: row.text("address_en")?,
            ckb: row.text("address_ckb")?,
            ar: row.text("address_ar")?,
        },
        phone: row.text("phone")?,
    })
}

/// A directorate's counters for one service: (directorate, service, counters).
pub(crate) fn counter(row: &impl Columns) -> Result<(String, ServiceKind, u32), StoreError> {
    let count = row.int("counters")?;
    Ok((
        row.text("directorate_id")?,
        service(row)?,
        u32::try_from(count).map_err(|_| StoreError::Corrupt(format!("counters {count}")))?,
    ))
}

/// The columns [`citizen`] reads.
macro_rules! citizen_columns {
    () => {
        "id, national_id, phone, birth_date, status"
    };
}
pub(crate) use citizen_columns;

/// A citizen ([`citizen_columns!`]).
pub(crate) fn citizen(row: &impl Columns) -> Result<CitizenRecord, StoreError> {
    let national_id = row.text("national_id")?;
    Ok(CitizenRecord {
        id: row.int("id")?,
        national_id: NationalId::parse(&national_id)
            .map_err(|_| StoreError::Corrupt("national id".into()))?,
        phone: row.text("phone")?,
        birth_date: row.text("birth_date")?,
        active: row.text("status")? == "active",
    })
}

/// A test result: test, passed, taken_on, valid_until.
pub(crate) fn test_result(row: &impl Columns) -> Result<TestResult, StoreError> {
    let test = row.text("test")?;
    Ok(TestResult {
        test: TestKind::from_code(&test)
            .ok_or_else(|| StoreError::Corrupt(format!("test {test}")))?,
        passed: row.flag("passed")?,
        taken_on: row.text("taken_on")?,
        valid_until: row.text_or_null("valid_until")?,
    })
}

/// A licence: document_number, expiry_date, suspension_reason, elements (as JSON text).
pub(crate) fn licence(row: &impl Columns) -> Result<LicenceRecord, StoreError> {
    let elements = row.text("elements")?;
    Ok(LicenceRecord {
        document_number: row.text("document_number")?,
        expiry_date: row.text("expiry_date")?,
        suspension: row.text_or_null("suspension_reason")?,
        elements: serde_json::from_str(&elements)
            .map_err(|e| StoreError::Corrupt(format!("licence elements: {e}")))?,
    })
}

/// A one-time code: id, code_hmac, expires_at, failed_attempts.
pub(crate) fn otp(row: &impl Columns) -> Result<OtpRecord, StoreError> {
    Ok(OtpRecord {
        id: row.int("id")?,
        code_hmac: row.text("code_hmac")?,
        expires_at: row.int("expires_at")?,
        failed_attempts: u32::try_from(row.int("failed_attempts")?).unwrap_or(u32::MAX),
    })
}

/// A citizen's session: citizen_id, created_at, last_seen_at, revoked_at.
pub(crate) fn session(row: &impl Columns) -> Result<SessionRecord, StoreError> {
    Ok(SessionRecord {
        citizen_id: row.int("citizen_id")?,
        created_at: row.int("created_at")?,
        last_seen_at: row.int("last_seen_at")?,
        revoked_at: row.int_or_null("revoked_at")?,
        shared_device: row.flag("shared_device")?,
    })
}

/// The columns [`staff`] reads, from `staff s`.
macro_rules! staff_columns {
    () => {
        "s.id, s.username, s.password_hash, s.role, s.directorate_id, s.disabled_at, \
         s.one_time_password_at, s.totp_secret, s.totp_pending_secret"
    };
}
pub(crate) use staff_columns;

/// A staff account ([`staff_columns!`]).
pub(crate) fn staff(row: &impl Columns) -> Result<StaffRecord, StoreError> {
    let role = row.text("role")?;
    Ok(StaffRecord {
        id: row.int("id")?,
        username: row.text("username")?,
        password_hash: row.text("password_hash")?,
        role: StaffRole::from_code(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
        directorate_id: row.text_or_null("directorate_id")?,
        disabled: row.int_or_null("disabled_at")?.is_some(),
        one_time_password_at: row.int_or_null("one_time_password_at")?,
        totp_secret: row.text_or_null("totp_secret")?,
        totp_pending_secret: row.text_or_null("totp_pending_secret")?,
    })
}

/// A staff session with its account ([`staff_columns!`] and the session's times).
pub(crate) fn staff_session(row: &impl Columns) -> Result<StaffSession, StoreError> {
    Ok(StaffSession {
        staff: staff(row)?,
        created_at: row.int("created_at")?,
        last_seen_at: row.int("last_seen_at")?,
        revoked_at: row.int_or_null("revoked_at")?,
    })
}

/// An appointment of a directorate's day with its ticket: reference, service, status,
/// starts_at, and the [`ticket_state`] columns (NULL without a ticket).
pub(crate) fn day_entry(row: &impl Columns) -> Result<DayEntry, StoreError> {
    let ticket = match row.text_or_null("area")? {
        Some(_) => Some(ticket_state(row)?),
        None => None,
    };
    Ok(DayEntry {
        reference: reference(row)?,
        service: service(row)?,
        starts_at: row.int("starts_at")?,
        status: status(row)?,
        ticket,
        test_passed: row.flag_or_null("test_passed")?,
    })
}

/// A called ticket: area, number, reference (NULL for a walk-in), service, counter, called_at.
pub(crate) fn called_ticket(row: &impl Columns) -> Result<CalledTicket, StoreError> {
    Ok(CalledTicket {
        area: row.text("area")?,
        number: row.int("number")?,
        reference: reference_or_null(row)?,
        service: service(row)?,
        counter: row.text_or_null("counter")?.unwrap_or_default(),
        called_at: row.int("called_at")?,
    })
}

/// A kiosk: id, directorate_id, label.
pub(crate) fn kiosk(row: &impl Columns) -> Result<KioskDevice, StoreError> {
    Ok(KioskDevice {
        id: row.int("id")?,
        directorate_id: row.text("directorate_id")?,
        label: row.text("label")?,
    })
}

/// An SMS: phone, body, created_at.
pub(crate) fn sms(row: &impl Columns) -> Result<SmsRecord, StoreError> {
    Ok(SmsRecord {
        phone: row.text("phone")?,
        body: row.text("body")?,
        created_at: row.int("created_at")?,
    })
}

/// An audit record: at (Unix seconds), actor, action, object, result.
pub(crate) fn audit(row: &impl Columns) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        at: row.int("at")?,
        actor: row.text("actor")?,
        action: row.text("action")?,
        object: row.text("object")?,
        result: row.text("result")?,
    })
}

/// A closure: id, day, starts_at, ends_at, note, username, cancelled.
pub(crate) fn closure(row: &impl Columns) -> Result<ClosureRecord, StoreError> {
    Ok(ClosureRecord {
        id: row.int("id")?,
        day: row.text("day")?,
        starts_at: row.int("starts_at")?,
        ends_at: row.int("ends_at")?,
        note: row.text("note")?,
        staff: row.text("username")?,
        cancelled: row.int("cancelled")?,
    })
}

/// What an Idempotency-Key has seen, from its row (request_hash, status, response_body), for a
/// request with `request_hash`.
pub(crate) fn key_state(
    row: &impl Columns,
    request_hash: &str,
) -> Result<IdempotencyState, StoreError> {
    if row.text("request_hash")? != request_hash {
        return Ok(IdempotencyState::Mismatch);
    }
    Ok(
        match (
            row.int_or_null("status")?,
            row.text_or_null("response_body")?,
        ) {
            (Some(status), Some(body)) => IdempotencyState::Done {
                status: u16::try_from(status).unwrap_or(500),
                body,
            },
            _ => IdempotencyState::InProgress,
        },
    )
}
