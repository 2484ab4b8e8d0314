-- An organisation that has not acknowledged a critical fault or an instruction in time is
-- escalated once: the row is written in the transaction that queues the escalation's
-- messages, so however many daemons look, one of them does it.
CREATE TABLE escalations (
    notice_id     TEXT NOT NULL,
    org_id        TEXT NOT NULL,
    revision      INTEGER NOT NULL,
    escalated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (notice_id, org_id)
);
