-- Notices, their immutable revisions, the fan-out outbox and one delivery per
-- (revision, channel, address).

CREATE TABLE notices (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL,
    severity          TEXT NOT NULL,
    state             TEXT NOT NULL,
    current_revision  INTEGER NOT NULL,
    started_at        TEXT,
    ended_at          TEXT,
    window_start      TEXT,
    window_end        TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX notices_by_update ON notices(updated_at);

CREATE TABLE notice_services (
    notice_id  TEXT NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    service    TEXT NOT NULL,
    PRIMARY KEY (notice_id, service)
);

CREATE TABLE notice_revisions (
    notice_id     TEXT NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    revision      INTEGER NOT NULL,
    action        TEXT NOT NULL,
    content       TEXT NOT NULL,         -- the revision's NoticeDraft as JSON; never updated
    sms           BOOLEAN NOT NULL,      -- this revision also goes out by SMS
    published_at  TEXT NOT NULL,
    actor         TEXT NOT NULL,
    PRIMARY KEY (notice_id, revision)
);
CREATE TRIGGER notice_revisions_are_immutable BEFORE UPDATE ON notice_revisions
BEGIN SELECT RAISE(ABORT, 'notice revisions are immutable'); END;

-- The outbox: one fan-out job per revision, committed with it.
CREATE TABLE fanout_jobs (
    notice_id     TEXT NOT NULL,
    revision      INTEGER NOT NULL,
    lane          INTEGER NOT NULL,
    cursor        TEXT NOT NULL DEFAULT '',   -- last contact id expanded
    lease_owner   TEXT,
    lease_until   TEXT,
    done_at       TEXT,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (notice_id, revision),
    FOREIGN KEY (notice_id, revision) REFERENCES notice_revisions(notice_id, revision)
);
CREATE INDEX fanout_jobs_open ON fanout_jobs(done_at, lane, created_at);

CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_id        TEXT NOT NULL,
    revision         INTEGER NOT NULL,
    channel          TEXT NOT NULL,
    address          TEXT,                    -- erased (NULL) when the contact is deleted
    address_key      TEXT NOT NULL,           -- one delivery per address, however many registrations
    language         TEXT NOT NULL,
    audience         TEXT NOT NULL,
    contact_id       TEXT,
    lane             INTEGER NOT NULL,
    state            TEXT NOT NULL,           -- pending, sending, retry, sent, delivered, undeliverable, failed, superseded, expired, dead
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    expires_at       TEXT NOT NULL,          -- publication + delivery.max_age_hours
    lease_until      TEXT,
    last_error       TEXT,
    external_id      TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (notice_id, revision, channel, address_key),
    FOREIGN KEY (notice_id, revision) REFERENCES notice_revisions(notice_id, revision)
);
CREATE INDEX deliveries_due ON deliveries(state, lane, next_attempt_at);
CREATE INDEX deliveries_by_notice ON deliveries(notice_id, revision, state);
CREATE INDEX deliveries_by_address ON deliveries(notice_id, channel, address_key);
CREATE INDEX deliveries_by_contact ON deliveries(contact_id);
