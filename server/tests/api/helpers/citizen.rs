//! A citizen's requests: signing in with the code the outbox holds, booking, moving and
//! cancelling, and what the demo data offers to book.

#![allow(dead_code)]

use serde_json::{Value, json};

use reqwest::header::{COOKIE, SET_COOKIE};

use rega_server::clock::Clock;

use super::DemoApp;

impl DemoApp {
    pub(crate) async fn post(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.app
            .client
            .post(format!("{}{path}", self.app.url))
            .json(&body)
            .send()
            .await
            .expect("answered")
    }

    pub(crate) async fn post_with_cookie(
        &self,
        path: &str,
        body: serde_json::Value,
        cookie: &str,
    ) -> reqwest::Response {
        self.app
            .client
            .post(format!("{}{path}", self.app.url))
            .header(COOKIE, cookie)
            .json(&body)
            .send()
            .await
            .expect("answered")
    }

    pub(crate) async fn get_with_cookie(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.app
            .client
            .get(format!("{}{path}", self.app.url))
            .header(COOKIE, cookie)
            .send()
            .await
            .expect("answered")
    }

    /// The sign-in code sent to a citizen at the current (test) time, read from the development
    /// outbox. Codes are issued after the answer, in the background, so this waits a little.
    pub(crate) async fn code_for(&self, national_id: &str) -> Option<String> {
        let now = self.clock.now();
        for _ in 0..40 {
            let messages: serde_json::Value = self
                .app
                .get(&format!("/api/v1/dev/outbox?national_id={national_id}"))
                .await
                .json()
                .await
                .expect("JSON");
            // The newest message since `now` that carries a code (others, such as a booking's
            // confirmation, may be newer).
            let code = messages
                .as_array()
                .into_iter()
                .flatten()
                .filter(|m| m["sent_at"].as_i64() >= Some(now))
                .filter_map(|m| m["text"].as_str())
                .find_map(|text| {
                    text.split(|c: char| !c.is_ascii_digit())
                        .find(|w| w.len() == 6)
                        .map(str::to_owned)
                });
            if code.is_some() {
                return code;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        None
    }

    /// Signs in and returns the `Cookie` header value.
    pub(crate) async fn sign_in(&self, national_id: &str) -> String {
        self.sign_in_as(national_id, None).await
    }

    /// Signs in with the app in `locale` (the language of the code's SMS and, from then on, of
    /// the citizen's messages), and returns the `Cookie` header value.
    pub(crate) async fn sign_in_as(&self, national_id: &str, locale: Option<&str>) -> String {
        let sent = self
            .post(
                "/api/v1/auth/code",
                json!({ "national_id": national_id, "locale": locale }),
            )
            .await;
        assert_eq!(sent.status(), 202);
        let code = self
            .code_for(national_id)
            .await
            .expect("a code in the outbox");
        let verified = self
            .post(
                "/api/v1/auth/verify",
                json!({ "national_id": national_id, "code": code, "locale": locale }),
            )
            .await;
        assert_eq!(
            verified.status(),
            200,
            "{}",
            verified.text().await.unwrap_or_default()
        );
        cookie_of(&verified)
    }

    pub(crate) async fn slot_ids(&self, directorate: &str, service: &str, date: &str) -> Vec<i64> {
        let slots: Value = self
            .app
            .get(&format!(
                "/api/v1/availability/slots?directorate={directorate}&service={service}&date={date}"
            ))
            .await
            .json()
            .await
            .expect("JSON");
        slots["slots"]
            .as_array()
            .expect("slots")
            .iter()
            .map(|s| s["slot_id"].as_i64().expect("an id"))
            .collect()
    }

    pub(crate) async fn book(&self, cookie: &str, key: &str, body: Value) -> reqwest::Response {
        self.app
            .client
            .post(format!("{}/api/v1/appointments", self.app.url))
            .header("cookie", cookie)
            .header("idempotency-key", key)
            .json(&body)
            .send()
            .await
            .expect("answered")
    }

    pub(crate) async fn change(
        &self,
        cookie: &str,
        key: &str,
        reference: &str,
        action: &str,
        body: Value,
    ) -> reqwest::Response {
        self.app
            .client
            .post(format!(
                "{}/api/v1/appointments/{reference}/{action}",
                self.app.url
            ))
            .header("cookie", cookie)
            .header("idempotency-key", key)
            .json(&body)
            .send()
            .await
            .expect("answered")
    }

    /// The texts in the development outbox for a citizen, newest first.
    pub(crate) async fn outbox_texts(&self, national_id: &str) -> Vec<String> {
        let messages: Value = self
            .app
            .get(&format!("/api/v1/dev/outbox?national_id={national_id}"))
            .await
            .json()
            .await
            .expect("JSON");
        messages
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|m| m["text"].as_str().map(str::to_owned))
            .collect()
    }

    /// The closure notices in the development outbox for a citizen.
    pub(crate) async fn closure_messages(&self, national_id: &str) -> Vec<String> {
        // The closure's message (the demo citizens read Sorani).
        self.outbox_texts(national_id)
            .await
            .into_iter()
            .filter(|t| t.contains("داخراوە؛"))
            .collect()
    }

    /// A citizen books a slot; the appointment's reference.
    pub(crate) async fn book_slot(&self, cookie: &str, service: &str, slot: i64) -> String {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let response = self
            .book(
                cookie,
                &format!("closure-test-{n:06}"),
                json!({ "slot_id": slot, "service": service }),
            )
            .await;
        assert_eq!(response.status(), 201);
        let booked: Value = response.json().await.expect("JSON");
        booked["reference"]
            .as_str()
            .expect("a reference")
            .to_owned()
    }

    /// Places left in each slot of a day, by time.
    pub(crate) async fn places(
        &self,
        directorate: &str,
        service: &str,
        date: &str,
    ) -> Vec<(String, i64)> {
        let answer: Value = self
            .app
            .get(&format!(
                "/api/v1/availability/slots?directorate={directorate}&service={service}&date={date}"
            ))
            .await
            .json()
            .await
            .expect("JSON");
        answer["slots"]
            .as_array()
            .expect("slots")
            .iter()
            .map(|s| {
                (
                    s["time"].as_str().expect("a time").to_owned(),
                    s["places_left"].as_i64().expect("a number"),
                )
            })
            .collect()
    }
}

/// The `name=value` of the session cookie a response sets.
pub(crate) fn cookie_of(response: &reqwest::Response) -> String {
    let set = response.headers()[SET_COOKIE]
        .to_str()
        .expect("ASCII")
        .to_owned();
    set.split(';').next().expect("name=value").to_owned()
}
