-- Expired idempotency keys are deleted on every claim; keep that a range scan.
CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at);
