-- Cron housekeeping: each job's next occurrence, claimed by compare-and-set so that one
-- daemon runs each occurrence.
CREATE TABLE housekeeping (
    job           TEXT PRIMARY KEY,
    expression    TEXT NOT NULL,     -- the cron expression the next occurrence came from
    next_due_at   TEXT NOT NULL,
    last_run_at   TEXT,
    last_outcome  TEXT
);

-- Messages of faultcast's own (operator nudges, reports, contact review reminders): a
-- small outbox of their own, retried like notices. `dedup_key` makes a job that runs
-- again write a message once.
CREATE TABLE system_messages (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    dedup_key        TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,          -- overdue-update, unreachable-report, contact-review
    recipient        TEXT,                   -- an email address; erased with its contact
    contact_id       TEXT,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    state            TEXT NOT NULL,          -- pending, sending, sent, failed, dead
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    lease_until      TEXT,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX system_messages_due ON system_messages(state, next_attempt_at);
CREATE INDEX system_messages_by_contact ON system_messages(contact_id);
CREATE INDEX deliveries_by_age ON deliveries(updated_at);
