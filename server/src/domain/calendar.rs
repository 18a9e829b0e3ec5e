//! Which days a directorate is open, the booking window, and the slots of a day, by the
//! configuration in force (`domain::configuration`).

use std::collections::BTreeMap;

use rega_api::service::ServiceKind;
use rega_api::time::{Date, LocalDateTime};

use super::configuration::{Configuration, DirectorateSettings};

/// A public holiday, named in the three languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The day.
    pub date: Date,
    /// English name.
    pub en: String,
    /// Sorani name.
    pub ckb: String,
    /// Arabic name.
    pub ar: String,
    /// Whether the date is an estimate (moon-dependent holidays not announced yet).
    pub approximate: bool,
}

/// The public holidays, by date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holidays(BTreeMap<Date, Holiday>);

impl Holidays {
    /// The holidays of a list (one per date: the configuration refuses a date given twice).
    pub fn from_list(list: Vec<Holiday>) -> Holidays {
        let mut map = BTreeMap::new();
        for holiday in list {
            map.entry(holiday.date).or_insert(holiday);
        }
        Holidays(map)
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
    /// A weekday the directorate does not open (Friday and Saturday in the demo).
    Weekend,
    /// A public holiday.
    Holiday(Holiday),
}

/// Whether the directorate opens on a day.
pub fn closed_reason(
    config: &Configuration,
    directorate: &DirectorateSettings,
    date: Date,
) -> Option<Closed> {
    if directorate.hours[date.weekday().index()].is_empty() {
        return Some(Closed::Weekend);
    }
    config.holidays.on(date).map(|h| Closed::Holiday(h.clone()))
}

/// The days a citizen may book at the directorate on `today`: from its next open day to
/// `today + window_days`.
pub fn booking_window(
    config: &Configuration,
    directorate: &DirectorateSettings,
    today: Date,
) -> (Date, Date) {
    let last = today.add_days(config.rules.window_days);
    let mut first = today.add_days(1);
    while first <= last && closed_reason(config, directorate, first).is_some() {
        first = first.add_days(1);
    }
    (first, last)
}

/// The start times (Baghdad wall clock) of a service's slots at the directorate on an open
/// day: each opening period filled by the service's slot length, none running past its end.
pub fn slot_starts(
    config: &Configuration,
    directorate: &DirectorateSettings,
    service: ServiceKind,
    date: Date,
) -> Vec<LocalDateTime> {
    let length = config.slot_minutes(service);
    let mut starts = Vec::new();
    for period in &directorate.hours[date.weekday().index()] {
        let mut minute = period.opens;
        while minute + length <= period.closes {
            starts.push(LocalDateTime {
                date,
                hour: (minute / 60) as u8,
                minute: (minute % 60) as u8,
            });
            minute += length;
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::configuration::check;
    use crate::network::file::parse;

    const DEMO: &str = include_str!("../../data/demo-configuration.toml");

    fn date(text: &str) -> Date {
        Date::parse(text).expect("a valid date")
    }

    fn demo() -> Configuration {
        check(&parse(DEMO).expect("reads")).expect("valid")
    }

    #[test]
    fn the_demo_holidays_cover_this_year_and_next_with_sorani_names() {
        let config = demo();
        for year in [2026, 2027] {
            for day in 20..=24 {
                let nowruz = date(&format!("{year}-03-{day}"));
                assert!(config.holidays.on(nowruz).is_some(), "Nowruz {nowruz}");
            }
        }
        let h = config.holidays.on(date("2027-03-21")).expect("Nowruz");
        assert_eq!((h.en.as_str(), h.ckb.as_str()), ("Nowruz", "نەورۆز"));
    }

    #[test]
    fn friday_and_saturday_are_closed_and_sunday_is_open() {
        let config = demo();
        let erbil = config.directorate("erbil").expect("Erbil");
        assert_eq!(
            closed_reason(&config, erbil, date("2026-11-27")),
            Some(Closed::Weekend)
        ); // Friday
        assert_eq!(
            closed_reason(&config, erbil, date("2026-11-28")),
            Some(Closed::Weekend)
        ); // Saturday
        assert_eq!(closed_reason(&config, erbil, date("2026-11-29")), None); // Sunday
        assert!(matches!(
            closed_reason(&config, erbil, date("2027-03-21")),
            Some(Closed::Holiday(_))
        ));
    }

    #[test]
    fn the_window_starts_on_the_next_open_day_and_ends_thirty_days_ahead() {
        let config = demo();
        let erbil = config.directorate("erbil").expect("Erbil");
        // Thursday: the next working day is Sunday.
        assert_eq!(
            booking_window(&config, erbil, date("2026-11-26")),
            (date("2026-11-29"), date("2026-12-26"))
        );
        assert_eq!(
            booking_window(&config, erbil, date("2026-11-29")).0,
            date("2026-11-30")
        );
        // The day before Nowruz 2027 (Friday 19 March): Nowruz runs to Wednesday 24 March.
        assert_eq!(
            booking_window(&config, erbil, date("2027-03-18")).0,
            date("2027-03-25")
        );
    }

    #[test]
    fn slots_fill_each_opening_period_by_service_length() {
        let mut file = parse(DEMO).expect("reads");
        let config = check(&file).expect("valid");
        let erbil = config.directorate("erbil").expect("Erbil");
        let day = date("2026-11-29");
        let theory = slot_starts(&config, erbil, ServiceKind::TheoryTest, day);
        assert_eq!(theory.len(), 12); // 08:00–14:00 in 30 minutes
        assert_eq!((theory[0].hour, theory[0].minute), (8, 0));
        assert_eq!((theory[11].hour, theory[11].minute), (13, 30));
        let medical = slot_starts(&config, erbil, ServiceKind::MedicalCheck, day);
        assert_eq!(medical.len(), 24);
        // Split hours: none runs past a period's end.
        file.directorates[0]
            .hours
            .insert("sunday".into(), "08:00-10:45, 12:00-13:15".into());
        let split = check(&file).expect("valid");
        let erbil = split.directorate("erbil").expect("Erbil");
        let theory: Vec<(u8, u8)> = slot_starts(&split, erbil, ServiceKind::TheoryTest, day)
            .iter()
            .map(|s| (s.hour, s.minute))
            .collect();
        assert_eq!(
            theory,
            [(8, 0), (8, 30), (9, 0), (9, 30), (10, 0), (12, 0), (12, 30)]
        );
    }
}
