-- The desk's real day (docs/directorate.md, "Walk-ins, priority and transfers"). A ticket may
-- now be a walk-in's, with no appointment; it keeps its own service; the printed label (area and
-- number, as issued) stays apart from the queue it waits in now (`queue_area`, which a transfer
-- changes); a priority ticket records why (domain/queue_order.rs); a walk-in may give a national
-- ID. SQLite cannot drop a NOT NULL, so the table is rebuilt; nothing refers to it.
CREATE TABLE ticket_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id INTEGER UNIQUE REFERENCES appointment (id),
    directorate_id TEXT    NOT NULL REFERENCES directorate (id),
    day            TEXT    NOT NULL,
    area           TEXT    NOT NULL,
    number         INTEGER NOT NULL CHECK (number > 0),
    status         TEXT    NOT NULL CHECK (status IN ('waiting', 'called', 'done')),
    issued_at      INTEGER NOT NULL,
    called_at      INTEGER,
    counter        TEXT,
    done_at        INTEGER,
    link_hash      TEXT,
    recalls        INTEGER NOT NULL DEFAULT 0,
    service        TEXT    NOT NULL,
    queue_area     TEXT    NOT NULL,
    priority       TEXT    CHECK (priority IN ('elderly', 'disabled', 'pregnant')),
    national_id    TEXT,
    UNIQUE (directorate_id, day, area, number)
);
INSERT INTO ticket_new (id, appointment_id, directorate_id, day, area, number, status, issued_at,
    called_at, counter, done_at, link_hash, recalls, service, queue_area)
SELECT t.id, t.appointment_id, t.directorate_id, t.day, t.area, t.number, t.status, t.issued_at,
    t.called_at, t.counter, t.done_at, t.link_hash, t.recalls, a.service, t.area
FROM ticket t JOIN appointment a ON a.id = t.appointment_id;
DROP TABLE ticket;
ALTER TABLE ticket_new RENAME TO ticket;
CREATE INDEX ticket_queue ON ticket (directorate_id, day, queue_area, status, issued_at);
CREATE INDEX ticket_called ON ticket (directorate_id, day, called_at);
CREATE UNIQUE INDEX ticket_link ON ticket (link_hash);
