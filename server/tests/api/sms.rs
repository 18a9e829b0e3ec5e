//! The HTTP SMS gateway against a local fake gateway that fails before it accepts.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use rega_server::sms::{HttpGateway, SmsGateway};

#[derive(Default)]
struct FakeGateway {
    calls: Mutex<u32>,
    delivered: Mutex<Vec<(Option<String>, serde_json::Value)>>,
}

async fn fake_gateway(fail_first: u32) -> (String, Arc<FakeGateway>) {
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

async fn wait_for(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..200 {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

#[tokio::test]
async fn a_message_is_retried_until_the_gateway_accepts_it() {
    let (url, fake) = fake_gateway(2).await;
    let gateway = HttpGateway::new(url, Some("secret-token".into()), Duration::from_millis(10))
        .expect("a gateway");
    gateway
        .send("+9647500000001", "Rega: 123456")
        .await
        .expect("handed over");
    assert!(
        wait_for(|| !fake.delivered.lock().expect("lock").is_empty()).await,
        "delivered after retries"
    );
    let delivered = fake.delivered.lock().expect("lock").clone();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].0.as_deref(), Some("Bearer secret-token"));
    assert_eq!(
        delivered[0].1,
        serde_json::json!({ "to": "+9647500000001", "text": "Rega: 123456" })
    );
    assert_eq!(*fake.calls.lock().expect("lock"), 3);
}

#[tokio::test]
async fn a_gateway_that_is_down_never_fails_the_sender() {
    let (url, fake) = fake_gateway(u32::MAX).await;
    let gateway = HttpGateway::new(url, None, Duration::from_millis(5)).expect("a gateway");
    // Handing over succeeds; delivery is tried in the background and gives up after 4 tries.
    gateway
        .send("+9647500000001", "Rega: 123456")
        .await
        .expect("handed over");
    assert!(wait_for(|| *fake.calls.lock().expect("lock") == 4).await);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        *fake.calls.lock().expect("lock"),
        4,
        "no more than four attempts"
    );
    let unreachable = HttpGateway::new(
        "http://127.0.0.1:9/send".into(),
        None,
        Duration::from_millis(1),
    )
    .expect("a gateway");
    unreachable
        .send("+9647500000001", "x")
        .await
        .expect("still handed over");
}
