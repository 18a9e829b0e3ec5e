-- Idempotency-Key records of the desk's state changes (call next, attendance), scoped to the
-- staff account, like the citizens' (0004).
CREATE TABLE staff_idempotency_key (
    staff_id      BIGINT  NOT NULL REFERENCES staff (id),
    key           TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    status        INTEGER,
    response_body TEXT,
    created_at    BIGINT  NOT NULL,
    PRIMARY KEY (staff_id, key)
);
CREATE INDEX staff_idempotency_key_by_age ON staff_idempotency_key (created_at);
