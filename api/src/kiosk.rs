//! The directorate kiosk (SPEC §3.5): check-in and the queue ticket.

use serde::{Deserialize, Serialize};

/// `POST /kiosk/check-in`: the reference scanned from the appointment QR or typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    /// The appointment's reference, e.g. `RG-7K3M-Q9P2` (case, spaces and dashes are forgiven).
    pub reference: String,
}

/// The queue ticket of a checked-in appointment: only what the ticket itself shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueTicket {
    /// The ticket as called and shown, e.g. `A-014`.
    pub ticket: String,
    /// The counter area (`A`, `T`, `P` or `M`; see `ServiceKind::area`).
    pub area: String,
    /// The service of the appointment (its code).
    pub service: String,
    /// The appointment's time, `HH:MM` in Asia/Baghdad.
    pub time: String,
    /// How many tickets of the same area are waiting before this one.
    pub ahead: u32,
    /// True when the appointment had been checked in before: this is the same ticket again.
    pub again: bool,
    /// The code that opens this ticket on the citizen's phone, `XXXX-XXXX-XXXX-XXXX`, for
    /// today only (`GET /tickets/{code}`; the kiosk shows it with its QR code). A check-in again
    /// gives a new code, and the old one opens nothing.
    pub link: String,
}

/// `GET /kiosk`: what an enrolled kiosk knows about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskInfo {
    /// The directorate this kiosk is enrolled for.
    pub directorate: String,
    /// The kiosk's label, e.g. `Erbil hall 1`.
    pub label: String,
}
