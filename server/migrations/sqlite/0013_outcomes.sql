-- What happened at the counter, for the registry to pull (docs/registry.md, "Outcomes out"):
-- attended, no-show, cancelled by a closure, and test results recorded at the desk. Each row's
-- id is the feed's cursor, taken from `outcome_counter` in the writing transaction: the counter
-- row stays locked until that transaction ends, so ids become visible in the order they were
-- given and a reader that has seen id N never later finds an id below N appear.
CREATE TABLE outcome_counter (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
);
INSERT INTO outcome_counter (id, last) VALUES (1, 0);

CREATE TABLE outcome (
    id             INTEGER PRIMARY KEY,
    kind           TEXT    NOT NULL
        CHECK (kind IN ('attended', 'no_show', 'cancelled_by_closure', 'test_result')),
    national_id    TEXT    NOT NULL,
    reference      TEXT    NOT NULL,
    directorate_id TEXT    NOT NULL,
    service        TEXT    NOT NULL,
    starts_at      INTEGER NOT NULL,
    test           TEXT    CHECK (test IN ('theory', 'practical')),
    passed         INTEGER CHECK (passed IN (0, 1)),
    valid_until    TEXT,
    occurred_at    INTEGER NOT NULL
);
CREATE INDEX outcome_occurred ON outcome (occurred_at);
-- One test result per appointment.
CREATE UNIQUE INDEX outcome_one_result ON outcome (reference) WHERE kind = 'test_result';

-- A result the desk recorded stays until the registry reports the same test on the same day or
-- later (the registry may not have pulled it yet when it next sends the citizen's record).
ALTER TABLE test_result ADD COLUMN source TEXT NOT NULL DEFAULT 'registry'
    CHECK (source IN ('registry', 'desk'));

-- Whether a theory pass counts is read from test_result on the day (a pass lapses); the flag
-- computed once at import went stale.
ALTER TABLE citizen DROP COLUMN theory_test_passed;
