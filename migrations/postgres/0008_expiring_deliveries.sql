-- Deliveries waiting to be sent, by their age limit: the sweep that expires them every few
-- seconds finds the few past it here, instead of reading every waiting delivery (a
-- million during a large fan-out, while holding the writer).
CREATE INDEX deliveries_expiring ON deliveries(expires_at) WHERE state IN ('pending', 'retry');
