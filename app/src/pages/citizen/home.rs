//! The start page: what Rega does, and the way into each journey.

use leptos::prelude::*;
use rega_api::paths;

use crate::components::page_heading::PageHeading;
use crate::i18n::{Messages, use_i18n};

/// A card leading into one journey.
#[component]
fn JourneyCard(
    /// Where the card leads (through sign-in for a device with none).
    href: &'static str,
    /// Picks the card's heading.
    heading: fn(&'static Messages) -> &'static str,
    /// Picks the card's one-line description.
    text: fn(&'static Messages) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = crate::components::session::use_session();
    view! {
        <li class="rg-card">
            <h2 class="rg-card__title">
                <a href=move || crate::navigation::signed_in_href(href, session.signed_in()) class="rg-card__link">
                    {move || heading(i18n.t())}
                </a>
            </h2>
            <p class="rg-card__text">{move || text(i18n.t())}</p>
        </li>
    }
}

/// The start page.
#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    view! {
        {move || query.get().get("signed-out").map(|_| view! {
            <p class="rg-notice" role="status">{i18n.t().home_signed_out()}</p>
        })}
        <PageHeading title=|m| m.home_title() intro=|m| m.home_intro()/>
        <ul class="rg-card-list">
            <JourneyCard href=paths::BOOK heading=|m| m.home_book_heading() text=|m| m.home_book_text()/>
            <JourneyCard href=paths::LICENCE heading=|m| m.home_licence_heading() text=|m| m.home_licence_text()/>
        </ul>
        <h2 class="rg-heading-m">{move || i18n.t().home_directorate_heading()}</h2>
        // The directorate screens are another app (directorate.html): a full page load.
        <ul class="rg-link-list">
            <li><a href=paths::KIOSK class="rg-link" rel="external">{move || i18n.t().kiosk_title()}</a></li>
            <li><a href=paths::VERIFY class="rg-link" rel="external">{move || i18n.t().verify_title()}</a></li>
            <li><a href=paths::DESK class="rg-link" rel="external">{move || i18n.t().desk_title()}</a></li>
            <li><a href=paths::BOARD class="rg-link" rel="external">{move || i18n.t().board_title()}</a></li>
        </ul>
    }
}
