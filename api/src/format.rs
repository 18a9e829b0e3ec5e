//! Formatting numbers, dates and times for each locale, and reading digits of either set: one
//! set of rules for the app's screens and the server's SMS.
//! Patterns are fixed here (GLOSSARY §1.4) rather than taken from the browser's `Intl`, whose
//! Sorani patterns are partly wrong.

use crate::Locale;
use crate::time::{Date, LocalDateTime};

/// Iraqi Gregorian month names in Sorani (CLDR, with December spelled کانوونی یەکەم to match
/// January, as Kurdish press and MediaWiki write it: GLOSSARY §1.1).
const MONTHS_CKB: [&str; 12] = [
    "کانوونی دووەم",
    "شوبات",
    "ئازار",
    "نیسان",
    "ئایار",
    "حوزەیران",
    "تەمووز",
    "ئاب",
    "ئەیلوول",
    "تشرینی یەکەم",
    "تشرینی دووەم",
    "کانوونی یەکەم",
];
/// Iraqi Gregorian month names in Arabic (ar-IQ, never the Egyptian يناير…).
const MONTHS_AR: [&str; 12] = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Weekday names, Saturday first. Sorani Friday is written with ه U+0647 (GLOSSARY §1.2).
const WEEKDAYS_CKB: [&str; 7] = [
    "شەممە",
    "یەکشەممە",
    "دووشەممە",
    "سێشەممە",
    "چوارشەممە",
    "پێنجشەممە",
    "هەینی",
];
const WEEKDAYS_AR: [&str; 7] = [
    "السبت",
    "الأحد",
    "الاثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
];
const WEEKDAYS_EN: [&str; 7] = [
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
];

/// Short weekday headers for a calendar grid, Saturday first.
const WEEKDAYS_SHORT_CKB: [&str; 7] = ["ش", "١ش", "٢ش", "٣ش", "٤ش", "٥ش", "هـ"];
const WEEKDAYS_SHORT_AR: [&str; 7] = ["سبت", "أحد", "إثنين", "ثلاثاء", "أربعاء", "خميس", "جمعة"];
const WEEKDAYS_SHORT_EN: [&str; 7] = ["Sat", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri"];

/// The right-to-left mark that ICU puts after the day and month of numeric `ar-IQ` dates.
const RLM: char = '\u{200F}';

/// Writes a whole number with the locale's digits and no grouping (days, hours, ticket numbers).
pub fn digits(locale: Locale, value: u64) -> String {
    localize_digits(locale, &value.to_string())
}

/// Writes a count with grouping: `١٬٢٣٤` in ckb and ar, `1,234` in en.
pub fn count(locale: Locale, value: u64) -> String {
    let plain = value.to_string();
    let separator = if locale.is_rtl() { '\u{066C}' } else { ',' };
    let mut grouped = String::with_capacity(plain.len() + plain.len() / 3);
    for (i, ch) in plain.chars().enumerate() {
        if i > 0 && (plain.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(ch);
    }
    localize_digits(locale, &grouped)
}

/// Replaces ASCII digits with Eastern Arabic ones (U+0660–0669) in ckb and ar.
pub fn localize_digits(locale: Locale, text: &str) -> String {
    if !locale.is_rtl() {
        return text.to_owned();
    }
    text.chars()
        .map(|ch| match ch {
            '0'..='9' => char::from_u32('\u{0660}' as u32 + (ch as u32 - '0' as u32)).unwrap_or(ch),
            _ => ch,
        })
        .collect()
}

/// Reads what a person typed into a numeric field: Eastern Arabic (٠–٩) and Persian (۰–۹)
/// digits become ASCII; spaces, hyphens, tatweel and bidi marks are dropped. Any other
/// character makes it `None`, so the caller shows an error rather than guessing.
pub fn parse_digits(input: &str) -> Option<String> {
    crate::ids::normalize_identifier(input).filter(|text| text.bytes().all(|b| b.is_ascii_digit()))
}

/// The full month name.
pub fn month_name(locale: Locale, month: u8) -> &'static str {
    let index = usize::from(month.clamp(1, 12) - 1);
    match locale {
        Locale::Ckb => MONTHS_CKB[index],
        Locale::Ar => MONTHS_AR[index],
        Locale::En => MONTHS_EN[index],
    }
}

/// The full weekday name.
pub fn weekday_name(locale: Locale, date: Date) -> &'static str {
    let index = date.weekday().index();
    match locale {
        Locale::Ckb => WEEKDAYS_CKB[index],
        Locale::Ar => WEEKDAYS_AR[index],
        Locale::En => WEEKDAYS_EN[index],
    }
}

/// Short weekday headers for a calendar grid, Saturday first (the Iraqi week).
pub fn weekday_headers(locale: Locale) -> [&'static str; 7] {
    match locale {
        Locale::Ckb => WEEKDAYS_SHORT_CKB,
        Locale::Ar => WEEKDAYS_SHORT_AR,
        Locale::En => WEEKDAYS_SHORT_EN,
    }
}

/// A date in words: `٩ی کانوونی دووەمی ٢٠٢٥`, `٩ كانون الثاني ٢٠٢٥`, `9 January 2025`.
pub fn date_long(locale: Locale, date: Date) -> String {
    let day = digits(locale, u64::from(date.day()));
    let year = digits(locale, date.year().unsigned_abs().into());
    let month = month_name(locale, date.month());
    match locale {
        // The izafe ی joins day and month with no space (CLDR `dی MMMMی y`).
        Locale::Ckb => format!("{day}ی {month}ی {year}"),
        Locale::Ar | Locale::En => format!("{day} {month} {year}"),
    }
}

/// A month and its year, as a calendar's caption: `کانوونی یەکەمی ٢٠٢٦` (the izafe ی joins
/// them, CLDR `MMMMی y`), `كانون الأول ٢٠٢٦`, `December 2026`.
pub fn month_year(locale: Locale, year: i32, month: u8) -> String {
    let year = digits(locale, year.unsigned_abs().into());
    let month = month_name(locale, month);
    match locale {
        Locale::Ckb => format!("{month}ی {year}"),
        Locale::Ar | Locale::En => format!("{month} {year}"),
    }
}

/// A date in words with its weekday: `پێنجشەممە، ٩ی کانوونی دووەمی ٢٠٢٥`,
/// `الخميس، ٩ كانون الثاني ٢٠٢٥`, `Thursday 9 January 2025`.
pub fn date_with_weekday(locale: Locale, date: Date) -> String {
    let weekday = weekday_name(locale, date);
    match locale {
        Locale::Ckb | Locale::Ar => format!("{weekday}، {}", date_long(locale, date)),
        Locale::En => format!("{weekday} {}", date_long(locale, date)),
    }
}

/// A numeric date: `٩/١/٢٠٢٥` (ckb), `٩‏/١‏/٢٠٢٥` (ar-IQ, with ICU's RLM marks), `09/01/2025` (en).
pub fn date_numeric(locale: Locale, date: Date) -> String {
    match locale {
        Locale::Ckb => localize_digits(
            locale,
            &format!("{}/{}/{}", date.day(), date.month(), date.year()),
        ),
        Locale::Ar => localize_digits(
            locale,
            &format!("{}{RLM}/{}{RLM}/{}", date.day(), date.month(), date.year()),
        ),
        Locale::En => format!("{:02}/{:02}/{}", date.day(), date.month(), date.year()),
    }
}

/// A time of day on the 12-hour clock: `٣:٠٥ د.ن` (ckb), `٣:٠٥ م` (ar-IQ), `3:05 pm` (en). In
/// Sorani and Arabic a no-break space joins the clock and its day period, so a line never breaks
/// between them; English keeps a plain space, which an SMS sends in the GSM alphabet (a no-break
/// space would make every English message UCS-2, twice the segments).
pub fn time(locale: Locale, hour: u8, minute: u8) -> String {
    let afternoon = hour >= 12;
    let hour12 = match hour % 12 {
        0 => 12,
        h => h,
    };
    let clock = localize_digits(locale, &format!("{hour12}:{minute:02}"));
    let period = match (locale, afternoon) {
        (Locale::Ckb, false) => "ب.ن",
        (Locale::Ckb, true) => "د.ن",
        (Locale::Ar, false) => "ص",
        (Locale::Ar, true) => "م",
        (Locale::En, false) => "am",
        (Locale::En, true) => "pm",
    };
    let space = if locale == Locale::En { " " } else { "\u{a0}" };
    format!("{clock}{space}{period}")
}

/// A moment as date and time in Asia/Baghdad.
pub fn date_time(locale: Locale, moment: LocalDateTime) -> String {
    let date = date_with_weekday(locale, moment.date);
    let time = time(locale, moment.hour, moment.minute);
    match locale {
        Locale::Ckb => format!("{date}، {time}"),
        Locale::Ar => format!("{date}، {time}"),
        Locale::En => format!("{date}, {time}"),
    }
}

/// "09:15" as hour and minute.
pub fn hour_minute(hh_mm: &str) -> (u8, u8) {
    let mut parts = hh_mm.split(':').map(|p| p.parse::<u8>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// A date, time or period for a sentence: digits of the language, kept left to right (LRI …
/// PDI) so it never scrambles in right-to-left text.
pub fn isolated(locale: crate::Locale, text: &str) -> String {
    localize_digits(locale, &format!("\u{2066}{text}\u{2069}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u8, d: u8) -> Date {
        Date::new(y, m, d).expect("a valid test date")
    }

    #[test]
    fn sorani_and_arabic_use_eastern_arabic_digits() {
        assert_eq!(digits(Locale::Ckb, 2025), "٢٠٢٥");
        assert_eq!(digits(Locale::Ar, 907), "٩٠٧");
        assert_eq!(digits(Locale::En, 2025), "2025");
    }

    #[test]
    fn counts_are_grouped_with_the_arabic_thousands_separator() {
        assert_eq!(count(Locale::Ckb, 1_234_567), "١٬٢٣٤٬٥٦٧");
        assert_eq!(count(Locale::En, 1_234_567), "1,234,567");
        assert_eq!(count(Locale::Ar, 999), "٩٩٩");
        assert_eq!(count(Locale::En, 1000), "1,000");
    }

    #[test]
    fn both_digit_sets_are_read_as_ascii() {
        assert_eq!(parse_digits("١٢٣٤٥٦").as_deref(), Some("123456"));
        assert_eq!(parse_digits("۱۲۳ ۴۵۶").as_deref(), Some("123456"));
        assert_eq!(
            parse_digits("\u{200F}12-34\u{2069}").as_deref(),
            Some("1234")
        );
        assert_eq!(parse_digits("12a4"), None);
        assert_eq!(parse_digits("").as_deref(), Some(""));
    }

    #[test]
    fn sorani_long_dates_use_the_izafe() {
        assert_eq!(
            date_long(Locale::Ckb, date(2025, 1, 9)),
            "٩ی کانوونی دووەمی ٢٠٢٥"
        );
        assert_eq!(
            date_with_weekday(Locale::Ckb, date(2025, 1, 9)),
            "پێنجشەممە، ٩ی کانوونی دووەمی ٢٠٢٥"
        );
        assert_eq!(
            date_long(Locale::Ckb, date(2025, 12, 21)),
            "٢١ی کانوونی یەکەمی ٢٠٢٥"
        );
    }

    #[test]
    fn arabic_dates_use_the_iraqi_month_names() {
        assert_eq!(
            date_with_weekday(Locale::Ar, date(2025, 1, 9)),
            "الخميس، ٩ كانون الثاني ٢٠٢٥"
        );
        assert_eq!(
            date_numeric(Locale::Ar, date(2025, 1, 9)),
            "٩\u{200F}/١\u{200F}/٢٠٢٥"
        );
    }

    #[test]
    fn english_dates_read_day_month_year() {
        assert_eq!(
            date_with_weekday(Locale::En, date(2025, 1, 9)),
            "Thursday 9 January 2025"
        );
        assert_eq!(date_numeric(Locale::En, date(2025, 1, 9)), "09/01/2025");
        assert_eq!(date_numeric(Locale::Ckb, date(2025, 1, 9)), "٩/١/٢٠٢٥");
    }

    #[test]
    fn friday_in_sorani_is_spelled_with_plain_heh() {
        let friday = weekday_name(Locale::Ckb, date(2026, 3, 20));
        assert_eq!(friday, "هەینی");
        assert!(!friday.contains('\u{06BE}'));
    }

    #[test]
    fn times_use_the_twelve_hour_clock_with_local_day_periods() {
        assert_eq!(month_year(Locale::Ckb, 2026, 12), "کانوونی یەکەمی ٢٠٢٦");
        assert_eq!(month_year(Locale::Ar, 2026, 12), "كانون الأول ٢٠٢٦");
        assert_eq!(month_year(Locale::En, 2026, 12), "December 2026");
        assert_eq!(time(Locale::Ckb, 15, 5), "٣:٠٥\u{a0}د.ن");
        assert_eq!(time(Locale::Ckb, 8, 0), "٨:٠٠\u{a0}ب.ن");
        assert_eq!(time(Locale::Ar, 15, 5), "٣:٠٥\u{a0}م");
        assert_eq!(time(Locale::Ar, 0, 30), "١٢:٣٠\u{a0}ص");
        assert_eq!(time(Locale::En, 12, 0), "12:00 pm");
    }

    #[test]
    fn a_utc_instant_is_shown_in_baghdad_time() {
        let moment = LocalDateTime::from_unix(1_736_424_300); // 2025-01-09T12:05:00Z
        assert_eq!(
            date_time(Locale::En, moment),
            "Thursday 9 January 2025, 3:05 pm"
        );
        assert_eq!(
            date_time(Locale::Ckb, moment),
            "پێنجشەممە، ٩ی کانوونی دووەمی ٢٠٢٥، ٣:٠٥\u{a0}د.ن"
        );
    }

    #[test]
    fn the_calendar_week_starts_on_saturday() {
        assert_eq!(weekday_headers(Locale::En)[0], "Sat");
        assert_eq!(weekday_headers(Locale::Ckb)[0], "ش");
        assert_eq!(weekday_headers(Locale::Ar)[6], "جمعة");
    }
}
