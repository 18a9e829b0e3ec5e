//! Which days a directorate is open, the booking window, and the slots of a day.

use std::collections::BTreeMap;

use rega_api::service::ServiceKind;
use rega_api::time::{Date, LocalDateTime};
use serde::Deserialize;

use super::rules::BookingRules;

/// A public holiday, named in the three languages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Holiday {
    /// The day.
    pub date: Date,
    /// English name.
    pub en: String,
    /// Sorani name.
    pub ckb: String,
    /// Arabic name.
    pub ar: String,
    /// Whether the date is an estimate (moon-dependent holidays).
    #[serde(default)]
    pub approximate: bool,
}

#[derive(Deserialize)]
struct HolidayFile {
    holidays: Vec<Holiday>,
}

/// The public holidays, by date.
#[derive(Debug, Clone, Default)]
pub struct Holidays(BTreeMap<Date, Holiday>);

/// The holidays shipped with Rega (`server/data/holidays.json`).
pub const SHIPPED_HOLIDAYS: &str = include_str!("../../data/holidays.json");

impl Holidays {
    /// Reads a holidays file.
    pub fn from_json(text: &str) -> Result<Holidays, serde_json::Error> {
        let file: HolidayFile = serde_json::from_str(text)?;
        // Two holidays on one day (Eid during Nowruz) close it once; the first name is kept.
        let mut map = BTreeMap::new();
        for holiday in file.holidays {
            map.entry(holiday.date).or_insert(holiday);
        }
        Ok(Holidays(map))
    }

    /// The shipped holidays. The file is checked by a test, so this cannot fail in a build
    /// that passed its tests; a broken file gives no holidays rather than a crash.
    pub fn shipped() -> Holidays {
        Holidays::from_json(SHIPPED_HOLIDAYS).unwrap_or_default()
    }

    /// The holiday on a day, if any.
    pub fn on(&self, date: Date) -> Option<&Holiday> {
        self.0.get(&date)
    }

    /// Every holiday from `first` to `last`, inclusive.
    pub fn between(&self, first: Date, last: Date) -> impl Iterator<Item = &Holiday> {
        self.0.range(first..=last).map(|(_, h)| h)
    }
}

/// Why a day has no bookable slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closed {
    /// Friday or Saturday (or whatever the rules close).
    Weekend,
    /// A public holiday.
    Holiday(Holiday),
}

/// Whether directorates open on a day.
pub fn closed_reason(rules: &BookingRules, holidays: &Holidays, date: Date) -> Option<Closed> {
    if !rules.open_weekdays.contains(&date.weekday()) {
        return Some(Closed::Weekend);
    }
    holidays.on(date).map(|h| Closed::Holiday(h.clone()))
}

/// The days a citizen may book on `today`: from the next working day to `today + window_days`.
pub fn booking_window(rules: &BookingRules, holidays: &Holidays, today: Date) -> (Date, Date) {
    let last = today.add_days(rules.window_days);
    let mut first = today.add_days(1);
    while first <= last && closed_reason(rules, holidays, first).is_some() {
        first = first.add_days(1);
    }
    (first, last)
}

/// The start times (Baghdad wall clock) of a service's slots on an open day.
pub fn slot_starts(rules: &BookingRules, service: ServiceKind, date: Date) -> Vec<LocalDateTime> {
    let length = rules.slot_minutes(service);
    let mut starts = Vec::new();
    let mut minute = rules.opens_at_minute;
    while minute + length <= rules.closes_at_minute {
        starts.push(LocalDateTime {
            date,
            hour: (minute / 60) as u8,
            minute: (minute % 60) as u8,
        });
        minute += length;
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).expect("a valid date")
    }

    #[test]
    fn the_shipped_holidays_file_is_valid_and_covers_this_year_and_next() {
        let holidays = Holidays::from_json(SHIPPED_HOLIDAYS).expect("valid JSON");
        for year in [2026, 2027] {
            for day in 20..=24 {
                let nowruz = date(&format!("{year}-03-{day}"));
                assert!(holidays.on(nowruz).is_some(), "Nowruz {nowruz}");
            }
        }
        let all: Vec<&Holiday> = holidays
            .between(date("2026-01-01"), date("2027-12-31"))
            .collect();
        assert!(
            all.iter()
                .all(|h| !h.en.is_empty() && !h.ckb.is_empty() && !h.ar.is_empty())
        );
        assert!(
            all.iter()
                .all(|h| !h.ckb.contains('\u{0643}') && !h.ckb.contains('\u{064A}')),
            "Sorani letters"
        );
    }

    #[test]
    fn friday_and_saturday_are_closed_and_sunday_is_open() {
        let rules = BookingRules::default();
        let none = Holidays::default();
        assert_eq!(
            closed_reason(&rules, &none, date("2026-11-27")),
            Some(Closed::Weekend)
        ); // Friday
        assert_eq!(
            closed_reason(&rules, &none, date("2026-11-28")),
            Some(Closed::Weekend)
        ); // Saturday
        assert_eq!(closed_reason(&rules, &none, date("2026-11-29")), None); // Sunday
    }

    #[test]
    fn a_public_holiday_is_closed_with_its_name() {
        let rules = BookingRules::default();
        let holidays = Holidays::shipped();
        let Some(Closed::Holiday(h)) = closed_reason(&rules, &holidays, date("2027-03-21")) else {
            panic!("Nowruz is closed")
        };
        assert_eq!(h.en, "Nowruz");
        assert_eq!(h.ckb, "نەورۆز");
    }

    #[test]
    fn the_window_starts_on_the_next_working_day_and_ends_thirty_days_ahead() {
        let rules = BookingRules::default();
        let none = Holidays::default();
        // Thursday: the next working day is Sunday.
        assert_eq!(
            booking_window(&rules, &none, date("2026-11-26")),
            (date("2026-11-29"), date("2026-12-26"))
        );
        // Sunday: Monday.
        assert_eq!(
            booking_window(&rules, &none, date("2026-11-29")).0,
            date("2026-11-30")
        );
    }

    #[test]
    fn the_window_skips_holidays_at_its_start() {
        let rules = BookingRules::default();
        let holidays = Holidays::shipped();
        // The day before Nowruz 2027 (Friday 19 March): Nowruz runs to Wednesday 24 March.
        assert_eq!(
            booking_window(&rules, &holidays, date("2027-03-18")).0,
            date("2027-03-25")
        );
    }

    #[test]
    fn slots_fill_opening_hours_by_service_length() {
        let rules = BookingRules::default();
        let day = date("2026-11-29");
        let theory = slot_starts(&rules, ServiceKind::TheoryTest, day);
        assert_eq!(theory.len(), 12); // 08:00–14:00 in 30 minutes
        assert_eq!((theory[0].hour, theory[0].minute), (8, 0));
        assert_eq!((theory[11].hour, theory[11].minute), (13, 30));
        let medical = slot_starts(&rules, ServiceKind::MedicalCheck, day);
        assert_eq!(medical.len(), 24);
        assert_eq!((medical[23].hour, medical[23].minute), (13, 45));
    }

    #[test]
    fn a_slot_never_runs_past_closing() {
        let rules = BookingRules {
            closes_at_minute: 13 * 60 + 50,
            ..BookingRules::default()
        };
        let theory = slot_starts(&rules, ServiceKind::TheoryTest, date("2026-11-29"));
        let last = theory.last().expect("slots");
        assert_eq!((last.hour, last.minute), (13, 0));
    }
}
