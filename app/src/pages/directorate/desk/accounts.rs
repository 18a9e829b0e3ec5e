//! The administrator's staff accounts: the list, a new account with its one-time password (shown
//! once), an account's role and directorate, deactivating or activating it, and a new one-time
//! password.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::admin::{NewStaffAccount, OneTimePassword, StaffAccount, StaffAccountChange};
use rega_api::endpoints;
use rega_api::reference::DirectorateInfo;
use rega_api::staff::StaffRole;

use super::form::{Field, failure};
use crate::api::{self, ApiError};
use crate::i18n::names::localized;
use crate::i18n::{DirectorateMessages, directorate, fill, use_i18n};

/// What the last action left to say.
#[derive(Debug, Clone)]
enum Notice {
    /// A new account or a reset: the one-time password, shown this once.
    Password(OneTimePassword, bool),
    /// An account saved.
    Saved(String),
    /// A refusal or a failure.
    Failed(ApiError),
}

fn role_name(d: &'static DirectorateMessages, role: StaffRole) -> &'static str {
    match role {
        StaffRole::Desk => d.desk_role_desk,
        StaffRole::Supervisor => d.desk_role_supervisor,
        StaffRole::Admin => d.desk_role_admin,
    }
}

/// The directorate an account's form names: none for an administrator.
fn posting(role: StaffRole, directorate: String) -> Option<String> {
    (role != StaffRole::Admin && !directorate.is_empty()).then_some(directorate)
}

/// A select of the roles and one of the directorates, kept in signals.
#[component]
fn RoleAndDirectorate(
    /// The ids' prefix.
    id: &'static str,
    /// The chosen role's code.
    role: RwSignal<String>,
    /// The chosen directorate's id.
    place: RwSignal<String>,
    /// The directorates.
    places: ReadSignal<Vec<DirectorateInfo>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (role_id, place_id) = (format!("{id}-role"), format!("{id}-directorate"));
    view! {
        <div class="rg-form-group">
            <label class="rg-label" for=role_id.clone()>{move || d().admin_col_role}</label>
            <select class="rg-input" id=role_id on:change=move |ev| role.set(event_target_value(&ev))>
                {[StaffRole::Desk, StaffRole::Supervisor, StaffRole::Admin].into_iter().map(|r| view! {
                    <option value=r.code() selected=move || role.get() == r.code()>{move || role_name(d(), r)}</option>
                }).collect_view()}
            </select>
        </div>
        <div class="rg-form-group">
            <label class="rg-label" for=place_id.clone()>{move || d().admin_col_directorate}</label>
            <select class="rg-input" id=place_id on:change=move |ev| place.set(event_target_value(&ev))>
                <option value="" selected=move || place.get().is_empty()>{move || d().admin_no_directorate}</option>
                {move || places.get().into_iter().map(|p| {
                    let id = p.id.clone();
                    let chosen = p.id.clone();
                    view! { <option value=id selected=move || place.get() == chosen>{localized(&p.name, i18n.locale())}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// The administrator's staff accounts.
#[component]
pub(super) fn Accounts() -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (list, set_list) = signal(None::<Result<Vec<StaffAccount>, ApiError>>);
    let (version, set_version) = signal(0_u32);
    let (places, set_places) = signal(Vec::<DirectorateInfo>::new());
    let (notice, set_notice) = signal(None::<Notice>);
    spawn_local(async move {
        if let Ok(all) = api::get::<Vec<DirectorateInfo>>(endpoints::DIRECTORATES).await {
            let _ = set_places.try_set(all);
        }
    });
    Effect::new(move |_| {
        version.track();
        spawn_local(async move {
            let answer = api::get::<Vec<StaffAccount>>(endpoints::ADMIN_STAFF).await;
            let _ = set_list.try_set(Some(answer));
        });
    });
    let place_name = move |id: &Option<String>| {
        id.as_ref().map_or_else(
            || "–".to_owned(),
            |id| {
                places.with(|all| {
                    all.iter()
                        .find(|p| &p.id == id)
                        .map_or_else(|| id.clone(), |p| localized(&p.name, i18n.locale()))
                })
            },
        )
    };
    // A new account.
    let (username, set_username) = signal(String::new());
    let new_role = RwSignal::new(StaffRole::Desk.code().to_owned());
    let new_place = RwSignal::new(String::new());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let role = StaffRole::from_code(&new_role.get_untracked()).unwrap_or(StaffRole::Desk);
        let body = NewStaffAccount {
            username: username.get_untracked().trim().to_owned(),
            role,
            directorate: posting(role, new_place.get_untracked()),
        };
        spawn_local(async move {
            match api::post::<_, OneTimePassword>(endpoints::ADMIN_STAFF, &body).await {
                Ok(created) => {
                    set_username.set(String::new());
                    set_notice.set(Some(Notice::Password(created, true)));
                }
                Err(e) => set_notice.set(Some(Notice::Failed(e))),
            }
            set_version.update(|v| *v += 1);
        });
    };
    // One account's role, directorate and access.
    let save =
        move |account: StaffAccount, role: StaffRole, place: Option<String>, active: bool| {
            let path = endpoints::fill(endpoints::ADMIN_STAFF_ACCOUNT, account.id);
            let body = StaffAccountChange {
                role,
                directorate: posting(role, place.unwrap_or_default()),
                active,
            };
            spawn_local(async move {
                match api::post::<_, StaffAccount>(&path, &body).await {
                    Ok(saved) => set_notice.set(Some(Notice::Saved(saved.username))),
                    Err(e) => set_notice.set(Some(Notice::Failed(e))),
                }
                set_version.update(|v| *v += 1);
            });
        };
    let reset = move |id: i64| {
        let path = endpoints::fill(endpoints::ADMIN_STAFF_RESET, id);
        spawn_local(async move {
            match api::post::<_, OneTimePassword>(&path, &()).await {
                Ok(reset) => set_notice.set(Some(Notice::Password(reset, false))),
                Err(e) => set_notice.set(Some(Notice::Failed(e))),
            }
            set_version.update(|v| *v += 1);
        });
    };
    // The change form: which account, its new role and directorate.
    let (chosen, set_chosen) = signal(String::new());
    let change_role = RwSignal::new(StaffRole::Desk.code().to_owned());
    let change_place = RwSignal::new(String::new());
    let change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found = list.with_untracked(|l| {
            l.as_ref().and_then(|r| r.as_ref().ok()).and_then(|all| {
                all.iter()
                    .find(|a| a.username == chosen.get_untracked())
                    .cloned()
            })
        });
        let Some(account) = found else {
            set_notice.set(Some(Notice::Failed(ApiError::Http {
                status: 404,
                code: Some(rega_api::ErrorCode::NotFound),
            })));
            return;
        };
        let role = StaffRole::from_code(&change_role.get_untracked()).unwrap_or(StaffRole::Desk);
        let active = account.active;
        save(account, role, Some(change_place.get_untracked()), active);
    };
    view! {
        <h2 class="rg-heading-m">{move || d().admin_accounts_title}</h2>
        <div role="status">
            {move || notice.get().map(|n| match n {
                Notice::Password(p, created) => view! {
                    <p class="rg-panel rg-panel--plain">{fill(
                        if created { d().admin_created } else { d().admin_reset_done },
                        &[("username", &p.account.username)],
                    )}" "<bdi dir="ltr" class="rg-code">{p.one_time_password}</bdi></p>
                }.into_any(),
                Notice::Saved(username) => view! {
                    <p class="rg-body">{fill(d().admin_saved, &[("username", &username)])}</p>
                }.into_any(),
                Notice::Failed(e) => view! {
                    <p class="rg-error-message">{failure(d(), i18n.t(), &e)}</p>
                }.into_any(),
            })}
        </div>
        {move || match list.get() {
            None => crate::components::status::loading(i18n),
            Some(Err(e)) => view! { <p class="rg-error-message" role="alert">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            Some(Ok(all)) => {
                let d = d();
                view! {
                    <div class="rg-table-wrap">
                    <table class="rg-table" id="admin-accounts">
                        <thead><tr>
                            <th scope="col">{d.admin_col_username}</th>
                            <th scope="col">{d.admin_col_role}</th>
                            <th scope="col">{d.admin_col_directorate}</th>
                            <th scope="col">{d.admin_col_status}</th>
                            <th scope="col">{d.desk_col_actions}</th>
                        </tr></thead>
                        <tbody>
                            {all.into_iter().map(|a| {
                                let status = match (a.active, a.one_time_password, a.second_factor) {
                                    (false, _, _) => d.admin_inactive,
                                    (true, true, _) => d.admin_one_time,
                                    (true, false, true) => d.admin_second_factor_on,
                                    (true, false, false) => d.admin_active,
                                };
                                let toggle = if a.active { d.admin_deactivate } else { d.admin_activate };
                                let label = |action: &str| fill(d.desk_for_reference, &[("action", action), ("reference", &a.username)]);
                                let (toggle_label, reset_label) = (label(toggle), label(d.admin_reset));
                                let (id, flipped) = (a.id, a.clone());
                                view! {
                                    <tr>
                                        <td><bdi dir="ltr">{a.username.clone()}</bdi></td>
                                        <td>{role_name(d, a.role)}</td>
                                        <td>{place_name(&a.directorate)}</td>
                                        <td>{status}</td>
                                        <td><span class="rg-button-row">
                                            <button type="button" class="rg-button rg-button--small rg-button--secondary"
                                                aria-label=toggle_label on:click=move |_| {
                                                    let a = flipped.clone();
                                                    let (role, place, active) = (a.role, a.directorate.clone(), !a.active);
                                                    save(a, role, place, active);
                                                }>{toggle}</button>
                                            <button type="button" class="rg-button rg-button--small rg-button--secondary"
                                                aria-label=reset_label on:click=move |_| reset(id)>{d.admin_reset}</button>
                                        </span></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }
        }}
        <h3 class="rg-heading-s">{move || d().admin_new_title}</h3>
        <form class="rg-form" on:submit=create novalidate=true>
            <Field id="admin-username" label=|d| d.admin_col_username hint=|d| d.admin_username_hint
                value=username set_value=set_username autocomplete="off"/>
            <RoleAndDirectorate id="admin-new" role=new_role place=new_place places/>
            <button class="rg-button" type="submit">{move || d().admin_create}</button>
        </form>
        <h3 class="rg-heading-s">{move || d().admin_change_title}</h3>
        <form class="rg-form" on:submit=change novalidate=true>
            <Field id="admin-change-username" label=|d| d.admin_col_username value=chosen set_value=set_chosen
                autocomplete="off"/>
            <RoleAndDirectorate id="admin-change" role=change_role place=change_place places/>
            <button class="rg-button rg-button--secondary" type="submit">{move || d().admin_save}</button>
        </form>
    }
}
