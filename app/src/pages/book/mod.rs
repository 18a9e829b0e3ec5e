//! The booking journey: service, directorate, day, time, check, confirmation (SPEC §3.2).

use leptos::prelude::*;

use crate::components::page_heading::PageHeading;

/// The booking journey: service, directorate, day, time, check, confirmation (SPEC §3.2).
#[component]
pub fn Book() -> impl IntoView {
    view! { <PageHeading title=|m| m.book_title intro=|m| m.book_intro/> }
}
