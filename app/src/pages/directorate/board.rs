//! The waiting-hall board (SPEC §3.7): the tickets being called and their counters, large, read
//! again as soon as the directorate's change events say a call was made (`api::follow_changes`;
//! every second where events do not get through); the latest is also announced to screen readers,
//! and a chime (`/chime.wav`, shipped with the app) sounds on each new call unless staff switched
//! it off on this screen. `/board?directorate=erbil`; without a directorate, a choice of them.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::endpoints;
use rega_api::reference::DirectorateInfo;
use rega_api::staff::Board as BoardAnswer;

use crate::api;
use crate::components::page_heading::PageHeading;
use crate::i18n::names::localized;
use crate::i18n::{directorate, fill, use_i18n};

/// How often the board asks (milliseconds) where change events do not get through.
pub const POLL_MS: u64 = 1000;

/// Where the screen remembers that its chime was switched off.
const CHIME_OFF: &str = "rega.board.chime-off";

/// Sounds the chime once (a browser that blocks sound without a gesture stays silent: start a
/// hall screen's Chromium with `--autoplay-policy=no-user-gesture-required`).
fn chime() {
    use wasm_bindgen::JsCast;
    let audio = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("audio").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlMediaElement>().ok());
    if let Some(audio) = audio {
        audio.set_src("/chime.wav");
        let _ = audio.play();
    }
}

/// The waiting-hall board.
#[component]
pub fn Board() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let chosen = move || query.get().get("directorate").filter(|d| !d.is_empty());
    view! {
        <PageHeading title=|m| m.board_title() intro=|m| m.board_intro()/>
        {move || match chosen() {
            Some(id) => view! { <Calls directorate_id=id/> }.into_any(),
            None => view! { <Choose/> }.into_any(),
        }}
    }
}

/// Links to each directorate's board.
#[component]
fn Choose() -> impl IntoView {
    let i18n = use_i18n();
    let (list, set_list) = signal(None::<Vec<DirectorateInfo>>);
    spawn_local(async move {
        if let Ok(all) = api::get::<Vec<DirectorateInfo>>(endpoints::DIRECTORATES).await {
            let _ = set_list.try_set(Some(all));
        }
    });
    view! {
        <p class="rg-body">{move || directorate(i18n.locale()).board_choose}</p>
        <ul class="rg-link-list">
            {move || list.get().unwrap_or_default().into_iter().map(|d| view! {
                <li><a class="rg-link" href=format!("/board?directorate={}", d.id)>{localized(&d.name, i18n.locale())}</a></li>
            }).collect_view()}
        </ul>
    }
}

/// The calls of one directorate, read again on each change.
#[component]
fn Calls(directorate_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (board, set_board) = signal(None::<BoardAnswer>);
    let path = format!("{}?directorate={directorate_id}", endpoints::BOARD);
    let ask = move || {
        let path = path.clone();
        spawn_local(async move {
            // A failed poll keeps what is shown; the next one tries again.
            if let Ok(answer) = api::get::<BoardAnswer>(&path).await {
                let _ = set_board.try_set(Some(answer));
            }
        });
    };
    ask();
    api::follow_changes(
        &directorate_id,
        std::time::Duration::from_millis(POLL_MS),
        ask,
    );
    let latest = Memo::new(move |_| {
        board.with(|b| {
            b.as_ref().and_then(|b| {
                b.called
                    .first()
                    .map(|c| (c.ticket.clone(), c.counter.clone(), c.called_at))
            })
        })
    });
    // The chime: on each call after the board's first answer, unless switched off here.
    let chime_on = RwSignal::new(crate::storage::read(CHIME_OFF).is_none());
    let heard = StoredValue::new(None::<Option<(String, String, i64)>>);
    Effect::new(move |_| {
        let now = latest.get();
        if board.with(Option::is_none) {
            return;
        }
        let before = heard.get_value();
        heard.set_value(Some(now.clone()));
        if before.is_some_and(|b| b != now) && now.is_some() && chime_on.get_untracked() {
            chime();
        }
    });
    let toggle = move |_| {
        let on = !chime_on.get_untracked();
        crate::storage::write(CHIME_OFF, (!on).then_some("1"));
        chime_on.set(on);
    };
    view! {
        <p class="rg-board-chime">
            <button type="button" class="rg-button rg-button--secondary rg-button--small"
                aria-pressed=move || chime_on.get().to_string() on:click=toggle>
                {move || d().board_chime}</button>
        </p>
        <p class="rg-visually-hidden" aria-live="polite">
            {move || latest.get().map(|(ticket, counter, _)| fill(d().board_latest, &[("ticket", &ticket), ("counter", &counter)]))}
        </p>
        {move || match board.get() {
            None => crate::components::status::loading(i18n),
            Some(b) if b.called.is_empty() => view! { <p class="rg-body rg-body--lead">{d().board_empty}</p> }.into_any(),
            Some(b) => view! {
                <table class="rg-board">
                    <thead><tr><th scope="col">{d().board_ticket}</th><th scope="col">{d().board_counter}</th></tr></thead>
                    <tbody>
                        {b.called.into_iter().enumerate().map(|(i, c)| view! {
                            <tr class:rg-board__latest=i == 0>
                                <td><bdi dir="ltr">{c.ticket}</bdi></td>
                                <td><bdi dir="ltr">{c.counter}</bdi></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
    }
}
