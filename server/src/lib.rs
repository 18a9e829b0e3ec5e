//! The Rega server: the REST API, storage, and static serving of the built app.

pub mod auth;
pub mod changes;
pub mod clock;
pub mod config;
pub mod credentials;
pub mod demo;
pub mod domain;
pub mod http;
pub mod jobs;
pub mod network;
pub mod registry;
pub mod routes;
pub mod run;
pub mod sender;
pub mod sms;
pub mod store;
pub mod tools;
pub mod trail;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;

use crate::clock::{Clock, SystemClock};
use crate::domain::configuration::Configuration;
use crate::http::metrics::Metrics;
use crate::store::Store;

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database, SQLite or PostgreSQL.
    pub store: Arc<dyn Store>,
    /// Request counters and latencies for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The built app (`dist/`), served with a fallback to `index.html` for app routes.
    pub dist_dir: PathBuf,
    /// Demo mode (development SMS outbox, demo data).
    pub demo: bool,
    /// The current time.
    pub clock: Arc<dyn Clock>,
    /// The network's configuration in force (rules, services, directorates, holidays).
    pub live: Arc<crate::network::live::Live>,
    /// Where SMS go: the development outbox in demo mode.
    pub sms: Arc<dyn crate::sms::SmsGateway>,
    /// The DL1 signing key and trust list, when configured.
    pub credentials: Option<Arc<crate::credentials::Credentials>>,
    /// Short-lived answers shared by many requests.
    pub caches: Arc<Caches>,
    /// Sign-in codes one client address may ask for per 15 minutes.
    pub codes_per_address: u32,
    /// Supervisors and administrators must sign in with a second factor (every server but a
    /// demo's).
    pub second_factor_required: bool,
    /// Woken when a change wrote a message to the outbox, so the sender sends it at once.
    pub messages_written: Arc<tokio::sync::Notify>,
    /// The directorates' change feed: boards and desks hear of changes at once.
    pub changes: Arc<crate::changes::Changes>,
}

/// The directorates with their counters per service.
pub type DirectorateList = Arc<
    Vec<(
        crate::store::Directorate,
        Vec<(rega_api::service::ServiceKind, u32)>,
    )>,
>;

/// Caches: reference data for 30 seconds, availability answers for 1 second, and the sign-in
/// code key for the life of the process.
pub struct Caches {
    /// The directorates.
    pub directorates: crate::http::cache::TtlCache<(), DirectorateList>,
    /// Serialized availability answers, by query.
    pub availability: crate::http::cache::TtlCache<String, axum::body::Bytes>,
    /// One request at a time computes a missing availability answer; the others wait for it.
    pub availability_fill: crate::http::cache::FillLocks,
    /// The HMAC key of sign-in codes: it never changes, so it is read from the database once.
    pub code_key: tokio::sync::OnceCell<Vec<u8>>,
}

impl Default for Caches {
    fn default() -> Caches {
        Caches {
            directorates: crate::http::cache::TtlCache::new(std::time::Duration::from_secs(30)),
            availability: crate::http::cache::TtlCache::new(std::time::Duration::from_secs(1)),
            availability_fill: crate::http::cache::FillLocks::default(),
            code_key: tokio::sync::OnceCell::new(),
        }
    }
}

impl AppState {
    /// The directorates, from the cache when fresh.
    pub async fn directorates(&self) -> Result<DirectorateList, crate::store::StoreError> {
        if let Some(list) = self.caches.directorates.get(&()) {
            return Ok(list);
        }
        let list: DirectorateList = Arc::new(self.store.directorates().await?);
        self.caches.directorates.put((), list.clone());
        Ok(list)
    }

    /// The configuration in force: applied on any instance, in force here at once.
    pub async fn configuration(&self) -> Result<Arc<Configuration>, crate::store::StoreError> {
        self.live
            .current(self.store.as_ref())
            .await?
            .ok_or(crate::store::StoreError::NotConfigured)
    }

    /// The same state reading another clock (tests), with the outbox reading it too.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> AppState {
        if self.demo {
            self.sms = Arc::new(crate::sms::DevOutbox::new(
                self.store.clone(),
                clock.clone(),
            ));
        }
        self.clock = clock;
        self
    }

    /// A state with the system clock, reading the configuration the store holds.
    pub fn new(store: Arc<dyn Store>, dist_dir: PathBuf, demo: bool) -> AppState {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let sms: Arc<dyn crate::sms::SmsGateway> = if demo {
            Arc::new(crate::sms::DevOutbox::new(store.clone(), clock.clone()))
        } else {
            Arc::new(crate::sms::NoGateway)
        };
        AppState {
            store,
            metrics: Arc::new(Metrics::default()),
            dist_dir,
            demo,
            clock,
            live: Arc::default(),
            sms,
            credentials: None,
            caches: Arc::new(Caches::default()),
            codes_per_address: crate::auth::codes::MAX_CODES_PER_ADDRESS,
            second_factor_required: false,
            messages_written: Arc::default(),
            changes: Arc::new(crate::changes::Changes::new(crate::changes::now_ms())),
        }
    }

    /// Tells every board and desk of `directorate`, on every instance, that its queue or day
    /// changed. Called after the change committed; a failure is logged, not the request's: the
    /// change is made, and a screen that hears nothing reads again by itself.
    pub async fn changed(&self, directorate: &str) {
        let change = crate::changes::Change {
            directorate: Some(directorate.to_owned()),
            at_ms: crate::changes::now_ms(),
        };
        match self.store.announce_change(&change.payload()).await {
            // Heard back through this instance's relay, with every other instance's changes.
            Ok(true) if self.changes.relayed() => {}
            Ok(_) => self.changes.deliver(change),
            Err(error) => {
                tracing::warn!(%error, directorate, "cannot announce a change");
                self.changes.deliver(change);
            }
        }
    }

    /// Starts hearing the changes other instances announce (PostgreSQL).
    pub async fn relay_changes(&self) -> Result<(), crate::store::StoreError> {
        let changes = self.changes.clone();
        let deliver = move |payload: Option<String>| match payload {
            Some(payload) => {
                if let Some(change) = crate::changes::Change::from_payload(&payload) {
                    changes.deliver(change);
                }
            }
            None => changes.deliver(crate::changes::Change {
                directorate: None,
                at_ms: crate::changes::now_ms(),
            }),
        };
        let relayed = self.store.relay_changes(Box::new(deliver)).await?;
        self.changes.set_relayed(relayed);
        Ok(())
    }
}

/// The whole HTTP application. Tests call it directly or serve it on a random port.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}
