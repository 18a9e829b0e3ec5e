-- A closure a supervisor lifts again (closed by mistake, or the reason is gone): its slots take
-- bookings again; the appointments it cancelled stay cancelled, since their citizens were told.
ALTER TABLE closure ADD COLUMN lifted_at BIGINT;
ALTER TABLE closure ADD COLUMN lifted_by BIGINT REFERENCES staff (id);
