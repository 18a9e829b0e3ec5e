-- The desk's real day (docs/directorate.md, "Walk-ins, priority and transfers"). A ticket may
-- now be a walk-in's, with no appointment; it keeps its own service; the printed label (area and
-- number, as issued) stays apart from the queue it waits in now (`queue_area`, which a transfer
-- changes); a priority ticket records why (domain/queue_order.rs); a walk-in may give a national
-- ID.
ALTER TABLE ticket ALTER COLUMN appointment_id DROP NOT NULL;
ALTER TABLE ticket ADD COLUMN service TEXT;
ALTER TABLE ticket ADD COLUMN queue_area TEXT;
UPDATE ticket t SET service = a.service, queue_area = t.area
    FROM appointment a WHERE a.id = t.appointment_id;
ALTER TABLE ticket ALTER COLUMN service SET NOT NULL;
ALTER TABLE ticket ALTER COLUMN queue_area SET NOT NULL;
ALTER TABLE ticket ADD COLUMN priority TEXT
    CHECK (priority IN ('elderly', 'disabled', 'pregnant'));
ALTER TABLE ticket ADD COLUMN national_id TEXT;
DROP INDEX ticket_queue;
CREATE INDEX ticket_queue ON ticket (directorate_id, day, queue_area, status, issued_at);
