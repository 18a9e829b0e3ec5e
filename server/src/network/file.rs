//! The configuration file (`docs/configuration.md`): the whole network's configuration in one
//! reviewable TOML document, read by `rega config apply` and written by `rega config export`.
//! Strings as the operator wrote them; `domain::configuration::check` checks every value and
//! names the one it refuses, and [`line_of`] finds the line it is on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The booking rules of SPEC §4.
    pub rules: RulesFile,
    /// Each service by its id (`new_licence`, `renewal`, `replacement`, `theory_test`,
    /// `practical_test`, `medical_check`).
    pub services: BTreeMap<String, ServiceFile>,
    /// The directorates.
    pub directorates: Vec<DirectorateFile>,
    /// The public holidays on which every directorate is closed.
    #[serde(default)]
    pub holidays: Vec<HolidayFile>,
}

/// The booking rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    /// How far ahead a citizen may book, in days.
    pub booking_window_days: i64,
    /// Changes and cancellations until this many hours before the start.
    pub change_cutoff_hours: i64,
    /// At most this many bookings or reschedules per citizen …
    pub changes_max: i64,
    /// … in this many days.
    pub changes_per_days: i64,
    /// This many no-shows …
    pub no_show_limit: i64,
    /// … within this many days …
    pub no_show_window_days: i64,
    /// … block online booking for this many days.
    pub no_show_block_days: i64,
    /// Kiosk check-in opens this many minutes before the appointment …
    pub check_in_opens_minutes_before: i64,
    /// … and closes this many minutes after its start.
    pub check_in_closes_minutes_after: i64,
    /// A theory pass recorded at a desk counts for this many days.
    pub theory_pass_valid_days: i64,
    /// The audit trail keeps a record this many days (default 730), then purges it, leaving a
    /// checkpoint in the chain.
    #[serde(default = "default_audit_retention_days")]
    pub audit_retention_days: i64,
    /// The evening reminder of tomorrow's appointments leaves at this hour, Baghdad time
    /// (default 18).
    #[serde(default = "default_reminder_hour")]
    pub reminder_hour: i64,
    /// A message the SMS gateway keeps refusing is given up after this many hours (default 12).
    #[serde(default = "default_message_give_up_hours")]
    pub message_give_up_hours: i64,
    /// A freed place is held this many minutes for the first on the waitlist (default 30).
    #[serde(default = "default_waitlist_hold_minutes")]
    pub waitlist_hold_minutes: i64,
    /// A licence credential bound to a phone is valid this many days (default 7, at most 30).
    #[serde(default = "default_licence_credential_days")]
    pub licence_credential_days: i64,
}

fn default_audit_retention_days() -> i64 {
    crate::domain::rules::BookingRules::default().audit_retention_days
}

fn default_reminder_hour() -> i64 {
    crate::domain::rules::BookingRules::default()
        .reminder_hour
        .into()
}

fn default_message_give_up_hours() -> i64 {
    crate::domain::rules::BookingRules::default().message_give_up_hours
}

fn default_waitlist_hold_minutes() -> i64 {
    crate::domain::rules::BookingRules::default().waitlist_hold_minutes
}

fn default_licence_credential_days() -> i64 {
    crate::domain::rules::BookingRules::default().licence_credential_days
}

/// One service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceFile {
    /// The length of its appointments, in minutes.
    pub slot_minutes: i64,
    /// Whether it is offered at all (a directorate offers it where it has counters for it).
    #[serde(default = "yes")]
    pub offered: bool,
    /// The minimum age (new licence and theory test only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_age: Option<i64>,
    /// How many days before its expiry a licence may be renewed (renewal only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_window_days: Option<i64>,
    /// What a citizen brings to its appointments, in the three languages, shown on the
    /// confirmation; without it the app's own text (`app/locales`, `bring.*`) is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bring: Option<Texts>,
}

fn yes() -> bool {
    true
}

/// Text in the three languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    /// Sorani.
    pub ckb: String,
    /// Arabic.
    pub ar: String,
    /// English.
    pub en: String,
}

/// One directorate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectorateFile {
    /// Its stable id, e.g. `erbil` (never changes; a directorate is never removed, only made
    /// inactive).
    pub id: String,
    /// Whether it takes bookings.
    #[serde(default = "yes")]
    pub active: bool,
    /// Its name.
    pub name: Texts,
    /// Its street address.
    pub address: Texts,
    /// Its public phone number, E.164.
    pub phone: String,
    /// Opening hours by weekday (`sunday = "08:00-14:00"`, split hours
    /// `"08:00-12:00, 13:00-15:00"`); a weekday not listed is closed.
    pub hours: BTreeMap<String, String>,
    /// Counters per service id: the places of each of its slots; 0 or absent, not offered here.
    pub counters: BTreeMap<String, i64>,
}

/// One public holiday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayFile {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// Its name.
    pub name: Texts,
    /// A moon-dependent date not announced yet.
    #[serde(default)]
    pub approximate: bool,
}

/// Why a file is refused: the line (1-based) and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The line.
    pub line: usize,
    /// The field (`directorates[2].hours.monday`), or `-` for the file's syntax.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.message)
    }
}

/// Reads the file's TOML: its syntax and types, the line of the first problem.
pub fn parse(text: &str) -> Result<ConfigFile, FileError> {
    toml::from_str(text).map_err(|e| FileError {
        line: e.span().map_or(1, |span| line_at(text, span.start)),
        field: "-".into(),
        message: e.message().trim().to_owned(),
    })
}

/// The 1-based line of a byte offset.
fn line_at(text: &str, offset: usize) -> usize {
    1 + text
        .as_bytes()
        .iter()
        .take(offset.min(text.len()))
        .filter(|&&b| b == b'\n')
        .count()
}

/// The line a field path such as `directorates[2].hours.monday` is on (the nearest part of it
/// that is in the file; 1 when none is).
pub fn line_of(text: &str, path: &str) -> usize {
    let Ok(root) = toml::de::DeTable::parse(text) else {
        return 1;
    };
    let mut offset = 0;
    let mut table = Some(root.get_ref());
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((key, rest)) => (key, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let found = table.and_then(|t| t.iter().find(|(k, _)| k.get_ref().as_ref() == key));
        let Some((k, v)) = found else { break };
        offset = k.span().start;
        let mut here = v;
        if let Some(index) = index {
            match v.get_ref() {
                toml::de::DeValue::Array(items) if index < items.len() => {
                    here = &items[index];
                    offset = here.span().start;
                }
                _ => break,
            }
        }
        table = match here.get_ref() {
            toml::de::DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    line_at(text, offset)
}

/// The file as `rega config export` writes it: one section per part, names inline, in a
/// stable order, so that two exports of the same configuration are the same text.
pub fn render(file: &ConfigFile) -> String {
    let mut out = String::from(
        "# Rega's configuration (docs/configuration.md): apply with `rega config apply FILE`.\n\
         # Every directorate, service, opening hour, holiday and booking rule of the network.\n\n",
    );
    let r = &file.rules;
    out.push_str("[rules]\n");
    for (key, value) in [
        ("booking_window_days", r.booking_window_days),
        ("change_cutoff_hours", r.change_cutoff_hours),
        ("changes_max", r.changes_max),
        ("changes_per_days", r.changes_per_days),
        ("no_show_limit", r.no_show_limit),
        ("no_show_window_days", r.no_show_window_days),
        ("no_show_block_days", r.no_show_block_days),
        (
            "check_in_opens_minutes_before",
            r.check_in_opens_minutes_before,
        ),
        (
            "check_in_closes_minutes_after",
            r.check_in_closes_minutes_after,
        ),
        ("theory_pass_valid_days", r.theory_pass_valid_days),
        ("audit_retention_days", r.audit_retention_days),
        ("reminder_hour", r.reminder_hour),
        ("message_give_up_hours", r.message_give_up_hours),
        ("waitlist_hold_minutes", r.waitlist_hold_minutes),
        ("licence_credential_days", r.licence_credential_days),
    ] {
        out.push_str(&format!("{key} = {value}\n"));
    }
    for (id, s) in &file.services {
        out.push_str(&format!(
            "\n[services.{id}]\nslot_minutes = {}\n",
            s.slot_minutes
        ));
        if !s.offered {
            out.push_str("offered = false\n");
        }
        if let Some(age) = s.minimum_age {
            out.push_str(&format!("minimum_age = {age}\n"));
        }
        if let Some(days) = s.renewal_window_days {
            out.push_str(&format!("renewal_window_days = {days}\n"));
        }
        if let Some(bring) = &s.bring {
            out.push_str(&format!("bring = {}\n", texts(bring)));
        }
    }
    for d in &file.directorates {
        out.push_str(&format!(
            "\n[[directorates]]\nid = {}\nactive = {}\nname = {}\naddress = {}\nphone = {}\n",
            quoted(&d.id),
            d.active,
            texts(&d.name),
            texts(&d.address),
            quoted(&d.phone)
        ));
        let hours: Vec<String> = WEEKDAYS
            .iter()
            .filter_map(|day| d.hours.get(*day).map(|h| format!("{day} = {}", quoted(h))))
            .collect();
        out.push_str(&format!("hours = {{ {} }}\n", hours.join(", ")));
        let counters: Vec<String> = d
            .counters
            .iter()
            .map(|(service, n)| format!("{service} = {n}"))
            .collect();
        out.push_str(&format!("counters = {{ {} }}\n", counters.join(", ")));
    }
    for h in &file.holidays {
        out.push_str(&format!(
            "\n[[holidays]]\ndate = {}\nname = {}\n",
            quoted(&h.date),
            texts(&h.name)
        ));
        if h.approximate {
            out.push_str("approximate = true\n");
        }
    }
    out
}

/// The weekdays in the Iraqi week's order, as the file names them.
pub const WEEKDAYS: [&str; 7] = [
    "saturday",
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
];

fn texts(t: &Texts) -> String {
    format!(
        "{{ ckb = {}, ar = {}, en = {} }}",
        quoted(&t.ckb),
        quoted(&t.ar),
        quoted(&t.en)
    )
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO: &str = include_str!("../../data/demo-configuration.toml");

    #[test]
    fn the_demo_file_reads_and_renders_back_to_itself() {
        let file = parse(DEMO).expect("the demo configuration reads");
        let again = parse(&render(&file)).expect("an export reads");
        assert_eq!(again, file);
        assert_eq!(render(&again), render(&file), "stable");
    }

    #[test]
    fn a_syntax_or_type_error_names_its_line() {
        let broken = DEMO.replacen("slot_minutes = 15", "slot_minutes = \"fifteen\"", 1);
        let line = broken
            .lines()
            .position(|l| l.contains("fifteen"))
            .expect("there")
            + 1;
        assert_eq!(parse(&broken).expect_err("refused").line, line);
        let unknown = DEMO.replacen("[rules]\n", "[rules]\nwindow = 3\n", 1);
        let refused = parse(&unknown).expect_err("refused");
        assert!(refused.message.contains("unknown field"), "{refused}");
    }

    #[test]
    fn a_field_path_finds_its_line() {
        let text = "[rules]\na = 1\n\n[[directorates]]\nid = \"x\"\n\n[[directorates]]\nid = \"y\"\nhours = { monday = \"8\" }\n";
        assert_eq!(line_of(text, "rules.a"), 2);
        assert_eq!(line_of(text, "directorates[1].id"), 8);
        assert_eq!(line_of(text, "directorates[1].hours.monday"), 9);
        assert_eq!(line_of(text, "directorates[1].counters"), 7);
        assert_eq!(line_of(text, "holidays[0]"), 1);
    }

    #[test]
    fn strings_are_quoted_for_toml() {
        assert_eq!(quoted("a \"b\" \\ c\n"), "\"a \\\"b\\\" \\\\ c\\n\"");
    }
}
