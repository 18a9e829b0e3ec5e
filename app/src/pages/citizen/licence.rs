//! My licence: the card and the DL1 QR code (SPEC §3.4), the code renewed before it expires.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::endpoints;
use rega_api::licence::{LicenceCard, LicenceStatus, LicenceToken};
use rega_api::time::LocalDateTime;

use crate::api::{self, ApiError};
use crate::components::page_heading::PageHeading;
use crate::components::qr_code::QrImage;
use crate::i18n::format::{date_long, digits, time};
use crate::i18n::names::authority_name;
use crate::i18n::{Messages, fill, use_i18n};

/// A token is renewed this many seconds before it expires.
const RENEW_BEFORE: i64 = 30;

/// Seconds a token has left at `now_ms`.
pub fn seconds_left(token: &LicenceToken, now_ms: f64) -> i64 {
    (token.expires_at - (now_ms / 1000.0).floor() as i64).max(0)
}

/// Whether a token should be renewed at `now_ms`.
pub fn needs_renewal(token: Option<&LicenceToken>, now_ms: f64) -> bool {
    token.is_none_or(|t| seconds_left(t, now_ms) <= RENEW_BEFORE)
}

fn status_text(m: &'static Messages, status: LicenceStatus) -> &'static str {
    match status {
        LicenceStatus::Valid => m.licence_status_valid(),
        LicenceStatus::ExpiringSoon => m.licence_status_expiring_soon(),
        LicenceStatus::Expired => m.licence_status_expired(),
        LicenceStatus::Suspended => m.licence_status_suspended(),
    }
}

/// Where the device keeps the card and the last token, so the licence shows without a network.
use crate::storage::{SAVED_CARD, SAVED_TOKEN};

fn keep<T: serde::Serialize>(key: &str, value: &T) {
    if let Ok(text) = api::encode(value) {
        crate::storage::write(key, Some(&text));
    }
}

fn kept<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    api::parse(&crate::storage::read(key)?)
}

/// The licence page.
#[component]
pub fn Licence() -> impl IntoView {
    let i18n = use_i18n();
    // Asked again when the network comes back.
    let (online_again, set_online_again) = signal(0_u32);
    let handle = window_event_listener(leptos::ev::online, move |_| {
        set_online_again.update(|n| *n += 1)
    });
    on_cleanup(move || handle.remove());
    let card = api::use_get::<LicenceCard>(move || {
        online_again.track();
        Some(endpoints::LICENCE.to_owned())
    });
    let saved_card = kept::<LicenceCard>(SAVED_CARD);
    let (token, set_token) = signal(kept::<LicenceToken>(SAVED_TOKEN));
    let (token_error, set_token_error) = signal(None::<ApiError>);
    let (fetching, set_fetching) = signal(false);
    let (now, set_now) = signal(js_sys::Date::now());
    if let Ok(handle) = set_interval_with_handle(
        move || set_now.set(js_sys::Date::now()),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }

    // The card to show: the server's, or without a network the one kept on this device.
    let shown = move || match card.get() {
        Some(Ok(c)) => Some((c, false)),
        Some(Err(ApiError::Network)) | None => saved_card.clone().map(|c| (c, true)),
        Some(Err(_)) => None,
    };
    Effect::new(move |_| {
        if let Some(Ok(c)) = card.get() {
            keep(SAVED_CARD, &c);
            if c.status == LicenceStatus::Suspended {
                set_token.set(None);
                crate::storage::write(SAVED_TOKEN, None);
            }
        }
    });

    // Renew the token whenever it is missing or about to expire, for a licence that has one;
    // offline this retries every second, so the page recovers by itself.
    Effect::new(move |_| {
        let showable =
            matches!(card.get(), Some(Ok(ref c)) if c.status != LicenceStatus::Suspended);
        if !showable || fetching.get_untracked() || !needs_renewal(token.get().as_ref(), now.get())
        {
            return;
        }
        set_fetching.set(true);
        spawn_local(async move {
            match api::get::<LicenceToken>(endpoints::LICENCE_TOKEN).await {
                Ok(fresh) => {
                    keep(SAVED_TOKEN, &fresh);
                    set_token.set(Some(fresh));
                    set_token_error.set(None);
                }
                // The last token stays on screen; the page says what went wrong.
                Err(error) => set_token_error.set(Some(error)),
            }
            set_fetching.set(false);
        });
    });

    let qr_text = Signal::derive(move || token.get().map(|t| t.token).unwrap_or_default());
    let qr_label = Signal::derive(move || i18n.t().licence_qr_label());

    view! {
        <PageHeading title=|m| m.licence_title() intro=|m| m.licence_intro()/>
        {move || match (shown(), card.get()) {
            (None, None) => crate::components::status::loading(i18n),
            (None, Some(Err(error))) => crate::components::status::failed(i18n, &error),
            (None, Some(Ok(_))) => ().into_any(),
            (Some((c, offline)), _) => {
                let locale = i18n.locale();
                let m = i18n.t();
                let suspended = c.status == LicenceStatus::Suspended;
                view! {
                    {offline.then(|| view! { <p class="rg-notice" role="status">{m.licence_offline()}</p> })}
                    <section class="rg-licence" aria-labelledby="licence-holder">
                        <h2 class="rg-licence__name" id="licence-holder">
                            {format!("{} {}", c.given_name_national, c.family_name_national)}
                            <span class="rg-licence__latin" lang="en" dir="ltr">{format!("{} {}", c.given_name, c.family_name)}</span>
                        </h2>
                        <p class=move || if suspended { "rg-licence__status rg-licence__status--bad" } else { "rg-licence__status" }>
                            {status_text(m, c.status)}
                        </p>
                        <dl class="rg-summary-list">
                            <div><dt>{m.licence_number()}</dt><dd><bdi dir="ltr">{c.document_number.clone()}</bdi></dd></div>
                            <div><dt>{m.licence_birth_date()}</dt><dd>{date_long(locale, c.birth_date)}</dd></div>
                            <div><dt>{m.licence_valid_until()}</dt><dd>{date_long(locale, c.expiry_date)}</dd></div>
                            <div><dt>{m.licence_issued_by()}</dt><dd>{authority_name(m, &c.issuing_authority)}</dd></div>
                        </dl>
                        <h3 class="rg-heading-s">{m.licence_categories()}</h3>
                        <ul class="rg-categories">
                            {c.categories.iter().map(|cat| view! {
                                <li class:rg-categories__expired=cat.expired>
                                    <bdi dir="ltr" class="rg-categories__code">{cat.code.clone()}</bdi>
                                    " — "{m.licence_valid_until()}" "
                                    {date_long(locale, cat.expiry_date)}
                                    {cat.expired.then(|| view! { " — " {m.licence_category_expired()} })}
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                    {if suspended {
                        // Why, as the registry gave it (SPEC §3.4), in its own words and direction.
                        let why = c.suspension_reason.clone().map(|why| view! { <br/><bdi>{why}</bdi> });
                        view! { <p class="rg-notice" role="note">{m.licence_suspended_help()}{why}</p> }.into_any()
                    } else {
                        view! {
                            <section class="rg-licence-qr" aria-live="off">
                                <QrImage text=qr_text label=qr_label/>
                                {move || token.get().map(|t| {
                                    let left = seconds_left(&t, now.get());
                                    let at = LocalDateTime::from_unix(t.issued_at);
                                    let m = i18n.t();
                                    let validity = if left > 0 {
                                        fill(m.licence_qr_valid_for(left as u64), &[("seconds", &digits(i18n.locale(), left as u64))])
                                    } else {
                                        m.licence_qr_expired().to_owned()
                                    };
                                    view! {
                                        <p class="rg-hint" class:rg-error-message=left == 0>{validity}</p>
                                        <p class="rg-hint">{fill(m.licence_last_refreshed(), &[("time", &time(i18n.locale(), at.hour, at.minute))])}</p>
                                    }
                                })}
                                {move || token_error.get().map(|e| view! { <p class="rg-notice" role="alert">{e.message(i18n.t())}</p> })}
                            </section>
                        }.into_any()
                    }}
                }.into_any()
            }
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(expires_at: i64) -> LicenceToken {
        LicenceToken {
            token: "DL1:X".into(),
            issued_at: expires_at - 180,
            expires_at,
        }
    }

    #[test]
    fn a_token_is_renewed_thirty_seconds_before_it_expires() {
        let t = token(1_000);
        assert!(!needs_renewal(Some(&t), 969_000.0));
        assert!(needs_renewal(Some(&t), 970_000.0));
        assert!(needs_renewal(None, 0.0));
        assert_eq!(seconds_left(&t, 999_500.0), 1);
        assert_eq!(seconds_left(&t, 2_000_000.0), 0);
    }
}
