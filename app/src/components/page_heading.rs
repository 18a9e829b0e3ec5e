//! A page's heading: sets the document title and description, and takes focus after in-app navigation so screen
//! readers announce the new page.

use std::sync::atomic::{AtomicBool, Ordering};

use leptos::html::H1;
use leptos::prelude::*;

use crate::i18n::{Messages, use_i18n};

/// Whether a page has been shown before: the first page after load keeps the browser's own
/// focus, later ones move focus to their heading.
static SHOWN_BEFORE: AtomicBool = AtomicBool::new(false);

/// The `<h1>` of a page and its one-sentence introduction.
#[component]
pub fn PageHeading(
    /// Picks the page title from the message table.
    title: fn(&'static Messages) -> &'static str,
    /// Picks the introduction from the message table.
    intro: fn(&'static Messages) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading = NodeRef::<H1>::new();
    Effect::new(move |_| {
        let m = i18n.t();
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&format!("{} – {}", title(m), m.app_name()));
            // The page's description follows it, in the page's language (the shell's is Sorani).
            if let Ok(Some(meta)) = document.query_selector(r#"meta[name="description"]"#) {
                let _ = meta.set_attribute("content", intro(m));
            }
        }
    });
    heading.on_load(|element| {
        if SHOWN_BEFORE.swap(true, Ordering::Relaxed) {
            let _ = element.focus();
        }
    });
    view! {
        <h1 class="rg-heading-xl" tabindex="-1" node_ref=heading>{move || title(i18n.t())}</h1>
        <p class="rg-body rg-body--lead">{move || intro(i18n.t())}</p>
    }
}
