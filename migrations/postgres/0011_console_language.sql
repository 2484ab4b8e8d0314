-- The console's language is chosen per person and remembered across their sessions.
CREATE TABLE console_people (
    person       TEXT PRIMARY KEY,       -- as the audit log names them
    lang         TEXT NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

ALTER TABLE console_sessions ADD COLUMN lang TEXT NOT NULL DEFAULT 'fi';
