-- Every integer column is 64 bits, as on SQLite, so one row mapper serves both engines.
ALTER TABLE counter ALTER COLUMN counters TYPE BIGINT;
ALTER TABLE slot ALTER COLUMN capacity TYPE BIGINT, ALTER COLUMN booked TYPE BIGINT;
ALTER TABLE otp_code ALTER COLUMN failed_attempts TYPE BIGINT;
ALTER TABLE idempotency_key ALTER COLUMN status TYPE BIGINT;
ALTER TABLE staff_idempotency_key ALTER COLUMN status TYPE BIGINT;
