-- Notices not yet published: drafts, those waiting for a second operator's approval, and
-- those set to go out at a given time. The row stays once published, as the notice's record
-- of who wrote and who approved it, or why it went out without approval.
CREATE TABLE pending_notices (
    id              TEXT PRIMARY KEY,
    content         TEXT NOT NULL,          -- revision 1 as it will go out (JSON)
    state           TEXT NOT NULL,          -- draft, awaiting_approval, scheduled, published, discarded
    needs_approval  BOOLEAN NOT NULL,
    author          TEXT NOT NULL,
    approved_by     TEXT,
    approved_at     TIMESTAMPTZ,
    override_reason TEXT,
    publish_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX pending_notices_due ON pending_notices(state, publish_at);
-- What an audited change says beyond its target (an override's written reason).
ALTER TABLE audit_log ADD COLUMN detail TEXT;
