//! The directorate kiosk (SPEC §3.5): check-in by a hardware scanner typing into the focused
//! field, or by typing the reference on a large on-screen keyboard; the queue ticket, large; and
//! after 45 s without a touch "Are you still there?", at 60 s a reset that leaves nothing of the
//! previous person. The kiosk holds the credential a supervisor enrolled it with (local storage).

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::ErrorCode;
use rega_api::endpoints;
use rega_api::ids::{REFERENCE_ALPHABET, Reference};
use rega_api::kiosk::{CheckIn, KioskInfo, QueueTicket};

use crate::api::{self, ApiError};
use crate::components::page_heading::PageHeading;
use crate::i18n::format::digits;
use crate::i18n::names::area_name;
use crate::i18n::{DirectorateMessages, directorate, directorate_error, fill, use_i18n};

/// Where the kiosk keeps its credential.
const CREDENTIAL: &str = "rega.kiosk.credential";

/// Without a touch for this long, the kiosk asks whether anyone is there …
pub const WARN_AFTER_MS: f64 = 45_000.0;

/// … and at this point clears the screen.
pub const RESET_AFTER_MS: f64 = 60_000.0;

/// What went wrong with a check-in, shown until the next try or the reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Nothing was scanned or typed.
    Empty,
    /// The text is not a reference.
    NotAReference,
    /// The server cannot be reached.
    Network,
    /// The server refused, with this code.
    Refused(ErrorCode),
}

impl Problem {
    /// The message, in the kiosk's language.
    pub fn message(self, m: &'static DirectorateMessages) -> &'static str {
        match self {
            Problem::Empty => m.kiosk_empty,
            Problem::NotAReference => m.kiosk_invalid_reference,
            Problem::Network => m.kiosk_network,
            Problem::Refused(code) => directorate_error(m, code).unwrap_or(m.kiosk_network),
        }
    }
}

/// What the inactivity timer says at `idle` milliseconds without a touch, for a screen that
/// shows something of a person (`dirty`): nothing, the warning with its seconds left, or reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    /// Carry on.
    Active,
    /// Ask "Are you still there?", the screen clears in this many seconds.
    Warn(u32),
    /// Clear the screen now.
    Reset,
}

/// The inactivity rule.
pub fn idle_state(dirty: bool, idle_ms: f64) -> Idle {
    if !dirty || idle_ms < WARN_AFTER_MS {
        Idle::Active
    } else if idle_ms >= RESET_AFTER_MS {
        Idle::Reset
    } else {
        Idle::Warn(((RESET_AFTER_MS - idle_ms) / 1000.0).ceil() as u32)
    }
}

fn kept_credential() -> Option<String> {
    crate::storage::read(CREDENTIAL).filter(|c| !c.is_empty())
}

fn keep_credential(credential: Option<&str>) {
    crate::storage::write(CREDENTIAL, credential);
}

fn authorization(credential: &str) -> String {
    format!("Kiosk {credential}")
}

/// The kiosk: enrolment until it has a credential, then check-in.
#[component]
pub fn Kiosk() -> impl IntoView {
    keep_printer_setting();
    let credential = RwSignal::new(kept_credential());
    let (refused, set_refused) = signal(false);
    // A kiosk whose credential was revoked goes back to enrolment at once.
    if let Some(c) = credential.get_untracked() {
        spawn_local(async move {
            if let Err(ApiError::Http {
                code: Some(ErrorCode::KioskNotEnrolled),
                ..
            }) =
                api::get_with::<KioskInfo>(endpoints::KIOSK, ("Authorization", &authorization(&c)))
                    .await
            {
                keep_credential(None);
                credential.set(None);
                set_refused.set(true);
            }
        });
    }
    move || match credential.get() {
        None => view! { <Enrol credential refused set_refused/> }.into_any(),
        Some(c) => view! { <CheckInScreen credential=c on_revoked=move || {
            keep_credential(None);
            credential.set(None);
            set_refused.set(true);
        }/> }
        .into_any(),
    }
}

/// Enrolment: the kiosk code a supervisor got, entered once.
#[component]
fn Enrol(
    credential: RwSignal<Option<String>>,
    refused: ReadSignal<bool>,
    set_refused: WriteSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (code, set_code) = signal(String::new());
    let (network, set_network) = signal(false);
    Effect::new(move |_| {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&format!(
                "{} – {}",
                d().kiosk_enrol_title,
                i18n.t().app_name()
            ));
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let candidate = code.get_untracked().trim().to_owned();
        spawn_local(async move {
            match api::get_with::<KioskInfo>(
                "/kiosk",
                ("Authorization", &authorization(&candidate)),
            )
            .await
            {
                Ok(_) => {
                    keep_credential(Some(&candidate));
                    set_refused.set(false);
                    credential.set(Some(candidate));
                }
                Err(ApiError::Network) => set_network.set(true),
                Err(_) => {
                    set_network.set(false);
                    set_refused.set(true);
                }
            }
        });
    };
    let error = move || {
        if network.get() {
            Some(d().kiosk_network)
        } else if refused.get() {
            Some(d().error_kiosk_not_enrolled)
        } else {
            None
        }
    };
    view! {
        <div class="rg-kiosk">
            <h1 class="rg-heading-xl">{move || d().kiosk_enrol_title}</h1>
            <p class="rg-body rg-body--lead">{move || d().kiosk_enrol_intro}</p>
            <form class="rg-form" on:submit=submit novalidate=true>
                <div class="rg-form-group" class:rg-form-group--error=move || error().is_some()>
                    <label class="rg-label" for="kiosk-code">{move || d().kiosk_enrol_label}</label>
                    <p class="rg-hint" id="kiosk-code-hint">{move || d().kiosk_enrol_hint}</p>
                    {move || error().map(|text| view! { <p class="rg-error-message" id="kiosk-code-error" role="alert">{text}</p> })}
                    <input class="rg-input" id="kiosk-code" type="text" dir="ltr" autocomplete="off"
                        autocapitalize="off" spellcheck="false"
                        aria-describedby=move || if error().is_some() { "kiosk-code-hint kiosk-code-error" } else { "kiosk-code-hint" }
                        prop:value=code on:input=move |ev| set_code.set(event_target_value(&ev))/>
                </div>
                <button class="rg-button rg-button--kiosk" type="submit">{move || d().kiosk_enrol_button}</button>
            </form>
        </div>
    }
}

/// Check-in, the ticket, and the inactivity reset.
#[component]
fn CheckInScreen(
    credential: String,
    on_revoked: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (text, set_text) = signal(String::new());
    let (problem, set_problem) = signal(None::<Problem>);
    let (ticket, set_ticket) = signal(None::<QueueTicket>);
    let (busy, set_busy) = signal(false);
    let input = NodeRef::<Input>::new();
    let ticket_heading = NodeRef::<leptos::html::H2>::new();
    // After the screen has been drawn again (the field is hidden while a ticket shows).
    let focus_input = move || {
        request_animation_frame(move || {
            if let Some(input) = input.get_untracked() {
                let _ = input.focus();
            }
        });
    };

    // Inactivity: any touch, key or click counts as someone being there.
    let (last_touch, set_last_touch) = signal(js_sys::Date::now());
    let (now, set_now) = signal(js_sys::Date::now());
    let touched = move || set_last_touch.set(js_sys::Date::now());
    let handles = [
        window_event_listener(leptos::ev::pointerdown, move |_| touched()),
        window_event_listener(leptos::ev::keydown, move |_| touched()),
    ];
    on_cleanup(move || handles.into_iter().for_each(|h| h.remove()));
    if let Ok(handle) = set_interval_with_handle(
        move || set_now.set(js_sys::Date::now()),
        std::time::Duration::from_millis(250),
    ) {
        on_cleanup(move || handle.clear());
    }
    let dirty = move || !text.get().is_empty() || problem.get().is_some() || ticket.get().is_some();
    let idle = Memo::new(move |_| idle_state(dirty(), now.get() - last_touch.get()));
    let reset = move || {
        set_text.set(String::new());
        set_problem.set(None);
        set_ticket.set(None);
        set_busy.set(false);
        // The next person starts in the default language, on a page with no history of this one.
        i18n.set(rega_api::Locale::Ckb);
        if let Some(window) = web_sys::window()
            && let Ok(history) = window.history()
        {
            let _ =
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/kiosk"));
        }
        set_last_touch.set(js_sys::Date::now());
        focus_input();
    };
    Effect::new(move |_| {
        if idle.get() == Idle::Reset {
            reset();
        }
    });
    let continue_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if matches!(idle.get(), Idle::Warn(_))
            && let Some(button) = continue_button.get()
        {
            let _ = button.focus();
        }
    });

    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let raw = text.get_untracked();
        if raw.trim().is_empty() {
            set_problem.set(Some(Problem::Empty));
            focus_input();
            return;
        }
        let Ok(reference) = Reference::parse(&raw) else {
            set_problem.set(Some(Problem::NotAReference));
            focus_input();
            return;
        };
        set_busy.set(true);
        let header = authorization(&credential);
        let on_revoked = on_revoked.clone();
        spawn_local(async move {
            let body = CheckIn {
                reference: reference.to_string(),
            };
            let answer = api::post_with::<_, QueueTicket>(
                endpoints::KIOSK_CHECK_IN,
                &body,
                ("Authorization", &header),
            )
            .await;
            let _ = set_busy.try_set(false);
            match answer {
                Ok(issued) => {
                    set_text.set(String::new());
                    set_problem.set(None);
                    set_ticket.set(Some(issued));
                    request_animation_frame(move || {
                        if let Some(heading) = ticket_heading.get_untracked() {
                            let _ = heading.focus();
                        }
                        // Drawn: a kiosk with a receipt printer prints it (Chromium started with
                        // --kiosk-printing prints without a dialog).
                        if has_printer()
                            && let Some(window) = web_sys::window()
                        {
                            let _ = window.print();
                        }
                    });
                }
                Err(ApiError::Http {
                    code: Some(ErrorCode::KioskNotEnrolled),
                    ..
                }) => on_revoked(),
                Err(ApiError::Http {
                    code: Some(code), ..
                }) => {
                    let shown = if code == ErrorCode::InvalidReference {
                        Problem::NotAReference
                    } else {
                        Problem::Refused(code)
                    };
                    set_problem.set(Some(shown));
                    focus_input();
                }
                Err(_) => {
                    set_problem.set(Some(Problem::Network));
                    focus_input();
                }
            }
        });
    };
    let scanned = {
        let submit = submit.clone();
        Callback::new(move |read: String| {
            set_text.set(read);
            submit();
        })
    };
    let submit_form = {
        let submit = submit.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            submit();
        }
    };
    let key = move |symbol: char| {
        view! {
            <button type="button" class="rg-keypad__key" on:click=move |_| {
                set_text.update(|t| t.push(symbol));
                set_problem.set(None);
            }>{symbol.to_string()}</button>
        }
    };

    view! {
        <div class="rg-kiosk">
            <PageHeading title=|m| m.kiosk_title() intro=|m| m.kiosk_intro()/>
            {move || ticket.get().map(|t| {
                let m = d();
                let locale = i18n.locale();
                view! {
                    <section class="rg-ticket" aria-labelledby="kiosk-ticket-title">
                        <h2 class="rg-ticket__title" id="kiosk-ticket-title" tabindex="-1" node_ref=ticket_heading>{m.kiosk_ticket_title}</h2>
                        <p class="rg-ticket__number" dir="ltr">{t.ticket.clone()}</p>
                        {t.again.then(|| view! { <p class="rg-body">{m.kiosk_again}</p> })}
                        <p class="rg-ticket__area">{fill(m.kiosk_go_to, &[("area", area_name(m, &t.area))])}</p>
                        <p class="rg-body">{fill(m.kiosk_ahead, &[("count", &digits(locale, u64::from(t.ahead)))])}</p>
                        <p class="rg-body">{fill(m.kiosk_ticket_time, &[("time", &{
                            // The app's 12-hour clock, as on the citizen's own pages.
                            let (h, min) = crate::i18n::format::hour_minute(&t.time);
                            crate::i18n::format::time(locale, h, min)
                        })])}</p>
                        <p class="rg-body">{m.kiosk_watch_board}</p>
                        <TicketLink code=t.link.clone()/>
                        <button type="button" class="rg-button rg-button--kiosk rg-no-print" on:click=move |_| reset()>{m.kiosk_done}</button>
                    </section>
                }
            })}
            <form class="rg-form rg-form--kiosk" novalidate=true on:submit=submit_form
                class:rg-kiosk__hidden=move || ticket.get().is_some()>
                {move || problem.get().map(|p| view! {
                    <div class="rg-error-summary" role="alert" aria-labelledby="kiosk-problem-title">
                        <h2 class="rg-error-summary__title" id="kiosk-problem-title">{d().kiosk_error_title}</h2>
                        <p class="rg-body" id="kiosk-reference-error">{p.message(d())}</p>
                    </div>
                })}
                <div class="rg-form-group" class:rg-form-group--error=move || problem.get().is_some()>
                    <label class="rg-label" for="kiosk-reference">{move || d().kiosk_reference_label}</label>
                    <p class="rg-hint" id="kiosk-reference-hint">{move || d().kiosk_reference_hint}</p>
                    <input class="rg-input rg-input--kiosk" id="kiosk-reference" name="reference" type="text" dir="ltr"
                        autocomplete="off" autocapitalize="characters" spellcheck="false" autofocus=true node_ref=input
                        aria-describedby=move || if problem.get().is_some() { "kiosk-reference-hint kiosk-reference-error" } else { "kiosk-reference-hint" }
                        aria-invalid=move || problem.get().is_some().to_string()
                        prop:value=text on:input=move |ev| set_text.set(event_target_value(&ev))/>
                </div>
                <div class="rg-keypad" role="group" aria-label=move || d().kiosk_keypad dir="ltr">
                    {REFERENCE_ALPHABET.iter().map(|&b| key(char::from(b))).collect_view()}
                    <button type="button" class="rg-keypad__key rg-keypad__key--wide" aria-label=move || d().kiosk_delete
                        on:click=move |_| set_text.update(|t| { t.pop(); })>"⌫"</button>
                    <button type="button" class="rg-keypad__key rg-keypad__key--wide" on:click=move |_| {
                        set_text.set(String::new());
                        set_problem.set(None);
                    }>{move || d().kiosk_clear}</button>
                </div>
                <button class="rg-button rg-button--kiosk" type="submit" disabled=busy>{move || d().kiosk_check_in}</button>
            </form>
            <div class:rg-kiosk__hidden=move || ticket.get().is_some()>
                <crate::components::camera::CameraScan on_text=scanned/>
            </div>
            {move || match idle.get() {
                Idle::Warn(seconds) => Some(view! {
                    <div class="rg-overlay">
                        <div class="rg-overlay__box" role="alertdialog" aria-modal="true"
                            aria-labelledby="kiosk-idle-title" aria-describedby="kiosk-idle-text">
                            <h2 class="rg-heading-xl" id="kiosk-idle-title">{d().kiosk_still_there}</h2>
                            <p class="rg-body rg-body--lead" id="kiosk-idle-text">
                                {fill(d().kiosk_still_there_text(u64::from(seconds)), &[("seconds", &digits(i18n.locale(), u64::from(seconds)))])}
                            </p>
                            <button type="button" class="rg-button rg-button--kiosk" node_ref=continue_button
                                on:click=move |_| touched()>{d().kiosk_continue}</button>
                        </div>
                    </div>
                }),
                _ => None,
            }}
        </div>
    }
}

/// Where the kiosk remembers that it has an 80 mm receipt printer.
const PRINTER: &str = "rega.kiosk.printer";

/// A kiosk with a receipt printer is set up once by opening `/kiosk?printer=80mm` (and
/// `?printer=none` undoes it): the setting belongs to the device, like its enrolment.
fn keep_printer_setting() {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    if search.contains("printer=80mm") {
        crate::storage::write(PRINTER, Some("80mm"));
    } else if search.contains("printer=none") {
        crate::storage::write(PRINTER, None);
    }
}

/// Whether this kiosk prints each ticket.
fn has_printer() -> bool {
    crate::storage::read(PRINTER).is_some()
}

/// The ticket's own link: a QR code a phone's camera opens, and the code to type at
/// `<this site>/ticket` on a phone without one (`GET /tickets/{code}`).
#[component]
pub(in crate::pages::directorate) fn TicketLink(code: String) -> impl IntoView {
    let i18n = use_i18n();
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let address = format!("{origin}{}", rega_api::paths::TICKET);
    let url = Signal::stored(format!("{address}?code={code}"));
    let label = Signal::derive(move || directorate(i18n.locale()).kiosk_link_qr);
    view! {
        <div class="rg-ticket__link">
            <crate::components::qr_code::QrImage text=url label=label/>
            <p class="rg-body rg-ticket__hint">{move || fill(directorate(i18n.locale()).kiosk_link_hint, &[("address", &address)])}</p>
            <p class="rg-ticket__code"><bdi dir="ltr">{code}</bdi></p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idle_kiosk_warns_at_45_seconds_and_clears_at_60() {
        assert_eq!(idle_state(true, 44_999.0), Idle::Active);
        assert_eq!(idle_state(true, 45_000.0), Idle::Warn(15));
        assert_eq!(idle_state(true, 59_001.0), Idle::Warn(1));
        assert_eq!(idle_state(true, 60_000.0), Idle::Reset);
        assert_eq!(
            idle_state(false, 120_000.0),
            Idle::Active,
            "an empty screen has nothing to clear"
        );
    }

    #[test]
    fn every_kiosk_refusal_has_its_message_in_every_language() {
        for locale in [
            rega_api::Locale::Ckb,
            rega_api::Locale::Ar,
            rega_api::Locale::En,
        ] {
            let m = directorate(locale);
            for code in ErrorCode::ALL
                .iter()
                .filter(|c| c.as_str().starts_with("check_in_") || c.as_str().starts_with("kiosk_"))
            {
                assert!(
                    directorate_error(m, *code).is_some(),
                    "{code:?} in {locale:?}"
                );
            }
            assert_ne!(area_name(m, "T"), area_name(m, "A"));
        }
    }
}
