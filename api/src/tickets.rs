//! A queue ticket as its holder follows it on their phone (issue 18): opened by the code the
//! kiosk shows (`GET /tickets/{code}`, no sign-in) or, signed in, from My appointments
//! (`GET /appointments/{reference}/ticket`). Only what the paper ticket would show, and live.

use serde::{Deserialize, Serialize};

use crate::service::ServiceKind;
use crate::staff::TicketStatus;

/// A ticket of today, as its holder follows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldTicket {
    /// The ticket as called, e.g. `M-003`.
    pub ticket: String,
    /// The directorate, whose change events (`GET /events`) say when to read the ticket again.
    pub directorate: String,
    /// The service, so the holder knows which queue this is.
    pub service: ServiceKind,
    /// Waiting, called to a counter, or done.
    pub status: TicketStatus,
    /// Tickets of the same area still waiting before it (0 once called).
    pub ahead: u32,
    /// The counter it was called to, once called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
}
