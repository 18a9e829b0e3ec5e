//! The appointments kept on the phone (issue 19): My appointments keeps its list each time it
//! loads (never on a shared phone, and forgotten at sign-out), so that without a network the
//! list and each upcoming appointment with its code still show, marked with when they were
//! kept: a kiosk check-in works at a directorate with no data.

use leptos::prelude::*;
use rega_api::appointments::AppointmentList;
use rega_api::time::LocalDateTime;

use crate::i18n::format::date_time;
use crate::i18n::{I18n, fill};
use crate::storage::{KEPT_APPOINTMENTS, KEPT_APPOINTMENTS_AT};

/// Keeps the list as it is now.
pub fn keep_appointments(list: &AppointmentList) {
    crate::storage::keep(KEPT_APPOINTMENTS, list);
    let now = (js_sys::Date::now() / 1000.0) as i64;
    crate::storage::write(KEPT_APPOINTMENTS_AT, Some(&now.to_string()));
}

/// The list this phone kept, and when (Unix seconds).
pub fn kept_appointments() -> Option<(AppointmentList, i64)> {
    let at = crate::storage::read(KEPT_APPOINTMENTS_AT)?.parse().ok()?;
    Some((crate::storage::kept(KEPT_APPOINTMENTS)?, at))
}

/// Without a network: what is shown is as the phone kept it, at that time.
pub fn offline_notice(i18n: I18n, at: i64) -> impl IntoView {
    let text = fill(
        i18n.t().appointments_offline(),
        &[(
            "date",
            &date_time(i18n.locale(), LocalDateTime::from_unix(at)),
        )],
    );
    view! { <p class="rg-notice" role="status" id="appointments-offline">{text}</p> }
}
