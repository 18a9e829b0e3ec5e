//! The browser's storage, where the device keeps what it may: the language, the sign-in flag,
//! the licence for offline use (local), booking keys (session). `None` when storage is disabled;
//! callers then do without the copy.

/// Local storage (kept across visits).
pub fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Session storage (kept for this tab).
pub fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The text kept on this device under `key`, if any (and storage works).
pub fn read(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

/// Keeps `text` under `key`, or forgets it (`None`). A full or disabled storage only costs the
/// copy on this device.
pub fn write(key: &str, text: Option<&str>) {
    if let Some(storage) = local() {
        let _ = match text {
            Some(text) => storage.set_item(key, text),
            None => storage.remove_item(key),
        };
    }
}

/// Where My licence keeps the card, to show it without a network.
pub const SAVED_CARD: &str = "rega.licence.card";
/// Where My licence keeps the last licence token.
pub const SAVED_TOKEN: &str = "rega.licence.token";

/// Deletes the licence card and token kept on this device (at sign-in and sign-out).
pub fn forget_licence() {
    write(SAVED_CARD, None);
    write(SAVED_TOKEN, None);
}
