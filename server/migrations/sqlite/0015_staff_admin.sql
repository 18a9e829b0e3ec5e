-- no-transaction
-- The central administrator (issue 14): a role above supervisors, bound to no directorate; an
-- account an administrator creates or resets signs in with a one-time password (issued at
-- `one_time_password_at`) and must choose its own before anything else.
--
-- SQLite cannot change a CHECK or a NOT NULL in place, so the table is rebuilt as SQLite's
-- documentation says: with foreign keys off, so that dropping the old table neither counts the
-- sessions, idempotency keys and closures that name `staff` as orphans nor rewrites their
-- references. Foreign keys can only be switched off outside a transaction, which sqlx 0.8 does
-- not do for SQLite, so `no-transaction` marks it for `store::sqlite::migrate`: foreign keys
-- off, this script and its bookkeeping in one transaction, `foreign_key_check` before the commit.

CREATE TABLE staff_new (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    username             TEXT    NOT NULL UNIQUE,
    password_hash        TEXT    NOT NULL,
    role                 TEXT    NOT NULL CHECK (role IN ('desk', 'supervisor', 'admin')),
    directorate_id       TEXT    REFERENCES directorate (id),
    created_at           INTEGER NOT NULL,
    disabled_at          INTEGER,
    one_time_password_at INTEGER,
    CHECK ((role = 'admin') = (directorate_id IS NULL))
);

INSERT INTO staff_new (id, username, password_hash, role, directorate_id, created_at, disabled_at)
SELECT id, username, password_hash, role, directorate_id, created_at, disabled_at FROM staff;

DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;
