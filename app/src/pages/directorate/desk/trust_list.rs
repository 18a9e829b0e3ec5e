//! The administrator's trust list room: whether this server signs licence codes and with which
//! key, the list in force (its keys, when it expires), and publishing the next list — the text
//! `rega trust-list sign` wrote on the anchor's offline machine, pasted as it is.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::admin::TrustListStatus;
use rega_api::endpoints;
use rega_api::time::LocalDateTime;

use super::form::failure;
use crate::api::{self, ApiError};
use crate::i18n::format::date_time;
use crate::i18n::{DirectorateMessages, directorate, fill, use_i18n};

fn status_name(d: &'static DirectorateMessages, status: &str) -> &'static str {
    match status {
        "active" => d.trust_status_active,
        "retired" => d.trust_status_retired,
        _ => d.trust_status_revoked,
    }
}

/// The trust list room.
#[component]
pub(super) fn TrustList() -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (status, set_status) = signal(None::<Result<TrustListStatus, ApiError>>);
    let (text, set_text) = signal(String::new());
    let (published, set_published) = signal(None::<Result<(), ApiError>>);
    spawn_local(async move {
        let answer = api::get::<TrustListStatus>(endpoints::ADMIN_TRUST_LIST).await;
        let _ = set_status.try_set(Some(answer));
    });
    let publish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let jws = text.get_untracked();
        spawn_local(async move {
            match api::put_text::<TrustListStatus>(endpoints::ADMIN_TRUST_LIST, jws).await {
                Ok(now) => {
                    set_text.set(String::new());
                    set_status.set(Some(Ok(now)));
                    set_published.set(Some(Ok(())));
                }
                Err(e) => set_published.set(Some(Err(e))),
            }
        });
    };
    view! {
        <h2 class="rg-heading-m" id="trust-title">{move || d().trust_title}</h2>
        <p class="rg-body">{move || d().trust_intro}</p>
        {move || match status.get() {
            None => crate::components::status::loading(i18n),
            Some(Err(e)) => view! { <p class="rg-error-message" role="alert">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            Some(Ok(s)) => {
                let (d, locale) = (d(), i18n.locale());
                let when = move |at: i64| date_time(locale, LocalDateTime::from_unix(at));
                view! {
                    <div class="rg-panel rg-panel--plain" id="trust-state">
                        <p class="rg-body">{match &s.signing_kid {
                            Some(kid) => view! { {d.trust_signing}" "<bdi dir="ltr">{kid.clone()}</bdi> }.into_any(),
                            None => view! { {d.trust_not_signing} }.into_any(),
                        }}</p>
                        {s.attention.clone().map(|why| view! { <p class="rg-body" dir="ltr">{why}</p> })}
                        {s.signed_at.zip(s.expires_at).map(|(signed, expires)| view! {
                            <p class="rg-body">{fill(d.trust_dates, &[("signed", &when(signed)), ("expires", &when(expires))])}</p>
                        })}
                    </div>
                    <div class="rg-table-wrap" tabindex="0" role="region" aria-labelledby="trust-title">
                    <table class="rg-table" id="trust-keys">
                        <thead><tr>
                            <th scope="col">{d.trust_col_kid}</th>
                            <th scope="col">{d.trust_col_status}</th>
                            <th scope="col">{d.trust_col_from}</th>
                            <th scope="col">{d.trust_col_until}</th>
                            <th scope="col">{d.trust_col_here}</th>
                        </tr></thead>
                        <tbody>
                            {s.keys.into_iter().map(|k| view! {
                                <tr>
                                    <td><bdi dir="ltr">{k.kid}</bdi></td>
                                    <td>{status_name(d, &k.status)}</td>
                                    <td>{when(k.not_before)}</td>
                                    <td>{when(k.not_after)}</td>
                                    <td>{if k.held_here { d.trust_here_yes } else { "" }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }
        }}
        <form class="rg-form rg-form--wide" on:submit=publish novalidate=true>
            <div class="rg-form-group">
                <label class="rg-label" for="trust-jws">{move || d().trust_paste}</label>
                <p class="rg-hint" id="trust-jws-hint">{move || d().trust_paste_hint}</p>
                <textarea class="rg-input rg-textarea" id="trust-jws" rows="4" dir="ltr" spellcheck="false"
                    aria-describedby="trust-jws-hint" prop:value=text
                    on:input=move |ev| set_text.set(event_target_value(&ev))></textarea>
            </div>
            <button class="rg-button rg-button--secondary" type="submit">{move || d().trust_publish}</button>
        </form>
        <div role="status">
            {move || published.get().map(|r| match r {
                Ok(()) => view! { <p class="rg-body">{d().trust_published}</p> }.into_any(),
                Err(e) => view! { <p class="rg-error-message">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            })}
        </div>
    }
}
