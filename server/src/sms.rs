//! Sending SMS. A gateway is a trait: the development outbox stores and logs messages (demo
//! mode only); production plugs in an HTTP gateway.

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
}

/// Something that delivers text messages.
#[async_trait]
pub trait SmsGateway: Send + Sync + 'static {
    /// Hands one message over for delivery.
    async fn send(&self, phone: &str, text: &str) -> Result<(), SmsError>;
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
    async fn send(&self, phone: &str, text: &str) -> Result<(), SmsError> {
        self.store.push_sms(phone, text, self.clock.now()).await?;
        tracing::info!(to = %phone, %text, "development SMS outbox");
        Ok(())
    }
}

/// No gateway configured (a production server without `--sms-gateway-url`): sign-in codes
/// cannot be sent, which is logged as an error; the citizen sees the usual response.
pub struct NoGateway;

#[async_trait]
impl SmsGateway for NoGateway {
    async fn send(&self, _phone: &str, _text: &str) -> Result<(), SmsError> {
        Err(SmsError::NoGateway)
    }
}

/// An HTTP SMS gateway: each message is POSTed as JSON `{"to", "text"}` with a bearer token.
/// Delivery runs in the background, retried with exponential backoff; failures are logged and
/// never reach the citizen's request.
pub struct HttpGateway {
    client: reqwest::Client,
    url: String,
    token: Option<String>,
    first_retry: std::time::Duration,
}

/// Tries per message.
const ATTEMPTS: u32 = 4;

impl HttpGateway {
    /// A gateway at `url`; retries wait `first_retry`, then twice that, and so on.
    pub fn new(
        url: String,
        token: Option<String>,
        first_retry: std::time::Duration,
    ) -> anyhow::Result<HttpGateway> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| anyhow::anyhow!("cannot set up the SMS gateway client: {e}"))?;
        Ok(HttpGateway {
            client,
            url,
            token,
            first_retry,
        })
    }
}

#[async_trait]
impl SmsGateway for HttpGateway {
    async fn send(&self, phone: &str, text: &str) -> Result<(), SmsError> {
        let (client, url, token, first_retry) = (
            self.client.clone(),
            self.url.clone(),
            self.token.clone(),
            self.first_retry,
        );
        let body = serde_json::json!({ "to": phone, "text": text });
        let masked = format!(
            "…{}",
            phone
                .chars()
                .rev()
                .take(3)
                .collect::<String>()
                .chars()
                .rev()
                .collect::<String>()
        );
        tokio::spawn(async move {
            let mut delay = first_retry;
            for attempt in 1..=ATTEMPTS {
                let mut request = client.post(&url).json(&body);
                if let Some(token) = &token {
                    request = request.bearer_auth(token);
                }
                match request.send().await {
                    Ok(response) if response.status().is_success() => return,
                    Ok(response) => {
                        tracing::warn!(status = response.status().as_u16(), attempt, to = %masked, "the SMS gateway refused a message")
                    }
                    Err(error) => {
                        tracing::warn!(%error, attempt, to = %masked, "the SMS gateway cannot be reached")
                    }
                }
                if attempt < ATTEMPTS {
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
            }
            tracing::error!(to = %masked, "an SMS was not delivered after {ATTEMPTS} attempts");
        });
        Ok(())
    }
}
