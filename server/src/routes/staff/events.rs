//! `GET /events?directorate=…`: a directorate's changes as server-sent events, for its boards
//! and desks (`crate::changes`). Public, like the board: an event says only that something
//! changed at the directorate and when; what changed is read from the board or the day list,
//! each with its own access rules.

use std::convert::Infallible;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use rega_api::ErrorCode;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use crate::AppState;
use crate::changes::{ALIVE_EVERY, Change, now_ms};
use crate::http::extract::ApiQuery;
use crate::http::problem::ApiError;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct EventsQuery {
    /// The directorate, e.g. `erbil`.
    directorate: String,
}

/// A directorate's changes as they happen (`text/event-stream`): a `change` event (its id is
/// when, in Unix milliseconds) each time its queue or day changes, and an `alive` event every
/// 15 seconds. The stream starts with a `change` unless the `Last-Event-ID` the browser sends
/// when it reconnects shows that nothing changed since.
#[utoipa::path(get, path = "/events", tag = "staff", params(EventsQuery,
        ("Last-Event-ID" = Option<String>, Header, description = "the id of the last event received, sent by the browser when it reconnects")),
    responses((status = 200, content_type = "text/event-stream", description = "server-sent events: `change` (data: the change's time in Unix milliseconds) and `alive`"),
        (status = 404, description = "unknown_directorate", body = rega_api::Problem),
        (status = 429, description = "rate_limited: this instance serves as many streams as it can; read the board instead", body = rega_api::Problem)))]
pub(super) async fn events(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<EventsQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let known = state.directorates().await?;
    if !known.iter().any(|(d, _)| d.id == query.directorate) {
        return Err(ApiError::client(ErrorCode::UnknownDirectorate));
    }
    let Some(permit) = state.changes.admit() else {
        return Err(ApiError::client(ErrorCode::RateLimited));
    };
    let last_id = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    let first = state
        .changes
        .missed(&query.directorate, last_id)
        .then(now_ms);
    let feed = Feed {
        directorate: query.directorate,
        changes: state.changes.subscribe(),
        closing: state.changes.closing(),
        alive: tokio::time::interval_at(tokio::time::Instant::now() + ALIVE_EVERY, ALIVE_EVERY),
        first,
        _permit: permit,
    };
    let mut response = Sse::new(events_of(feed)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Proxies that buffer answers (nginx) must pass each event on at once.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

/// What one open stream holds.
struct Feed {
    directorate: String,
    changes: tokio::sync::broadcast::Receiver<Change>,
    closing: tokio::sync::watch::Receiver<bool>,
    alive: tokio::time::Interval,
    /// The `change` to start with, if the client may have missed one.
    first: Option<i64>,
    /// The stream's place among the instance's streams, given back when it ends.
    _permit: tokio::sync::OwnedSemaphorePermit,
}

fn change_event(at_ms: i64) -> Event {
    Event::default()
        .event("change")
        .id(at_ms.to_string())
        .data(at_ms.to_string())
}

/// The events of one stream, until the client goes or the server stops.
fn events_of(feed: Feed) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(feed, |mut feed| async move {
        if let Some(at_ms) = feed.first.take() {
            return Some((Ok(change_event(at_ms)), feed));
        }
        if *feed.closing.borrow() {
            return None;
        }
        loop {
            tokio::select! {
                _ = feed.closing.changed() => return None,
                _ = feed.alive.tick() => {
                    return Some((Ok(Event::default().event("alive").data("")), feed));
                }
                heard = feed.changes.recv() => match heard {
                    Ok(change) if change.concerns(&feed.directorate) => {
                        // Changes that came together make one event.
                        let mut at_ms = change.at_ms;
                        while let Ok(more) = feed.changes.try_recv() {
                            if more.concerns(&feed.directorate) {
                                at_ms = at_ms.max(more.at_ms);
                            }
                        }
                        return Some((Ok(change_event(at_ms)), feed));
                    }
                    Ok(_) => {}
                    // Fell behind: something may have changed here.
                    Err(RecvError::Lagged(_)) => return Some((Ok(change_event(now_ms())), feed)),
                    Err(RecvError::Closed) => return None,
                },
            }
        }
    })
}
