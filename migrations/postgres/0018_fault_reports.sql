-- Fault reports from organisations' helpdesks, triaged by technical support.
-- References count per (Helsinki) year: FR-2026-000123.
CREATE TABLE report_sequences (
    year  INTEGER PRIMARY KEY,
    last  BIGINT NOT NULL
);
CREATE TABLE fault_reports (
    id                 TEXT PRIMARY KEY,
    reference          TEXT NOT NULL UNIQUE,
    org_id             TEXT,                   -- the registered organisation with this business ID
    source             TEXT NOT NULL,          -- api, portal, public
    organisation_name  TEXT NOT NULL,
    business_id        TEXT NOT NULL,
    reporter_name      TEXT NOT NULL,
    reporter_email     TEXT NOT NULL,
    reporter_phone     TEXT NOT NULL,
    language           TEXT NOT NULL,
    started_at         TIMESTAMPTZ NOT NULL,
    criteria           TEXT NOT NULL,          -- criterion codes, comma-separated
    critical           BOOLEAN NOT NULL,
    description        TEXT NOT NULL,
    workstation        TEXT,
    application        TEXT,
    error_text         TEXT,
    status             TEXT NOT NULL,
    notice_id          TEXT,
    duplicate_of       TEXT,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX fault_reports_newest ON fault_reports(created_at);
CREATE INDEX fault_reports_by_org ON fault_reports(org_id, created_at);
-- The services a report names, with its business ID: what clusters are counted over.
CREATE TABLE fault_report_services (
    report_id    TEXT NOT NULL REFERENCES fault_reports(id) ON DELETE CASCADE,
    service      TEXT NOT NULL,
    business_id  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    cluster_id   TEXT,
    PRIMARY KEY (report_id, service)
);
CREATE INDEX fault_report_services_recent ON fault_report_services(service, created_at);
CREATE TABLE fault_report_attachments (
    id          TEXT PRIMARY KEY,
    report_id   TEXT NOT NULL REFERENCES fault_reports(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    filename    TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        BIGINT NOT NULL,
    content     BYTEA NOT NULL
);
CREATE INDEX fault_report_attachments_by_report ON fault_report_attachments(report_id, position);
-- Triage history: each change of state and each note, by whom.
CREATE TABLE fault_report_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   TEXT NOT NULL REFERENCES fault_reports(id) ON DELETE CASCADE,
    at          TIMESTAMPTZ NOT NULL,
    actor       TEXT NOT NULL,
    status      TEXT,                          -- the new state, when it changed
    note        TEXT,                          -- for support only
    reply       TEXT                           -- sent to the reporter
);
CREATE INDEX fault_report_events_by_report ON fault_report_events(report_id, id);
-- A probable national fault: reports on one service from several organisations in a short
-- time. Raised (and the on-duty operators alerted) once.
CREATE TABLE report_clusters (
    id          TEXT PRIMARY KEY,
    service     TEXT NOT NULL,
    opened_at   TIMESTAMPTZ NOT NULL,
    last_at     TIMESTAMPTZ NOT NULL,
    notice_id   TEXT
);
CREATE INDEX report_clusters_by_service ON report_clusters(service, last_at);
-- faultcast's own messages may go by SMS too (on-duty paging), and urgent ones are sent
-- ahead of everything else, even during a large fan-out.
ALTER TABLE system_messages ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
ALTER TABLE system_messages ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX system_messages_urgent ON system_messages(urgent, state, next_attempt_at);
