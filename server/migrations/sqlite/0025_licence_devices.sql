-- The phones a citizen's licence is kept on (docs/credential.md, "The bound form"): each holds
-- a P-256 key it cannot give away, and the server issues it licence credentials bound to that
-- key. A withdrawn phone is issued nothing more; what it holds verifies until it ends.
CREATE TABLE licence_device (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    citizen_id     INTEGER NOT NULL REFERENCES citizen (id),
    -- The key's RFC 9679 thumbprint, its first 16 bytes as hex: what the credentials name.
    binding        TEXT    NOT NULL,
    -- The public key, SEC1 uncompressed, base64url.
    public_key     TEXT    NOT NULL,
    -- What the phone said it is ("Chrome on Android"), to tell the phones apart in a list.
    label          TEXT    NOT NULL,
    added_at       INTEGER NOT NULL,
    last_issued_at INTEGER NOT NULL,
    -- The end of the last credential issued to it.
    valid_until    INTEGER NOT NULL,
    withdrawn_at   INTEGER,
    -- `citizen` or `staff:<id>`.
    withdrawn_by   TEXT,
    UNIQUE (citizen_id, binding)
);
CREATE INDEX licence_device_by_citizen ON licence_device (citizen_id, withdrawn_at);

-- A session signed in as "this is a shared phone": the app keeps nothing on the device, and
-- the server issues no credential to it.
ALTER TABLE session ADD COLUMN shared_device INTEGER NOT NULL DEFAULT 0;
