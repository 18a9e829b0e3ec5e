//! Setting up two-step sign-in: the authenticator app reads a QR code (or the key typed in), the
//! account confirms the code it shows, and the recovery codes are shown, once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::endpoints;
use rega_api::staff::{ConfirmSecondFactor, RecoveryCodes, SecondFactorSetup, StaffInfo};

use super::form::{Field, failure};
use super::{StaffSession, ask_who};
use crate::api::{self, ApiError};
use crate::components::qr_code::QrImage;
use crate::i18n::{directorate, use_i18n};

/// Where the setup stands.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// Not begun: what it is, and the button.
    Intro,
    /// The secret to add to the app, and the code to confirm.
    Scan(SecondFactorSetup),
    /// Confirmed: the recovery codes to keep.
    Recovery(Vec<String>),
}

/// The key grouped by four characters, as it is read out and typed.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The room that sets up the signed-in account's second factor.
#[component]
pub(super) fn SetUp(info: StaffInfo, session: RwSignal<StaffSession>) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let step = RwSignal::new(Step::Intro);
    let (code, set_code) = signal(String::new());
    let (error, set_error) = signal(None::<ApiError>);
    let begin = move |_| {
        spawn_local(async move {
            match api::post::<_, SecondFactorSetup>(endpoints::STAFF_SECOND_FACTOR, &()).await {
                Ok(setup) => {
                    set_error.set(None);
                    step.set(Step::Scan(setup));
                }
                Err(e) => set_error.set(Some(e)),
            }
        });
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ConfirmSecondFactor {
            code: code.get_untracked(),
        };
        spawn_local(async move {
            match api::post::<_, RecoveryCodes>(endpoints::STAFF_SECOND_FACTOR_CONFIRM, &body).await
            {
                Ok(recovery) => {
                    set_error.set(None);
                    step.set(Step::Recovery(recovery.codes));
                }
                Err(e) => {
                    set_code.set(String::new());
                    set_error.set(Some(e));
                }
            }
        });
    };
    let optional = !info.must_set_up_second_factor;
    view! {
        <h2 class="rg-heading-m">{move || d().second_title}</h2>
        {move || error.get().map(|e| view! {
            <div class="rg-error-summary" role="alert"><p class="rg-body">{failure(d(), i18n.t(), &e)}</p></div>
        })}
        {move || match step.get() {
            Step::Intro => view! {
                <p class="rg-body">{move || d().second_intro}</p>
                <button type="button" class="rg-button" on:click=begin>{move || d().second_start}</button>
            }.into_any(),
            Step::Scan(setup) => {
                let uri = Signal::stored(setup.uri.clone());
                view! {
                    <p class="rg-body">{move || d().second_scan}</p>
                    <QrImage text=uri label=Signal::derive(move || d().second_qr)/>
                    <p class="rg-body">{move || d().second_key}</p>
                    <p class="rg-body" dir="ltr"><bdi class="rg-code" id="second-factor-key">{grouped(&setup.secret)}</bdi></p>
                    <form class="rg-form" on:submit=confirm novalidate=true>
                        <Field id="second-factor-code" label=|d| d.second_code value=code set_value=set_code
                            autocomplete="one-time-code" numeric=true/>
                        <button class="rg-button" type="submit">{move || d().second_confirm}</button>
                    </form>
                }.into_any()
            }
            Step::Recovery(codes) => view! {
                <h3 class="rg-heading-s">{move || d().second_recovery_title}</h3>
                <p class="rg-body">{move || d().second_recovery_intro}</p>
                <ul class="rg-list rg-recovery-codes" id="recovery-codes">
                    {codes.into_iter().map(|c| view! { <li><bdi dir="ltr" class="rg-code">{c}</bdi></li> }).collect_view()}
                </ul>
                <button type="button" class="rg-button" on:click=move |_| ask_who(session)>
                    {move || d().second_done}</button>
            }.into_any(),
        }}
        // Offered, not required: the account can go back to its room.
        {move || (optional && !matches!(step.get(), Step::Recovery(_))).then(|| view! {
            <p class="rg-body"><button type="button" class="rg-link-button" on:click=move |_| ask_who(session)>
                {move || d().second_later}</button></p>
        })}
        <super::SignOut session/>
    }
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn the_key_reads_in_groups_of_four() {
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
