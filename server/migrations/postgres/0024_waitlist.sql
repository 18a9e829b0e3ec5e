-- The waitlist (docs/waitlist.md): a citizen who found no place waits for one of a service at a
-- directorate, between two times and optionally in one part of the day; or, with a booking,
-- for an earlier place of its service (`reference`, moved when the offer is taken). A place
-- that frees up is held for the first entry in line that it matches: the hold counts in the
-- slot's `booked` (so nobody else sees or takes it) until the entry takes it, declines it or
-- lets `offered_until` pass; then it goes to the next. `slot_id` has no foreign key: a key
-- check would share-lock the slot row in an order the booking transactions do not take.
CREATE TABLE waitlist_entry (
    id             BIGSERIAL PRIMARY KEY,
    citizen_id     BIGINT NOT NULL REFERENCES citizen (id),
    directorate_id TEXT    NOT NULL,
    service        TEXT    NOT NULL,
    window_from    BIGINT NOT NULL,
    window_to      BIGINT NOT NULL CHECK (window_to > window_from),
    part           TEXT    NOT NULL CHECK (part IN ('any', 'morning', 'afternoon')),
    reference      TEXT,
    status         TEXT    NOT NULL
        CHECK (status IN ('waiting', 'offered', 'booked', 'left', 'declined', 'lapsed')),
    joined_at      BIGINT NOT NULL,
    slot_id        BIGINT,
    offered_until  BIGINT,
    ended_at       BIGINT
);
-- One entry in line per citizen and service.
CREATE UNIQUE INDEX waitlist_one_per_service
    ON waitlist_entry (citizen_id, service) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_line ON waitlist_entry (directorate_id, service, status, joined_at);
CREATE INDEX waitlist_holds ON waitlist_entry (offered_until) WHERE status = 'offered';
CREATE INDEX waitlist_by_citizen ON waitlist_entry (citizen_id, status);

-- An offer's message says until when the place is held.
ALTER TABLE message_outbox ADD COLUMN hold_until BIGINT;
