-- Messages to citizens (docs/messages.md): each written to the outbox in the transaction of the
-- change it tells of, then sent at least once and never twice: claimed for a lease by one
-- sender on any instance, retried with backoff when the gateway fails, given up after the
-- configured time. The citizen's language, chosen at sign-in or in the app, writes it.
-- `citizen_id` names whose language without a foreign key: checking one would take a share lock
-- on the citizen's row, which a closure writing its messages would then wait for while a
-- citizen's own change holds it and waits for the closure's slot (a deadlock, PostgreSQL).
ALTER TABLE citizen ADD COLUMN locale TEXT NOT NULL DEFAULT 'ckb';

CREATE TABLE message_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key      TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL,
    phone           TEXT    NOT NULL,
    citizen_id      INTEGER,
    reference       TEXT,
    service         TEXT,
    directorate_id  TEXT,
    starts_at       INTEGER,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    claimed_until   INTEGER,
    done_at         INTEGER,
    outcome         TEXT CHECK (outcome IN ('sent', 'given_up', 'obsolete')),
    last_error      TEXT
);
CREATE INDEX message_outbox_due ON message_outbox (next_attempt_at) WHERE done_at IS NULL;

-- What the outbox replaces: the registry's notices still waiting are carried over.
INSERT INTO message_outbox (dedupe_key, kind, phone, reference, starts_at, created_at, next_attempt_at)
SELECT 'notice:' || id, kind, phone, REPLACE(REPLACE(reference, 'RG-', ''), '-', ''), starts_at,
       created_at, created_at
FROM citizen_notice WHERE claimed_at IS NULL;

-- Closure notices not yet sent, and the reminders already sent (so none goes twice).
INSERT INTO message_outbox (dedupe_key, kind, phone, citizen_id, reference, service, directorate_id, starts_at, created_at, next_attempt_at)
SELECT 'closure:' || a.reference, 'closure', c.phone, c.id, a.reference, a.service, s.directorate_id, s.starts_at, a.updated_at, a.updated_at
FROM appointment a JOIN slot s ON s.id = a.slot_id JOIN citizen c ON c.id = a.citizen_id
WHERE a.closure_id IS NOT NULL AND a.closure_sms_at IS NULL;
INSERT INTO message_outbox (dedupe_key, kind, phone, citizen_id, reference, service, directorate_id, starts_at, created_at, next_attempt_at, done_at, outcome)
SELECT 'reminder:' || a.reference || ':' || s.starts_at, 'reminder', c.phone, c.id, a.reference, a.service, s.directorate_id, s.starts_at, a.reminded_at, a.reminded_at, a.reminded_at, 'sent'
FROM appointment a JOIN slot s ON s.id = a.slot_id JOIN citizen c ON c.id = a.citizen_id
WHERE a.reminded_at IS NOT NULL;
