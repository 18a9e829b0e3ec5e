//! The security headers of SPEC §6 on every kind of response.

use crate::helpers::{fake_dist, spawn_app};

const EXPECTED_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; \
base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let dist = fake_dist();
    let app = spawn_app(Some(dist.path().to_path_buf())).await;
    for path in [
        "/",
        "/book",
        "/healthz",
        "/api/v1/nothing",
        "/rega-app-0123456789abcdef.js",
        "/missing.png",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["content-security-policy"], EXPECTED_CSP, "{path}");
        let csp = headers["content-security-policy"].to_str().expect("ASCII");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
            "{path}"
        );
        assert!(
            headers["strict-transport-security"]
                .to_str()
                .expect("ASCII")
                .starts_with("max-age="),
            "{path}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
}

#[tokio::test]
async fn only_the_scanning_pages_may_ask_for_the_camera() {
    let dist = fake_dist();
    let app = spawn_app(Some(dist.path().to_path_buf())).await;
    for (path, allowed) in [
        ("/kiosk", true),
        ("/verify", true),
        ("/", false),
        ("/licence", false),
    ] {
        let response = app.get(path).await;
        let policy = response.headers()["permissions-policy"]
            .to_str()
            .expect("ASCII")
            .to_owned();
        assert_eq!(
            policy.contains("camera=(self)"),
            allowed,
            "{path}: {policy}"
        );
        assert_eq!(policy.contains("camera=()"), !allowed, "{path}: {policy}");
    }
}
