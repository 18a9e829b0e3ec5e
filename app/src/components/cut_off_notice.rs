//! The notice that an appointment starts too soon to change or cancel online.

use leptos::prelude::*;
use rega_api::appointments::AppointmentView;

use crate::i18n::names::localized;
use crate::i18n::{fill, use_i18n};

/// Why an appointment that is still booked cannot be changed online, and whom to call.
#[component]
pub fn CutOffNotice(
    /// The appointment.
    appointment: AppointmentView,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="rg-notice" role="note">
            {move || {
                let m = i18n.t();
                let place = localized(&appointment.place.name, i18n.locale());
                let text = fill(m.appointment_past_cutoff(), &[("directorate", &place)]);
                view! { {text}" " <bdi dir="ltr"><a class="rg-link" href=format!("tel:{}", appointment.place.phone)>{appointment.place.phone.clone()}</a></bdi> }
            }}
        </p>
    }
}
