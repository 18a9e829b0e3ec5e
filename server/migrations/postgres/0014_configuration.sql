-- The network's configuration (docs/configuration.md): every applied version of the whole
-- document, the newest in force on every instance. The directorate and counter tables are its
-- projection for the statements that need them (slots' places, the SMS's names).
CREATE TABLE configuration (
    version    BIGINT PRIMARY KEY,
    document   TEXT   NOT NULL,
    applied_at BIGINT NOT NULL,
    applied_by TEXT   NOT NULL
);

-- A citizen told that a configuration change withdrew their appointment's time.
ALTER TABLE citizen_notice DROP CONSTRAINT citizen_notice_kind_check;
ALTER TABLE citizen_notice ADD CONSTRAINT citizen_notice_kind_check
    CHECK (kind IN ('phone_changed', 'appointment_cancelled', 'appointment_withdrawn'));
