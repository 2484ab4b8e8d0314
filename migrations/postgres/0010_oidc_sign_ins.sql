-- Sign-ins through the operator's OpenID Connect provider, between the browser's leaving for
-- the provider and its return: what the return must match (state, nonce, PKCE verifier).
-- Keyed by the SHA-256 of a cookie of the browser that left; each row is used once.
CREATE TABLE console_sign_ins (
    flow_hash    TEXT PRIMARY KEY,
    state        TEXT NOT NULL,
    nonce        TEXT NOT NULL,
    verifier     TEXT NOT NULL,
    lang         TEXT NOT NULL,          -- the language to return to
    expires_at   TIMESTAMPTZ NOT NULL
);
