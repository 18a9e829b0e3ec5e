//! The pages, in two wings — `citizen` (the citizen app) and `directorate` (the kiosk, the
//! verifier, the desk and the board) — and [`Screen`] and [`DirectorateScreen`], which pick the
//! page for an address. No page uses another page: what two pages share lives in `components`,
//! `i18n` or `journey`.
//!
//! The router only tracks the address; [`route`] maps it to a page. `<Routes>` with a route per
//! page compiles the router's matching and view code once per page, which made the WebAssembly
//! tens of kilobytes larger (SPEC §8's first-load budget).

pub mod citizen;
pub mod directorate;
pub mod not_found;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use rega_api::paths;

use self::citizen::{appointment, appointments, book, home, licence, sign_in, ticket};
use self::directorate::{board, desk};

/// The page an address shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// `/`
    Home,
    /// `/sign-in`
    SignIn,
    /// `/book`: which service.
    BookService,
    /// `/book/directorate`
    BookDirectorate,
    /// `/book/day`
    BookDay,
    /// `/book/time`
    BookTime,
    /// `/book/check`
    BookCheck,
    /// `/appointments`
    Appointments,
    /// `/appointments/{reference}`
    Appointment(String),
    /// `/appointments/{reference}/cancel`
    Cancel(String),
    /// `/licence`
    Licence,
    /// `/ticket`
    Ticket,
    /// `/kiosk`
    Kiosk,
    /// `/verify`
    Verify,
    /// `/desk`
    Desk,
    /// `/board`
    Board,
    /// `/admin`
    Admin,
    /// Anything else.
    NotFound,
}

/// The page for a path (without query). A trailing slash is ignored.
pub fn route(path: &str) -> Page {
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    let reference = |r: &str| {
        let ok = !r.is_empty()
            && r.len() <= 40
            && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        ok.then(|| r.to_owned())
    };
    match path {
        paths::HOME => Page::Home,
        paths::SIGN_IN => Page::SignIn,
        paths::BOOK => Page::BookService,
        paths::BOOK_DIRECTORATE => Page::BookDirectorate,
        paths::BOOK_DAY => Page::BookDay,
        paths::BOOK_TIME => Page::BookTime,
        paths::BOOK_CHECK => Page::BookCheck,
        paths::APPOINTMENTS => Page::Appointments,
        paths::LICENCE => Page::Licence,
        paths::TICKET => Page::Ticket,
        paths::KIOSK => Page::Kiosk,
        paths::VERIFY => Page::Verify,
        paths::DESK => Page::Desk,
        paths::BOARD => Page::Board,
        paths::ADMIN => Page::Admin,
        _ => {
            let inner = path
                .strip_prefix(paths::APPOINTMENTS)
                .and_then(|rest| rest.strip_prefix('/'));
            match inner.map(|rest| rest.split_once('/').unwrap_or((rest, ""))) {
                Some((r, "")) => reference(r).map_or(Page::NotFound, Page::Appointment),
                Some((r, "cancel")) => reference(r).map_or(Page::NotFound, Page::Cancel),
                _ => Page::NotFound,
            }
        }
    }
}

/// Set once the app has shown a second page: from then on, pages come from links.
static FIRST_PAGE_SEEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Tells the router a followed link's page is shown: the address bar changes only then
/// (`<Routes>` would do this); pages render synchronously, so at once.
fn complete_navigations(location: leptos_router::location::Location) {
    let browser = use_context::<leptos_router::location::BrowserUrl>();
    Effect::new(move |previous: Option<()>| {
        location.pathname.track();
        if previous.is_some() {
            FIRST_PAGE_SEEN.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        if let Some(browser) = &browser {
            leptos_router::location::LocationProvider::ready_to_complete(browser);
        }
    });
}

/// The citizen page of the current address (`index.html`).
#[component]
pub fn Screen() -> impl IntoView {
    let location = use_location();
    let page = Memo::new(move |_| route(&location.pathname.get()));
    complete_navigations(location);
    move || match page.get() {
        Page::Home => home::Home().into_any(),
        Page::SignIn => sign_in::SignIn().into_any(),
        Page::BookService => book::service::ServicePage().into_any(),
        Page::BookDirectorate => book::directorate::DirectoratePage().into_any(),
        Page::BookDay => book::day::DayPage().into_any(),
        Page::BookTime => book::time::TimePage().into_any(),
        Page::BookCheck => book::check::CheckPage().into_any(),
        Page::Appointments => appointments::Appointments().into_any(),
        Page::Appointment(reference) => {
            view! { <appointment::AppointmentPage reference/> }.into_any()
        }
        Page::Cancel(reference) => view! { <appointment::CancelPage reference/> }.into_any(),
        Page::Licence => licence::Licence().into_any(),
        Page::Ticket => ticket::Ticket().into_any(),
        Page::Kiosk | Page::Verify | Page::Desk | Page::Board | Page::Admin => elsewhere(),
        Page::NotFound => not_found::NotFound().into_any(),
    }
}

/// A page of the other app (citizen or directorate), reached by a link: the browser loads it
/// afresh, and the server answers with that app. If this app was loaded for it in the first
/// place (the server has no such app), it is not found here either.
fn elsewhere() -> AnyView {
    if !FIRST_PAGE_SEEN.load(std::sync::atomic::Ordering::Relaxed) {
        return not_found::NotFound().into_any();
    }
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
    ().into_any()
}

/// The directorate page of the current address (`directorate.html`).
#[component]
pub fn DirectorateScreen() -> impl IntoView {
    let location = use_location();
    let page = Memo::new(move |_| route(&location.pathname.get()));
    complete_navigations(location);
    move || match page.get() {
        Page::Desk => desk::Desk().into_any(),
        Page::Admin => desk::Admin().into_any(),
        Page::Board => board::Board().into_any(),
        Page::NotFound => not_found::NotFound().into_any(),
        _ => elsewhere(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_shows_its_page() {
        assert_eq!(route("/"), Page::Home);
        assert_eq!(route("/book/"), Page::BookService);
        assert_eq!(route("/book/time"), Page::BookTime);
        assert_eq!(
            route("/appointments/RG-7K3M-Q9P2"),
            Page::Appointment("RG-7K3M-Q9P2".into())
        );
        assert_eq!(
            route("/appointments/RG-7K3M-Q9P2/cancel"),
            Page::Cancel("RG-7K3M-Q9P2".into())
        );
        assert_eq!(route("/appointments/<x>"), Page::NotFound);
        assert_eq!(route("/book/nowhere"), Page::NotFound);
        assert_eq!(route("/licence/extra"), Page::NotFound);
        assert_eq!(route("/appointments/RG-7K3M-Q9P2/other"), Page::NotFound);
        assert_eq!(route("/appointments/"), Page::Appointments);
        assert_eq!(route("/appointmentsX"), Page::NotFound);
        // Every address of the shared list has its page here.
        for path in paths::CITIZEN_PAGES
            .iter()
            .chain(&paths::DIRECTORATE_PAGES)
            .chain(&paths::VERIFIER_PAGES)
            .chain(&paths::KIOSK_PAGES)
        {
            assert_ne!(route(path), Page::NotFound, "{path}");
        }
    }
}
