-- "Received and passed on": a recipient of a critical fault or an instruction confirms, with
-- the link of one delivery, that it reached their organisation. At most one per delivery;
-- the organisation's acknowledgement of the notice is the reach board's last step.
CREATE TABLE acknowledgements (
    delivery_id      BIGINT PRIMARY KEY,
    notice_id        TEXT NOT NULL,
    revision         INTEGER NOT NULL,
    org_id           TEXT NOT NULL,
    contact_id       TEXT,                   -- forgotten when the contact is deleted
    channel          TEXT NOT NULL,
    acknowledged_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX acknowledgements_by_notice ON acknowledgements(notice_id, org_id);
CREATE INDEX acknowledgements_by_contact ON acknowledgements(contact_id);
