//! Staff requests: signing in at the desk and calling the staff API with the session cookie.

#![allow(dead_code)]

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha1::Sha1;

use super::DemoApp;

/// The demo staff accounts' password.
pub(crate) const PASSWORD: &str = rega_server::demo::DEMO_STAFF_PASSWORD;

impl DemoApp {
    /// A supervisor's closure of `hours` hours from `hour`:00 of `day` at the directorate,
    /// made in the store as the desk's would be: its id.
    pub(crate) async fn close_hours(
        &self,
        directorate: &str,
        day: &str,
        hour: u8,
        hours: i64,
    ) -> i64 {
        let supervisor = self
            .state
            .store
            .staff_by_username("erbil-supervisor")
            .await
            .expect("read")
            .expect("the demo supervisor")
            .id;
        let from = rega_api::time::LocalDateTime {
            date: rega_api::time::Date::parse(day).expect("a date"),
            hour,
            minute: 0,
        }
        .to_unix();
        let (closure, _) = self
            .state
            .store
            .close(&rega_server::store::NewClosure {
                directorate_id: directorate,
                day,
                starts_at: from,
                ends_at: from + hours * 3600,
                note: "",
                staff_id: supervisor,
                now: rega_server::clock::Clock::now(self.clock.as_ref()),
            })
            .await
            .expect("closed");
        closure
    }

    pub(crate) async fn staff_sign_in(&self, username: &str, password: &str) -> reqwest::Response {
        self.app
            .client
            .post(format!("{}/api/v1/staff/sign-in", self.app.url))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("answered")
    }

    pub(crate) async fn staff_cookie(&self, username: &str) -> String {
        let response = self.staff_sign_in(username, PASSWORD).await;
        assert_eq!(response.status(), 200, "{username} signs in");
        let cookie = response.headers()["set-cookie"]
            .to_str()
            .expect("text")
            .to_owned();
        assert!(
            cookie.starts_with("__Host-rega_staff=")
                && cookie.contains("HttpOnly")
                && cookie.contains("Secure")
        );
        cookie.split(';').next().expect("a pair").to_owned()
    }

    pub(crate) async fn staff(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.app.client.request(
            method.parse().expect("a method"),
            format!("{}/api/v1{path}", self.app.url),
        );
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        if method == "POST" {
            // Each desk action a key of its own, as the desk sends.
            static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            request = request.header("idempotency-key", format!("desk-test-key-{n:08}"));
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("answered")
    }

    /// `POST /staff/call-next` for a counter of an area: the answer.
    pub(crate) async fn call_next(&self, cookie: &str, area: &str, counter: &str) -> Value {
        self.staff(
            "POST",
            "/staff/call-next",
            Some(cookie),
            Some(serde_json::json!({ "area": area, "counter": counter })),
        )
        .await
        .json()
        .await
        .expect("JSON")
    }

    /// The public board of a directorate.
    pub(crate) async fn board(&self, directorate: &str) -> Value {
        self.app
            .get(&format!("/api/v1/board?directorate={directorate}"))
            .await
            .json()
            .await
            .expect("JSON")
    }

    /// One appointment's row in the desk's list of today.
    pub(crate) async fn day_row(&self, cookie: &str, reference: &str) -> Value {
        let day: Value = self
            .staff("GET", "/staff/day", Some(cookie), None)
            .await
            .json()
            .await
            .expect("JSON");
        day["appointments"]
            .as_array()
            .expect("a list")
            .iter()
            .find(|a| a["reference"] == reference)
            .cloned()
            .expect("listed")
    }
}

/// RFC 4648 base32, as an authenticator app reads the secret.
pub(crate) fn base32_decode(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = String::new();
    for c in text.bytes() {
        let value = alphabet.iter().position(|a| *a == c).expect("base32");
        bits.push_str(&format!("{value:05b}"));
    }
    bits.as_bytes()
        .chunks(8)
        .filter(|c| c.len() == 8)
        .map(|c| u8::from_str_radix(std::str::from_utf8(c).expect("bits"), 2).expect("a byte"))
        .collect()
}

/// The code an authenticator app shows at `time` for the secret (RFC 6238: HMAC-SHA1 of the
/// 30-second step, dynamically truncated to six digits), computed here apart from the server's
/// own code.
pub(crate) fn totp(secret: &str, time: i64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(&base32_decode(secret)).expect("a key");
    mac.update(&(time / 30).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0xf) as usize;
    let value =
        u32::from_be_bytes(digest[offset..offset + 4].try_into().expect("4 bytes")) & 0x7fff_ffff;
    format!("{:06}", value % 1_000_000)
}
