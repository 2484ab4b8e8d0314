-- Bounces: hard bounces of a contact's email address in a row; at [bounces] hard_limit the
-- contact is undeliverable (told to its organisation's portal admins, on the weekly report)
-- until its address changes or is verified again.
ALTER TABLE contacts ADD COLUMN hard_bounces INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN undeliverable_at TEXT;
