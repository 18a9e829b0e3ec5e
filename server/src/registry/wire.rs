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
