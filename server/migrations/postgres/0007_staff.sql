-- Directorate staff (SPEC §3.7): accounts bound to one directorate, desk or supervisor, with
-- Argon2id password hashes (PHC strings); their sessions, stored as token hashes; and on each
-- called ticket the counter that called it, for the waiting hall's board.
CREATE TABLE staff (
    id             BIGSERIAL PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('desk', 'supervisor')),
    directorate_id TEXT    NOT NULL REFERENCES directorate (id),
    created_at     BIGINT  NOT NULL,
    disabled_at    BIGINT
);

CREATE TABLE staff_session (
    token_hash   TEXT    PRIMARY KEY,
    staff_id     BIGINT  NOT NULL REFERENCES staff (id),
    created_at   BIGINT  NOT NULL,
    last_seen_at BIGINT  NOT NULL,
    revoked_at   BIGINT
);

ALTER TABLE ticket ADD COLUMN counter TEXT;
CREATE INDEX ticket_called ON ticket (directorate_id, day, called_at);
