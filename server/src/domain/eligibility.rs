//! Which services a citizen may book (SPEC §4), each refusal with its own reason.

use rega_api::service::ServiceKind;
use rega_api::time::Date;

use super::rules::BookingRules;
use crate::store::{TestKind, TestResult};

/// What the registry knows about a citizen that eligibility depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenFacts {
    /// Date of birth.
    pub birth_date: Date,
    /// The citizen's driving licence, if any.
    pub licence: Option<LicenceFacts>,
    /// Whether the citizen has passed the theory test (and not yet used it for a licence).
    pub theory_test_passed: bool,
}

/// The facts of a licence that eligibility depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LicenceFacts {
    /// The licence's expiry date.
    pub expiry_date: Date,
    /// Suspended by a court or the directorate.
    pub suspended: bool,
}

/// Why a service cannot be booked; each has a stable code and a localized one-line reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    /// A new licence, but the citizen already holds one.
    AlreadyLicensed,
    /// Under the minimum age for a licence or a test.
    TooYoung,
    /// Renewal or replacement without a licence.
    NoLicence,
    /// Renewal of a licence that is valid for longer than the renewal window.
    RenewalNotDue,
    /// A suspended licence allows only the medical check.
    LicenceSuspended,
    /// The practical test needs a passed theory test.
    TheoryTestNotPassed,
}

/// Whether the citizen may book a service on `today`.
pub fn check(
    rules: &BookingRules,
    facts: &CitizenFacts,
    service: ServiceKind,
    today: Date,
) -> Result<(), Ineligible> {
    if service == ServiceKind::MedicalCheck {
        return Ok(());
    }
    if facts.licence.is_some_and(|l| l.suspended) {
        return Err(Ineligible::LicenceSuspended);
    }
    let age = age_on(facts.birth_date, today);
    match service {
        ServiceKind::NewLicence if facts.licence.is_some() => Err(Ineligible::AlreadyLicensed),
        ServiceKind::NewLicence if age < u32::from(rules.minimum_age) => Err(Ineligible::TooYoung),
        ServiceKind::TheoryTest if age < u32::from(rules.theory_minimum_age) => {
            Err(Ineligible::TooYoung)
        }
        ServiceKind::NewLicence | ServiceKind::TheoryTest => Ok(()),
        ServiceKind::Renewal => match facts.licence {
            None => Err(Ineligible::NoLicence),
            Some(l) if l.expiry_date > today.add_days(rules.renewal_window_days) => {
                Err(Ineligible::RenewalNotDue)
            }
            Some(_) => Ok(()),
        },
        ServiceKind::Replacement if facts.licence.is_none() => Err(Ineligible::NoLicence),
        ServiceKind::Replacement => Ok(()),
        ServiceKind::PracticalTest if !facts.theory_test_passed => {
            Err(Ineligible::TheoryTestNotPassed)
        }
        ServiceKind::PracticalTest => Ok(()),
        ServiceKind::MedicalCheck => Ok(()),
    }
}

/// Whether the latest theory result counts as a pass on `today`: passed, and still valid.
pub fn theory_passed(tests: &[TestResult], today: Date) -> bool {
    tests.iter().any(|t| {
        t.test == TestKind::Theory
            && t.passed
            && t.valid_until
                .as_deref()
                .and_then(|d| Date::parse(d).ok())
                .is_none_or(|until| until >= today)
    })
}

/// The last day a theory pass taken on `taken_on` counts.
pub fn theory_pass_valid_until(rules: &BookingRules, taken_on: Date) -> Date {
    taken_on.add_days(rules.theory_pass_valid_days)
}

/// Full years of age on a day.
pub fn age_on(birth: Date, today: Date) -> u32 {
    let years = today.year() - birth.year();
    let had_birthday = (today.month(), today.day()) >= (birth.month(), birth.day());
    u32::try_from(if had_birthday { years } else { years - 1 }).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).expect("a valid date")
    }

    const TODAY: &str = "2026-11-28";

    fn facts(birth: &str, licence: Option<(&str, bool)>, theory: bool) -> CitizenFacts {
        CitizenFacts {
            birth_date: date(birth),
            licence: licence.map(|(expiry, suspended)| LicenceFacts {
                expiry_date: date(expiry),
                suspended,
            }),
            theory_test_passed: theory,
        }
    }

    fn check_on(f: &CitizenFacts, service: ServiceKind) -> Result<(), Ineligible> {
        check(&BookingRules::default(), f, service, date(TODAY))
    }

    #[test]
    fn a_new_licence_needs_no_licence_and_eighteen_years() {
        assert_eq!(
            check_on(&facts("2000-01-01", None, false), ServiceKind::NewLicence),
            Ok(())
        );
        assert_eq!(
            check_on(&facts("2008-11-29", None, false), ServiceKind::NewLicence),
            Err(Ineligible::TooYoung)
        );
        assert_eq!(
            check_on(&facts("2008-11-28", None, false), ServiceKind::NewLicence),
            Ok(()),
            "18 today"
        );
        assert_eq!(
            check_on(
                &facts("2000-01-01", Some(("2030-01-01", false)), false),
                ServiceKind::NewLicence
            ),
            Err(Ineligible::AlreadyLicensed)
        );
    }

    #[test]
    fn renewal_opens_180_days_before_expiry_and_stays_open_after_it() {
        let soon = facts("1980-01-01", Some(("2027-05-27", false)), false); // 180 days ahead
        assert_eq!(check_on(&soon, ServiceKind::Renewal), Ok(()));
        let later = facts("1980-01-01", Some(("2027-05-28", false)), false);
        assert_eq!(
            check_on(&later, ServiceKind::Renewal),
            Err(Ineligible::RenewalNotDue)
        );
        let expired = facts("1980-01-01", Some(("2024-01-01", false)), false);
        assert_eq!(check_on(&expired, ServiceKind::Renewal), Ok(()));
        assert_eq!(
            check_on(&facts("1980-01-01", None, false), ServiceKind::Renewal),
            Err(Ineligible::NoLicence)
        );
    }

    #[test]
    fn replacement_needs_an_existing_licence() {
        assert_eq!(
            check_on(
                &facts("1980-01-01", Some(("2030-01-01", false)), false),
                ServiceKind::Replacement
            ),
            Ok(())
        );
        assert_eq!(
            check_on(&facts("1980-01-01", None, false), ServiceKind::Replacement),
            Err(Ineligible::NoLicence)
        );
    }

    #[test]
    fn the_practical_test_needs_a_passed_theory_test() {
        assert_eq!(
            check_on(&facts("2000-01-01", None, true), ServiceKind::PracticalTest),
            Ok(())
        );
        assert_eq!(
            check_on(
                &facts("2000-01-01", None, false),
                ServiceKind::PracticalTest
            ),
            Err(Ineligible::TheoryTestNotPassed)
        );
    }

    #[test]
    fn a_suspended_licence_allows_only_the_medical_check() {
        let suspended = facts("1980-01-01", Some(("2030-01-01", true)), true);
        for service in ServiceKind::ALL {
            let expected = if service == ServiceKind::MedicalCheck {
                Ok(())
            } else {
                Err(Ineligible::LicenceSuspended)
            };
            assert_eq!(check_on(&suspended, service), expected, "{service:?}");
        }
    }

    #[test]
    fn age_counts_full_years_including_leap_day_birthdays() {
        assert_eq!(age_on(date("2008-02-29"), date("2026-02-28")), 17);
        assert_eq!(age_on(date("2008-02-29"), date("2026-03-01")), 18);
        assert_eq!(age_on(date("1990-11-28"), date("2026-11-28")), 36);
    }
}
