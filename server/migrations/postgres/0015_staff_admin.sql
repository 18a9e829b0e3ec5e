-- The central administrator (issue 14): a role above supervisors, bound to no directorate; an
-- account an administrator creates or resets signs in with a one-time password (issued at
-- `one_time_password_at`) and must choose its own before anything else.
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('desk', 'supervisor', 'admin'));
ALTER TABLE staff ALTER COLUMN directorate_id DROP NOT NULL;
ALTER TABLE staff ADD CONSTRAINT staff_admin_has_no_directorate
    CHECK ((role = 'admin') = (directorate_id IS NULL));
ALTER TABLE staff ADD COLUMN one_time_password_at BIGINT;
