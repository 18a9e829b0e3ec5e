-- The ticket's own link (domain/ticket_link.rs): the SHA-256 of the code the kiosk shows, which
-- opens the ticket on the citizen's phone for its day. A check-in again gives a new code.
ALTER TABLE ticket ADD COLUMN link_hash TEXT;
CREATE UNIQUE INDEX ticket_link ON ticket (link_hash);
