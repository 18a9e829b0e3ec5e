//! What Rega tells citizens by SMS. Each message is written in the citizen's one language
//! (`server/sms/<locale>.json`, the services named as the app names them in
//! `app/locales/<locale>.json`), with the app's digits and 12-hour clock; in Sorani and Arabic the
//! Latin values (the reference, the code) are isolated (LRI … PDI) so a phone never lays them out
//! into the words around them, and no message starts with a Latin word. Every message fits two
//! SMS segments (`segments`; the tests measure each with the longest real values).

use std::collections::HashMap;
use std::sync::OnceLock;

use rega_api::Locale;
use rega_api::format;
use rega_api::service::ServiceKind;
use rega_api::time::LocalDateTime;

/// A message the outbox keeps for a citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// An appointment was booked.
    Booked,
    /// An appointment moved to another time.
    Moved,
    /// The citizen cancelled an appointment.
    Cancelled,
    /// The evening before the appointment.
    Reminder,
    /// A closure of the directorate cancelled the appointment.
    Closure,
    /// A configuration change left the directorate not working at the appointment's time.
    AppointmentWithdrawn,
    /// The registry withdrew the citizen's record, which cancelled the appointment.
    AppointmentCancelled,
    /// The registry changed the phone the citizen signs in with (sent to the old number).
    PhoneChanged,
    /// Checked in and waiting: two tickets of the area are left before theirs.
    TurnNear,
    /// A place the citizen waits for is held for them until a time.
    Offer,
}

impl MessageKind {
    /// Every kind.
    pub const ALL: [MessageKind; 10] = [
        MessageKind::Booked,
        MessageKind::Moved,
        MessageKind::Cancelled,
        MessageKind::Reminder,
        MessageKind::Closure,
        MessageKind::AppointmentWithdrawn,
        MessageKind::AppointmentCancelled,
        MessageKind::PhoneChanged,
        MessageKind::TurnNear,
        MessageKind::Offer,
    ];

    /// The stored form, and the template's key.
    pub fn code(self) -> &'static str {
        match self {
            MessageKind::Booked => "booked",
            MessageKind::Moved => "moved",
            MessageKind::Cancelled => "cancelled",
            MessageKind::Reminder => "reminder",
            MessageKind::Closure => "closure",
            MessageKind::AppointmentWithdrawn => "appointment_withdrawn",
            MessageKind::AppointmentCancelled => "appointment_cancelled",
            MessageKind::PhoneChanged => "phone_changed",
            MessageKind::TurnNear => "turn_near",
            MessageKind::Offer => "offer",
        }
    }

    /// From the stored form.
    pub fn from_code(code: &str) -> Option<MessageKind> {
        MessageKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// The appointment a message is about.
#[derive(Debug, Clone, Copy)]
pub struct About<'a> {
    /// `RG-XXXX-XXXX`.
    pub reference: &'a str,
    /// The service (unknown for a notice carried over from before the outbox).
    pub service: Option<ServiceKind>,
    /// The directorate's name in the reader's language.
    pub directorate: &'a str,
    /// Its start, Unix seconds.
    pub starts_at: i64,
    /// For an offer: until when the place is held, Unix seconds.
    pub until: Option<i64>,
}

/// The message of `kind` in `locale`; `about` names the appointment (every kind but
/// [`MessageKind::PhoneChanged`] has one).
pub fn render(kind: MessageKind, locale: Locale, about: Option<&About<'_>>) -> String {
    let template = template(locale, kind.code());
    let Some(about) = about else {
        return template.to_owned();
    };
    fill(
        template,
        &[
            (
                "{service}",
                about.service.map_or("", |s| service_name(locale, s)),
            ),
            ("{directorate}", about.directorate),
            ("{when}", &when(locale, about.starts_at)),
            ("{reference}", &latin(locale, about.reference)),
            (
                "{until}",
                &about.until.map_or_else(String::new, |until| {
                    let at = LocalDateTime::from_unix(until);
                    format::time(locale, at.hour, at.minute)
                }),
            ),
        ],
    )
}

/// The description of an appointment's calendar file (`.ics`) in `locale`: its reference and
/// the directorate's phone (Latin, isolated), and to come early.
pub fn calendar_description(locale: Locale, reference: &str, phone: &str) -> String {
    fill(
        template(locale, "calendar_description"),
        &[
            ("{reference}", &latin(locale, reference)),
            ("{phone}", &latin(locale, phone)),
        ],
    )
}

/// The sign-in code's message in `locale`: the code in Latin digits (what phones offer to fill
/// in), isolated in right-to-left text.
pub fn sign_in_code(locale: Locale, code: &str) -> String {
    fill(
        template(locale, "sign_in_code"),
        &[("{code}", &latin(locale, code))],
    )
}

/// How long to wait before attempt `attempts + 1` of a message the gateway did not take: 30
/// seconds, doubling, at most 30 minutes.
pub fn retry_delay(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.clamp(1, 7) - 1).unwrap_or(0);
    (30 * 2_i64.pow(doublings)).min(1800)
}

/// How many SMS segments `text` takes: GSM 7-bit (160 alone, 153 each when split) when every
/// character is in its basic set, else UCS-2 (70 UTF-16 units alone, 67 each when split).
pub fn segments(text: &str) -> usize {
    const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ ÆæßÉ!\"#¤%&'()*+,-./0123456789:;<=>?\
                             ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    let (units, single, multi) = if text.chars().all(|c| GSM_BASIC.contains(c)) {
        (text.chars().count(), 160, 153)
    } else {
        (text.encode_utf16().count(), 70, 67)
    };
    if units <= single {
        1
    } else {
        units.div_ceil(multi)
    }
}

/// The day and time of an appointment as the app writes them: the weekday, the day and month (a
/// booking is at most weeks ahead, so no year) and the 12-hour clock, in the language's digits.
/// Sorani writes the month as a number (`٢٦/١١`, day first as in Iraq): its month names are
/// long, and with the longest service and directorate names a message would need a third
/// segment.
fn when(locale: Locale, starts_at: i64) -> String {
    let at = LocalDateTime::from_unix(starts_at);
    let day = format::digits(locale, u64::from(at.date.day()));
    let month = format::month_name(locale, at.date.month());
    let weekday = format::weekday_name(locale, at.date);
    let time = format::time(locale, at.hour, at.minute);
    match locale {
        Locale::Ckb => {
            let month = format::digits(locale, u64::from(at.date.month()));
            format!("{weekday} {day}/{month}، {time}")
        }
        Locale::Ar => format!("{weekday} {day} {month}، {time}"),
        Locale::En => format!("{weekday} {day} {month}, {time}"),
    }
}

/// A Latin value in a sentence of `locale`: isolated left to right in Sorani and Arabic.
fn latin(locale: Locale, value: &str) -> String {
    if locale.is_rtl() {
        format!("\u{2066}{value}\u{2069}")
    } else {
        value.to_owned()
    }
}

fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (key, value)| {
            text.replace(key, value)
        })
}

/// The SMS templates and the app's service names of each locale, read once.
fn tables() -> &'static HashMap<(Locale, String), String> {
    static TABLES: OnceLock<HashMap<(Locale, String), String>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let sources = [
            (
                Locale::Ckb,
                include_str!("../../sms/ckb.json"),
                include_str!("../../../app/locales/ckb.json"),
            ),
            (
                Locale::Ar,
                include_str!("../../sms/ar.json"),
                include_str!("../../../app/locales/ar.json"),
            ),
            (
                Locale::En,
                include_str!("../../sms/en.json"),
                include_str!("../../../app/locales/en.json"),
            ),
        ];
        let mut tables = HashMap::new();
        for (locale, sms, app) in sources {
            for source in [sms, app] {
                let entries: HashMap<String, serde_json::Value> =
                    serde_json::from_str(source).expect("a locale file is a JSON object");
                for (key, value) in entries {
                    if let serde_json::Value::String(text) = value {
                        tables.insert((locale, key), text);
                    }
                }
            }
        }
        tables
    })
}

fn template(locale: Locale, key: &str) -> &'static str {
    tables().get(&(locale, key.to_owned())).map_or_else(
        || panic!("no SMS template {key} in {}", locale.tag()),
        String::as_str,
    )
}

pub fn service_name(locale: Locale, service: ServiceKind) -> &'static str {
    template(locale, &format!("service.{}", service.code()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Thursday 2026-11-26, 23:45 in Baghdad (the longest clock: two-digit hour, "pm").
    const LATE: i64 = 1_795_672_800 + 14 * 3600 + 45 * 60;

    /// The longest directorate name of each language in the demo network (the real one).
    fn longest_directorate(locale: Locale) -> String {
        let config = include_str!("../../data/demo-configuration.toml");
        let key = format!("{} = \"", locale.tag());
        config
            .lines()
            .filter(|l| l.starts_with("name = {") && l.contains("Traffic Directorate"))
            .filter_map(|l| l.split(&key).nth(1)?.split('"').next().map(str::to_owned))
            .max_by_key(|name| name.encode_utf16().count())
            .expect("directorates")
    }

    #[test]
    fn every_message_in_every_language_fits_two_segments_with_the_longest_values() {
        for locale in Locale::ALL {
            let directorate = longest_directorate(locale);
            for service in ServiceKind::ALL {
                for kind in MessageKind::ALL {
                    let about = About {
                        reference: "RG-WWWW-WWWW",
                        service: Some(service),
                        directorate: &directorate,
                        starts_at: LATE,
                        until: Some(LATE),
                    };
                    let text = render(kind, locale, Some(&about));
                    assert!(segments(&text) <= 2, "{} segments: {text}", segments(&text));
                    assert!(!text.contains('{'), "a placeholder left: {text}");
                }
            }
            let code = sign_in_code(locale, "123456");
            assert!(segments(&code) <= 2, "{code}");
        }
    }

    #[test]
    fn a_message_is_in_one_language_with_its_digits_and_latin_values_isolated() {
        let about = About {
            reference: "RG-7K3M-Q9P2",
            service: Some(ServiceKind::Renewal),
            directorate: "بەڕێوەبەرایەتیی هاتووچۆی هەولێر",
            starts_at: LATE,
            until: Some(LATE),
        };
        let ckb = render(MessageKind::Booked, Locale::Ckb, Some(&about));
        assert_eq!(
            ckb,
            "ڕێگا: نۆرەکەت گیرا: نوێکردنەوەی مۆڵەت، بەڕێوەبەرایەتیی هاتووچۆی هەولێر، پێنجشەممە \
             ٢٦/١١، ١١:٤٥\u{a0}د.ن. \u{2066}RG-7K3M-Q9P2\u{2069}"
        );
        let en = render(
            MessageKind::Reminder,
            Locale::En,
            Some(&About {
                directorate: "Erbil Traffic Directorate",
                ..about
            }),
        );
        assert_eq!(
            en,
            "Rega: reminder, your appointment is tomorrow: Licence renewal, Erbil Traffic \
             Directorate, Thursday 26 November, 11:45 pm. Reference RG-7K3M-Q9P2"
        );
        for locale in [Locale::Ckb, Locale::Ar] {
            for kind in MessageKind::ALL {
                let text = render(kind, locale, Some(&about));
                assert!(!text.starts_with(|c: char| c.is_ascii()), "{text}");
                assert!(
                    !text
                        .chars()
                        .any(|c| c.is_ascii_alphabetic() && !"RGKMQP".contains(c)),
                    "only the reference is Latin: {text}"
                );
                assert!(
                    !text
                        .chars()
                        .any(|c| c.is_ascii_digit() && !"73921".contains(c)),
                    "{text}"
                );
            }
        }
        assert_eq!(
            sign_in_code(Locale::Ar, "042917"),
            "ريگا: رمز الدخول \u{2066}042917\u{2069}. صالح ٥ دقائق. لا تعطه لأحد."
        );
        assert_eq!(segments(&sign_in_code(Locale::En, "042917")), 1);
    }

    #[test]
    fn a_refused_message_is_retried_sooner_then_later() {
        let delays: Vec<i64> = (1..=8).map(retry_delay).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1800, 1800]);
    }

    #[test]
    fn segments_are_counted_as_phones_count_them() {
        assert_eq!(segments(&"a".repeat(160)), 1);
        assert_eq!(segments(&"a".repeat(161)), 2);
        assert_eq!(segments(&"ب".repeat(70)), 1);
        assert_eq!(segments(&"ب".repeat(71)), 2);
        assert_eq!(segments(&"ب".repeat(134)), 2);
        assert_eq!(segments(&"ب".repeat(135)), 3);
    }

    #[test]
    fn every_kind_has_its_template_in_every_language() {
        for locale in Locale::ALL {
            for kind in MessageKind::ALL {
                assert!(!template(locale, kind.code()).is_empty());
                assert_eq!(MessageKind::from_code(kind.code()), Some(kind));
            }
        }
    }
}
