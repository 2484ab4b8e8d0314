-- Our stable reference of each delivery (also the SMS reference and the Message-ID's
-- local part), so that a gateway's delivery receipt finds its delivery.
ALTER TABLE deliveries ADD COLUMN reference TEXT;
CREATE INDEX deliveries_by_reference ON deliveries(reference);
CREATE INDEX deliveries_by_external_id ON deliveries(external_id);
