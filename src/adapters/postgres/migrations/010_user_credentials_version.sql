-- Bumped whenever a user's password changes; bearer tokens carry the version they were issued at,
-- so a password change ends every session opened with the old password.
ALTER TABLE users ADD COLUMN credentials_version integer NOT NULL DEFAULT 1;
