//! Handing SMS to a gateway. A gateway is a trait: the development outbox stores and logs
//! messages (demo mode only); production plugs in an HTTP gateway. A gateway makes one attempt
//! and says how it went: the outbox of messages (`crate::sender`) retries, and its key lets the
//! gateway drop a message it already took when an answer was lost.

use std::sync::Arc;

use async_trait::async_trait;

use crate::clock::Clock;
use crate::store::{Store, StoreError};

/// Why an SMS was not handed over.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    /// The outbox could not store it.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No gateway is configured.
    #[error("no SMS gateway is configured")]
    NoGateway,
    /// The gateway refused the message or could not be reached.
    #[error("the SMS gateway did not take the message: {0}")]
    Refused(String),
}

/// One text message.
#[derive(Debug, Clone, Copy)]
pub struct Sms<'a> {
    /// The phone, E.164.
    pub to: &'a str,
    /// The text.
    pub text: &'a str,
    /// The same for every attempt of one message (`rega-<outbox id>`), so the gateway can drop
    /// one it already took; none for a sign-in code, which is sent once.
    pub key: Option<&'a str>,
}

/// Something that delivers text messages.
#[async_trait]
pub trait SmsGateway: Send + Sync + 'static {
    /// Hands one message over for delivery: one attempt.
    async fn send(&self, message: &Sms<'_>) -> Result<(), SmsError>;
}

/// The development outbox: messages are stored (readable through `/api/v1/dev/outbox`) and
/// printed in the log. Refused outside demo mode.
pub struct DevOutbox {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl DevOutbox {
    /// An outbox over the store.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> DevOutbox {
        DevOutbox { store, clock }
    }
}

#[async_trait]
impl SmsGateway for DevOutbox {
    async fn send(&self, message: &Sms<'_>) -> Result<(), SmsError> {
        self.store
            .push_sms(message.to, message.text, self.clock.now())
            .await?;
        tracing::info!(to = %message.to, text = %message.text, "development SMS outbox");
        Ok(())
    }
}

/// No gateway configured (a production server without `--sms-gateway-url`): sign-in codes
/// cannot be sent, which is logged as an error; the citizen sees the usual response.
pub struct NoGateway;

#[async_trait]
impl SmsGateway for NoGateway {
    async fn send(&self, _message: &Sms<'_>) -> Result<(), SmsError> {
        Err(SmsError::NoGateway)
    }
}

/// An HTTP SMS gateway: each message is POSTed as JSON `{"to", "text", "id"}` with a bearer
/// token (`id` is the message's key, absent for a sign-in code); any 2xx answer means taken.
pub struct HttpGateway {
    client: reqwest::Client,
    url: String,
    token: Option<String>,
}

impl HttpGateway {
    /// A gateway at `url`; an attempt waits at most 10 seconds.
    pub fn new(url: String, token: Option<String>) -> anyhow::Result<HttpGateway> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| anyhow::anyhow!("cannot set up the SMS gateway client: {e}"))?;
        Ok(HttpGateway { client, url, token })
    }
}

#[async_trait]
impl SmsGateway for HttpGateway {
    async fn send(&self, message: &Sms<'_>) -> Result<(), SmsError> {
        let body = match message.key {
            Some(id) => serde_json::json!({ "to": message.to, "text": message.text, "id": id }),
            None => serde_json::json!({ "to": message.to, "text": message.text }),
        };
        let mut request = self.client.post(&self.url).json(&body);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        match request.send().await {
            Ok(response) if response.status().is_success() => Ok(()),
            Ok(response) => Err(SmsError::Refused(format!(
                "HTTP {}",
                response.status().as_u16()
            ))),
            Err(error) => Err(SmsError::Refused(error.without_url().to_string())),
        }
    }
}
