//! The browser's storage, where the device keeps what it may: the language, the sign-in flag,
//! the licence for offline use (local), booking keys (session). `None` when storage is disabled;
//! callers then do without the copy.
//!
//! **A shared phone** (signed in as "this is a shared phone") keeps nothing of the citizen's:
//! the sign-in flag lives in this tab's session storage and every other citizen write is
//! dropped. Signing out forgets everything the device kept for a citizen ([`forget_all`]).

/// Local storage (kept across visits).
pub fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Session storage (kept for this tab).
pub fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Where the app remembers its own sign-in.
pub const SIGNED_IN: &str = "rega.signed-in";
/// The mark of a sign-in on a shared phone (session storage: gone with the tab).
const SHARED: &str = "rega.shared-phone";

/// Settings of the device rather than of a citizen: the language, how far its clock is off,
/// and the directorate screens' own (a kiosk's enrolment, the verifier's trust list, a desk's
/// counter). They stay when a citizen signs out, and are kept on a shared phone too.
fn device_setting(key: &str) -> bool {
    key == crate::i18n::STORAGE_KEY
        || key == crate::clock::STORAGE_KEY
        || ["rega.kiosk.", "rega.verify.", "rega.board.", "rega.desk."]
            .iter()
            .any(|prefix| key.starts_with(prefix))
}

/// Whether this tab is signed in on a shared phone.
pub fn shared_phone() -> bool {
    session()
        .and_then(|s| s.get_item(SHARED).ok().flatten())
        .is_some()
}

/// Marks this tab's sign-in as on a shared phone.
pub fn set_shared_phone() {
    if let Some(s) = session() {
        let _ = s.set_item(SHARED, "1");
    }
}

/// Set when the citizen signs out: from then on this page keeps nothing of theirs, even an
/// answer that arrives after the device was emptied.
static SIGNED_OUT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Where `key` is kept now: local storage, this tab's (the sign-in flag on a shared phone), or
/// nowhere (a citizen's data on a shared phone, or after signing out).
fn storage_for(key: &str) -> Option<web_sys::Storage> {
    if device_setting(key) {
        local()
    } else if SIGNED_OUT.load(std::sync::atomic::Ordering::Relaxed) {
        None
    } else if !shared_phone() {
        local()
    } else if key == SIGNED_IN {
        session()
    } else {
        None
    }
}

/// The text kept on this device under `key`, if any (and storage works).
pub fn read(key: &str) -> Option<String> {
    storage_for(key)?.get_item(key).ok().flatten()
}

/// Keeps `text` under `key`, or forgets it (`None`). A full or disabled storage only costs the
/// copy on this device.
pub fn write(key: &str, text: Option<&str>) {
    if let Some(storage) = storage_for(key) {
        let _ = match text {
            Some(text) => storage.set_item(key, text),
            None => storage.remove_item(key),
        };
    }
}

/// Keeps a value as JSON under `key` (nothing on a shared phone).
pub fn keep<T: serde::Serialize>(key: &str, value: &T) {
    if let Ok(text) = crate::api::encode(value) {
        write(key, Some(&text));
    }
}

/// The value kept as JSON under `key`, if any.
pub fn kept<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    crate::api::parse(&read(key)?)
}

/// Where My appointments keeps the list, and when it did (Unix seconds), so the appointments
/// and their codes show without a network (a kiosk check-in at a directorate with no data).
pub const KEPT_APPOINTMENTS: &str = "rega.appointments";
/// When the list was kept.
pub const KEPT_APPOINTMENTS_AT: &str = "rega.appointments.kept-at";

/// Where My licence keeps the card, to show it without a network.
pub const SAVED_CARD: &str = "rega.licence.card";
/// Where My licence keeps the last licence token.
pub const SAVED_TOKEN: &str = "rega.licence.token";

/// Signing out: this page keeps nothing more of the citizen's, and forgets what it kept.
pub fn forget_at_sign_out() {
    SIGNED_OUT.store(true, std::sync::atomic::Ordering::Relaxed);
    forget_all();
}

/// Forgets everything this device kept for a citizen (at sign-in and sign-out): every key of
/// local storage but the device's settings, this tab's session storage, and the database with
/// the phone's key, its licence credential and the appointments kept for offline use.
pub fn forget_all() {
    if let Some(local) = local() {
        let keys: Vec<String> = (0..local.length().unwrap_or(0))
            .filter_map(|i| local.key(i).ok().flatten())
            .filter(|key| !device_setting(key))
            .collect();
        for key in keys {
            let _ = local.remove_item(&key);
        }
    }
    if let Some(session) = session() {
        let _ = session.clear();
    }
    crate::device::forget();
}
