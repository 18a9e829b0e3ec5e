//! The session cookies: citizens' and staff's, each `__Host-`, `Secure`, `HttpOnly`,
//! `SameSite=Strict`, with a name of its own.

use axum::http::{HeaderMap, HeaderValue, header};

/// The session cookie: `__Host-` so it is only ever sent to this exact origin, over HTTPS.
pub const SESSION_COOKIE: &str = "__Host-rega_session";

/// The staff session cookie: `__Host-`, like the citizen's, and a name of its own.
pub const STAFF_COOKIE: &str = "__Host-rega_staff";

/// The `Set-Cookie` value for a session token (or for clearing it).
pub fn session_cookie(token: Option<&str>) -> HeaderValue {
    named_session_cookie(SESSION_COOKIE, token)
}

/// The `Set-Cookie` value of a session cookie called `name` (citizen or staff), or its clearing.
pub fn named_session_cookie(name: &str, token: Option<&str>) -> HeaderValue {
    let value = match token {
        Some(t) => format!("{name}={t}; Path=/; Secure; HttpOnly; SameSite=Strict"),
        None => format!("{name}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"),
    };
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The session token sent with a request, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE)
}

/// The value of the cookie called `name`, if the request has a non-empty one.
pub fn cookie_value(headers: &HeaderMap, cookie: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == cookie)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// The staff session cookie with this token, or one that clears it.
pub fn staff_cookie(token: Option<&str>) -> HeaderValue {
    named_session_cookie(STAFF_COOKIE, token)
}

/// The staff session token the request carries.
pub fn staff_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, STAFF_COOKIE)
}
