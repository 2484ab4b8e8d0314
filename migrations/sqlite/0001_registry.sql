-- The registry: organisations, the services they use, their contacts; tokens; audit; idempotency.
-- Times are sqlx's chrono TEXT encoding (UTC); booleans are 0/1.

CREATE TABLE organisations (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    search_key   TEXT NOT NULL,          -- lowercased name + business id, for ?q=
    business_id  TEXT NOT NULL UNIQUE,
    oid          TEXT,
    audience     TEXT NOT NULL,
    state        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE organisation_services (
    org_id   TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    service  TEXT NOT NULL,
    PRIMARY KEY (org_id, service)
);
CREATE INDEX organisation_services_by_service ON organisation_services(service, org_id);

CREATE TABLE contacts (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    role               TEXT NOT NULL,
    email              TEXT,
    email_key          TEXT,             -- lowercased email: one message per address
    phone              TEXT,
    language           TEXT NOT NULL,
    via_email          BOOLEAN NOT NULL,
    via_sms            BOOLEAN NOT NULL,
    all_services       BOOLEAN NOT NULL, -- true: every service the organisation uses
    wants_fault        BOOLEAN NOT NULL,
    wants_maintenance  BOOLEAN NOT NULL,
    wants_instruction  BOOLEAN NOT NULL,
    source             TEXT NOT NULL,
    reviewed_at        TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX contacts_by_org ON contacts(org_id, id);

CREATE TABLE contact_services (
    contact_id  TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    service     TEXT NOT NULL,
    PRIMARY KEY (contact_id, service)
);

CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    secret_hash  TEXT NOT NULL,          -- SHA-256 of the secret part, hex; never the token
    role         TEXT NOT NULL,
    org_id       TEXT REFERENCES organisations(id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    revoked_at   TEXT
);

CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,          -- token id, or "cli"
    action       TEXT NOT NULL,
    target_kind  TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    org_id       TEXT,
    request_id   TEXT NOT NULL
);
CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE idempotency_keys (
    actor         TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER,               -- NULL while the first request is in progress
    body          TEXT,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (actor, key)
);
