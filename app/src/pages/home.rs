//! The start page: what Rega does, and the way into each journey.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page_heading::PageHeading;
use crate::i18n::{Messages, use_i18n};

/// A card leading into one journey.
#[component]
fn JourneyCard(
    /// Where the card leads.
    href: &'static str,
    /// Picks the card's heading.
    heading: fn(&'static Messages) -> &'static str,
    /// Picks the card's one-line description.
    text: fn(&'static Messages) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <li class="rg-card">
            <h2 class="rg-card__title">
                <A href=href attr:class="rg-card__link">{move || heading(i18n.t())}</A>
            </h2>
            <p class="rg-card__text">{move || text(i18n.t())}</p>
        </li>
    }
}

/// The start page.
#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageHeading title=|m| m.home_title intro=|m| m.home_intro/>
        <ul class="rg-card-list">
            <JourneyCard href="/book" heading=|m| m.home_book_heading text=|m| m.home_book_text/>
            <JourneyCard href="/licence" heading=|m| m.home_licence_heading text=|m| m.home_licence_text/>
        </ul>
        <h2 class="rg-heading-m">{move || i18n.t().home_directorate_heading}</h2>
        <ul class="rg-link-list">
            <li><A href="/kiosk" attr:class="rg-link">{move || i18n.t().kiosk_title}</A></li>
            <li><A href="/verify" attr:class="rg-link">{move || i18n.t().verify_title}</A></li>
            <li><A href="/desk" attr:class="rg-link">{move || i18n.t().desk_title}</A></li>
            <li><A href="/board" attr:class="rg-link">{move || i18n.t().board_title}</A></li>
        </ul>
    }
}
