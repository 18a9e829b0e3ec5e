//! The directorate kiosk: check-in and the queue ticket (SPEC §3.5).

use leptos::prelude::*;

use crate::components::page_heading::PageHeading;

/// The directorate kiosk: check-in and the queue ticket (SPEC §3.5).
#[component]
pub fn Kiosk() -> impl IntoView {
    view! { <PageHeading title=|m| m.kiosk_title intro=|m| m.kiosk_intro/> }
}
