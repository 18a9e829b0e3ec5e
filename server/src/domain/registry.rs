//! What Rega accepts from the licence registry (`docs/registry.md`): every field of a citizen's
//! record checked, the first wrong one named, so that nothing of a bad record is applied.
//! No I/O.

use rega_api::ids::NationalId;
use rega_api::time::Date;

use crate::registry::wire;
use crate::store::{NewLicence, RegistryCitizen, TestKind, TestResult};

/// Longest name, in characters.
const NAME_CHARS: usize = 100;
/// Longest suspension reason, in characters.
const REASON_CHARS: usize = 200;
/// Largest licence elements, as JSON text.
const ELEMENTS_BYTES: usize = 4096;

/// Why a record is refused: the field (a JSON path such as `licence.elements.expiry_date`) and
/// what is wrong with it, in English for the registry's operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The field.
    pub field: String,
    /// What is wrong.
    pub message: &'static str,
}

fn refuse<T>(field: &str, message: &'static str) -> Result<T, RecordError> {
    Err(RecordError {
        field: field.to_owned(),
        message,
    })
}

/// Checks a record as of `today`: the citizen as Rega stores them, or the first field refused.
pub fn check(record: &wire::CitizenRecord, today: Date) -> Result<RegistryCitizen, RecordError> {
    let Ok(national_id) = NationalId::parse(&record.national_id) else {
        return refuse("national_id", "must be 12 digits");
    };
    if record.version < 1 {
        return refuse("version", "must be a positive integer");
    }
    let name_latin = name(&record.name_latin, "name_latin")?;
    let name_arabic = name(&record.name_arabic, "name_arabic")?;
    let birth_date = past_date(&record.birth_date, "birth_date", today)?;
    let phone = phone(&record.phone)?;
    let active = match record.status.as_str() {
        "active" => true,
        "inactive" => false,
        _ => return refuse("status", "must be `active` or `inactive`"),
    };
    let licence = record.licence.as_ref().map(licence).transpose()?;
    let mut tests: Vec<TestResult> = Vec::with_capacity(record.tests.len());
    for (n, test) in record.tests.iter().enumerate() {
        let checked = test_result(test, n, today)?;
        if tests.iter().any(|t| t.test == checked.test) {
            return refuse(&format!("tests[{n}].test"), "each test at most once");
        }
        tests.push(checked);
    }
    Ok(RegistryCitizen {
        national_id,
        version: record.version,
        name_latin,
        name_arabic,
        birth_date: birth_date.to_string(),
        phone,
        active,
        licence,
        tests,
    })
}

fn name(text: &str, field: &str) -> Result<String, RecordError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return refuse(field, "must not be empty");
    }
    if trimmed.chars().count() > NAME_CHARS {
        return refuse(field, "at most 100 characters");
    }
    if trimmed.chars().any(char::is_control) {
        return refuse(field, "must not contain control characters");
    }
    Ok(trimmed.to_owned())
}

fn date(text: &str, field: &str) -> Result<Date, RecordError> {
    Date::parse(text).or_else(|_| refuse(field, "must be a date, YYYY-MM-DD"))
}

fn past_date(text: &str, field: &str, today: Date) -> Result<Date, RecordError> {
    let day = date(text, field)?;
    if day > today {
        return refuse(field, "must not be in the future");
    }
    Ok(day)
}

/// E.164: `+`, then 8 to 15 digits, the first not 0.
fn phone(text: &str) -> Result<String, RecordError> {
    let digits = text.strip_prefix('+').unwrap_or("");
    let ok = (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    if !ok {
        return refuse("phone", "must be E.164, e.g. +9647501234567");
    }
    Ok(text.to_owned())
}

fn licence(licence: &wire::LicenceRecord) -> Result<NewLicence, RecordError> {
    let suspension = match (licence.status.as_str(), &licence.suspension_reason) {
        ("valid", None) => None,
        ("valid", Some(_)) => {
            return refuse("licence.suspension_reason", "only for a suspended licence");
        }
        ("suspended", Some(reason)) => {
            let reason = reason.trim();
            if reason.is_empty() || reason.chars().count() > REASON_CHARS {
                return refuse("licence.suspension_reason", "1 to 200 characters");
            }
            Some(reason.to_owned())
        }
        ("suspended", None) => {
            return refuse(
                "licence.suspension_reason",
                "required for a suspended licence",
            );
        }
        _ => return refuse("licence.status", "must be `valid` or `suspended`"),
    };
    let Some(elements) = licence.elements.as_object() else {
        return refuse("licence.elements", "must be an object");
    };
    if licence.elements.to_string().len() > ELEMENTS_BYTES {
        return refuse("licence.elements", "at most 4096 bytes of JSON");
    }
    let text = |key: &str| elements.get(key).and_then(serde_json::Value::as_str);
    let document_number = match text("document_number").map(str::trim) {
        Some(n) if !n.is_empty() && n.len() <= 32 && !n.chars().any(char::is_control) => n,
        _ => {
            return refuse(
                "licence.elements.document_number",
                "required, 1 to 32 characters",
            );
        }
    };
    let Some(expiry) = text("expiry_date") else {
        return refuse("licence.elements.expiry_date", "required, YYYY-MM-DD");
    };
    let expiry = date(expiry, "licence.elements.expiry_date")?;
    let Some(issue) = text("issue_date") else {
        return refuse("licence.elements.issue_date", "required, YYYY-MM-DD");
    };
    if date(issue, "licence.elements.issue_date")? > expiry {
        return refuse(
            "licence.elements.issue_date",
            "must not be after the expiry date",
        );
    }
    Ok(NewLicence {
        document_number: document_number.to_owned(),
        expiry_date: expiry.to_string(),
        suspension,
        elements: licence.elements.clone(),
    })
}

fn test_result(test: &wire::TestRecord, n: usize, today: Date) -> Result<TestResult, RecordError> {
    let field = |name: &str| format!("tests[{n}].{name}");
    let kind = match test.test.as_str() {
        "theory" => TestKind::Theory,
        "practical" => TestKind::Practical,
        _ => return refuse(&field("test"), "must be `theory` or `practical`"),
    };
    let passed = match test.result.as_str() {
        "passed" => true,
        "failed" => false,
        _ => return refuse(&field("result"), "must be `passed` or `failed`"),
    };
    let taken_on = past_date(&test.date, &field("date"), today)?;
    let valid_until = match &test.valid_until {
        None => None,
        Some(_) if !passed => return refuse(&field("valid_until"), "only for a pass"),
        Some(text) => {
            let until = date(text, &field("valid_until"))?;
            if until < taken_on {
                return refuse(&field("valid_until"), "must not be before the test's date");
            }
            Some(until.to_string())
        }
    };
    Ok(TestResult {
        test: kind,
        passed,
        taken_on: taken_on.to_string(),
        valid_until,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> Date {
        Date::parse("2026-12-05").expect("a date")
    }

    fn record() -> wire::CitizenRecord {
        serde_json::from_value(json!({
            "national_id": "100000000123",
            "version": 3,
            "name_latin": "Shilan Ahmed",
            "name_arabic": "شیلان ئەحمەد",
            "birth_date": "1990-05-01",
            "phone": "+9647501234567",
            "status": "active",
            "licence": {
                "status": "valid",
                "elements": {
                    "document_number": "KR-000123",
                    "issue_date": "2021-01-01",
                    "expiry_date": "2031-01-01",
                    "family_name": "Ahmed"
                }
            },
            "tests": [{ "test": "theory", "result": "passed", "date": "2025-03-02", "valid_until": "2027-03-02" }]
        }))
        .expect("a record")
    }

    fn refused(change: impl FnOnce(&mut wire::CitizenRecord)) -> String {
        let mut r = record();
        change(&mut r);
        check(&r, today()).expect_err("refused").field
    }

    #[test]
    fn a_good_record_is_accepted_as_sent() {
        let checked = check(&record(), today()).expect("accepted");
        assert_eq!(checked.national_id.as_str(), "100000000123");
        assert!(checked.active);
        let licence = checked.licence.expect("a licence");
        assert_eq!(
            (
                licence.document_number.as_str(),
                licence.expiry_date.as_str()
            ),
            ("KR-000123", "2031-01-01")
        );
        use crate::domain::eligibility::theory_passed;
        assert!(theory_passed(&checked.tests, today()));
        assert!(!theory_passed(
            &checked.tests,
            Date::parse("2027-03-03").expect("a date")
        ));
    }

    #[test]
    fn every_bad_field_is_named() {
        assert_eq!(refused(|r| r.national_id = "12".into()), "national_id");
        assert_eq!(refused(|r| r.version = 0), "version");
        assert_eq!(refused(|r| r.name_latin = " ".into()), "name_latin");
        assert_eq!(refused(|r| r.name_arabic = "a\u{0}b".into()), "name_arabic");
        assert_eq!(
            refused(|r| r.birth_date = "2030-01-01".into()),
            "birth_date"
        );
        assert_eq!(refused(|r| r.phone = "07501234567".into()), "phone");
        assert_eq!(refused(|r| r.status = "gone".into()), "status");
        assert_eq!(
            refused(|r| r.licence.as_mut().expect("l").status = "suspended".into()),
            "licence.suspension_reason"
        );
        assert_eq!(
            refused(
                |r| r.licence.as_mut().expect("l").elements = json!({"issue_date": "2021-01-01"})
            ),
            "licence.elements.document_number"
        );
        assert_eq!(
            refused(|r| {
                r.licence.as_mut().expect("l").elements["expiry_date"] = json!("2020-01-01")
            }),
            "licence.elements.issue_date"
        );
        assert_eq!(
            refused(|r| r.tests[0].result = "maybe".into()),
            "tests[0].result"
        );
        assert_eq!(
            refused(|r| r.tests[0].valid_until = Some("2020-01-01".into())),
            "tests[0].valid_until"
        );
        assert_eq!(
            refused(|r| r.tests.push(r.tests[0].clone())),
            "tests[1].test"
        );
    }
}
