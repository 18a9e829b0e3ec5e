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

/// The directorate app's pages: the staff's screens and the board (a second wasm, served from
/// `directorate.html`).
pub const DIRECTORATE_PAGES: [&str; 3] = [DESK, BOARD, ADMIN];

/// The kiosk's page (a wasm of its own, served from `kiosk.html`).
pub const KIOSK_PAGES: [&str; 1] = [KIOSK];

/// The verifier's page (a third wasm, served from `verifier.html`).
pub const VERIFIER_PAGES: [&str; 1] = [VERIFY];

/// The pages that scan a QR code with the camera; every other page is denied it.
pub const SCANNING_PAGES: [&str; 2] = [KIOSK, VERIFY];
