//! Verify a licence QR code offline (SPEC §3.6).

use leptos::prelude::*;

use crate::components::page_heading::PageHeading;

/// Verify a licence QR code offline (SPEC §3.6).
#[component]
pub fn Verify() -> impl IntoView {
    view! { <PageHeading title=|m| m.verify_title intro=|m| m.verify_intro/> }
}
