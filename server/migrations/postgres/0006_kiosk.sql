-- Kiosks and queue tickets (SPEC §3.5). A kiosk is enrolled for one directorate and holds a
-- random credential, stored only as a hash, until it is revoked. A ticket is issued once per
-- checked-in appointment, numbered per directorate, day and service area; its number is taken
-- inside the check-in transaction, so two kiosks never hand out the same one.
CREATE TABLE kiosk_device (
    id             BIGSERIAL PRIMARY KEY,
    directorate_id TEXT    NOT NULL REFERENCES directorate (id),
    label          TEXT    NOT NULL,
    token_hash     TEXT    NOT NULL UNIQUE,
    enrolled_at    BIGINT  NOT NULL,
    revoked_at     BIGINT
);

CREATE TABLE ticket (
    id             BIGSERIAL PRIMARY KEY,
    appointment_id BIGINT  NOT NULL UNIQUE REFERENCES appointment (id),
    directorate_id TEXT    NOT NULL REFERENCES directorate (id),
    day            TEXT    NOT NULL,
    area           TEXT    NOT NULL,
    number         BIGINT  NOT NULL CHECK (number > 0),
    status         TEXT    NOT NULL CHECK (status IN ('waiting', 'called', 'done')),
    issued_at      BIGINT  NOT NULL,
    called_at      BIGINT,
    UNIQUE (directorate_id, day, area, number)
);
CREATE INDEX ticket_queue ON ticket (directorate_id, day, area, status, number);
