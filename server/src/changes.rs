//! The directorates' change feed (issue 18): when a directorate's queue or day changes (a
//! check-in, a call, an attendance, a booking, a closure), every board and desk showing that
//! directorate hears of it within a second, on whichever instance it is connected to.
//!
//! - A change is announced once, after its transaction committed ([`crate::AppState::changed`]).
//!   On SQLite (one instance) it goes straight to this instance's listeners; on PostgreSQL it is
//!   a `NOTIFY`, and every instance, this one included, `LISTEN`s and passes it on
//!   ([`crate::store::Operations::relay_changes`]), so a call made on one instance reaches the
//!   boards connected to another.
//! - Each listener is a server-sent event stream (`GET /events`): a `change` event per change
//!   of its directorate (the client then reads what it shows again), an `alive` event every
//!   [`ALIVE_EVERY`] (a client that hears nothing for longer falls back to polling).
//! - Nothing is missed after a drop: the browser reconnects by itself with the id of the last
//!   event it had, and the stream then starts with a `change` unless this instance knows that
//!   nothing changed at that directorate since (see [`Changes::missed`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Semaphore, broadcast, watch};

/// How often a quiet stream says it is alive.
pub const ALIVE_EVERY: Duration = Duration::from_secs(15);

/// Streams one instance keeps open at most; more are refused (the client polls instead).
pub const MAX_STREAMS: usize = 2_000;

/// Changes a slow listener may fall behind by before it is told to read everything again.
const BACKLOG: usize = 1_024;

/// One change: where (`None` after the relay lost its connection: anywhere) and when, in Unix
/// milliseconds of the instance that announced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The directorate, or `None` for every directorate.
    pub directorate: Option<String>,
    /// When, in Unix milliseconds.
    pub at_ms: i64,
}

impl Change {
    /// Whether a listener of `directorate` must hear of it.
    pub fn concerns(&self, directorate: &str) -> bool {
        self.directorate.as_deref().is_none_or(|d| d == directorate)
    }

    /// The text of a `NOTIFY`: `<at_ms> <directorate>`, or `<at_ms> *`.
    pub fn payload(&self) -> String {
        format!(
            "{} {}",
            self.at_ms,
            self.directorate.as_deref().unwrap_or("*")
        )
    }

    /// Reads [`Change::payload`]; `None` if it is not one.
    pub fn from_payload(payload: &str) -> Option<Change> {
        let (at, directorate) = payload.split_once(' ')?;
        Some(Change {
            at_ms: at.parse().ok()?,
            directorate: (directorate != "*").then(|| directorate.to_owned()),
        })
    }
}

/// This instance's listeners and what it has heard.
pub struct Changes {
    sender: broadcast::Sender<Change>,
    closing: watch::Sender<bool>,
    /// The last change heard per directorate, and since when this instance hears every change.
    heard: Mutex<Heard>,
    streams: Arc<Semaphore>,
    /// Whether the database relays this instance's own announcements back to it.
    relayed: std::sync::atomic::AtomicBool,
}

struct Heard {
    since_ms: i64,
    everywhere_ms: i64,
    last_ms: HashMap<String, i64>,
}

impl Changes {
    /// A feed that hears every change from `now_ms` on.
    pub fn new(now_ms: i64) -> Changes {
        Changes {
            sender: broadcast::channel(BACKLOG).0,
            closing: watch::channel(false).0,
            heard: Mutex::new(Heard {
                since_ms: now_ms,
                everywhere_ms: i64::MIN,
                last_ms: HashMap::new(),
            }),
            streams: Arc::new(Semaphore::new(MAX_STREAMS)),
            relayed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Whether the database relays announcements back to this instance (PostgreSQL, once the
    /// relay listens); else an announcer delivers its change itself.
    pub fn relayed(&self) -> bool {
        self.relayed.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Records whether the relay runs.
    pub fn set_relayed(&self, relayed: bool) {
        self.relayed
            .store(relayed, std::sync::atomic::Ordering::Release);
    }

    /// Passes a change to this instance's listeners.
    pub fn deliver(&self, change: Change) {
        if let Ok(mut heard) = self.heard.lock() {
            match &change.directorate {
                Some(d) => {
                    let last = heard.last_ms.entry(d.clone()).or_insert(i64::MIN);
                    *last = (*last).max(change.at_ms);
                }
                None => heard.everywhere_ms = heard.everywhere_ms.max(change.at_ms),
            }
        }
        // No listener is not an error.
        let _ = self.sender.send(change);
    }

    /// Whether a client that last heard of `directorate` at `last_ms` (its last event's id) may
    /// have missed a change: unless this instance has heard every change since well before
    /// then and none of that directorate after it. Clocks of instances differ a little, so "well
    /// before" and "after" allow [`CLOCK_MARGIN_MS`]; a spare `change` costs a client one read.
    pub fn missed(&self, directorate: &str, last_ms: Option<i64>) -> bool {
        let Some(last_ms) = last_ms else {
            return true;
        };
        let Ok(heard) = self.heard.lock() else {
            return true;
        };
        let newest = heard
            .last_ms
            .get(directorate)
            .copied()
            .unwrap_or(i64::MIN)
            .max(heard.everywhere_ms);
        heard.since_ms > last_ms - CLOCK_MARGIN_MS || newest > last_ms - CLOCK_MARGIN_MS
    }

    /// A new listener of every change.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.sender.subscribe()
    }

    /// Completes when the server begins to stop, so that open streams end and let it.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Ends every open stream (the server is stopping).
    pub fn close(&self) {
        let _ = self.closing.send(true);
    }

    /// A place for one more stream, if there is one.
    pub fn admit(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.streams.clone().try_acquire_owned().ok()
    }

    /// Streams open now (`/metrics`).
    pub fn open_streams(&self) -> usize {
        MAX_STREAMS - self.streams.available_permits()
    }
}

/// The real time in Unix milliseconds: change ids are compared across instances, so not the
/// state's clock, which tests and demos may shift.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// How far the clocks of two instances may differ.
pub const CLOCK_MARGIN_MS: i64 = 5_000;

#[cfg(test)]
mod tests {
    use super::*;

    fn change(directorate: Option<&str>, at_ms: i64) -> Change {
        Change {
            directorate: directorate.map(str::to_owned),
            at_ms,
        }
    }

    #[test]
    fn a_payload_reads_back_as_its_change() {
        for c in [change(Some("erbil"), 1_765_000_000_123), change(None, 7)] {
            assert_eq!(Change::from_payload(&c.payload()), Some(c));
        }
        assert_eq!(Change::from_payload("erbil"), None);
        assert_eq!(Change::from_payload("soon erbil"), None);
    }

    #[test]
    fn a_change_concerns_its_directorate_or_all_of_them() {
        assert!(change(Some("erbil"), 1).concerns("erbil"));
        assert!(!change(Some("erbil"), 1).concerns("duhok"));
        assert!(change(None, 1).concerns("duhok"));
    }

    #[test]
    fn a_reconnecting_client_is_told_to_read_again_unless_nothing_changed_since() {
        let changes = Changes::new(1_000_000);
        // A first connection, and a client older than what this instance heard.
        assert!(changes.missed("erbil", None));
        assert!(changes.missed("erbil", Some(1_000_000)));
        // Long after start, nothing at Erbil: nothing missed.
        assert!(!changes.missed("erbil", Some(2_000_000)));
        changes.deliver(change(Some("erbil"), 2_100_000));
        assert!(changes.missed("erbil", Some(2_000_000)));
        // Within the clock margin counts as maybe missed; well after, not.
        assert!(changes.missed("erbil", Some(2_100_000 + CLOCK_MARGIN_MS - 1)));
        assert!(!changes.missed("erbil", Some(2_100_000 + CLOCK_MARGIN_MS)));
        assert!(!changes.missed("duhok", Some(2_000_000)));
        // A relay that lost its connection may have missed anything.
        changes.deliver(change(None, 2_200_000));
        assert!(changes.missed("duhok", Some(2_150_000)));
    }
}
