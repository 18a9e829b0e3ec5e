-- The licence registry's feed (docs/registry.md): each citizen's record carries the registry's
-- version (an older one never overwrites a newer), names in both scripts, a status, and test
-- results; registry clients authenticate with a credential stored as a hash.

ALTER TABLE citizen ADD COLUMN name_latin TEXT NOT NULL DEFAULT '';
ALTER TABLE citizen ADD COLUMN name_arabic TEXT NOT NULL DEFAULT '';
ALTER TABLE citizen ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'inactive'));
ALTER TABLE citizen ADD COLUMN registry_version BIGINT NOT NULL DEFAULT 0;

-- The latest result of each test a citizen took, as the registry reports it.
CREATE TABLE test_result (
    citizen_id  BIGINT  NOT NULL REFERENCES citizen (id),
    test        TEXT    NOT NULL CHECK (test IN ('theory', 'practical')),
    passed      BOOLEAN NOT NULL,
    taken_on    TEXT    NOT NULL,
    valid_until TEXT,
    PRIMARY KEY (citizen_id, test)
);

CREATE TABLE registry_client (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  BIGINT  NOT NULL,
    revoked_at  BIGINT
);

-- SMS a registry change owes a citizen, written in the change's transaction and sent by the
-- server once (at once, else by its 10-minute job): the old number told of a phone change, the
-- citizen told of appointments cancelled because their record was withdrawn.
CREATE TABLE citizen_notice (
    id         BIGSERIAL PRIMARY KEY,
    phone      TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('phone_changed', 'appointment_cancelled')),
    reference  TEXT,
    starts_at  BIGINT,
    created_at BIGINT NOT NULL,
    claimed_at BIGINT
);
CREATE INDEX citizen_notice_unclaimed ON citizen_notice (claimed_at);
