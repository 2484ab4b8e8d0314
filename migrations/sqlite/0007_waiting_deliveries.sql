-- Deliveries waiting to be sent, in the order workers claim them (faults first, then the
-- longest waiting): a claim walks this index and stops after its batch, instead of
-- sorting every waiting delivery on each claim (O(waiting) per claim, quadratic over a
-- large fan-out).
CREATE INDEX deliveries_waiting ON deliveries(lane, next_attempt_at, id) WHERE state IN ('pending', 'retry');
-- Attempts in flight, for taking over those whose lease has expired.
CREATE INDEX deliveries_in_flight ON deliveries(lease_until) WHERE state = 'sending';
