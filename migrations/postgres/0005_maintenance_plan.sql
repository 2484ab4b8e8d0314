-- Maintenance is sent in steps (the announcement email, the SMS reminder) of one revision,
-- so a fan-out job is per (revision, step) and says which channels it expands.
ALTER TABLE fanout_jobs
    ADD COLUMN step  TEXT NOT NULL DEFAULT 'revision',
    ADD COLUMN email BOOLEAN NOT NULL DEFAULT TRUE,
    ADD COLUMN sms   BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE fanout_jobs j SET sms = r.sms FROM notice_revisions r
    WHERE r.notice_id = j.notice_id AND r.revision = j.revision;
ALTER TABLE fanout_jobs ALTER COLUMN step DROP DEFAULT,
    ALTER COLUMN email DROP DEFAULT, ALTER COLUMN sms DROP DEFAULT;
ALTER TABLE fanout_jobs DROP CONSTRAINT fanout_jobs_pkey;
ALTER TABLE fanout_jobs ADD PRIMARY KEY (notice_id, revision, step);

-- The reminder plan of a maintenance notice, as data: each step is planned by a revision,
-- fired once (done) or skipped with the reason. The key makes firing idempotent however
-- many daemons run.
CREATE TABLE reminders (
    notice_id       TEXT NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    step            TEXT NOT NULL,             -- announcement, reminder, start, end
    revision        INTEGER NOT NULL,          -- the revision that planned it
    email           BOOLEAN NOT NULL,
    sms             BOOLEAN NOT NULL,
    due_at          TIMESTAMPTZ NOT NULL,
    state           TEXT NOT NULL,             -- planned, done, skipped
    reason          TEXT,
    fired_at        TIMESTAMPTZ,
    fired_revision  INTEGER,                   -- the revision it sent or created
    PRIMARY KEY (notice_id, step, revision)
);
CREATE INDEX reminders_due ON reminders(state, due_at);
