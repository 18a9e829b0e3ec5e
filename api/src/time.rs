//! Civil dates and times in Asia/Baghdad (UTC+03:00 all year, no daylight saving).
//! Plain arithmetic rather than a time-zone database: it is exact for this zone and keeps the
//! browser build small.

use serde::{Deserialize, Serialize};

/// Asia/Baghdad's offset from UTC, in seconds. Iraq has not used daylight saving since 2008.
pub const BAGHDAD_OFFSET_SECONDS: i64 = 3 * 3600;

/// A day of the week, Saturday first as in Iraq (CLDR `firstDay IQ = sat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// شەممە / السبت
    Saturday,
    /// یەکشەممە / الأحد
    Sunday,
    /// دووشەممە / الاثنين
    Monday,
    /// سێشەممە / الثلاثاء
    Tuesday,
    /// چوارشەممە / الأربعاء
    Wednesday,
    /// پێنجشەممە / الخميس
    Thursday,
    /// هەینی / الجمعة
    Friday,
}

impl Weekday {
    /// Position in the Iraqi week: Saturday is 0, Friday is 6.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD`.
    #[error("a date is written YYYY-MM-DD")]
    Format,
    /// A month or day that does not exist.
    #[error("no such date")]
    OutOfRange,
}

impl Date {
    /// A date, if it exists (years 1–9999).
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, DateError> {
        if !(1..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return Err(DateError::OutOfRange);
        }
        Ok(Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date a number of days after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The date `days` later (or earlier, when negative).
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday, index 5 in the Saturday-first week.
        match (self.days_since_epoch() + 5).rem_euclid(7) {
            0 => Weekday::Saturday,
            1 => Weekday::Sunday,
            2 => Weekday::Monday,
            3 => Weekday::Tuesday,
            4 => Weekday::Wednesday,
            5 => Weekday::Thursday,
            _ => Weekday::Friday,
        }
    }

    /// Reads `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(DateError::Format);
        }
        let number = |range: std::ops::Range<usize>| -> Result<u32, DateError> {
            let part = &text[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DateError::Format);
            }
            part.parse().map_err(|_| DateError::Format)
        };
        let year = number(0..4)? as i32;
        let month = number(5..7)? as u8;
        let day = number(8..10)? as u8;
        Date::new(year, month, day)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Whether a year is a Gregorian leap year.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days in a month.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A wall-clock moment in Asia/Baghdad, to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDateTime {
    /// The calendar date.
    pub date: Date,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
}

impl LocalDateTime {
    /// RFC 3339 with the Baghdad offset, e.g. `2026-12-01T08:30:00+03:00`.
    pub fn to_rfc3339(self) -> String {
        format!("{}T{:02}:{:02}:00+03:00", self.date, self.hour, self.minute)
    }

    /// `HH:MM`.
    pub fn hh_mm(self) -> String {
        format!("{:02}:{:02}", self.hour, self.minute)
    }

    /// The Baghdad wall-clock time of a Unix time (seconds since 1970-01-01 UTC).
    pub fn from_unix(seconds: i64) -> LocalDateTime {
        let local = seconds + BAGHDAD_OFFSET_SECONDS;
        let days = local.div_euclid(86_400);
        let second_of_day = local.rem_euclid(86_400);
        LocalDateTime {
            date: Date::from_days_since_epoch(days),
            hour: (second_of_day / 3600) as u8,
            minute: (second_of_day % 3600 / 60) as u8,
        }
    }

    /// The Unix time of this Baghdad wall-clock time.
    pub fn to_unix(self) -> i64 {
        self.date.days_since_epoch() * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            - BAGHDAD_OFFSET_SECONDS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_epoch_round_trips_over_four_centuries() {
        let mut date = Date::new(1900, 1, 1).expect("valid");
        let end = Date::new(2300, 12, 31).expect("valid");
        let mut days = date.days_since_epoch();
        while date <= end {
            assert_eq!(Date::from_days_since_epoch(days), date);
            assert_eq!(date.days_since_epoch(), days);
            days += 1;
            date = date.add_days(1);
        }
    }

    #[test]
    fn known_weekdays_fall_on_the_right_day() {
        assert_eq!(
            Date::new(1970, 1, 1).expect("valid").weekday(),
            Weekday::Thursday
        );
        // Nowruz 2026 fell on a Friday.
        assert_eq!(
            Date::new(2026, 3, 20).expect("valid").weekday(),
            Weekday::Friday
        );
        assert_eq!(
            Date::new(2026, 11, 28).expect("valid").weekday(),
            Weekday::Saturday
        );
        assert_eq!(Weekday::Saturday.index(), 0);
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert_eq!(Date::new(2025, 2, 29), Err(DateError::OutOfRange));
        assert!(Date::new(2024, 2, 29).is_ok());
        assert_eq!(Date::parse("2025-13-01"), Err(DateError::OutOfRange));
        assert_eq!(Date::parse("2025-1-01"), Err(DateError::Format));
        assert_eq!(Date::parse("٢٠٢٥-01-01"), Err(DateError::Format));
        assert_eq!(Date::parse("+025-01-01"), Err(DateError::Format));
    }

    #[test]
    fn a_date_serializes_as_iso_text() {
        let date = Date::new(2025, 1, 9).expect("valid");
        assert_eq!(
            serde_json::to_string(&date).expect("serializes"),
            "\"2025-01-09\""
        );
        assert_eq!(
            serde_json::from_str::<Date>("\"2025-01-09\"").expect("parses"),
            date
        );
        assert!(serde_json::from_str::<Date>("\"2025-02-30\"").is_err());
    }

    #[test]
    fn baghdad_is_three_hours_ahead_of_utc_all_year() {
        // 2025-01-09T12:05:00Z is 15:05 in Baghdad; so is 2025-07-09T12:05:00Z (no DST).
        let winter = LocalDateTime::from_unix(1_736_424_300);
        assert_eq!(
            (winter.date.to_string(), winter.hour, winter.minute),
            ("2025-01-09".to_owned(), 15, 5)
        );
        let summer = LocalDateTime::from_unix(1_752_062_700);
        assert_eq!(
            (summer.date.to_string(), summer.hour, summer.minute),
            ("2025-07-09".to_owned(), 15, 5)
        );
        assert_eq!(winter.to_unix(), 1_736_424_300);
        // 22:30 UTC is already the next day in Baghdad.
        let late = LocalDateTime::from_unix(1_736_461_800);
        assert_eq!(
            (late.date.to_string(), late.hour, late.minute),
            ("2025-01-10".to_owned(), 1, 30)
        );
    }
}

/// Reads an RFC 3339 timestamp (`2026-11-28T12:00:00Z`, `…+03:00`, fractions allowed) as Unix
/// seconds. `None` for anything else.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[10] != b'T' && b[10] != b't' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = Date::parse(text.get(..10)?).ok()?;
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = text.get(19..)?;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        zone if zone.len() == 6
            && (zone.starts_with('+') || zone.starts_with('-'))
            && &zone[3..4] == ":" =>
        {
            let hours: i64 = zone[1..3].parse().ok()?;
            let minutes: i64 = zone[4..6].parse().ok()?;
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            sign * (hours * 3600 + minutes * 60)
        }
        _ => return None,
    };
    Some(date.days_since_epoch() * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod rfc3339_tests {
    use super::*;

    #[test]
    fn rfc3339_timestamps_are_read_with_their_offset() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2026-11-28T12:00:00+03:00"),
            Some(1_795_856_400)
        );
        assert_eq!(
            parse_rfc3339("2026-11-28T09:00:00.250Z"),
            Some(1_795_856_400)
        );
        assert_eq!(parse_rfc3339("2026-11-28 09:00:00Z"), None);
        assert_eq!(parse_rfc3339("2026-11-28T09:00:00"), None);
        assert_eq!(parse_rfc3339("2026-02-30T09:00:00Z"), None);
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Date {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .description(Some("A calendar date, YYYY-MM-DD"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Date {}
