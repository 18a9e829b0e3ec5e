-- Kiosks and queue tickets (SPEC §3.5). A kiosk is enrolled for one directorate and holds a
-- random credential, stored only as a hash, until it is revoked. A ticket is issued once per
-- checked-in appointment, numbered per directorate, day and service area; its number is taken
-- inside the check-in transaction, so two kiosks never hand out the same one.
CREATE TABLE kiosk_device (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    directorate_id TEXT    NOT NULL REFERENCES directorate (id),
    label          TEXT    NOT NULL,
    token_hash     TEXT    NOT NULL UNIQUE,
    enrolled_at    INTEGER NOT NULL,
    revoked_at     INTEGER
);

CREATE TABLE ticket (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id INTEGER NOT NULL UNIQUE REFERENCES appointment (id),
    directorate_id TEXT    NOT NULL REFERENCES directorate (id),
    day            TEXT    NOT NULL,
    area           TEXT    NOT NULL,
    number         INTEGER NOT NULL CHECK (number > 0),
    status         TEXT    NOT NULL CHECK (status IN ('waiting', 'called', 'done')),
    issued_at      INTEGER NOT NULL,
    called_at      INTEGER,
    UNIQUE (directorate_id, day, area, number)
);
CREATE INDEX ticket_queue ON ticket (directorate_id, day, area, status, number);
