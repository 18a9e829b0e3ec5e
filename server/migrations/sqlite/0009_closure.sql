-- Ad-hoc closures (SPEC §3.7, §4): a supervisor closes a day or part of one. The closed slots
-- take no bookings; each booked or checked-in appointment in the period is cancelled with the
-- closure's id on it, so the citizen is told by SMS (once: `closure_sms_at` is set when an
-- instance claims the message) and sees "please book again" in My appointments.
CREATE TABLE closure (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    directorate_id TEXT    NOT NULL REFERENCES directorate (id),
    day            TEXT    NOT NULL,
    starts_at      INTEGER NOT NULL,
    ends_at        INTEGER NOT NULL CHECK (ends_at > starts_at),
    note           TEXT    NOT NULL,
    staff_id       INTEGER NOT NULL REFERENCES staff (id),
    created_at     INTEGER NOT NULL
);
CREATE INDEX closure_by_period ON closure (directorate_id, starts_at, ends_at);

ALTER TABLE appointment ADD COLUMN closure_id INTEGER REFERENCES closure (id);
ALTER TABLE appointment ADD COLUMN closure_sms_at INTEGER;
CREATE INDEX appointment_closure_unsent ON appointment (closure_id)
    WHERE closure_id IS NOT NULL AND closure_sms_at IS NULL;
