//! What a page shows while its data is on the way, and when it could not be had: one place, so
//! every wait is announced the same way and no failure leaves a blank screen.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::I18n;

/// "Loading…", announced politely.
pub fn loading(i18n: I18n) -> AnyView {
    view! { <p class="rg-body" role="status">{i18n.t().common_loading()}</p> }.into_any()
}

/// Why the data could not be had, announced at once.
pub fn failed(i18n: I18n, error: &ApiError) -> AnyView {
    view! { <p class="rg-body rg-notice" role="alert">{error.message(i18n.t())}</p> }.into_any()
}
