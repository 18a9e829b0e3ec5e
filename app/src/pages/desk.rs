//! The directorate desk for staff (SPEC §3.7).

use leptos::prelude::*;

use crate::components::page_heading::PageHeading;

/// The directorate desk for staff (SPEC §3.7).
#[component]
pub fn Desk() -> impl IntoView {
    view! { <PageHeading title=|m| m.desk_title intro=|m| m.desk_intro/> }
}
