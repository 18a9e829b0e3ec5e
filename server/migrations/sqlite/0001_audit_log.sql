-- Every change of state writes one audit record (SPEC §6): UTC time, actor, action, object, result.
-- Never a code, a token or a cookie.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at_utc      TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    object      TEXT    NOT NULL,
    result      TEXT    NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at_utc);
