-- The audit trail as a hash chain (docs/security.md): each record from now on carries its place
-- in the chain and a SHA-256 over itself and the record before it; `rega audit verify` finds a
-- record changed, inserted or removed. The chain's head (and where purging last cut it) is one
-- row, locked by each writer in turn, last of all the rows its transaction locks.
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
CREATE TABLE audit_chain (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    seq             INTEGER NOT NULL,
    hash            TEXT    NOT NULL,
    checkpoint_seq  INTEGER NOT NULL,
    checkpoint_hash TEXT    NOT NULL,
    legacy_max_id   INTEGER NOT NULL
);
INSERT INTO audit_chain (id, seq, hash, checkpoint_seq, checkpoint_hash, legacy_max_id)
SELECT 1, 0, '0000000000000000000000000000000000000000000000000000000000000000',
       0, '0000000000000000000000000000000000000000000000000000000000000000',
       COALESCE(MAX(id), 0)
FROM audit_log;
