//! Moving between pages: within the app that is loaded (the router, no new document) or to a
//! page of another app — another wing of the citizen app (`rega_api::paths::app_html`), the
//! directorate's — which the browser loads afresh.

use std::sync::atomic::{AtomicBool, Ordering};

use leptos_router::NavigateOptions;
use rega_api::paths;
use wasm_bindgen::JsCast;

/// Set when the browser is asked to load another app's page: the router must then not write
/// that address into this page's history.
static LEAVING: AtomicBool = AtomicBool::new(false);

/// Whether this page is on its way to another app's.
pub fn leaving() -> bool {
    LEAVING.load(Ordering::Relaxed)
}

/// The HTML this page was loaded from, by the address it was loaded for.
fn loaded_html() -> &'static str {
    thread_local! {
        static LOADED: std::cell::OnceCell<&'static str> = const { std::cell::OnceCell::new() };
    }
    LOADED.with(|loaded| {
        *loaded.get_or_init(|| {
            let path = web_sys::window()
                .and_then(|w| w.location().pathname().ok())
                .unwrap_or_default();
            paths::app_html(&path)
        })
    })
}

/// Notes the app the page was loaded as; called once at start, before any navigation.
pub fn remember_loaded_app() {
    let _ = loaded_html();
}

/// Whether `to` (a path with an optional query) is a page of the app that is loaded.
pub fn is_here(to: &str) -> bool {
    let path = to.split(['?', '#']).next().unwrap_or(to);
    paths::app_html(path) == loaded_html()
}

/// Loads `to`, a page of another app: a new entry in the history, or in place of this one.
pub fn leave(to: &str, replace: bool) {
    LEAVING.store(true, Ordering::Relaxed);
    let Some(window) = web_sys::window() else {
        return;
    };
    // Brought back from the back-forward cache, this page would show what it was leaving:
    // load it again instead.
    let reload = wasm_bindgen::closure::Closure::once_into_js(|| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    let _ = window.add_event_listener_with_callback("pageshow", reload.unchecked_ref());
    let location = window.location();
    let _ = if replace {
        location.replace(to)
    } else {
        location.assign(to)
    };
}

/// The router's `navigate`, which leaves for a page of another app instead of routing to it.
pub fn use_go() -> impl Fn(&str, NavigateOptions) + Clone + 'static {
    let navigate = leptos_router::hooks::use_navigate();
    move |to: &str, options: NavigateOptions| {
        if is_here(to) {
            navigate(to, options);
        } else {
            leave(to, options.replace);
        }
    }
}

/// Where a link to a page that needs a signed-in citizen leads: the page itself, or, for a
/// device with no sign-in, sign-in first and then the page, so no app is loaded only to send
/// the citizen on to sign-in.
pub fn signed_in_href(path: &'static str, signed_in: bool) -> String {
    if signed_in {
        path.to_owned()
    } else {
        crate::api::sign_in_href(path)
    }
}
