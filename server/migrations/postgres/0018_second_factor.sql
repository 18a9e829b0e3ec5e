-- The staff's second factor (docs/security.md): a TOTP secret (base32) once enrolment is
-- confirmed, the one being enrolled meanwhile, the last step whose code was used (each code opens
-- one sign-in), and one-time recovery codes, stored as hashes.
ALTER TABLE staff ADD COLUMN totp_secret TEXT;
ALTER TABLE staff ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE staff ADD COLUMN totp_enabled_at BIGINT;
ALTER TABLE staff ADD COLUMN totp_last_step BIGINT;

CREATE TABLE staff_recovery_code (
    staff_id  BIGINT NOT NULL REFERENCES staff (id),
    code_hash TEXT    NOT NULL,
    used_at   BIGINT,
    PRIMARY KEY (staff_id, code_hash)
);
