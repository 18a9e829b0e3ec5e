-- The network's configuration (docs/configuration.md): every applied version of the whole
-- document, the newest in force on every instance. The directorate and counter tables are its
-- projection for the statements that need them (slots' places, the SMS's names).
CREATE TABLE configuration (
    version    INTEGER PRIMARY KEY,
    document   TEXT    NOT NULL,
    applied_at INTEGER NOT NULL,
    applied_by TEXT    NOT NULL
);

-- A citizen told that a configuration change withdrew their appointment's time.
CREATE TABLE citizen_notice_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    phone      TEXT    NOT NULL,
    kind       TEXT    NOT NULL
        CHECK (kind IN ('phone_changed', 'appointment_cancelled', 'appointment_withdrawn')),
    reference  TEXT,
    starts_at  INTEGER,
    created_at INTEGER NOT NULL,
    claimed_at INTEGER
);
INSERT INTO citizen_notice_new SELECT id, phone, kind, reference, starts_at, created_at, claimed_at
    FROM citizen_notice;
DROP TABLE citizen_notice;
ALTER TABLE citizen_notice_new RENAME TO citizen_notice;
CREATE INDEX citizen_notice_unclaimed ON citizen_notice (claimed_at);
