-- The console's people: one-time sign-in links printed on the daemon's host, and sessions.
-- Only SHA-256 hashes of the link tokens and session ids are kept: a copy of the database
-- signs nobody in.
CREATE TABLE console_links (
    token_hash   TEXT PRIMARY KEY,
    label        TEXT NOT NULL,          -- who the link is for, e.g. "Anna (support)"
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT
);

CREATE TABLE console_sessions (
    id_hash      TEXT PRIMARY KEY,
    person       TEXT NOT NULL,          -- the actor of the audit log
    method       TEXT NOT NULL,          -- link or oidc
    csrf         TEXT NOT NULL,          -- the token every form of the session carries
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
