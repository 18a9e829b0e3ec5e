//! Civil dates and times in Asia/Baghdad (UTC+03:00 all year, no daylight saving).
//! Plain arithmetic rather than a time-zone database: it is exact for this zone and keeps the
//! browser build small.

use serde::{Deserialize, Serialize};

/// Asia/Baghdad's offset from UTC, in seconds. Iraq has not used daylight saving since 2008.
pub const BAGHDAD_OFFSET_SECONDS: i64 = 3 * 3600;

/// A day of the week, Saturday first as in Iraq (CLDR `firstDay IQ = sat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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

crate::wire_words!(Weekday, "a weekday", {
    Saturday = "saturday",
    Sunday = "sunday",
    Monday = "monday",
    Tuesday = "tuesday",
    Wednesday = "wednesday",
    Thursday = "thursday",
    Friday = "friday",
});

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

    /// The Unix time of the first second of `date` in Baghdad (its midnight).
    pub fn midnight(date: Date) -> i64 {
        LocalDateTime {
            date,
            hour: 0,
            minute: 0,
        }
        .to_unix()
    }

    /// The Unix time of this Baghdad wall-clock time.
    pub fn to_unix(self) -> i64 {
        self.date.days_since_epoch() * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            - BAGHDAD_OFFSET_SECONDS
    }
}

/// A time of day to the minute, `00:00` to `24:00` (the end of a day): written `HH:MM` on the
/// wire, read from `H:MM` or `HH:MM` in any digits (Eastern Arabic ones are read as ASCII).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(u16);

impl ClockTime {
    /// The end of the day, `24:00`.
    pub const END_OF_DAY: ClockTime = ClockTime(24 * 60);

    /// Minutes since midnight, if `0..=1440`.
    pub fn from_minutes(minutes: i64) -> Option<ClockTime> {
        (0..=24 * 60)
            .contains(&minutes)
            .then_some(ClockTime(minutes as u16))
    }

    /// The time of day of a wall-clock moment.
    pub fn of(moment: LocalDateTime) -> ClockTime {
        ClockTime(u16::from(moment.hour) * 60 + u16::from(moment.minute))
    }

    /// `H:MM` or `HH:MM` (any digits), up to `24:00`.
    pub fn parse(text: &str) -> Option<ClockTime> {
        let text = crate::ids::ascii_digits(text);
        let (h, m) = text.trim().split_once(':')?;
        if !(1..=2).contains(&h.len()) || m.len() != 2 {
            return None;
        }
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        if m >= 60 {
            return None;
        }
        ClockTime::from_minutes(i64::from(h * 60 + m))
    }

    /// Minutes since midnight.
    pub fn minutes(self) -> i64 {
        i64::from(self.0)
    }

    /// The hour, 0–24.
    pub fn hour(self) -> u8 {
        (self.0 / 60) as u8
    }

    /// The minute, 0–59.
    pub fn minute(self) -> u8 {
        (self.0 % 60) as u8
    }

    /// Whether it falls on a quarter hour (`:00`, `:15`, `:30`, `:45`).
    pub fn is_quarter_hour(self) -> bool {
        self.0.is_multiple_of(15)
    }
}

impl std::fmt::Display for ClockTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

impl Serialize for ClockTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<ClockTime, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        ClockTime::parse(&text).ok_or_else(|| serde::de::Error::custom("not a time HH:MM"))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ClockTime {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"))
            .description(Some(
                "A time of day in Baghdad, HH:MM (24:00 is the end of a day)",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ClockTime {}

#[cfg(test)]
mod tests {

    #[test]
    fn a_clock_time_reads_any_digits_and_writes_hh_mm() {
        let t = ClockTime::parse("9:15").expect("a time");
        assert_eq!(
            (t.hour(), t.minute(), t.to_string()),
            (9, 15, "09:15".to_owned())
        );
        assert!(t.is_quarter_hour());
        assert_eq!(ClockTime::parse("١٠:٣٠").map(|t| t.minutes()), Some(630));
        assert_eq!(ClockTime::parse("24:00"), Some(ClockTime::END_OF_DAY));
        for bad in ["24:15", "10:60", "10:5", "123:00", "10-30", "", ":30"] {
            assert_eq!(ClockTime::parse(bad), None, "{bad}");
        }
        assert!(!ClockTime::parse("10:20").expect("a time").is_quarter_hour());
        let json = serde_json::to_string(&ClockTime::parse("8:05").expect("a time")).expect("JSON");
        assert_eq!(json, "\"08:05\"");
    }
    use super::*;

    #[test]
    fn every_weekday_reads_back_the_word_it_writes() {
        crate::wire::assert_round_trip(Weekday::ALL_WORDS);
    }

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
