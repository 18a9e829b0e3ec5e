//! The licence registry's feed into Rega (`docs/registry.md`): one record per citizen, the same
//! shape over HTTP (`POST /registry/records`) and in the NDJSON file of `rega registry import`.
//! Strings as the registry sends them; the server checks every field and names the one it
//! refuses.

use serde::{Deserialize, Serialize};

/// A citizen as the registry holds them, at the registry's `version` of the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitizenRecord {
    /// The national card number, 12 digits.
    pub national_id: String,
    /// The registry's version of this record: a record with a lower or equal version than the
    /// one Rega holds changes nothing.
    pub version: i64,
    /// The name in Latin letters, as on the licence.
    pub name_latin: String,
    /// The name in Arabic script, as on the licence.
    pub name_arabic: String,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: String,
    /// The phone the sign-in codes go to, E.164 (`+9647…`).
    pub phone: String,
    /// `active`, or `inactive` (deceased, emigrated, record withdrawn): an inactive citizen
    /// cannot sign in, and their future appointments are cancelled.
    pub status: String,
    /// The driving licence, if the citizen holds one.
    #[serde(default)]
    pub licence: Option<LicenceRecord>,
    /// The latest result of each test the citizen took.
    #[serde(default)]
    pub tests: Vec<TestRecord>,
}

/// A driving licence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LicenceRecord {
    /// `valid` or `suspended` (an expired licence is `valid` with its expiry date past).
    pub status: String,
    /// Why it is suspended (1 to 200 characters), only with `suspended`.
    #[serde(default)]
    pub suspension_reason: Option<String>,
    /// The ISO 18013-5 data elements Rega shows and signs: `family_name`, `given_name`,
    /// `birth_date`, `issue_date`, `expiry_date`, `document_number`, `driving_privileges`, …
    #[schema(value_type = Object)]
    pub elements: serde_json::Value,
}

/// A test result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestRecord {
    /// `theory` or `practical`.
    pub test: String,
    /// `passed` or `failed`.
    pub result: String,
    /// When, `YYYY-MM-DD`.
    pub date: String,
    /// Until when a pass counts, `YYYY-MM-DD` (none: for good).
    #[serde(default)]
    pub valid_until: Option<String>,
}

/// `GET /registry/outcomes`: what happened at the counters, in cursor order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutcomeFeed {
    /// Up to `limit` outcomes after the cursor asked for.
    pub outcomes: Vec<OutcomeRecord>,
    /// The cursor to ask after next time: the last outcome's, or the one asked for when there
    /// is nothing new.
    pub next: i64,
}

/// One outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutcomeRecord {
    /// Its place in the feed (increasing; gaps are possible).
    pub cursor: i64,
    /// `attended`, `no_show`, `cancelled_by_closure` or `test_result`.
    pub kind: String,
    /// The citizen's national card number.
    pub national_id: String,
    /// The appointment's reference, `RG-XXXX-XXXX`.
    pub reference: String,
    /// The directorate's id.
    pub directorate: String,
    /// The service's id, e.g. `theory_test`.
    pub service: String,
    /// The appointment's start, RFC 3339 with the Baghdad offset.
    pub starts_at: String,
    /// When it was recorded, RFC 3339 with the Baghdad offset.
    pub recorded_at: String,
    /// The result, for `test_result`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<TestRecord>,
}

/// Unix seconds as RFC 3339 with the Baghdad offset, to the second.
pub fn rfc3339_seconds(unix: i64) -> String {
    let local = rega_api::time::LocalDateTime::from_unix(unix);
    format!(
        "{}T{:02}:{:02}:{:02}+03:00",
        local.date,
        local.hour,
        local.minute,
        unix.rem_euclid(60)
    )
}
