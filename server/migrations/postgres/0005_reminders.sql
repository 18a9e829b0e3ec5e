-- The day-before reminder: set when an instance claims the appointment, so it is sent once.
ALTER TABLE appointment ADD COLUMN reminded_at BIGINT;
