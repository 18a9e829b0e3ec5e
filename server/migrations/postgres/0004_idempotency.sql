-- Idempotency-Key records (SPEC §6): scoped to the citizen; the first response is kept and
-- replayed for a retry with the same key and body. Kept at least 24 hours.
CREATE TABLE idempotency_key (
    citizen_id    BIGINT  NOT NULL REFERENCES citizen (id),
    key           TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    status        INTEGER,
    response_body TEXT,
    created_at    BIGINT  NOT NULL,
    PRIMARY KEY (citizen_id, key)
);
CREATE INDEX idempotency_key_by_age ON idempotency_key (created_at);
