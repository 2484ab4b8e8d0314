-- Maintenance is sent in steps (the announcement email, the SMS reminder) of one revision,
-- so a fan-out job is per (revision, step) and says which channels it expands.
CREATE TABLE fanout_jobs_by_step (
    notice_id     TEXT NOT NULL,
    revision      INTEGER NOT NULL,
    step          TEXT NOT NULL,               -- revision, announcement, reminder
    email         BOOLEAN NOT NULL,
    sms           BOOLEAN NOT NULL,
    lane          INTEGER NOT NULL,
    cursor        TEXT NOT NULL DEFAULT '',
    lease_owner   TEXT,
    lease_until   TEXT,
    done_at       TEXT,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (notice_id, revision, step),
    FOREIGN KEY (notice_id, revision) REFERENCES notice_revisions(notice_id, revision)
);
INSERT INTO fanout_jobs_by_step
    SELECT j.notice_id, j.revision, 'revision', TRUE, r.sms, j.lane, j.cursor, j.lease_owner,
           j.lease_until, j.done_at, j.created_at
    FROM fanout_jobs j JOIN notice_revisions r ON r.notice_id = j.notice_id AND r.revision = j.revision;
DROP TABLE fanout_jobs;
ALTER TABLE fanout_jobs_by_step RENAME TO fanout_jobs;
CREATE INDEX fanout_jobs_open ON fanout_jobs(done_at, lane, created_at);

-- The reminder plan of a maintenance notice, as data: each step is planned by a revision,
-- fired once (done) or skipped with the reason. The key makes firing idempotent however
-- many daemons run.
CREATE TABLE reminders (
    notice_id       TEXT NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    step            TEXT NOT NULL,             -- announcement, reminder, start, end
    revision        INTEGER NOT NULL,          -- the revision that planned it
    email           BOOLEAN NOT NULL,
    sms             BOOLEAN NOT NULL,
    due_at          TEXT NOT NULL,
    state           TEXT NOT NULL,             -- planned, done, skipped
    reason          TEXT,
    fired_at        TEXT,
    fired_revision  INTEGER,                   -- the revision it sent or created
    PRIMARY KEY (notice_id, step, revision)
);
CREATE INDEX reminders_due ON reminders(state, due_at);
