-- How many times a counter called a ticket again (domain/recall.rs: a checked-in citizen is
-- recorded as not having come only after their ticket was called and called again).
ALTER TABLE ticket ADD COLUMN recalls BIGINT NOT NULL DEFAULT 0;
