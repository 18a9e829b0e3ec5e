//! The network's configuration as the domain reads it (`docs/configuration.md`): the booking
//! rules, each service's slot length and whether it is offered, each directorate's opening hours
//! per weekday (split hours allowed), counters per service and whether it is active, and the
//! public holidays. [`check`] turns the operator's file into it, refusing the first wrong value
//! with its field; [`Configuration::keeps`] says whether an appointment still fits, which is what
//! a change would strand. No I/O.

use std::collections::BTreeMap;

use rega_api::service::ServiceKind;
use rega_api::time::{Date, LocalDateTime, Weekday};

use super::calendar::{Holiday, Holidays};
use super::rules::BookingRules;
use crate::network::file::{ConfigFile, DirectorateFile, Texts, WEEKDAYS};
use crate::store::{Directorate, Localized};

/// A service's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceSettings {
    /// The length of its appointments, in minutes.
    pub slot_minutes: u16,
    /// Offered at all.
    pub offered: bool,
    /// What to bring, when the configuration says it (else the app's own text).
    pub bring: Option<Localized>,
}

/// Opening time to closing time, minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// Opens.
    pub opens: u16,
    /// Closes; the last slot ends by then.
    pub closes: u16,
}

/// A directorate's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectorateSettings {
    /// Its names, address and phone.
    pub directorate: Directorate,
    /// Takes bookings.
    pub active: bool,
    /// Opening periods by weekday ([`Weekday::index`]); none: closed that day.
    pub hours: [Vec<Period>; 7],
    /// Counters per service (only those above 0).
    pub counters: BTreeMap<ServiceKind, u32>,
}

/// The configuration in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Configuration {
    /// The booking rules.
    pub rules: BookingRules,
    /// Every service's settings.
    pub services: BTreeMap<ServiceKind, ServiceSettings>,
    /// The directorates, in the file's order.
    pub directorates: Vec<DirectorateSettings>,
    /// The public holidays.
    pub holidays: Holidays,
}

impl Configuration {
    /// The directorate `id`.
    pub fn directorate(&self, id: &str) -> Option<&DirectorateSettings> {
        self.directorates.iter().find(|d| d.directorate.id == id)
    }

    /// A service's appointment length, in minutes.
    pub fn slot_minutes(&self, service: ServiceKind) -> u16 {
        self.services.get(&service).map_or(15, |s| s.slot_minutes)
    }

    /// The places of each slot of `service` at the directorate: its counters, 0 where the
    /// directorate is inactive or the service not offered.
    pub fn places(&self, directorate: &DirectorateSettings, service: ServiceKind) -> u32 {
        let offered = self.services.get(&service).is_some_and(|s| s.offered);
        if !(directorate.active && offered) {
            return 0;
        }
        directorate.counters.get(&service).copied().unwrap_or(0)
    }

    /// Whether an appointment of `service` at `directorate_id` starting at `starts_at` fits this
    /// configuration: the directorate active and offering the service, the day open (not a
    /// closed weekday, not a holiday), the whole appointment inside one opening period.
    pub fn keeps(&self, directorate_id: &str, service: ServiceKind, starts_at: i64) -> bool {
        let Some(d) = self.directorate(directorate_id) else {
            return false;
        };
        if self.places(d, service) == 0 {
            return false;
        }
        let at = LocalDateTime::from_unix(starts_at);
        if self.holidays.on(at.date).is_some() {
            return false;
        }
        let start = u16::from(at.hour) * 60 + u16::from(at.minute);
        let end = start + self.slot_minutes(service);
        d.hours[at.date.weekday().index()]
            .iter()
            .any(|p| p.opens <= start && end <= p.closes)
    }
}

/// Why a file's value is refused: the field (`directorates[2].hours.monday`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The field.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

fn refuse<T>(field: impl Into<String>, message: impl Into<String>) -> Result<T, ConfigError> {
    Err(ConfigError {
        field: field.into(),
        message: message.into(),
    })
}

/// `value` in `range`, or refused as `field`.
fn within(
    value: i64,
    range: std::ops::RangeInclusive<i64>,
    field: &str,
) -> Result<i64, ConfigError> {
    if range.contains(&value) {
        Ok(value)
    } else {
        refuse(
            field,
            format!("must be {} to {}", range.start(), range.end()),
        )
    }
}

/// The earliest a directorate may open and the latest it may close.
const DAY_FROM: u16 = 6 * 60;
const DAY_UNTIL: u16 = 22 * 60;

/// Checks the file: the configuration, or the first value refused.
pub fn check(file: &ConfigFile) -> Result<Configuration, ConfigError> {
    let r = &file.rules;
    let small = |v: i64, range, field: &str| -> Result<u32, ConfigError> {
        Ok(u32::try_from(within(v, range, field)?).unwrap_or(0))
    };
    let mut rules = BookingRules {
        window_days: within(r.booking_window_days, 1..=365, "rules.booking_window_days")?,
        cutoff_hours: within(r.change_cutoff_hours, 0..=168, "rules.change_cutoff_hours")?,
        max_changes: small(r.changes_max, 1..=100, "rules.changes_max")?,
        max_changes_days: within(r.changes_per_days, 1..=365, "rules.changes_per_days")?,
        no_show_limit: small(r.no_show_limit, 1..=50, "rules.no_show_limit")?,
        no_show_window_days: within(r.no_show_window_days, 1..=365, "rules.no_show_window_days")?,
        no_show_block_days: within(r.no_show_block_days, 0..=365, "rules.no_show_block_days")?,
        check_in_opens_minutes: within(
            r.check_in_opens_minutes_before,
            0..=240,
            "rules.check_in_opens_minutes_before",
        )?,
        check_in_closes_minutes: within(
            r.check_in_closes_minutes_after,
            0..=120,
            "rules.check_in_closes_minutes_after",
        )?,
        theory_pass_valid_days: within(
            r.theory_pass_valid_days,
            1..=3650,
            "rules.theory_pass_valid_days",
        )?,
        audit_retention_days: within(
            r.audit_retention_days,
            30..=3650,
            "rules.audit_retention_days",
        )?,
        reminder_hour: u8::try_from(within(r.reminder_hour, 0..=23, "rules.reminder_hour")?)
            .unwrap_or(18),
        message_give_up_hours: within(
            r.message_give_up_hours,
            1..=72,
            "rules.message_give_up_hours",
        )?,
        waitlist_hold_minutes: within(
            r.waitlist_hold_minutes,
            5..=1440,
            "rules.waitlist_hold_minutes",
        )?,
        licence_credential_days: within(
            r.licence_credential_days,
            1..=rega_credential::bound::MAX_CREDENTIAL_DAYS,
            "rules.licence_credential_days",
        )?,
        ..BookingRules::default()
    };
    let mut services = BTreeMap::new();
    for (id, s) in &file.services {
        let field = format!("services.{id}");
        let Some(kind) = ServiceKind::from_code(id) else {
            return refuse(field, "not a service Rega knows");
        };
        let minutes = within(s.slot_minutes, 5..=240, &format!("{field}.slot_minutes"))?;
        if minutes % 5 != 0 {
            return refuse(format!("{field}.slot_minutes"), "must be a multiple of 5");
        }
        match (kind, s.minimum_age) {
            (ServiceKind::NewLicence, Some(age)) => {
                rules.minimum_age = small(age, 16..=70, &format!("{field}.minimum_age"))? as u8;
            }
            (ServiceKind::TheoryTest, Some(age)) => {
                rules.theory_minimum_age =
                    small(age, 16..=70, &format!("{field}.minimum_age"))? as u8;
            }
            (ServiceKind::NewLicence | ServiceKind::TheoryTest, None) => {
                return refuse(format!("{field}.minimum_age"), "is needed for this service");
            }
            (_, Some(_)) => {
                return refuse(
                    format!("{field}.minimum_age"),
                    "only for new_licence and theory_test",
                );
            }
            (_, None) => {}
        }
        match (kind, s.renewal_window_days) {
            (ServiceKind::Renewal, Some(days)) => {
                rules.renewal_window_days =
                    within(days, 0..=730, &format!("{field}.renewal_window_days"))?;
            }
            (ServiceKind::Renewal, None) => {
                return refuse(
                    format!("{field}.renewal_window_days"),
                    "is needed for renewal",
                );
            }
            (_, Some(_)) => {
                return refuse(format!("{field}.renewal_window_days"), "only for renewal");
            }
            (_, None) => {}
        }
        services.insert(
            kind,
            ServiceSettings {
                slot_minutes: minutes as u16,
                offered: s.offered,
                bring: s
                    .bring
                    .as_ref()
                    .map(|t| texts(t, &format!("{field}.bring")))
                    .transpose()?,
            },
        );
    }
    if let Some(missing) = ServiceKind::ALL.iter().find(|k| !services.contains_key(k)) {
        return refuse(format!("services.{}", missing.code()), "is missing");
    }
    if file.directorates.is_empty() {
        return refuse("directorates", "at least one directorate");
    }
    let mut directorates: Vec<DirectorateSettings> = Vec::new();
    for (n, d) in file.directorates.iter().enumerate() {
        let checked = directorate(d, &format!("directorates[{n}]"))?;
        if directorates
            .iter()
            .any(|o| o.directorate.id == checked.directorate.id)
        {
            return refuse(format!("directorates[{n}].id"), "given twice");
        }
        directorates.push(checked);
    }
    let mut holidays = Vec::new();
    for (n, h) in file.holidays.iter().enumerate() {
        let field = format!("holidays[{n}]");
        let Ok(date) = Date::parse(&h.date) else {
            return refuse(format!("{field}.date"), "must be a date, YYYY-MM-DD");
        };
        if holidays.iter().any(|o: &Holiday| o.date == date) {
            return refuse(format!("{field}.date"), "given twice");
        }
        let name = texts(&h.name, &format!("{field}.name"))?;
        holidays.push(Holiday {
            date,
            en: name.en,
            ckb: name.ckb,
            ar: name.ar,
            approximate: h.approximate,
        });
    }
    Ok(Configuration {
        rules,
        services,
        directorates,
        holidays: Holidays::from_list(holidays),
    })
}

fn directorate(d: &DirectorateFile, field: &str) -> Result<DirectorateSettings, ConfigError> {
    let id_ok = (2..=32).contains(&d.id.len())
        && d.id.starts_with(|c: char| c.is_ascii_lowercase())
        && d.id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        return refuse(
            format!("{field}.id"),
            "2 to 32 lower-case letters, digits or -, starting with a letter",
        );
    }
    let name = texts(&d.name, &format!("{field}.name"))?;
    let address = texts(&d.address, &format!("{field}.address"))?;
    let phone_ok = d.phone.len() <= 16
        && d.phone
            .strip_prefix('+')
            .is_some_and(|digits| digits.len() >= 8 && digits.chars().all(|c| c.is_ascii_digit()));
    if !phone_ok {
        return refuse(
            format!("{field}.phone"),
            "must be E.164, e.g. +964662000001",
        );
    }
    let mut hours: [Vec<Period>; 7] = Default::default();
    for (day, text) in &d.hours {
        let at = format!("{field}.hours.{day}");
        let Some(index) = WEEKDAYS.iter().position(|w| w == day) else {
            return refuse(at, "not a weekday (saturday … friday)");
        };
        hours[index] = periods(text, &at)?;
    }
    let mut counters = BTreeMap::new();
    for (service, n) in &d.counters {
        let at = format!("{field}.counters.{service}");
        let Some(kind) = ServiceKind::from_code(service) else {
            return refuse(at, "not a service Rega knows");
        };
        let n = within(*n, 0..=50, &at)?;
        if n > 0 {
            counters.insert(kind, n as u32);
        }
    }
    Ok(DirectorateSettings {
        directorate: Directorate {
            id: d.id.clone(),
            name,
            address,
            phone: d.phone.clone(),
        },
        active: d.active,
        hours,
        counters,
    })
}

/// `"08:00-12:00, 13:00-15:00"`: quarter hours from 06:00 to 22:00, each period after the one
/// before.
fn periods(text: &str, field: &str) -> Result<Vec<Period>, ConfigError> {
    let wrong = || {
        refuse(
            field,
            "periods like 08:00-14:00 or 08:00-12:00, 13:00-15:00, in quarter hours from 06:00 to 22:00, in order",
        )
    };
    let mut out: Vec<Period> = Vec::new();
    for part in text.split(',') {
        let Some((from, to)) = part.trim().split_once('-') else {
            return wrong();
        };
        let (Some(opens), Some(closes)) = (minute(from.trim()), minute(to.trim())) else {
            return wrong();
        };
        let after_previous = out.last().is_none_or(|p| p.closes <= opens);
        if opens >= closes || opens < DAY_FROM || closes > DAY_UNTIL || !after_previous {
            return wrong();
        }
        out.push(Period { opens, closes });
    }
    Ok(out)
}

/// `HH:MM` on a quarter hour, as minutes after midnight.
fn minute(text: &str) -> Option<u16> {
    let time = rega_api::time::ClockTime::parse(text)?;
    time.is_quarter_hour()
        .then(|| u16::try_from(time.minutes()).ok())
        .flatten()
}

/// Letters that look like Sorani ones but are not (GLOSSARY §4.2), refused in Sorani text.
const NOT_SORANI: [char; 4] = ['\u{0643}', '\u{064A}', '\u{0649}', '\u{06BE}'];

fn texts(t: &Texts, field: &str) -> Result<Localized, ConfigError> {
    for (lang, text) in [("ckb", &t.ckb), ("ar", &t.ar), ("en", &t.en)] {
        let at = format!("{field}.{lang}");
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.chars().count() > 200 {
            return refuse(at, "1 to 200 characters");
        }
        if trimmed.chars().any(char::is_control) {
            return refuse(at, "no control characters");
        }
        if lang == "ckb" && trimmed.chars().any(|c| NOT_SORANI.contains(&c)) {
            return refuse(
                at,
                "an Arabic letter where Sorani has its own (ک U+06A9, ی U+06CC, ه U+0647)",
            );
        }
    }
    Ok(Localized {
        en: t.en.trim().to_owned(),
        ckb: t.ckb.trim().to_owned(),
        ar: t.ar.trim().to_owned(),
    })
}

/// The configuration as a file again (`rega config export`).
pub fn to_file(config: &Configuration) -> ConfigFile {
    use crate::network::file::{HolidayFile, RulesFile, ServiceFile};
    let r = &config.rules;
    let texts = |l: &Localized| Texts {
        ckb: l.ckb.clone(),
        ar: l.ar.clone(),
        en: l.en.clone(),
    };
    ConfigFile {
        rules: RulesFile {
            booking_window_days: r.window_days,
            change_cutoff_hours: r.cutoff_hours,
            changes_max: i64::from(r.max_changes),
            changes_per_days: r.max_changes_days,
            no_show_limit: i64::from(r.no_show_limit),
            no_show_window_days: r.no_show_window_days,
            no_show_block_days: r.no_show_block_days,
            check_in_opens_minutes_before: r.check_in_opens_minutes,
            check_in_closes_minutes_after: r.check_in_closes_minutes,
            theory_pass_valid_days: r.theory_pass_valid_days,
            audit_retention_days: r.audit_retention_days,
            reminder_hour: r.reminder_hour.into(),
            message_give_up_hours: r.message_give_up_hours,
            waitlist_hold_minutes: r.waitlist_hold_minutes,
            licence_credential_days: r.licence_credential_days,
        },
        services: config
            .services
            .iter()
            .map(|(kind, s)| {
                (
                    kind.code().to_owned(),
                    ServiceFile {
                        slot_minutes: i64::from(s.slot_minutes),
                        offered: s.offered,
                        minimum_age: match kind {
                            ServiceKind::NewLicence => Some(i64::from(r.minimum_age)),
                            ServiceKind::TheoryTest => Some(i64::from(r.theory_minimum_age)),
                            _ => None,
                        },
                        renewal_window_days: (*kind == ServiceKind::Renewal)
                            .then_some(r.renewal_window_days),
                        bring: s.bring.as_ref().map(texts),
                    },
                )
            })
            .collect(),
        directorates: config
            .directorates
            .iter()
            .map(|d| DirectorateFile {
                id: d.directorate.id.clone(),
                active: d.active,
                name: texts(&d.directorate.name),
                address: texts(&d.directorate.address),
                phone: d.directorate.phone.clone(),
                hours: d
                    .hours
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| !p.is_empty())
                    .map(|(i, p)| {
                        let text: Vec<String> = p
                            .iter()
                            .map(|p| format!("{}-{}", hh_mm(p.opens), hh_mm(p.closes)))
                            .collect();
                        (WEEKDAYS[i].to_owned(), text.join(", "))
                    })
                    .collect(),
                counters: d
                    .counters
                    .iter()
                    .map(|(k, n)| (k.code().to_owned(), i64::from(*n)))
                    .collect(),
            })
            .collect(),
        holidays: config
            .holidays
            .between(
                Date::from_days_since_epoch(0),
                Date::from_days_since_epoch(200_000),
            )
            .map(|h| HolidayFile {
                date: h.date.to_string(),
                name: Texts {
                    ckb: h.ckb.clone(),
                    ar: h.ar.clone(),
                    en: h.en.clone(),
                },
                approximate: h.approximate,
            })
            .collect(),
    }
}

/// `HH:MM`.
pub fn hh_mm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The weekday of an index ([`Weekday::index`]).
pub fn weekday_at(index: usize) -> Weekday {
    Date::from_days_since_epoch(20_785 + index as i64).weekday()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::file::parse;

    const DEMO: &str = include_str!("../../data/demo-configuration.toml");

    fn refused(edit: impl FnOnce(&mut ConfigFile)) -> String {
        let mut file = parse(DEMO).expect("the demo reads");
        edit(&mut file);
        check(&file).expect_err("refused").field
    }

    #[test]
    fn the_demo_configuration_is_valid_and_exports_as_it_reads() {
        let file = parse(DEMO).expect("reads");
        let config = check(&file).expect("valid");
        assert_eq!(config.rules, BookingRules::default());
        assert_eq!(config.slot_minutes(ServiceKind::TheoryTest), 30);
        assert_eq!(to_file(&config), file);
        let erbil = config.directorate("erbil").expect("Erbil");
        assert_eq!(config.places(erbil, ServiceKind::TheoryTest), 5);
        assert_eq!(weekday_at(1), Weekday::Sunday);
    }

    #[test]
    fn every_wrong_value_is_named() {
        assert_eq!(
            refused(|f| f.rules.booking_window_days = 0),
            "rules.booking_window_days"
        );
        assert_eq!(
            refused(|f| {
                f.services.remove("renewal");
            }),
            "services.renewal"
        );
        assert_eq!(
            refused(|f| f
                .services
                .get_mut("medical_check")
                .expect("there")
                .slot_minutes = 17),
            "services.medical_check.slot_minutes"
        );
        assert_eq!(
            refused(|f| f.services.get_mut("renewal").expect("there").minimum_age = Some(18)),
            "services.renewal.minimum_age"
        );
        assert_eq!(
            refused(|f| {
                f.services.get_mut("renewal").expect("there").bring = Some(Texts {
                    ckb: "كارتی نیشتمانی".into(),
                    ar: "البطاقة الوطنية".into(),
                    en: "Your national card".into(),
                })
            }),
            "services.renewal.bring.ckb",
            "an Arabic kaf in Sorani"
        );
        assert_eq!(
            refused(|f| f.directorates[1].id = "Erbil!".into()),
            "directorates[1].id"
        );
        assert_eq!(
            refused(|f| f.directorates[1].id = "erbil".into()),
            "directorates[1].id"
        );
        assert_eq!(
            refused(|f| f.directorates[0].name.ckb = "مديرية".into()),
            "directorates[0].name.ckb"
        );
        assert_eq!(
            refused(|f| f.directorates[0].phone = "0662".into()),
            "directorates[0].phone"
        );
        for bad in [
            "8-14",
            "14:00-08:00",
            "08:00-12:00, 11:00-15:00",
            "05:00-09:00",
            "08:10-14:00",
        ] {
            assert_eq!(
                refused(|f| {
                    f.directorates[2].hours.insert("monday".into(), bad.into());
                }),
                "directorates[2].hours.monday",
                "{bad}"
            );
        }
        assert_eq!(
            refused(|f| {
                f.directorates[0]
                    .hours
                    .insert("funday".into(), "08:00-14:00".into());
            }),
            "directorates[0].hours.funday"
        );
        assert_eq!(
            refused(|f| {
                f.directorates[0]
                    .counters
                    .insert("driving_lesson".into(), 1);
            }),
            "directorates[0].counters.driving_lesson"
        );
        assert_eq!(
            refused(|f| f.holidays[3].date = f.holidays[2].date.clone()),
            "holidays[3].date"
        );
    }

    #[test]
    fn an_appointment_is_kept_only_inside_the_new_hours_and_offer() {
        let mut file = parse(DEMO).expect("reads");
        let config = check(&file).expect("valid");
        // Sunday 2026-11-29, 13:30 Baghdad: a theory test runs to 14:00.
        let at = LocalDateTime::from_unix(0);
        let _ = at;
        let sunday = LocalDateTime {
            date: Date::parse("2026-11-29").expect("a date"),
            hour: 13,
            minute: 30,
        }
        .to_unix();
        assert!(config.keeps("erbil", ServiceKind::TheoryTest, sunday));
        file.directorates[0]
            .hours
            .insert("sunday".into(), "08:00-12:00, 12:30-13:45".into());
        let shorter = check(&file).expect("valid");
        assert!(!shorter.keeps("erbil", ServiceKind::TheoryTest, sunday));
        assert!(shorter.keeps("erbil", ServiceKind::MedicalCheck, sunday));
        file.directorates[0].active = false;
        assert!(
            !check(&file)
                .expect("valid")
                .keeps("erbil", ServiceKind::MedicalCheck, sunday)
        );
        assert!(!config.keeps("mosul", ServiceKind::MedicalCheck, sunday));
    }
}
