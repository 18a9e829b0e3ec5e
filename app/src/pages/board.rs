//! The waiting-hall board of tickets being called (SPEC §3.7).

use leptos::prelude::*;

use crate::components::page_heading::PageHeading;

/// The waiting-hall board of tickets being called (SPEC §3.7).
#[component]
pub fn Board() -> impl IntoView {
    view! { <PageHeading title=|m| m.board_title intro=|m| m.board_intro/> }
}
