-- PostgreSQL's 0011 widens its INTEGER columns to 64 bits. SQLite's integers are 64 bits
-- already: nothing to change here; the file keeps both engines' migrations numbered alike.
SELECT 1;
