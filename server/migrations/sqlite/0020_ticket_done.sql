-- When the counter recorded a ticket's citizen served: the supervisor's day at a glance and the
-- network's metrics average the time from the call to it (domain/queue_figures.rs).
ALTER TABLE ticket ADD COLUMN done_at INTEGER;
