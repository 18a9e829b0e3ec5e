//! The only place the app does HTTP: typed calls to the Rega API, each failure a typed error
//! that becomes a localized message (never swallowed, never a panic).

use gloo_net::http::{Method, RequestBuilder};
use leptos::prelude::*;
use rega_api::{API_BASE, ErrorCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::i18n::{Messages, error_message};

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No answer: offline, or the server cannot be reached.
    Network,
    /// An answer with an error status, and its problem code when the body had one.
    Http {
        /// The HTTP status.
        status: u16,
        /// The problem document's code.
        code: Option<ErrorCode>,
    },
    /// An answer the app cannot read (a newer server, or a proxy's page).
    Decode,
}

impl ApiError {
    /// The message to show, in the interface language.
    pub fn message(&self, m: &'static Messages) -> &'static str {
        match self {
            ApiError::Network => m.common_network_error(),
            ApiError::Http {
                code: Some(code), ..
            } => error_message(m, *code),
            ApiError::Http { status, code: None } if *status >= 500 => {
                error_message(m, ErrorCode::Internal)
            }
            ApiError::Http { .. } | ApiError::Decode => error_message(m, ErrorCode::BadRequest),
        }
    }

    /// The problem code, when the server gave one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Http { code, .. } => *code,
            _ => None,
        }
    }
}

fn url(path: &str) -> String {
    format!("{API_BASE}{path}")
}

/// The one request function, deliberately not generic: every call shares its code, and only
/// the small [`decode`] step is compiled once per answer type (this keeps the wasm small).
/// Built on `gloo_net::http` (without its `json` feature: the browser's own JSON parser reads
/// the answers, see [`parse`]).
async fn send(
    method: Method,
    path: &str,
    body: Option<String>,
    header: Option<(&'static str, &str)>,
) -> Result<(u16, String), ApiError> {
    let mut request = RequestBuilder::new(&url(path)).method(method);
    if body.is_some() {
        request = request.header("Content-Type", "application/json");
    }
    // After the body's type: a caller's `Content-Type` (the trust list is text) wins.
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    let request = match body {
        Some(text) => request.body(text),
        None => request.build(),
    }
    .map_err(|_| ApiError::Decode)?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    let text = response.text().await.map_err(|_| ApiError::Network)?;
    Ok((response.status(), text))
}

/// A JSON file of the app itself (not the API), parsed by the browser; `None` if unreachable.
pub async fn fetch_static_json(path: &str) -> Option<wasm_bindgen::JsValue> {
    let response = gloo_net::http::Request::get(path).send().await.ok()?;
    if !response.ok() {
        return None;
    }
    let response: web_sys::Response = response.into();
    wasm_bindgen_futures::JsFuture::from(response.json().ok()?)
        .await
        .ok()
}

/// Parses JSON with the browser's own parser (much smaller than compiling one into the wasm)
/// and reads it with [`crate::js_json`].
pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = js_sys::JSON::parse(text).ok()?;
    crate::js_json::from_value(value).ok()
}

/// What the app reads of a problem document: its code (the rest is for people reading logs).
#[derive(serde::Deserialize)]
struct ProblemCode {
    code: ErrorCode,
}

/// Reads an answer: the JSON body of a success, or the problem code of a failure.
fn decode<T: DeserializeOwned>((status, text): (u16, String)) -> Result<T, ApiError> {
    if (200..300).contains(&status) {
        return parse(&text).ok_or(ApiError::Decode);
    }
    Err(failure(status, &text))
}

/// The error an answer with a failing status stands for (not generic: compiled once).
fn failure(status: u16, text: &str) -> ApiError {
    let code = parse::<ProblemCode>(text).map(|p| p.code);
    ApiError::Http { status, code }
}

pub fn encode<B: Serialize>(body: &B) -> Result<String, ApiError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let value = body.serialize(&serializer).map_err(|_| ApiError::Decode)?;
    js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or(ApiError::Decode)
}

/// `GET` a JSON resource.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    decode(send(Method::GET, path, None, None).await?)
}

/// `GET` a JSON resource, sending one more header (the kiosk's `Authorization`).
pub async fn get_with<T: DeserializeOwned>(
    path: &str,
    header: (&'static str, &str),
) -> Result<T, ApiError> {
    decode(send(Method::GET, path, None, Some(header)).await?)
}

/// `POST` a JSON body, sending one more header (the kiosk's `Authorization`).
pub async fn post_with<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    header: (&'static str, &str),
) -> Result<T, ApiError> {
    let body = encode(body)?;
    decode(send(Method::POST, path, Some(body), Some(header)).await?)
}

/// `GET` a text resource (the trust list, a JWS), noting the server's time from the answer's
/// `Date` header (`crate::clock`): the verifier checks codes against it, offline later too.
pub async fn get_text(path: &str) -> Result<String, ApiError> {
    let response = RequestBuilder::new(&url(path))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if let Some(date) = response.headers().get("date") {
        // The browser's own parser reads the HTTP date (no date code in the wasm).
        let ms = js_sys::Date::parse(&date);
        if ms.is_finite() {
            crate::clock::learn((ms / 1000.0) as i64);
        }
    }
    let status = response.status();
    let text = response.text().await.map_err(|_| ApiError::Network)?;
    if (200..300).contains(&status) {
        return Ok(text);
    }
    decode::<()>((status, text)).map(|()| String::new())
}

/// `PUT` a text body (the trust list, a JWS) and read a JSON answer.
pub async fn put_text<T: DeserializeOwned>(path: &str, text: String) -> Result<T, ApiError> {
    decode(
        send(
            Method::PUT,
            path,
            Some(text),
            Some(("Content-Type", "text/plain")),
        )
        .await?,
    )
}

/// `POST` a JSON body and read a JSON answer.
pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let body = encode(body)?;
    decode(send(Method::POST, path, Some(body), None).await?)
}

/// `POST` a JSON body with an `Idempotency-Key`, so that a retry of the same request (a double
/// tap, a reload after a dropped connection) gets the first answer instead of acting twice.
pub async fn post_once<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    key: &str,
) -> Result<T, ApiError> {
    let body = encode(body)?;
    decode(
        send(
            Method::POST,
            path,
            Some(body),
            Some(("Idempotency-Key", key)),
        )
        .await?,
    )
}

/// The answer to a `GET` that the page shows: `None` while loading. The request is made again
/// whenever a signal read by `path` changes; an answer that arrives after a newer request was
/// made is dropped, and one that arrives after the page was left goes nowhere. An answer that
/// says the session has ended (or never began) replaces the page with sign-in, which comes
/// back here afterwards.
pub fn use_get<T: DeserializeOwned + Clone + Send + Sync + 'static>(
    path: impl Fn() -> Option<String> + 'static,
) -> Signal<Option<Result<T, ApiError>>> {
    let (value, set_value) = signal(None::<Result<T, ApiError>>);
    let generation = StoredValue::new(0_u32);
    let navigate = crate::navigation::use_go();
    let session = use_context::<crate::components::session::Session>();
    Effect::new(move |_| {
        let Some(path) = path() else {
            set_value.set(Some(Err(ApiError::Decode)));
            return;
        };
        let this = generation.get_value().wrapping_add(1);
        generation.set_value(this);
        set_value.set(None);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            // Only reading the body is generic; the rest is compiled once for every page.
            if let Some(answer) = answer_for_page(path, generation, this, session, navigate).await {
                let _ = set_value.try_set(Some(answer.and_then(decode::<T>)));
            }
        });
    });
    value.into()
}

/// The answer to a page's `GET`, or `None` if a newer request was made meanwhile. An answer
/// that says the session has ended sends the citizen to sign in, and back here afterwards.
async fn answer_for_page(
    path: String,
    generation: StoredValue<u32>,
    this: u32,
    session: Option<crate::components::session::Session>,
    navigate: impl Fn(&str, leptos_router::NavigateOptions),
) -> Option<Result<(u16, String), ApiError>> {
    let answer = send(Method::GET, &path, None, None).await;
    if generation.try_get_value() != Some(this) {
        return None;
    }
    let signed_out = matches!(&answer, Ok((status, text))
        if !(200..300).contains(status) && is_signed_out(&failure(*status, text)));
    if signed_out {
        if let Some(session) = session {
            session.set(false);
        }
        navigate(
            &sign_in_href(&current_path()),
            leptos_router::NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    }
    Some(answer)
}

/// `POST` with no body and an `Idempotency-Key`, reading a JSON answer (the desk's call again).
pub async fn post_once_without_body<T: DeserializeOwned>(
    path: &str,
    key: &str,
) -> Result<T, ApiError> {
    decode(send(Method::POST, path, None, Some(("Idempotency-Key", key))).await?)
}

/// `POST` with no body and no answer body (`204`), e.g. signing out.
pub async fn post_empty(path: &str) -> Result<(), ApiError> {
    empty_answer(send(Method::POST, path, None, None).await?)
}

/// [`post_empty`] with an `Idempotency-Key` (the desk's attendance).
pub async fn post_empty_once(path: &str, key: &str) -> Result<(), ApiError> {
    empty_answer(send(Method::POST, path, None, Some(("Idempotency-Key", key))).await?)
}

/// `POST` a JSON body with an `Idempotency-Key` whose answer has no body (`204`), e.g. the
/// desk's test result.
pub async fn post_once_no_content<B: Serialize>(
    path: &str,
    body: &B,
    key: &str,
) -> Result<(), ApiError> {
    let body = encode(body)?;
    empty_answer(
        send(
            Method::POST,
            path,
            Some(body),
            Some(("Idempotency-Key", key)),
        )
        .await?,
    )
}

/// `PUT` a JSON body whose answer has no body (`204`), e.g. the citizen's language.
pub async fn put_no_content<B: Serialize>(path: &str, body: &B) -> Result<(), ApiError> {
    let body = encode(body)?;
    empty_answer(send(Method::PUT, path, Some(body), None).await?)
}

fn empty_answer((status, text): (u16, String)) -> Result<(), ApiError> {
    if (200..300).contains(&status) {
        return Ok(());
    }
    decode::<()>((status, text))
}

/// Silence after which a screen that follows a directorate's changes reads by itself: the
/// server says it is alive every 15 seconds, so this long without a word means the events do
/// not get through (a proxy that holds them back, a connection down while the browser retries).
const QUIET_MS: f64 = 30_000.0;

/// Calls `read` each time the directorate's queue or day changes, from server-sent events
/// (`GET /events`, through gloo-net's `EventSource`; the browser reconnects a dropped stream by
/// itself, with the id of the last event, and the server then says whether anything changed
/// meanwhile). Where no event has come for [`QUIET_MS`], `read` is called every `fallback`
/// instead, as a screen did before it could listen. Stops with the calling component.
pub fn follow_changes(
    directorate: &str,
    fallback: std::time::Duration,
    read: impl Fn() + Clone + 'static,
) {
    use futures_util::StreamExt;
    let heard = StoredValue::new(js_sys::Date::now());
    let path = format!("{}?directorate={directorate}", rega_api::endpoints::EVENTS);
    let source = gloo_net::eventsource::futures::EventSource::new(&url(&path)).ok();
    if let Some(mut source) = source {
        let streams = (source.subscribe("change"), source.subscribe("alive"));
        if let (Ok(changes), Ok(alive)) = streams {
            let read = read.clone();
            leptos::task::spawn_local(async move {
                let mut events = futures_util::stream::select(changes, alive);
                // An error ends it: the stream was closed (by the server's refusal, or by this
                // component going away). A stream the browser is reconnecting gives none.
                while let Some(Ok((kind, _))) = events.next().await {
                    if heard.try_set_value(js_sys::Date::now()).is_some() {
                        return;
                    }
                    if kind == "change" {
                        read();
                    }
                }
                // Closed for good: read by polling from now on.
                let _ = heard.try_set_value(0.0);
            });
        }
        // Dropping the source closes the connection.
        let source = StoredValue::new_local(Some(source));
        on_cleanup(move || {
            let _ = source.try_update_value(Option::take);
        });
    }
    let check = move || {
        let quiet = heard
            .try_get_value()
            .is_some_and(|at| js_sys::Date::now() - at > QUIET_MS);
        if quiet {
            read();
        }
    };
    if let Ok(handle) = set_interval_with_handle(check, fallback) {
        on_cleanup(move || handle.clear());
    }
}

/// A fresh idempotency key: 128 random bits as hex (works outside secure contexts too).
pub fn new_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // No Web Crypto: time and Math.random still make a collision within one citizen's
        // keys (all the server compares against) practically impossible.
        let seed = js_sys::Date::now().to_bits() ^ (js_sys::Math::random().to_bits() << 1);
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        bytes[8..].copy_from_slice(&js_sys::Math::random().to_bits().to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the error means the citizen is not (or no longer) signed in.
pub fn is_signed_out(error: &ApiError) -> bool {
    error.code() == Some(ErrorCode::Unauthenticated)
}

/// The sign-in page, set to come back to `here` (a path with its query) afterwards.
pub fn sign_in_href(here: &str) -> String {
    let mut next = String::with_capacity(here.len() + 8);
    for ch in here.chars() {
        match ch {
            '%' => next.push_str("%25"),
            '&' => next.push_str("%26"),
            '#' => next.push_str("%23"),
            '+' => next.push_str("%2B"),
            '=' => next.push_str("%3D"),
            '?' => next.push_str("%3F"),
            ' ' => next.push_str("%20"),
            _ => next.push(ch),
        }
    }
    format!("{}?next={next}", rega_api::paths::SIGN_IN)
}

/// The address of the current page, path and query.
pub fn current_path() -> String {
    web_sys::window()
        .map(|w| {
            let l = w.location();
            format!(
                "{}{}",
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default()
            )
        })
        .unwrap_or_else(|| "/".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_back_after_sign_in_keeps_the_query_intact() {
        assert_eq!(sign_in_href("/licence"), "/sign-in?next=/licence");
        assert_eq!(
            sign_in_href("/book/time?service=renewal&date=2026-12-01"),
            "/sign-in?next=/book/time%3Fservice%3Drenewal%26date%3D2026-12-01"
        );
    }
}
