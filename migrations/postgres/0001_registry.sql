-- The registry: organisations, the services they use, their contacts; tokens; audit; idempotency.

CREATE TABLE organisations (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    search_key   TEXT NOT NULL,          -- lowercased name + business id, for ?q=
    business_id  TEXT NOT NULL UNIQUE,
    oid          TEXT,
    audience     TEXT NOT NULL,
    state        TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
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
    reviewed_at        TIMESTAMPTZ NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
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
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);

CREATE TABLE audit_log (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    actor        TEXT NOT NULL,          -- token id, or "cli"
    action       TEXT NOT NULL,
    target_kind  TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    org_id       TEXT,
    request_id   TEXT NOT NULL
);
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_is_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

CREATE TABLE idempotency_keys (
    actor         TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER,               -- NULL while the first request is in progress
    body          TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (actor, key)
);
