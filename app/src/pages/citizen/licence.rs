//! My licence: the card and its QR code (SPEC §3.4), renewed before it expires. Where the browser
//! can keep a non-extractable key, the code is a presentation the phone signs itself, offline
//! too, of a credential bound to that key (docs/credential.md, "The bound form"); elsewhere,
//! and on a shared phone, it is the server's DL1 token. The phones that keep the licence are
//! listed, and a lost one can be withdrawn.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::ErrorCode;
use rega_api::endpoints;
use rega_api::licence::{
    BoundCredential, CredentialRequest, LicenceCard, LicenceDevice, LicenceStatus, LicenceToken,
};
use rega_api::time::LocalDateTime;

use crate::api::{self, ApiError};
use crate::components::page_heading::PageHeading;
use crate::components::qr_code::QrImage;
use crate::device::DeviceKey;
use crate::i18n::format::{date_long, date_time, digits, time};
use crate::i18n::names::authority_name;
use crate::i18n::{Messages, fill, use_i18n};
use rega_credential::bound::DLB_PREFIX;

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
use crate::storage::{SAVED_CARD, SAVED_TOKEN, keep, kept};

/// The phone's key and the credential bound to it, once the page has looked for them: `None`
/// while it looks, `Some(None)` where the browser cannot keep a key (or the phone is shared,
/// or was withdrawn): the page then shows the server's DL1 code.
type Bound = Option<Option<(DeviceKey, Option<BoundCredential>)>>;

/// The licence page.
#[component]
pub fn Licence() -> impl IntoView {
    let i18n = use_i18n();
    let shared = crate::storage::shared_phone();
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
    // The server's time, not the phone's clock (`crate::clock`).
    let (now, set_now) = signal(crate::clock::now_ms());
    if let Ok(handle) = set_interval_with_handle(
        move || set_now.set(crate::clock::now_ms()),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    // The phone's key and its credential (none on a shared phone).
    let bound: RwSignal<Bound> = RwSignal::new(if shared { Some(None) } else { None });
    let devices_changed = RwSignal::new(0_u32);
    if !shared {
        spawn_local(async move {
            let found = match crate::device::key().await {
                Some(key) => Some((key, crate::device::credential().await)),
                None => None,
            };
            let _ = bound.try_set(Some(found));
        });
    }
    let credential = move || {
        bound.with(|b| {
            b.as_ref()
                .and_then(|b| b.as_ref())
                .and_then(|(_, c)| c.clone())
        })
    };
    let usable = move || credential().filter(|c| (now.get() / 1000.0) < c.expires_at as f64);

    // The card to show: the server's, or without a network the one kept on this device.
    let shown = Signal::derive(move || match card.get() {
        Some(Ok(c)) => Some((c, false)),
        Some(Err(ApiError::Network)) | None => saved_card.clone().map(|c| (c, true)),
        Some(Err(_)) => None,
    });
    Effect::new(move |_| {
        if let Some(Ok(c)) = card.get() {
            keep(SAVED_CARD, &c);
            if c.status == LicenceStatus::Suspended {
                set_token.set(None);
                crate::storage::write(SAVED_TOKEN, None);
            }
        }
    });

    // Online, the credential is renewed in the background, once per page and network change:
    // the phone then holds the whole period of offline use, and a phone withdrawn meanwhile
    // learns it at once.
    let asked = StoredValue::new(u32::MAX);
    Effect::new(move |_| {
        let ready = matches!(card.get(), Some(Ok(ref c)) if c.status != LicenceStatus::Suspended);
        let round = online_again.get();
        let Some(Some((key, _))) = bound.get() else {
            return;
        };
        if !ready || asked.get_value() == round {
            return;
        }
        asked.set_value(round);
        spawn_local(async move {
            let request = CredentialRequest {
                public_key: key.public.clone(),
                label: crate::device::label(),
            };
            match api::post::<_, BoundCredential>(endpoints::LICENCE_CREDENTIAL, &request).await {
                Ok(fresh) => {
                    crate::clock::learn(fresh.issued_at);
                    crate::device::keep(&fresh).await;
                    let _ = bound.try_set(Some(Some((key, Some(fresh)))));
                    devices_changed.update(|n| *n += 1);
                }
                // Withdrawn: this phone keeps nothing more and shows the server's code.
                Err(error) if error.code() == Some(ErrorCode::DeviceWithdrawn) => {
                    crate::device::forget();
                    let _ = bound.try_set(Some(None));
                    // Its own code on screen gives way to the server's at once.
                    let _ = set_token.try_set(None);
                    set_token_error.set(Some(error));
                }
                // Offline, the kept credential goes on; otherwise the page says why.
                Err(ApiError::Network) => {}
                Err(error) => set_token_error.set(Some(error)),
            }
        });
    });

    // The code on screen: a presentation the phone signs (renewed on the same countdown as a
    // token, offline too), or else the server's DL1 token, renewed whenever it is missing or
    // about to expire; offline that retries every second, so the page recovers by itself.
    Effect::new(move |_| {
        // A licence that is not suspended, with the server's card, or offline with a kept card
        // and a credential the phone can present.
        let not_suspended = shown.with(|s| {
            s.as_ref()
                .is_some_and(|(c, _)| c.status != LicenceStatus::Suspended)
        });
        let showable = not_suspended && (matches!(card.get(), Some(Ok(_))) || usable().is_some());
        let Some(looked) = bound.get() else { return };
        // A server's token on screen gives way at once to the phone's own code.
        let replace = usable().is_some()
            && token.with(|t| t.as_ref().is_some_and(|t| !t.token.starts_with(DLB_PREFIX)));
        if !showable
            || fetching.get_untracked()
            || !(replace || needs_renewal(token.get().as_ref(), now.get()))
        {
            return;
        }
        set_fetching.set(true);
        let presenting = looked.map(|(key, _)| key).zip(usable());
        spawn_local(async move {
            match presenting {
                Some((key, credential)) => {
                    let at = (crate::clock::now_ms() / 1000.0) as i64;
                    if let Some(presentation) = crate::device::present(&key, &credential, at).await
                    {
                        let _ = set_token.try_set(Some(presentation));
                    }
                }
                None => match api::get::<LicenceToken>(endpoints::LICENCE_TOKEN).await {
                    Ok(fresh) => {
                        crate::clock::learn(fresh.issued_at);
                        let _ = set_now.try_set(crate::clock::now_ms());
                        keep(SAVED_TOKEN, &fresh);
                        set_token.set(Some(fresh));
                        // A network failure is over; a withdrawn phone stays said.
                        set_token_error.update(|e| {
                            e.take_if(|e| e.code() != Some(ErrorCode::DeviceWithdrawn));
                        });
                    }
                    // The last token stays on screen; the page says what went wrong.
                    Err(error) => set_token_error.set(Some(error)),
                },
            }
            let _ = set_fetching.try_set(false);
        });
    });

    let qr_text = Signal::derive(move || token.get().map(|t| t.token).unwrap_or_default());
    let qr_label = Signal::derive(move || i18n.t().licence_qr_label());
    let this_device = Signal::derive(move || credential().map(|c| c.device));

    view! {
        <PageHeading title=|m| m.licence_title() intro=|m| m.licence_intro()/>
        {move || match (shown.get(), card.get()) {
            (None, None) => crate::components::status::loading(i18n),
            (None, Some(Err(error))) => crate::components::status::failed(i18n, &error),
            (None, Some(Ok(_))) => ().into_any(),
            (Some((c, offline)), _) => {
                let locale = i18n.locale();
                let m = i18n.t();
                let suspended = c.status == LicenceStatus::Suspended;
                view! {
                    {move || (offline && usable().is_none()).then(|| view! { <p class="rg-notice" role="status">{m.licence_offline()}</p> })}
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
                                {move || usable().map(|c| view! {
                                    <p class="rg-hint" id="licence-offline-until">{fill(i18n.t().licence_offline_until(), &[("date", &date_time(i18n.locale(), LocalDateTime::from_unix(c.expires_at)))])}</p>
                                })}
                                {move || token_error.get().map(|e| view! { <p class="rg-notice" role="alert">{e.message(i18n.t())}</p> })}
                            </section>
                        }.into_any()
                    }}
                    {(!shared).then(|| view! { <Devices this_device changed=devices_changed on_withdrawn_this=move || {
                        spawn_local(async move {
                            crate::device::forget();
                            let _ = bound.try_set(Some(None));
                            let _ = set_token.try_set(None);
                        });
                    }/> })}
                }.into_any()
            }
        }}
    }
}

/// The phones that keep the citizen's licence, each with its offline end, and a button to
/// withdraw one (a lost phone is issued nothing more).
#[component]
fn Devices(
    this_device: Signal<Option<i64>>,
    changed: RwSignal<u32>,
    on_withdrawn_this: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let devices = api::use_get::<Vec<LicenceDevice>>(move || {
        changed.track();
        Some(endpoints::LICENCE_DEVICES.to_owned())
    });
    let (error, set_error) = signal(None::<ApiError>);
    let withdraw = move |id: i64| {
        spawn_local(async move {
            let path = endpoints::fill(endpoints::LICENCE_DEVICE_WITHDRAW, id);
            match api::post::<_, LicenceDevice>(&path, &()).await {
                Ok(_) => {
                    set_error.set(None);
                    if this_device.get_untracked() == Some(id) {
                        on_withdrawn_this();
                    }
                    changed.update(|n| *n += 1);
                }
                Err(e) => set_error.set(Some(e)),
            }
        });
    };
    view! {
        {move || match devices.get() {
            Some(Ok(list)) if !list.is_empty() => {
                let locale = i18n.locale();
                let m = i18n.t();
                view! {
                    <section aria-labelledby="devices-title">
                        <h2 class="rg-heading-m" id="devices-title">{m.licence_devices_title()}</h2>
                        <p class="rg-body">{m.licence_devices_intro()}</p>
                        <ul class="rg-appointment-list">
                            {list.into_iter().map(|d| {
                                let this = this_device.get() == Some(d.id);
                                let state = match d.withdrawn_at {
                                    Some(_) => m.licence_device_withdrawn().to_owned(),
                                    None => fill(m.licence_device_until(), &[("date", &date_time(locale, LocalDateTime::from_unix(d.valid_until)))]),
                                };
                                let id = d.id;
                                view! {
                                    <li class="rg-appointment-item rg-devices__item">
                                        <p class="rg-body"><strong><bdi>{d.label.clone()}</bdi></strong>
                                            {this.then(|| view! { " — "{m.licence_device_this()} })}<br/>{state}</p>
                                        {d.withdrawn_at.is_none().then(|| view! {
                                            <button type="button" class="rg-button rg-button--secondary" on:click=move |_| withdraw(id)>
                                                {m.licence_device_withdraw()}<span class="rg-visually-hidden">" "<bdi>{d.label.clone()}</bdi></span>
                                            </button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {move || error.get().map(|e| view! { <p class="rg-notice" role="alert">{e.message(i18n.t())}</p> })}
                    </section>
                }.into_any()
            }
            _ => ().into_any(),
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
