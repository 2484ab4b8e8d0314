-- The organisation portal. A contact may be its organisation's portal admin: they ask for a
-- sign-in link by email and keep their organisation's recipients current themselves.
ALTER TABLE contacts ADD COLUMN portal_admin BOOLEAN NOT NULL DEFAULT FALSE;
-- Asking for a sign-in link looks the address up among the portal admins.
CREATE INDEX contacts_portal_admins ON contacts(email_key) WHERE portal_admin;

-- A portal session is limited to one organisation and opened for one of its contacts (both
-- NULL for operators' console sessions). It lasts only while that contact is a portal admin.
ALTER TABLE console_sessions ADD COLUMN org_id TEXT;
ALTER TABLE console_sessions ADD COLUMN contact_id TEXT;
CREATE INDEX console_sessions_by_contact ON console_sessions(contact_id);

-- Single-use signed links: the nonce of a link is written down when it is used, and kept
-- until the link would have expired anyway.
CREATE TABLE used_links (
    nonce        TEXT PRIMARY KEY,
    purpose      TEXT NOT NULL,
    used_at      TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX used_links_by_expiry ON used_links(expires_at);
