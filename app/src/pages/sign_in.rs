//! Sign in with the national card number and an SMS code (SPEC §3.1).

use leptos::prelude::*;

use crate::components::page_heading::PageHeading;

/// Sign in with the national card number and an SMS code (SPEC §3.1).
#[component]
pub fn SignIn() -> impl IntoView {
    view! { <PageHeading title=|m| m.sign_in_title intro=|m| m.sign_in_intro/> }
}
