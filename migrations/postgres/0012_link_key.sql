-- The secret that signs links in messages, made by the first daemon to start when the
-- configuration gives none ([links] secret), so that every daemon on this database signs and
-- verifies alike. One row.
CREATE TABLE link_keys (
    id           INTEGER PRIMARY KEY,
    secret       TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
