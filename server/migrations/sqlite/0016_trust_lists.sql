-- The trust lists published to this network (docs/credential.md): each signed offline by the
-- trust anchor and served verbatim, the newest (by the time it was signed) on every instance.
CREATE TABLE trust_list (
    signed_at    INTEGER PRIMARY KEY,
    expires_at   INTEGER NOT NULL,
    jws          TEXT    NOT NULL,
    published_at INTEGER NOT NULL,
    published_by TEXT    NOT NULL
);
