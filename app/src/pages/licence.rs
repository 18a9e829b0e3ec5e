//! My licence: the card and the DL1 QR code (SPEC §3.4).

use leptos::prelude::*;

use crate::components::page_heading::PageHeading;

/// My licence: the card and the DL1 QR code (SPEC §3.4).
#[component]
pub fn Licence() -> impl IntoView {
    view! { <PageHeading title=|m| m.licence_title intro=|m| m.licence_intro/> }
}
