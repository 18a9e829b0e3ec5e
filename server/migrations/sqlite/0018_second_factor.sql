-- The staff's second factor (docs/security.md): a TOTP secret (base32) once enrolment is
-- confirmed, the one being enrolled meanwhile, the last step whose code was used (each code opens
-- one sign-in), and one-time recovery codes, stored as hashes.
ALTER TABLE staff ADD COLUMN totp_secret TEXT;
ALTER TABLE staff ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE staff ADD COLUMN totp_enabled_at INTEGER;
ALTER TABLE staff ADD COLUMN totp_last_step INTEGER;

CREATE TABLE staff_recovery_code (
    staff_id  INTEGER NOT NULL REFERENCES staff (id),
    code_hash TEXT    NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (staff_id, code_hash)
);
