//! The REST endpoints' paths under [`API_BASE`](crate::API_BASE), in one place: the app calls
//! them by these names, and a server test checks that [`OPERATIONS`] and the served OpenAPI
//! description list the same operations, so a renamed route cannot leave a caller behind.
//! A path with a parameter is a template (`{reference}`) with a function that fills it.

/// A citizen's appointments: the list (GET) and a new booking (POST).
pub const APPOINTMENTS: &str = "/appointments";
/// One appointment.
pub const APPOINTMENT: &str = "/appointments/{reference}";
/// An appointment as an iCalendar file.
pub const APPOINTMENT_CALENDAR: &str = "/appointments/{reference}/calendar.ics";
/// Cancelling an appointment.
pub const APPOINTMENT_CANCEL: &str = "/appointments/{reference}/cancel";
/// Moving an appointment.
pub const APPOINTMENT_RESCHEDULE: &str = "/appointments/{reference}/reschedule";
/// Asking for a sign-in code by SMS.
pub const AUTH_CODE: &str = "/auth/code";
/// The citizen's session.
pub const AUTH_SESSION: &str = "/auth/session";
/// The language the signed-in citizen's messages are written in.
pub const AUTH_LOCALE: &str = "/auth/locale";
/// Signing out.
pub const AUTH_SIGN_OUT: &str = "/auth/sign-out";
/// Signing in with the code.
pub const AUTH_VERIFY: &str = "/auth/verify";
/// The days with free places.
pub const AVAILABILITY_DAYS: &str = "/availability/days";
/// A day's free times.
pub const AVAILABILITY_SLOTS: &str = "/availability/slots";
/// The waiting hall's board.
pub const BOARD: &str = "/board";
/// A directorate's changes as server-sent events (its boards and desks listen).
pub const EVENTS: &str = "/events";
/// A queue ticket opened by the code the kiosk showed.
pub const TICKET: &str = "/tickets/{code}";
/// The signed-in citizen's queue ticket of an appointment.
pub const APPOINTMENT_TICKET: &str = "/appointments/{reference}/ticket";
/// The directorates' closures ahead.
pub const CLOSURES: &str = "/closures";
/// Demo mode's SMS outbox.
pub const DEV_OUTBOX: &str = "/dev/outbox";
/// The directorates.
pub const DIRECTORATES: &str = "/directorates";
/// Which services the citizen may book.
pub const ELIGIBILITY: &str = "/eligibility";
/// The kiosk's own record.
pub const KIOSK: &str = "/kiosk";
/// A check-in at the kiosk.
pub const KIOSK_CHECK_IN: &str = "/kiosk/check-in";
/// The citizen's licence.
pub const LICENCE: &str = "/licence";
/// A fresh signed QR token of the licence.
pub const LICENCE_TOKEN: &str = "/licence/token";
/// A licence credential bound to this phone's key (the bound form).
pub const LICENCE_CREDENTIAL: &str = "/licence/credential";
/// The phones the citizen's licence is kept on.
pub const LICENCE_DEVICES: &str = "/licence/devices";
/// Withdrawing one of them.
pub const LICENCE_DEVICE_WITHDRAW: &str = "/licence/devices/{id}/withdraw";
/// The phones a citizen's licence is kept on, for a desk that checked the ID card.
pub const STAFF_LICENCE_DEVICES: &str = "/staff/licence-devices";
/// A desk withdraws one of them.
pub const STAFF_LICENCE_DEVICE_WITHDRAW: &str = "/staff/licence-devices/withdraw";
/// The network's configuration in force (GET) and a new one applied (POST).
pub const ADMIN_CONFIGURATION: &str = "/admin/configuration";
/// What applying a configuration would do.
pub const ADMIN_CONFIGURATION_PREVIEW: &str = "/admin/configuration/preview";
/// The staff accounts (GET) and a new one (POST).
pub const ADMIN_STAFF: &str = "/admin/staff";
/// One staff account's role, directorate and whether it is active.
pub const ADMIN_STAFF_ACCOUNT: &str = "/admin/staff/{id}";
/// A new one-time password for a staff account.
pub const ADMIN_STAFF_RESET: &str = "/admin/staff/{id}/reset-password";
/// This instance's DL1 credentials (GET) and a trust list published (PUT).
pub const ADMIN_TRUST_LIST: &str = "/admin/trust-list";
/// The audit trail, for supervisors (their directorate) and the administrator (all).
pub const STAFF_AUDIT: &str = "/staff/audit";
/// The licence registry's citizen records.
pub const REGISTRY_RECORDS: &str = "/registry/records";
/// What happened at the counters, for the registry to pull.
pub const REGISTRY_OUTCOMES: &str = "/registry/outcomes";
/// The services.
pub const SERVICES: &str = "/services";
/// The desk records that the citizen came.
pub const STAFF_ATTENDED: &str = "/staff/appointments/{reference}/attended";
/// The desk records a no-show.
pub const STAFF_NO_SHOW: &str = "/staff/appointments/{reference}/no-show";
/// Calling a called ticket again.
pub const STAFF_RECALL: &str = "/staff/appointments/{reference}/recall";
/// A ticket for a walk-in (a citizen without an appointment).
pub const STAFF_WALK_INS: &str = "/staff/walk-ins";
/// Calling one of today's tickets again, by its label.
pub const STAFF_TICKET_RECALL: &str = "/staff/tickets/{ticket}/recall";
/// Moving one of today's tickets to an area's queue.
pub const STAFF_TICKET_TRANSFER: &str = "/staff/tickets/{ticket}/transfer";
/// Giving one of today's tickets priority, or taking it away.
pub const STAFF_TICKET_PRIORITY: &str = "/staff/tickets/{ticket}/priority";
/// One of today's tickets served.
pub const STAFF_TICKET_SERVED: &str = "/staff/tickets/{ticket}/served";
/// One of today's tickets not come.
pub const STAFF_TICKET_NO_SHOW: &str = "/staff/tickets/{ticket}/no-show";
/// Record a test's result (passed or failed) on its appointment.
pub const STAFF_TEST_RESULT: &str = "/staff/appointments/{reference}/test-result";
/// Calling the next ticket.
pub const STAFF_CALL_NEXT: &str = "/staff/call-next";
/// A day's places.
pub const STAFF_CAPACITY: &str = "/staff/capacity";
/// The directorate's closures (GET) and a new one (POST).
pub const STAFF_CLOSURES: &str = "/staff/closures";
/// How many appointments a closure would cancel.
pub const STAFF_CLOSURE_PREVIEW: &str = "/staff/closures/preview";
/// Lifting a closure.
pub const STAFF_CLOSURE_LIFT: &str = "/staff/closures/{id}/lift";
/// The desk's day.
pub const STAFF_DAY: &str = "/staff/day";
/// The directorate's day at a glance (supervisors).
pub const STAFF_FIGURES: &str = "/staff/figures";
/// The directorate's kiosks (GET) and a new one (POST).
pub const STAFF_KIOSKS: &str = "/staff/kiosks";
/// Revoking a kiosk.
pub const STAFF_KIOSK_REVOKE: &str = "/staff/kiosks/{id}/revoke";
/// The signed-in account chooses a new password.
pub const STAFF_PASSWORD: &str = "/staff/password";
/// The signed-in account begins setting up its second factor.
pub const STAFF_SECOND_FACTOR: &str = "/staff/second-factor";
/// The signed-in account confirms its second factor with a code.
pub const STAFF_SECOND_FACTOR_CONFIRM: &str = "/staff/second-factor/confirm";
/// Who is signed in at the desk.
pub const STAFF_ME: &str = "/staff/me";
/// Staff sign-in.
pub const STAFF_SIGN_IN: &str = "/staff/sign-in";
/// Staff sign-out.
pub const STAFF_SIGN_OUT: &str = "/staff/sign-out";
/// An extra slot.
pub const STAFF_SLOTS: &str = "/staff/slots";
/// The citizen's waitlist entries (GET) and joining it (POST).
pub const WAITLIST: &str = "/waitlist";
/// Leaving the waitlist.
pub const WAITLIST_LEAVE: &str = "/waitlist/{id}/leave";
/// Declining the place held for the citizen.
pub const WAITLIST_DECLINE: &str = "/waitlist/{id}/decline";
/// Taking the place held for the citizen.
pub const WAITLIST_ACCEPT: &str = "/waitlist/{id}/accept";
/// Waiting for an earlier place of a booking.
pub const APPOINTMENT_EARLIER: &str = "/appointments/{reference}/earlier";
/// The officers' trust anchor.
pub const TRUST_ANCHOR: &str = "/trust-anchor";
/// The signed list of signing keys.
pub const TRUST_LIST: &str = "/trust-list";

/// Every operation the server offers: (method, path template), as the OpenAPI description
/// lists them.
pub const OPERATIONS: &[(&str, &str)] = &[
    ("GET", ADMIN_CONFIGURATION),
    ("POST", ADMIN_CONFIGURATION),
    ("POST", ADMIN_CONFIGURATION_PREVIEW),
    ("GET", ADMIN_TRUST_LIST),
    ("PUT", ADMIN_TRUST_LIST),
    ("GET", STAFF_AUDIT),
    ("GET", ADMIN_STAFF),
    ("POST", ADMIN_STAFF),
    ("POST", ADMIN_STAFF_ACCOUNT),
    ("POST", ADMIN_STAFF_RESET),
    ("GET", APPOINTMENTS),
    ("POST", APPOINTMENTS),
    ("GET", APPOINTMENT),
    ("GET", APPOINTMENT_CALENDAR),
    ("GET", APPOINTMENT_TICKET),
    ("POST", APPOINTMENT_CANCEL),
    ("POST", APPOINTMENT_RESCHEDULE),
    ("POST", APPOINTMENT_EARLIER),
    ("POST", AUTH_CODE),
    ("GET", AUTH_SESSION),
    ("PUT", AUTH_LOCALE),
    ("POST", AUTH_SIGN_OUT),
    ("POST", AUTH_VERIFY),
    ("GET", AVAILABILITY_DAYS),
    ("GET", AVAILABILITY_SLOTS),
    ("GET", BOARD),
    ("GET", CLOSURES),
    ("GET", DEV_OUTBOX),
    ("GET", DIRECTORATES),
    ("GET", ELIGIBILITY),
    ("GET", EVENTS),
    ("GET", KIOSK),
    ("POST", KIOSK_CHECK_IN),
    ("GET", LICENCE),
    ("GET", LICENCE_TOKEN),
    ("POST", LICENCE_CREDENTIAL),
    ("GET", LICENCE_DEVICES),
    ("POST", LICENCE_DEVICE_WITHDRAW),
    ("POST", STAFF_LICENCE_DEVICES),
    ("POST", STAFF_LICENCE_DEVICE_WITHDRAW),
    ("GET", REGISTRY_OUTCOMES),
    ("POST", REGISTRY_RECORDS),
    ("GET", SERVICES),
    ("GET", TICKET),
    ("POST", STAFF_ATTENDED),
    ("POST", STAFF_NO_SHOW),
    ("POST", STAFF_RECALL),
    ("POST", STAFF_WALK_INS),
    ("POST", STAFF_TICKET_RECALL),
    ("POST", STAFF_TICKET_TRANSFER),
    ("POST", STAFF_TICKET_PRIORITY),
    ("POST", STAFF_TICKET_SERVED),
    ("POST", STAFF_TICKET_NO_SHOW),
    ("POST", STAFF_TEST_RESULT),
    ("POST", STAFF_CALL_NEXT),
    ("POST", STAFF_CAPACITY),
    ("GET", STAFF_CLOSURES),
    ("POST", STAFF_CLOSURES),
    ("GET", STAFF_CLOSURE_PREVIEW),
    ("POST", STAFF_CLOSURE_LIFT),
    ("GET", STAFF_DAY),
    ("GET", STAFF_FIGURES),
    ("GET", STAFF_KIOSKS),
    ("POST", STAFF_KIOSKS),
    ("POST", STAFF_KIOSK_REVOKE),
    ("GET", STAFF_ME),
    ("POST", STAFF_PASSWORD),
    ("POST", STAFF_SECOND_FACTOR),
    ("POST", STAFF_SECOND_FACTOR_CONFIRM),
    ("POST", STAFF_SIGN_IN),
    ("POST", STAFF_SIGN_OUT),
    ("POST", STAFF_SLOTS),
    ("GET", TRUST_ANCHOR),
    ("GET", TRUST_LIST),
    ("GET", WAITLIST),
    ("POST", WAITLIST),
    ("POST", WAITLIST_LEAVE),
    ("POST", WAITLIST_DECLINE),
    ("POST", WAITLIST_ACCEPT),
];

/// A template with its one parameter filled in: `fill(APPOINTMENT, "RG-…")`.
/// The days of a service at a directorate with their free places, as the day page asks for them.
pub fn availability_days(directorate: &str, service: crate::service::ServiceKind) -> String {
    format!(
        "{AVAILABILITY_DAYS}?directorate={directorate}&service={}",
        service.code()
    )
}

/// The API answer a citizen page asks for first (issue 20: the data travels with the app): for
/// the page at `path` with its query parameters (`query` looks one up by name), the path the app
/// will `GET`, so the server can have the browser fetch it while the app downloads. `None` for a
/// page that asks nothing first, or whose answers in the address are not clean.
pub fn first_answer(path: &str, query: impl Fn(&str) -> Option<String>) -> Option<String> {
    match path.strip_suffix('/').unwrap_or(path) {
        crate::paths::LICENCE => Some(LICENCE.to_owned()),
        crate::paths::APPOINTMENTS => Some(APPOINTMENTS.to_owned()),
        crate::paths::BOOK_DAY => {
            let directorate = query("directorate").filter(|d| {
                (1..=40).contains(&d.len())
                    && d.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })?;
            let service = crate::service::ServiceKind::from_code(&query("service")?)?;
            Some(availability_days(&directorate, service))
        }
        _ => None,
    }
}

pub fn fill(template: &str, value: impl std::fmt::Display) -> String {
    match (template.find('{'), template.find('}')) {
        (Some(open), Some(close)) if open < close => {
            format!("{}{value}{}", &template[..open], &template[close + 1..])
        }
        _ => template.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_names_the_answer_it_asks_for_first() {
        let none = |_: &str| None;
        assert_eq!(first_answer("/licence", none).as_deref(), Some("/licence"));
        assert_eq!(
            first_answer("/appointments/", none).as_deref(),
            Some("/appointments")
        );
        assert_eq!(first_answer("/", none), None);
        let day = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(
            first_answer(
                "/book/day",
                day(&[("service", "renewal"), ("directorate", "erbil")])
            )
            .as_deref(),
            Some("/availability/days?directorate=erbil&service=renewal")
        );
        for bad in [
            &[("service", "renewal")][..],
            &[("service", "flying"), ("directorate", "erbil")],
            &[("service", "renewal"), ("directorate", "erbil%3E")],
            &[("service", "renewal"), ("directorate", "<x>")],
        ] {
            assert_eq!(first_answer("/book/day", day(bad)), None, "{bad:?}");
        }
    }

    #[test]
    fn a_template_is_filled_with_its_parameter() {
        assert_eq!(
            fill(APPOINTMENT, "RG-7K3M-Q9P2"),
            "/appointments/RG-7K3M-Q9P2"
        );
        assert_eq!(fill(STAFF_CLOSURE_LIFT, 12), "/staff/closures/12/lift");
        assert_eq!(fill(STAFF_DAY, 1), "/staff/day");
    }

    #[test]
    fn every_operation_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for operation in OPERATIONS {
            assert!(seen.insert(operation), "{operation:?} twice");
        }
    }
}
