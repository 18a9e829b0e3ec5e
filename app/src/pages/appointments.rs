//! My appointments: upcoming and past, reschedule and cancel (SPEC §3.3).

use leptos::prelude::*;

use crate::components::page_heading::PageHeading;

/// My appointments: upcoming and past, reschedule and cancel (SPEC §3.3).
#[component]
pub fn Appointments() -> impl IntoView {
    view! { <PageHeading title=|m| m.appointments_title intro=|m| m.appointments_intro/> }
}
