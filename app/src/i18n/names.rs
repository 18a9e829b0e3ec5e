//! The names the screens give things, in the interface language: services, what to bring,
//! directorates and other localized texts, an appointment's status, counter areas, parts of
//! the day.

use rega_api::appointments::{AppointmentState, AppointmentView};
use rega_api::service::ServiceKind;
use rega_api::waitlist::DayPart;

use super::{DirectorateMessages, Messages};

/// The localized name of a service.
pub fn service_name(m: &'static Messages, service: ServiceKind) -> &'static str {
    match service {
        ServiceKind::NewLicence => m.service_new_licence(),
        ServiceKind::Renewal => m.service_renewal(),
        ServiceKind::Replacement => m.service_replacement(),
        ServiceKind::TheoryTest => m.service_theory_test(),
        ServiceKind::PracticalTest => m.service_practical_test(),
        ServiceKind::MedicalCheck => m.service_medical_check(),
    }
}

/// What to bring for a service.
pub fn what_to_bring(m: &'static Messages, service: ServiceKind) -> &'static str {
    match service {
        ServiceKind::NewLicence => m.bring_new_licence(),
        ServiceKind::Renewal => m.bring_renewal(),
        ServiceKind::Replacement => m.bring_replacement(),
        ServiceKind::TheoryTest => m.bring_theory_test(),
        ServiceKind::PracticalTest => m.bring_practical_test(),
        ServiceKind::MedicalCheck => m.bring_medical_check(),
    }
}

/// The text of a localized name in the interface language.
pub fn localized(text: &rega_api::reference::LocalizedText, locale: rega_api::Locale) -> String {
    match locale {
        rega_api::Locale::Ckb => text.ckb.clone(),
        rega_api::Locale::Ar => text.ar.clone(),
        rega_api::Locale::En => text.en.clone(),
    }
}

/// The localized name of an appointment's status.
pub fn status_name(m: &'static Messages, a: &AppointmentView) -> &'static str {
    if a.closed {
        return m.appointment_status_closed();
    }
    match a.status {
        AppointmentState::Booked => m.appointment_status_booked(),
        AppointmentState::CheckedIn => m.appointment_status_checked_in(),
        AppointmentState::Attended => m.appointment_status_attended(),
        AppointmentState::NoShow => m.appointment_status_no_show(),
        AppointmentState::Cancelled => m.appointment_status_cancelled(),
    }
}

/// The name of a counter area (the letter of its tickets).
pub fn area_name(m: &'static DirectorateMessages, area: &str) -> &'static str {
    match area {
        "T" => m.kiosk_area_t,
        "P" => m.kiosk_area_p,
        "M" => m.kiosk_area_m,
        _ => m.kiosk_area_a,
    }
}

/// A part of the day as the citizen reads it.
pub fn part_name(m: &'static Messages, part: DayPart) -> &'static str {
    match part {
        DayPart::Any => m.waitlist_part_any(),
        DayPart::Morning => m.waitlist_part_morning(),
        DayPart::Afternoon => m.waitlist_part_afternoon(),
    }
}

/// The issuing authority of a licence as the citizen reads it: the registry's code of the
/// General Directorate of Traffic by its name, any other as the registry wrote it.
pub fn authority_name(m: &'static Messages, code: &str) -> String {
    match code {
        "KRG-GDT" => m.app_authority().to_owned(),
        other => format!("\u{2068}{other}\u{2069}"),
    }
}
