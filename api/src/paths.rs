//! The addresses of the app's pages, in one place: the app routes by them, the server serves the
//! right app (citizen or directorate) and allows the camera by them, `cargo xtask build` writes
//! the main pages' HTML shells by them, and the tests visit them (the browser tests' page list is
//! checked against them).

/// The start page.
pub const HOME: &str = "/";
/// Sign-in with an SMS code.
pub const SIGN_IN: &str = "/sign-in";
/// The booking journey's first question: which service.
pub const BOOK: &str = "/book";
/// Which directorate.
pub const BOOK_DIRECTORATE: &str = "/book/directorate";
/// Which day.
pub const BOOK_DAY: &str = "/book/day";
/// Which time.
pub const BOOK_TIME: &str = "/book/time";
/// Check the answers.
pub const BOOK_CHECK: &str = "/book/check";
/// My appointments (one is `/appointments/{reference}`, its cancellation `…/cancel`).
pub const APPOINTMENTS: &str = "/appointments";
/// My licence.
pub const LICENCE: &str = "/licence";
/// A queue ticket on the citizen's phone: `?code=` (the kiosk's code) or `?reference=` (signed in).
pub const TICKET: &str = "/ticket";
/// The directorate's check-in kiosk.
pub const KIOSK: &str = "/kiosk";
/// The officers' licence verifier.
pub const VERIFY: &str = "/verify";
/// The staff desk.
pub const DESK: &str = "/desk";
/// The waiting hall's board.
pub const BOARD: &str = "/board";
/// The central administrator's screens.
pub const ADMIN: &str = "/admin";

/// The citizen app's pages with a fixed address, in the order the site lists them.
pub const CITIZEN_PAGES: [&str; 10] = [
    HOME,
    SIGN_IN,
    BOOK,
    BOOK_DIRECTORATE,
    BOOK_DAY,
    BOOK_TIME,
    BOOK_CHECK,
    APPOINTMENTS,
    LICENCE,
    TICKET,
];

/// The citizen app is five wasm "wings", each a first load of its own (issue 20): a citizen's
/// phone downloads the start page's code, not the booking's or the licence's, and the service
/// worker keeps all five for offline use. The start page and sign-in come from `index.html`.
/// The booking's pages (`book.html`, `rega-book`).
pub const BOOK_PAGES: [&str; 5] = [BOOK, BOOK_DIRECTORATE, BOOK_DAY, BOOK_TIME, BOOK_CHECK];

/// My appointments, one appointment and its cancelling (`appointments.html`,
/// `rega-appointments`); `/appointments/{reference}` and `…/cancel` too.
pub const APPOINTMENT_PAGES: [&str; 1] = [APPOINTMENTS];

/// The ticket a citizen follows on their phone, often opened from the kiosk's QR code in the
/// waiting hall (`ticket.html`, `rega-ticket`).
pub const TICKET_PAGES: [&str; 1] = [TICKET];

/// My licence (`licence.html`, `rega-licence`).
pub const LICENCE_PAGES: [&str; 1] = [LICENCE];

/// The citizen app's HTML pages, one per wing.
pub const CITIZEN_HTML: [&str; 5] = [
    "index.html",
    "book.html",
    "appointments.html",
    "ticket.html",
    "licence.html",
];

/// Whether `path` is `page` or an address below it (`/appointments/RG-…` below `/appointments`).
pub fn at_or_under(path: &str, page: &str) -> bool {
    path == page
        || path
            .strip_prefix(page)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The HTML of the app that shows `path` (without query; a trailing slash is ignored):
/// `index.html` for the start page, sign-in and any address no app has.
pub fn app_html(path: &str) -> &'static str {
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    if BOOK_PAGES.contains(&path) {
        "book.html"
    } else if APPOINTMENT_PAGES.contains(&path) || at_or_under(path, APPOINTMENTS) {
        "appointments.html"
    } else if TICKET_PAGES.contains(&path) {
        "ticket.html"
    } else if LICENCE_PAGES.contains(&path) {
        "licence.html"
    } else if DIRECTORATE_PAGES.contains(&path) {
        "directorate.html"
    } else if KIOSK_PAGES.contains(&path) {
        "kiosk.html"
    } else if VERIFIER_PAGES.contains(&path) {
        "verifier.html"
    } else {
        "index.html"
    }
}

/// The directorate app's pages: the staff's screens and the board (a second wasm, served from
/// `directorate.html`).
pub const DIRECTORATE_PAGES: [&str; 3] = [DESK, BOARD, ADMIN];

/// The kiosk's page (a wasm of its own, served from `kiosk.html`).
pub const KIOSK_PAGES: [&str; 1] = [KIOSK];

/// The verifier's page (a third wasm, served from `verifier.html`).
pub const VERIFIER_PAGES: [&str; 1] = [VERIFY];

/// The pages that scan a QR code with the camera; every other page is denied it.
pub const SCANNING_PAGES: [&str; 2] = [KIOSK, VERIFY];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_has_its_app() {
        assert_eq!(app_html(HOME), "index.html");
        assert_eq!(app_html(SIGN_IN), "index.html");
        assert_eq!(app_html("/book/day/"), "book.html");
        assert_eq!(
            app_html("/appointments/RG-7K3M-Q9P2/cancel"),
            "appointments.html"
        );
        assert_eq!(app_html("/appointmentsX"), "index.html");
        assert_eq!(app_html(TICKET), "ticket.html");
        assert_eq!(app_html(LICENCE), "licence.html");
        assert_eq!(app_html("/verify"), "verifier.html");
        assert_eq!(app_html("/nowhere"), "index.html");
    }
}
