//! Whether someone is signed in on this device: the header offers "Sign out" then, and signing
//! out ends the session on the server and forgets what the device kept for it.
//!
//! The app does not ask the server at start (a signed-out visitor's `401` would be logged as a
//! console error on every page): it remembers its own sign-in, and forgets it at sign-out or
//! when any request answers that the session has ended.

use leptos::prelude::*;
use rega_api::endpoints;

use crate::api;

/// The session as the app knows it.
#[derive(Clone, Copy)]
pub struct Session {
    signed_in: RwSignal<bool>,
}

impl Session {
    /// Whether a citizen is signed in (tracked); `false` while unknown.
    pub fn signed_in(&self) -> bool {
        self.signed_in.get()
    }

    /// Records a sign-in or a session found to have ended.
    pub fn set(&self, signed_in: bool) {
        crate::storage::write(KEY, signed_in.then_some("1"));
        self.signed_in.set(signed_in);
    }

    /// Ends the session on the server and on this device.
    pub async fn sign_out(&self) -> Result<(), api::ApiError> {
        api::post_empty(endpoints::AUTH_SIGN_OUT).await?;
        self.set(false);
        Ok(())
    }
}

const KEY: &str = crate::storage::SIGNED_IN;

/// Provides [`Session`], starting from what this device remembers.
pub fn provide_session() -> Session {
    let remembered = crate::storage::read(KEY).is_some();
    let session = Session {
        signed_in: RwSignal::new(remembered),
    };
    provide_context(session);
    session
}

/// The [`Session`] context.
pub fn use_session() -> Session {
    expect_context::<Session>()
}
