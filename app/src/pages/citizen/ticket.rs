//! The queue ticket on the citizen's phone (issue 18): opened by the code the kiosk showed at
//! check-in (`/ticket?code=…`, no sign-in) or from My appointments (`/ticket?reference=…`,
//! signed in). The number large, the service, how many wait before it, and the room once
//! called; read again on each change at the directorate (`api::follow_changes`), and each
//! change of place announced to screen readers.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::endpoints;
use rega_api::staff::TicketStatus;
use rega_api::tickets::HeldTicket;

use crate::api::{self, ApiError};
use crate::components::page_heading::PageHeading;
use crate::i18n::format::digits;
use crate::i18n::names::service_name;
use crate::i18n::{fill, use_i18n};

/// The API path the page's query names, if it names one.
fn ticket_path(code: Option<String>, reference: Option<String>) -> Option<String> {
    match (code, reference) {
        (Some(code), _) if !code.is_empty() => Some(endpoints::fill(endpoints::TICKET, code)),
        (_, Some(reference)) if !reference.is_empty() => {
            Some(endpoints::fill(endpoints::APPOINTMENT_TICKET, reference))
        }
        _ => None,
    }
}

/// The ticket page.
#[component]
pub fn Ticket() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let path = Memo::new(move |_| {
        let query = query.get();
        ticket_path(
            query.get("code").map(|c| c.trim().to_owned()),
            query.get("reference"),
        )
    });
    let (ticket, set_ticket) = signal(None::<Result<HeldTicket, ApiError>>);
    let navigate = crate::navigation::use_go();
    // Read again without blanking what is shown: the last answer stays until the next.
    let read = move || {
        let Some(path) = path.get_untracked() else {
            set_ticket.set(Some(Err(ApiError::Http {
                status: 404,
                code: Some(rega_api::ErrorCode::TicketNotFound),
            })));
            return;
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            let answer = api::get::<HeldTicket>(&path).await;
            if matches!(&answer, Err(e) if api::is_signed_out(e)) {
                navigate(&api::sign_in_href(&api::current_path()), Default::default());
                return;
            }
            // A failed read keeps a ticket already shown: the next change reads again.
            if answer.is_ok() || ticket.get_untracked().is_none_or(|t| t.is_err()) {
                let _ = set_ticket.try_set(Some(answer));
            }
        });
    };
    let first = read.clone();
    Effect::new(move |_| {
        path.track();
        first();
    });
    let directorate = Memo::new(move |_| {
        ticket.with(|t| match t {
            Some(Ok(t)) => Some(t.directorate.clone()),
            _ => None,
        })
    });
    // The section stays while the ticket is shown, so its live region announces each change of
    // place (a region put in the page anew is not announced by every screen reader).
    let shown = Memo::new(move |_| ticket.with(|t| matches!(t, Some(Ok(_)))));
    let field = move |pick: fn(&HeldTicket) -> String| {
        ticket.with(|t| {
            t.as_ref()
                .and_then(|t| t.as_ref().ok())
                .map(pick)
                .unwrap_or_default()
        })
    };
    let place = move || {
        let m = i18n.t();
        let locale = i18n.locale();
        ticket.with(|t| match t {
            Some(Ok(t)) => match t.status {
                TicketStatus::Waiting => fill(
                    m.ticket_ahead(),
                    &[("count", &digits(locale, u64::from(t.ahead)))],
                ),
                TicketStatus::Called => fill(
                    m.ticket_called(),
                    &[("counter", t.counter.as_deref().unwrap_or(""))],
                ),
                TicketStatus::Done => m.ticket_done().to_owned(),
            },
            _ => String::new(),
        })
    };
    view! {
        <PageHeading title=|m| m.ticket_title() intro=|m| m.ticket_intro()/>
        {move || directorate.get().map(|d| view! { <Follow directorate=d read=read.clone()/> })}
        {move || if shown.get() {
            view! {
                <section class="rg-ticket" aria-label=move || i18n.t().ticket_title()>
                    <p class="rg-ticket__number" dir="ltr">{move || field(|t| t.ticket.clone())}</p>
                    <p class="rg-ticket__area">{move || ticket.with(|t| match t {
                        Some(Ok(t)) => service_name(i18n.t(), t.service),
                        _ => "",
                    })}</p>
                    <p class="rg-body rg-body--lead" role="status" aria-live="polite">{place}</p>
                </section>
            }
            .into_any()
        } else {
            match ticket.get() {
                Some(Err(e)) => crate::components::status::failed(i18n, &e),
                _ => crate::components::status::loading(i18n),
            }
        }}
    }
}

/// Follows the directorate's changes while the ticket is shown.
#[component]
fn Follow(directorate: String, read: impl Fn() + Clone + 'static) -> impl IntoView {
    api::follow_changes(&directorate, std::time::Duration::from_secs(5), read);
}
