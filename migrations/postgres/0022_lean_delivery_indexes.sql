-- A delivery is written once and updated once on its way; every index on it is paid for on
-- each of those writes. Only SMS deliveries are ever looked up by our reference or by the
-- gateway's id (delivery receipts; a bounce finds its email delivery by id), and the
-- reference is a hash: indexing it for every email cost each insert a write at a random
-- place in a large index. Claims walk deliveries_waiting, so deliveries_due had no reader.
DROP INDEX deliveries_by_reference;
CREATE INDEX deliveries_by_reference ON deliveries(reference) WHERE channel = 'sms';
DROP INDEX deliveries_by_external_id;
CREATE INDEX deliveries_by_external_id ON deliveries(external_id) WHERE channel = 'sms';
DROP INDEX deliveries_due;
