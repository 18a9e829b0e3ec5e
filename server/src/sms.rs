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
