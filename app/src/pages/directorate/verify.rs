//! Verify a licence QR code offline (SPEC §3.6): the DL1 or bound (`DLB:`) text from a scanner, the camera or a
//! paste is checked on this device with the `credential` crate against the trust list kept on
//! the device. The list is fetched when online and must be signed by the trust anchor the
//! operator configured, which comes with the app itself (a `<meta>` its server writes into the
//! page from its configuration), never from an API answer. A demo server's anchor is made in
//! memory at its start, and the page says so.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::endpoints;
use rega_api::licence::TrustAnchor;
use rega_api::time::{Date, LocalDateTime};
use rega_credential::keys::{VerifyingKey, from_jwk};
use rega_credential::{Form, Policy, TrustList, VerifiedLicence, VerifyError, verify};

use crate::api;
use crate::components::page_heading::PageHeading;
use crate::i18n::format::{date_long, date_time, digits};
use crate::i18n::{DirectorateMessages, directorate, fill, use_i18n};

/// Where the device keeps the last trust list (JWS).
const SAVED_LIST: &str = "rega.verify.trust-list";

/// The trust anchor the app was given, and whether it is a demo's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pinned {
    /// The anchor's public key.
    pub anchor: TrustAnchor,
    /// A demo server's anchor, made in memory at its start.
    pub demo: bool,
}

/// The anchor in the page's `<meta name="rega-trust-anchor" content="kid x y" data-pin="…">`.
fn pinned_anchor() -> Option<Pinned> {
    let meta = web_sys::window()?
        .document()?
        .query_selector(r#"meta[name="rega-trust-anchor"]"#)
        .ok()??;
    let content = meta.get_attribute("content")?;
    let mut parts = content.split(' ');
    let (Some(kid), Some(x), Some(y), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let anchor = TrustAnchor {
        kid: kid.to_owned(),
        crv: "P-256".into(),
        x: x.to_owned(),
        y: y.to_owned(),
    };
    anchor_key(&anchor)?;
    Some(Pinned {
        anchor,
        demo: meta.get_attribute("data-pin").as_deref() != Some("configured"),
    })
}

/// The anchor's key, if the JWK is a P-256 point with its own kid.
pub fn anchor_key(anchor: &TrustAnchor) -> Option<VerifyingKey> {
    (anchor.crv == "P-256")
        .then(|| from_jwk(&anchor.kid, &anchor.x, &anchor.y))
        .flatten()
}

/// What checking a text gave.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The token verified (the licence itself may still be past its expiry date).
    Valid(Box<VerifiedLicence>),
    /// The token failed this check.
    Invalid(VerifyError),
    /// No trust list on this device: nothing can be checked.
    NoList,
}

/// Checks a scanned or pasted text against the list at `now` (Unix seconds). An officer may
/// scan the same code twice, so there is no replay check here (the kiosk has one).
pub fn check(text: &str, list: Option<&TrustList>, now: i64) -> Outcome {
    let Some(list) = list else {
        return Outcome::NoList;
    };
    match verify(text, list, now, &Policy::default()) {
        Ok(licence) => Outcome::Valid(Box::new(licence)),
        Err(error) => Outcome::Invalid(error),
    }
}

/// The message for a failure, in the SPEC's words.
pub fn failure_message(m: &'static DirectorateMessages, error: VerifyError) -> &'static str {
    match error {
        VerifyError::QrUnreadable => m.verify_error_qr_unreadable,
        VerifyError::BadPrefix => m.verify_error_bad_prefix,
        VerifyError::BadBase45 => m.verify_error_bad_base45,
        VerifyError::BadZlib => m.verify_error_bad_zlib,
        VerifyError::BadCbor => m.verify_error_bad_cbor,
        VerifyError::UnsupportedAlgorithm => m.verify_error_unsupported_algorithm,
        VerifyError::UnknownKid => m.verify_error_unknown_kid,
        VerifyError::KeyRevoked => m.verify_error_key_revoked,
        VerifyError::KeyNotValid => m.verify_error_key_not_valid,
        VerifyError::BadSignature => m.verify_error_bad_signature,
        VerifyError::BadClaims => m.verify_error_bad_claims,
        VerifyError::IssuerMismatch => m.verify_error_issuer_mismatch,
        VerifyError::BindingMissing => m.verify_error_binding_missing,
        VerifyError::NotYetValid => m.verify_error_not_yet_valid,
        VerifyError::Expired => m.verify_error_expired,
        VerifyError::CredentialExpired => m.verify_error_credential_expired,
        VerifyError::ValidityTooLong => m.verify_error_validity_too_long,
        VerifyError::DeviceSignatureBad => m.verify_error_device_signature_bad,
        VerifyError::PresentationFromFuture => m.verify_error_presentation_from_future,
        VerifyError::PresentationTooOld => m.verify_error_presentation_too_old,
        VerifyError::Replayed => m.verify_error_replayed,
    }
}

/// How old a list issued at `iat` is at `now`, in the largest whole unit.
pub fn age_text(
    m: &'static DirectorateMessages,
    locale: rega_api::Locale,
    iat: i64,
    now: i64,
) -> String {
    let seconds = (now - iat).max(0);
    let (count, template): (u64, fn(&'static DirectorateMessages, u64) -> &'static str) =
        if seconds >= 2 * 86_400 {
            (
                (seconds / 86_400) as u64,
                DirectorateMessages::verify_age_days,
            )
        } else if seconds >= 2 * 3600 {
            (
                (seconds / 3600) as u64,
                DirectorateMessages::verify_age_hours,
            )
        } else {
            (
                (seconds / 60) as u64,
                DirectorateMessages::verify_age_minutes,
            )
        };
    fill(template(m, count), &[("count", &digits(locale, count))])
}

/// Where the last attempt to update the list got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Update {
    /// Asking the server.
    Asking,
    /// The list is the server's current one.
    Current,
    /// No network: the kept list is used.
    Offline,
    /// The server's list is not signed by the configured anchor.
    AnchorChanged,
    /// The app was given no trust anchor: nothing can be checked.
    NoAnchor,
}

/// The server's time as this device last learned it (`crate::clock`): an officer's phone whose
/// clock is off would otherwise refuse good codes, or pass expired ones.
fn now_seconds() -> i64 {
    (crate::clock::now_ms() / 1000.0).floor() as i64
}

/// Asks the server for the current list and keeps it when the configured anchor signed it and it
/// is not older than the one kept (an old list cannot bring a revoked key back).
async fn update(pinned: Option<Pinned>, list: RwSignal<Option<TrustList>>) -> Update {
    let Some(key) = pinned.as_ref().and_then(|p| anchor_key(&p.anchor)) else {
        return Update::NoAnchor;
    };
    // The browser knows when it has no network at all: then the kept list is simply used.
    if web_sys::window().is_some_and(|w| !w.navigator().on_line()) {
        return Update::Offline;
    }
    // Past the browser's HTTP cache, which would answer with no network and hide that.
    match api::get_text(&format!("{}?at={}", endpoints::TRUST_LIST, now_seconds())).await {
        Ok(jws) => match TrustList::from_jws(&jws, &key) {
            Ok(fresh) => {
                let kept = list.with_untracked(|l| l.as_ref().map_or(i64::MIN, |l| l.iat));
                if fresh.iat >= kept {
                    crate::storage::write(SAVED_LIST, Some(&jws));
                    list.set(Some(fresh));
                }
                Update::Current
            }
            Err(_) => Update::AnchorChanged,
        },
        Err(_) => Update::Offline,
    }
}

/// The trust list's state: its date and age, and a warning when it is old, missing or could not
/// be updated.
#[component]
fn TrustState(
    pinned: Option<Pinned>,
    list: RwSignal<Option<TrustList>>,
    state: ReadSignal<Update>,
    now: ReadSignal<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let summary = move || {
        let (m, locale, now) = (d(), i18n.locale(), now.get());
        list.with(|list| match list {
            None => (m.verify_list_missing.to_owned(), true),
            Some(list) if list.is_expired(now) => (
                fill(
                    m.verify_list_expired,
                    &[(
                        "date",
                        &date_time(locale, LocalDateTime::from_unix(list.exp)),
                    )],
                ),
                true,
            ),
            Some(list) => (
                fill(
                    m.verify_list_updated,
                    &[
                        (
                            "date",
                            &date_time(locale, LocalDateTime::from_unix(list.iat)),
                        ),
                        ("age", &age_text(m, locale, list.iat, now)),
                    ],
                ),
                false,
            ),
        })
    };
    view! {
        <div class="rg-trust" class:rg-trust--warning=move || summary().1 id="verify-trust">
            <p class="rg-body">{move || summary().0}</p>
            {move || match state.get() {
                Update::Offline => Some(view! { <p class="rg-body">{d().verify_list_offline}</p> }),
                Update::AnchorChanged => Some(view! { <p class="rg-body rg-trust__alarm">{d().verify_anchor_changed}</p> }),
                Update::NoAnchor => Some(view! { <p class="rg-body rg-trust__alarm">{d().verify_no_anchor}</p> }),
                Update::Asking | Update::Current => None,
            }}
            {pinned.as_ref().filter(|p| p.demo).map(|_| view! {
                <p class="rg-body rg-trust__alarm" id="verify-demo-pin">{move || d().verify_demo_pin}</p>
            })}
            {pinned.map(|p| view! {
                <p class="rg-hint">{move || fill(d().verify_anchor, &[("kid", "")])}<bdi dir="ltr">{p.anchor.kid}</bdi></p>
            })}
        </div>
    }
}

fn day(text: &str) -> Option<Date> {
    Date::parse(text).ok()
}

/// A verified licence: who, which licence, which categories until when, and in which form it
/// came (a bound credential says how old it is).
#[component]
fn ValidResult(licence: VerifiedLicence, now: i64) -> impl IntoView {
    let today = LocalDateTime::from_unix(now).date;
    let i18n = use_i18n();
    let locale = i18n.locale();
    let m = directorate(locale);
    let l = licence.licence().clone();
    let long = move |text: &str| day(text).map(|d| date_long(locale, d)).unwrap_or_default();
    let expired = day(l.expiry_date.as_str()).is_some_and(|expiry| expiry < today);
    let categories = l
        .driving_privileges
        .iter()
        .map(|p| {
            let expiry = p.expiry_date.as_ref().unwrap_or(&l.expiry_date);
            let lapsed = day(expiry.as_str()).is_some_and(|e| e < today);
            let template = if lapsed { m.verify_category_expired } else { m.verify_category_until };
            let text = fill(template, &[("date", &long(expiry.as_str()))]);
            view! {
                <li class:rg-categories__expired=lapsed>
                    <span class="rg-categories__code"><bdi dir="ltr">{p.vehicle_category_code.clone()}</bdi></span>" "{text}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="rg-result" class:rg-result--bad=expired aria-labelledby="verify-result-title">
            <h2 class="rg-result__title" id="verify-result-title">
                {if expired { m.verify_result_valid_expired } else { m.verify_result_valid }}
            </h2>
            {expired.then(|| view! {
                <p class="rg-body">{fill(m.verify_licence_expired, &[("date", &long(l.expiry_date.as_str()))])}</p>
            })}
            <dl class="rg-summary-list">
                <div><dt>{m.verify_name}</dt><dd>
                    {format!("{} {}", l.given_name_national_character, l.family_name_national_character)}
                    <span class="rg-licence__latin" dir="ltr">{format!("{} {}", l.given_name, l.family_name)}</span>
                </dd></div>
                <div><dt>{m.verify_number}</dt><dd><bdi dir="ltr">{l.document_number.clone()}</bdi></dd></div>
                <div><dt>{m.verify_birth_date}</dt><dd>{long(l.birth_date.as_str())}</dd></div>
                <div><dt>{m.verify_categories}</dt><dd><ul class="rg-categories">{categories}</ul></dd></div>
                <div><dt>{m.verify_expiry}</dt><dd>{long(l.expiry_date.as_str())}</dd></div>
                <div><dt>{m.verify_issuer}</dt><dd><bdi dir="ltr">{l.issuing_authority.clone()}</bdi></dd></div>
                <div><dt>{m.verify_form}</dt><dd id="verify-form">{match licence.form {
                    Form::Bound => m.verify_form_bound,
                    Form::Token => m.verify_form_token,
                }}</dd></div>
                <div><dt>{m.verify_credential_issued}</dt><dd id="verify-issued">
                    {date_time(locale, LocalDateTime::from_unix(licence.claims.iat))}" ("{age_text(m, locale, licence.claims.iat, now)}")"
                </dd></div>
            </dl>
        </section>
    }
}

/// Verify a licence QR code offline (SPEC §3.6).
#[component]
pub fn Verify() -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let pinned = pinned_anchor();
    let list = RwSignal::new(None::<TrustList>);
    // A list kept under another anchor (the operator changed it) does not verify: dropped.
    if let (Some(jws), Some(key)) = (
        crate::storage::read(SAVED_LIST),
        pinned.as_ref().and_then(|p| anchor_key(&p.anchor)),
    ) {
        list.set(TrustList::from_jws(&jws, &key).ok());
    }
    let (state, set_state) = signal(Update::Asking);
    let (now, set_now) = signal(now_seconds());
    if let Ok(handle) = set_interval_with_handle(
        move || set_now.set(now_seconds()),
        std::time::Duration::from_secs(30),
    ) {
        on_cleanup(move || handle.clear());
    }
    let shown = pinned.clone();
    let ask = move || {
        set_state.set(Update::Asking);
        let pinned = pinned.clone();
        spawn_local(async move {
            let result = update(pinned, list).await;
            let _ = set_state.try_set(result);
        });
    };
    ask();
    let handle = window_event_listener(leptos::ev::online, move |_| ask());
    on_cleanup(move || handle.remove());

    let (text, set_text) = signal(String::new());
    let (empty, set_empty) = signal(false);
    let (outcome, set_outcome) = signal(None::<Outcome>);
    let input = NodeRef::<leptos::html::Input>::new();
    let run_check = move || {
        let scanned = text.get_untracked();
        if scanned.trim().is_empty() {
            set_empty.set(true);
            set_outcome.set(None);
        } else {
            set_empty.set(false);
            let now = now_seconds();
            set_now.set(now);
            set_outcome.set(Some(
                list.with_untracked(|l| check(&scanned, l.as_ref(), now)),
            ));
            // Ready for the next scan: a scanner types into this field and ends with Enter.
            set_text.set(String::new());
        }
        if let Some(input) = input.get_untracked() {
            let _ = input.focus();
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        run_check();
    };
    let scanned = Callback::new(move |read: String| {
        set_text.set(read);
        run_check();
    });
    let result = move || {
        let m = d();
        outcome.get().map(|outcome| match outcome {
            Outcome::Valid(licence) => {
                view! { <ValidResult licence=*licence now=now.get_untracked()/> }.into_any()
            }
            Outcome::Invalid(error) => view! {
                <section class="rg-result rg-result--bad" aria-labelledby="verify-result-title">
                    <h2 class="rg-result__title" id="verify-result-title">{m.verify_result_invalid}</h2>
                    <p class="rg-body" data-failure=error.name()>{failure_message(m, error)}</p>
                </section>
            }
            .into_any(),
            Outcome::NoList => view! {
                <section class="rg-result rg-result--bad" aria-labelledby="verify-result-title">
                    <h2 class="rg-result__title" id="verify-result-title">{m.verify_result_invalid}</h2>
                    <p class="rg-body">{m.verify_list_missing}</p>
                </section>
            }
            .into_any(),
        })
    };
    view! {
        <PageHeading title=|m| m.verify_title() intro=|m| m.verify_intro()/>
        <TrustState pinned=shown list state now/>
        <form class="rg-form rg-form--wide" novalidate=true on:submit=submit>
            <div class="rg-form-group" class:rg-form-group--error=empty>
                <label class="rg-label" for="verify-text">{move || d().verify_field_label}</label>
                <p class="rg-hint" id="verify-text-hint">{move || d().verify_field_hint}</p>
                {move || empty.get().then(|| view! {
                    <p class="rg-error-message" id="verify-text-error">{d().verify_error_qr_unreadable}</p>
                })}
                <input class="rg-input" id="verify-text" name="verify-text" type="text" dir="ltr"
                    autocomplete="off" autocapitalize="off" spellcheck="false" node_ref=input
                    aria-describedby=move || if empty.get() { "verify-text-hint verify-text-error" } else { "verify-text-hint" }
                    aria-invalid=move || empty.get().to_string()
                    prop:value=text
                    on:input=move |ev| set_text.set(event_target_value(&ev))/>
            </div>
            <button class="rg-button" type="submit">{move || d().verify_check}</button>
        </form>
        <crate::components::camera::CameraScan on_text=scanned/>
        <div aria-live="polite" id="verify-result">{result}</div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rega_api::Locale;

    #[test]
    fn every_failure_has_its_own_message_in_every_language() {
        for locale in [Locale::Ckb, Locale::Ar, Locale::En] {
            let m = directorate(locale);
            let texts: std::collections::BTreeSet<&str> = VerifyError::ALL
                .iter()
                .map(|e| failure_message(m, *e))
                .collect();
            assert_eq!(
                texts.len(),
                VerifyError::ALL.len(),
                "{locale:?}: two failures share a message"
            );
        }
    }

    #[test]
    fn nothing_is_checked_without_a_trust_list() {
        assert!(matches!(check("DL1:XYZ", None, 0), Outcome::NoList));
    }

    #[test]
    fn the_age_is_told_in_the_largest_whole_unit() {
        let m = directorate(Locale::En);
        assert_eq!(age_text(m, Locale::En, 0, 59 * 60), "59 minutes old");
        assert_eq!(age_text(m, Locale::En, 0, 5 * 3600 + 10), "5 hours old");
        assert_eq!(age_text(m, Locale::En, 0, 3 * 86_400), "3 days old");
        assert_eq!(
            age_text(directorate(Locale::Ckb), Locale::Ckb, 0, 3 * 86_400),
            "٣ ڕۆژ لەمەوبەر"
        );
    }

    #[test]
    fn an_anchor_must_be_a_p256_key_with_its_own_kid() {
        let anchor = TrustAnchor {
            kid: "AAAAAAAAAAA".into(),
            crv: "P-256".into(),
            x: "AA".into(),
            y: "AA".into(),
        };
        assert!(anchor_key(&anchor).is_none());
    }
}
