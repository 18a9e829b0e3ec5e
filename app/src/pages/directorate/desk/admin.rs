//! The central administrator's screens (`/admin`): the staff accounts, the network's
//! configuration, the trust list and the audit trail, behind the same staff sign-in as the desk.

use leptos::html::H1;
use leptos::prelude::*;
use rega_api::staff::{StaffInfo, StaffRole};

use super::accounts::Accounts;
use super::audit::AuditTrail;
use super::configuration::Configuration;
use super::trust_list::TrustList;
use super::{SignOut, StaffArea, StaffSession};
use crate::i18n::{directorate, fill, use_i18n};

/// `/admin`: sign-in, then the accounts and the configuration.
#[component]
pub fn Admin() -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let heading = NodeRef::<H1>::new();
    Effect::new(move |_| {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&format!("{} – {}", d().admin_title, i18n.t().app_name()));
        }
    });
    view! {
        <h1 class="rg-heading-xl" tabindex="-1" node_ref=heading>{move || d().admin_title}</h1>
        <p class="rg-body rg-body--lead">{move || d().admin_intro}</p>
        <StaffArea room=admin_room/>
    }
}

/// What a signed-in account sees at `/admin`: the administrator's rooms, or for any other role
/// that this page is not theirs.
fn admin_room(info: StaffInfo, session: RwSignal<StaffSession>) -> AnyView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    if info.role != StaffRole::Admin {
        return view! {
            <p class="rg-body" role="alert">{move || d().admin_only}</p>
            <SignOut session/>
        }
        .into_any();
    }
    let username = info.username.clone();
    view! {
        <p class="rg-body">{move || fill(d().admin_signed_in_as, &[("username", &username)])}" "
            <SignOut session/></p>
        <Accounts/>
        <Configuration/>
        <TrustList/>
        <AuditTrail/>
    }
    .into_any()
}
