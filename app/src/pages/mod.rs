//! The pages, in two wings — `citizen` (the citizen app) and `directorate` (the kiosk, the
//! verifier, the desk and the board) — and a screen per app ([`Screen`], [`BookScreen`],
//! [`AppointmentsScreen`], [`TicketScreen`], [`LicenceScreen`], [`DirectorateScreen`]), which picks the page for
//! an address among that app's own. No page uses another page: what two pages share lives in `components`,
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

/// Tells the router a followed link's page is shown: the address bar changes only then
/// (`<Routes>` would do this); pages render synchronously, so at once.
fn complete_navigations(location: leptos_router::location::Location) {
    let browser = use_context::<leptos_router::location::BrowserUrl>();
    Effect::new(move |_| {
        location.pathname.track();
        // Another app's page is loading: the address is the browser's to change.
        if crate::navigation::leaving() {
            return;
        }
        if let Some(browser) = &browser {
            leptos_router::location::LocationProvider::ready_to_complete(browser);
        }
    });
}

/// The page of the current address that `pick` shows, or, for a page of another app (another
/// wing of the citizen app, the directorate's), that app, loaded afresh. Each app's entry point
/// names only its own pages, so its wasm holds only their code.
fn screen(pick: fn(&Page) -> Option<AnyView>) -> impl IntoView {
    let location = use_location();
    let (pathname, search) = (location.pathname, location.search);
    let page = Memo::new(move |_| route(&pathname.get()));
    complete_navigations(location);
    move || match page.get() {
        Page::NotFound => not_found::NotFound().into_any(),
        page => pick(&page).unwrap_or_else(|| {
            let path = pathname.get_untracked();
            if crate::navigation::is_here(&path) {
                // The server answers it with this app, which has no such page.
                return not_found::NotFound().into_any();
            }
            elsewhere(&path, &search.get_untracked())
        }),
    }
}

/// The start page and sign-in (`index.html`, the citizen app's first wing).
#[component]
pub fn Screen() -> impl IntoView {
    screen(|page| match page {
        Page::Home => Some(home::Home().into_any()),
        Page::SignIn => Some(sign_in::SignIn().into_any()),
        _ => None,
    })
}

/// The booking's pages (`book.html`).
#[component]
pub fn BookScreen() -> impl IntoView {
    screen(|page| match page {
        Page::BookService => Some(book::service::ServicePage().into_any()),
        Page::BookDirectorate => Some(book::directorate::DirectoratePage().into_any()),
        Page::BookDay => Some(book::day::DayPage().into_any()),
        Page::BookTime => Some(book::time::TimePage().into_any()),
        Page::BookCheck => Some(book::check::CheckPage().into_any()),
        _ => None,
    })
}

/// My appointments, one appointment, its cancelling (`appointments.html`).
#[component]
pub fn AppointmentsScreen() -> impl IntoView {
    screen(|page| match page {
        Page::Appointments => Some(appointments::Appointments().into_any()),
        Page::Appointment(reference) => {
            let reference = reference.clone();
            Some(view! { <appointment::AppointmentPage reference/> }.into_any())
        }
        Page::Cancel(reference) => {
            let reference = reference.clone();
            Some(view! { <appointment::CancelPage reference/> }.into_any())
        }
        _ => None,
    })
}

/// The ticket (`ticket.html`).
#[component]
pub fn TicketScreen() -> impl IntoView {
    screen(|page| match page {
        Page::Ticket => Some(ticket::Ticket().into_any()),
        _ => None,
    })
}

/// My licence (`licence.html`).
#[component]
pub fn LicenceScreen() -> impl IntoView {
    screen(|page| match page {
        Page::Licence => Some(licence::Licence().into_any()),
        _ => None,
    })
}

/// A page of another app, reached by a link: the browser loads it afresh, and the server
/// answers with that app.
fn elsewhere(path: &str, search: &str) -> AnyView {
    let query = if search.is_empty() { "" } else { "?" };
    crate::navigation::leave(&format!("{path}{query}{search}"), false);
    ().into_any()
}

/// The directorate page of the current address (`directorate.html`).
#[component]
pub fn DirectorateScreen() -> impl IntoView {
    screen(|page| match page {
        Page::Desk => Some(desk::Desk().into_any()),
        Page::Admin => Some(desk::Admin().into_any()),
        Page::Board => Some(board::Board().into_any()),
        _ => None,
    })
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
