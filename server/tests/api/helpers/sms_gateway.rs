//! A fake SMS gateway: a small HTTP server that fails before it accepts, and keeps what it took.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

/// What the fake gateway saw.
#[derive(Default)]
pub(crate) struct FakeGateway {
    /// Requests received.
    pub(crate) calls: Mutex<u32>,
    /// The messages taken: the `Authorization` header and the body.
    pub(crate) delivered: Mutex<Vec<(Option<String>, serde_json::Value)>>,
}

/// An SMS gateway on a local port that refuses the first `fail_first` requests (503), then
/// takes each (202): its URL and what it received.
pub(crate) async fn fake_gateway(fail_first: u32) -> (String, Arc<FakeGateway>) {
    let gateway = Arc::new(FakeGateway::default());
    let shared = gateway.clone();
    let router = axum::Router::new().route(
        "/send",
        post(
            move |headers: HeaderMap, Json(body): Json<serde_json::Value>| {
                let shared = shared.clone();
                async move {
                    let mut calls = shared.calls.lock().expect("lock");
                    *calls += 1;
                    if *calls <= fail_first {
                        return StatusCode::SERVICE_UNAVAILABLE;
                    }
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    shared.delivered.lock().expect("lock").push((auth, body));
                    StatusCode::ACCEPTED
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!("http://{}/send", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serves") });
    (url, gateway)
}
