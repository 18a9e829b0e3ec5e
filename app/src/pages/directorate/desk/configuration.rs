//! The administrator's configuration: the document in force, checked before it is applied (its
//! line and field when refused, the appointments it would cancel when it strands any), then
//! applied against the version it was checked with.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::admin::{
    ApplyConfiguration, CheckConfiguration, ConfigurationApplied, ConfigurationDocument,
    ConfigurationPreview,
};
use rega_api::endpoints;

use super::form::failure;
use crate::api::{self, ApiError};
use crate::i18n::format::localize_digits;
use crate::i18n::names::service_name;
use crate::i18n::{directorate, fill, use_i18n};

/// The administrator's configuration document, its check and its application.
#[component]
pub(super) fn Configuration() -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let locale = move || i18n.locale();
    let (version, set_version) = signal(0_i64);
    let (text, set_text) = signal(String::new());
    let (loaded, set_loaded) = signal(None::<Result<(), ApiError>>);
    let (preview, set_preview) = signal(None::<(String, ConfigurationPreview)>);
    let (outcome, set_outcome) = signal(None::<Result<ConfigurationApplied, ApiError>>);
    let load = move || {
        spawn_local(async move {
            match api::get::<ConfigurationDocument>(endpoints::ADMIN_CONFIGURATION).await {
                Ok(doc) => {
                    let _ = set_version.try_set(doc.version);
                    let _ = set_text.try_set(doc.document);
                    let _ = set_loaded.try_set(Some(Ok(())));
                }
                Err(e) => {
                    let _ = set_loaded.try_set(Some(Err(e)));
                }
            }
        });
    };
    load();
    let check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let document = text.get_untracked();
        let body = CheckConfiguration {
            document: document.clone(),
        };
        spawn_local(async move {
            match api::post::<_, ConfigurationPreview>(
                endpoints::ADMIN_CONFIGURATION_PREVIEW,
                &body,
            )
            .await
            {
                Ok(p) => {
                    set_outcome.set(None);
                    set_preview.set(Some((document, p)));
                }
                Err(e) => set_outcome.set(Some(Err(e))),
            }
        });
    };
    let apply = move |_| {
        let Some((document, p)) = preview.get_untracked() else {
            return;
        };
        let body = ApplyConfiguration {
            document,
            expected_version: p.version,
            cancel_stranded: !p.stranded.is_empty(),
        };
        spawn_local(async move {
            let answer =
                api::post::<_, ConfigurationApplied>(endpoints::ADMIN_CONFIGURATION, &body).await;
            set_preview.set(None);
            set_outcome.set(Some(answer));
            load();
        });
    };
    view! {
        <h2 class="rg-heading-m">{move || d().config_title}</h2>
        <p class="rg-body">{move || fill(d().config_intro, &[
            ("version", &localize_digits(locale(), &version.get().to_string())),
        ])}</p>
        {move || match loaded.get() {
            None => Some(crate::components::status::loading(i18n)),
            Some(Err(e)) => Some(view! { <p class="rg-error-message" role="alert">{failure(d(), i18n.t(), &e)}</p> }.into_any()),
            Some(Ok(())) => None,
        }}
        <form class="rg-form" on:submit=check novalidate=true>
            <div class="rg-form-group">
                <label class="rg-label" for="admin-config">{move || d().config_document}</label>
                <textarea class="rg-input rg-textarea" id="admin-config" dir="ltr" rows="24"
                    spellcheck="false" autocapitalize="off" prop:value=text
                    on:input=move |ev| { set_text.set(event_target_value(&ev)); set_preview.set(None); }></textarea>
            </div>
            <button class="rg-button rg-button--secondary" type="submit">{move || d().config_check}</button>
        </form>
        <div role="status">
            {move || outcome.get().map(|o| match o {
                Ok(done) => view! { <p class="rg-panel rg-panel--plain">{fill(d().config_applied, &[
                    ("version", &localize_digits(locale(), &done.version.to_string())),
                    ("count", &localize_digits(locale(), &done.cancelled.to_string())),
                ])}</p> }.into_any(),
                Err(e) => view! { <p class="rg-error-message">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            })}
            {move || preview.get().map(|(_, p)| {
                let (d, m) = (d(), i18n.t());
                if let Some(e) = p.error {
                    return view! {
                        <div class="rg-error-summary">
                            <p class="rg-body">{fill(d.config_refused, &[
                                ("line", &localize_digits(locale(), &e.line.to_string())),
                            ])}</p>
                            <p class="rg-body"><bdi dir="ltr"><code>{e.field}</code>": "{e.message}</bdi></p>
                        </div>
                    }.into_any();
                }
                if p.unchanged {
                    return view! { <p class="rg-body">{d.config_unchanged}</p> }.into_any();
                }
                let count = p.stranded.len();
                let summary = fill(d.config_ready, &[
                    ("closing", &localize_digits(locale(), &p.closing_slots.to_string())),
                    ("places", &localize_digits(locale(), &p.changed_places.to_string())),
                ]);
                let button = if count == 0 {
                    d.config_apply.to_owned()
                } else {
                    fill(d.config_apply_cancelling(count as u64), &[("count", &localize_digits(locale(), &count.to_string()))])
                };
                view! {
                    <p class="rg-body">{summary}</p>
                    {(count > 0).then(|| view! {
                        <p class="rg-body">{d.config_stranded}</p>
                        <ul class="rg-list">
                            {p.stranded.into_iter().map(|a| view! {
                                <li><bdi dir="ltr">{a.reference}</bdi>" – "{a.directorate}" – "
                                    {service_name(m, a.service)}" – "
                                    <bdi dir="ltr">{format!("{} {}", a.date, a.time)}</bdi></li>
                            }).collect_view()}
                        </ul>
                    })}
                    <button type="button" class="rg-button" on:click=apply>{button}</button>
                }.into_any()
            })}
        </div>
    }
}
