-- Directorates, citizens and their licences, slots and appointments (SPEC §3-§4).
-- Times are Unix seconds (UTC); dates are 'YYYY-MM-DD' text.

CREATE TABLE directorate (
    id          TEXT PRIMARY KEY,
    name_en     TEXT NOT NULL,
    name_ckb    TEXT NOT NULL,
    name_ar     TEXT NOT NULL,
    address_en  TEXT NOT NULL,
    address_ckb TEXT NOT NULL,
    address_ar  TEXT NOT NULL,
    phone       TEXT NOT NULL
);

-- How many counters serve each service at each directorate: the capacity of its slots.
CREATE TABLE counter (
    directorate_id TEXT    NOT NULL REFERENCES directorate (id),
    service        TEXT    NOT NULL,
    counters       INTEGER NOT NULL CHECK (counters >= 0),
    PRIMARY KEY (directorate_id, service)
);

CREATE TABLE citizen (
    id                 BIGSERIAL PRIMARY KEY,
    national_id        TEXT    NOT NULL UNIQUE,
    phone              TEXT    NOT NULL,
    birth_date         TEXT    NOT NULL,
    theory_test_passed BOOLEAN NOT NULL DEFAULT FALSE
);

-- The registry's licence: the ISO 18013-5 elements as JSON, plus what rules query.
CREATE TABLE licence (
    citizen_id        BIGINT PRIMARY KEY REFERENCES citizen (id),
    document_number   TEXT    NOT NULL UNIQUE,
    expiry_date       TEXT    NOT NULL,
    suspended         BOOLEAN NOT NULL DEFAULT FALSE,
    suspension_reason TEXT,
    elements          JSONB   NOT NULL
);

-- One row per bookable slot; `booked` only changes through a conditional update
-- (`booked < capacity`) inside the booking transaction, so a slot is never overbooked.
CREATE TABLE slot (
    id             BIGSERIAL PRIMARY KEY,
    directorate_id TEXT    NOT NULL REFERENCES directorate (id),
    service        TEXT    NOT NULL,
    starts_at      BIGINT  NOT NULL,
    capacity       INTEGER NOT NULL CHECK (capacity >= 0),
    booked         INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0),
    UNIQUE (directorate_id, service, starts_at)
);
CREATE INDEX slot_by_day ON slot (directorate_id, service, starts_at);

CREATE TABLE appointment (
    id         BIGSERIAL PRIMARY KEY,
    reference  TEXT    NOT NULL UNIQUE,
    citizen_id BIGINT  NOT NULL REFERENCES citizen (id),
    slot_id    BIGINT  NOT NULL REFERENCES slot (id),
    service    TEXT    NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('booked', 'checked_in', 'attended', 'no_show', 'cancelled')),
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
-- One active (booked or checked-in) appointment per citizen and service, enforced by the database.
CREATE UNIQUE INDEX appointment_one_active_per_service
    ON appointment (citizen_id, service) WHERE status IN ('booked', 'checked_in');
CREATE INDEX appointment_by_citizen ON appointment (citizen_id, status);
CREATE INDEX appointment_by_slot ON appointment (slot_id);

-- Each booking or reschedule, for the "at most 4 in 30 days" limit.
CREATE TABLE booking_change (
    citizen_id BIGINT  NOT NULL REFERENCES citizen (id),
    at         BIGINT  NOT NULL
);
CREATE INDEX booking_change_by_citizen ON booking_change (citizen_id, at);
