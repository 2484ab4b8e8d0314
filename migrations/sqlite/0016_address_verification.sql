-- An email address is verified when someone who reads it presses the button of the link sent
-- to it. Until then notices still go to it (a fault notice is never withheld); the contact
-- shows as unverified and the weekly report names organisations with nothing verified.
ALTER TABLE contacts ADD COLUMN email_verified_at TEXT;
-- Addresses registered before verification existed have received notices all along: they
-- count as verified from their registration.
UPDATE contacts SET email_verified_at = created_at WHERE email IS NOT NULL;
-- The address (email_key) a verification link was last queued for: each new or changed
-- address gets one link, however often the job looks.
ALTER TABLE contacts ADD COLUMN verification_sent_for TEXT;
UPDATE contacts SET verification_sent_for = email_key WHERE email IS NOT NULL;
