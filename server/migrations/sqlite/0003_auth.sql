-- Sign-in: one-time codes (stored as HMACs), sessions (stored as token hashes), rate-limit
-- events, and the SMS outbox (the development gateway's store, and the record of what was sent).

CREATE TABLE otp_code (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    citizen_id      INTEGER NOT NULL REFERENCES citizen (id),
    code_hmac       TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    used_at         INTEGER,
    revoked         INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);
CREATE INDEX otp_code_by_citizen ON otp_code (citizen_id, created_at);

CREATE TABLE session (
    token_hash   TEXT    PRIMARY KEY,
    citizen_id   INTEGER NOT NULL REFERENCES citizen (id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX session_by_citizen ON session (citizen_id);

-- One row per counted event (a code sent, a wrong code), keyed by what is limited.
CREATE TABLE rate_event (
    key TEXT    NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX rate_event_by_key ON rate_event (key, at);

CREATE TABLE sms_outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    phone      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX sms_outbox_by_phone ON sms_outbox (phone, id);

-- Secrets every instance must share (the HMAC key of one-time codes), created on first start.
CREATE TABLE server_secret (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
