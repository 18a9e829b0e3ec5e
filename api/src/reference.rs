//! Reference data: services, directorates and closures.

use serde::{Deserialize, Serialize};

use crate::service::ServiceKind;
use crate::time::{Date, Weekday};

/// Text in the three interface languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocalizedText {
    /// English.
    pub en: String,
    /// Sorani Kurdish.
    pub ckb: String,
    /// Arabic.
    pub ar: String,
}

/// A service and how long its appointments are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceInfo {
    /// The service.
    pub service: ServiceKind,
    /// Length of one appointment, in minutes.
    pub slot_minutes: u16,
}

/// Consecutive weekdays a directorate opens at the same times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpeningHours {
    /// The days, in the week's order (Saturday first).
    pub weekdays: Vec<Weekday>,
    /// The opening periods of each of those days (split hours: more than one).
    pub periods: Vec<OpeningPeriod>,
}

/// Opening to closing time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpeningPeriod {
    /// Opening time, `HH:MM` (Asia/Baghdad).
    pub opens: String,
    /// Closing time, `HH:MM` (Asia/Baghdad).
    pub closes: String,
}

/// A traffic directorate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectorateInfo {
    /// Stable identifier, e.g. `erbil`.
    pub id: String,
    /// Its name.
    pub name: LocalizedText,
    /// Its address.
    pub address: LocalizedText,
    /// Its public phone number (E.164).
    pub phone: String,
    /// Its opening hours, by runs of weekdays with the same times.
    pub opening_hours: Vec<OpeningHours>,
    /// The services it offers (those with at least one counter).
    pub services: Vec<ServiceKind>,
}

/// A day every directorate is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Closure {
    /// The day.
    pub date: Date,
    /// The holiday's name.
    pub name: LocalizedText,
    /// The date is an estimate (moon-dependent holidays).
    pub approximate: bool,
}
