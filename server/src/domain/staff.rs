//! Staff accounts' rules: what a username may be, which role needs a directorate, and how long an
//! administrator's one-time password stays usable.

use crate::store::StaffRole;

/// How long a one-time password an administrator gave stays usable: long enough to hand it over
/// in person, short enough that one written down and forgotten is soon worthless.
pub const ONE_TIME_PASSWORD_SECONDS: i64 = 72 * 3600;

/// A username: 3 to 64 lower-case ASCII letters, digits, `.`, `-` or `_` (what people read out
/// and type at a counter, and what the audit trail shows).
pub fn valid_username(username: &str) -> bool {
    (3..=64).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// Whether a role and a directorate go together: a desk or supervisor works for one directorate
/// of `known`; an administrator for none.
pub fn posting_fits(role: StaffRole, directorate: Option<&str>, known: &[String]) -> bool {
    match (role, directorate) {
        (StaffRole::Admin, None) => true,
        (StaffRole::Desk | StaffRole::Supervisor, Some(d)) => known.iter().any(|k| k == d),
        _ => false,
    }
}

/// Whether a one-time password issued at `issued_at` still opens the account at `now`.
pub fn one_time_password_usable(issued_at: i64, now: i64) -> bool {
    now - issued_at <= ONE_TIME_PASSWORD_SECONDS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_username_is_short_lower_case_ascii() {
        for good in ["erbil-desk", "a.b_c", "abc", &"x".repeat(64)] {
            assert!(valid_username(good), "{good}");
        }
        for bad in [
            "ab",
            "Erbil",
            "erbil desk",
            "هەولێر",
            "a/b",
            &"x".repeat(65),
            "",
        ] {
            assert!(!valid_username(bad), "{bad}");
        }
    }

    #[test]
    fn only_an_administrator_has_no_directorate() {
        let known = vec!["erbil".to_owned()];
        assert!(posting_fits(StaffRole::Admin, None, &known));
        assert!(!posting_fits(StaffRole::Admin, Some("erbil"), &known));
        assert!(posting_fits(StaffRole::Desk, Some("erbil"), &known));
        assert!(!posting_fits(StaffRole::Supervisor, Some("duhok"), &known));
        assert!(!posting_fits(StaffRole::Desk, None, &known));
    }

    #[test]
    fn a_one_time_password_lapses_after_three_days() {
        assert!(one_time_password_usable(0, ONE_TIME_PASSWORD_SECONDS));
        assert!(!one_time_password_usable(0, ONE_TIME_PASSWORD_SECONDS + 1));
    }
}
