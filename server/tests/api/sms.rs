//! The HTTP SMS gateway against a local fake gateway that fails before it accepts: one attempt
//! each, its outcome said (the outbox retries).

use std::time::Duration;

use rega_server::sms::{HttpGateway, Sms, SmsGateway};

use crate::helpers::sms_gateway::fake_gateway;

#[tokio::test]
async fn one_attempt_says_whether_the_gateway_took_the_message() {
    let (url, fake) = fake_gateway(1).await;
    let gateway = HttpGateway::new(url, Some("secret-token".into())).expect("a gateway");
    let sms = Sms {
        to: "+9647500000001",
        text: "ڕێگا: 123456",
        key: Some("rega-42"),
    };
    // The first attempt is refused, and said so (the outbox retries it later).
    assert!(gateway.send(&sms).await.is_err());
    gateway.send(&sms).await.expect("taken");
    let delivered = fake.delivered.lock().expect("lock").clone();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].0.as_deref(), Some("Bearer secret-token"));
    assert_eq!(
        delivered[0].1,
        serde_json::json!({ "to": "+9647500000001", "text": "ڕێگا: 123456", "id": "rega-42" })
    );
    assert_eq!(*fake.calls.lock().expect("lock"), 2);
}

#[tokio::test]
async fn a_gateway_that_cannot_be_reached_is_a_failure_not_a_hang() {
    let unreachable = HttpGateway::new("http://127.0.0.1:9/send".into(), None).expect("a gateway");
    let sms = Sms {
        to: "+9647500000001",
        text: "x",
        key: None,
    };
    let started = std::time::Instant::now();
    assert!(unreachable.send(&sms).await.is_err());
    assert!(started.elapsed() < Duration::from_secs(11));
}
