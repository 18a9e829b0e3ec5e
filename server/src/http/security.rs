//! The security headers of SPEC §6, set on every response.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};

/// The content security policy. No `'unsafe-inline'`, no `'unsafe-eval'`: the app boots from an
/// external script, and WebAssembly compilation is the only relaxation.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Whether the page at `path` may use the camera (the scanning pages only).
pub fn may_use_camera(path: &str) -> bool {
    rega_api::paths::SCANNING_PAGES
        .iter()
        .any(|page| rega_api::paths::at_or_under(path, page))
}

/// Adds the security headers to a response (every response, errors and static files included).
pub fn add_headers(headers: &mut HeaderMap, camera: bool) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=63072000; includeSubDomains"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(if camera {
            "camera=(self), microphone=(), geolocation=()"
        } else {
            "camera=(), microphone=(), geolocation=()"
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_scanning_pages_may_use_the_camera() {
        assert!(may_use_camera("/kiosk"));
        assert!(may_use_camera("/verify/scan"));
        assert!(!may_use_camera("/kiosks"));
        assert!(!may_use_camera("/licence"));
        assert!(!may_use_camera("/"));
    }
}
