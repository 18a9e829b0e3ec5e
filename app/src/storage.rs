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
