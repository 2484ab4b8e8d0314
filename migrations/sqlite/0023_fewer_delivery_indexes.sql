-- PostgreSQL writes a new entry into every index of a delivery on each update that changes an
-- indexed column (an outcome always does), and SQLite into each index whose columns changed.
-- Two of them paid for that on every message and bought nothing:
-- deliveries_by_notice (notice_id, revision, state) repeated the unique key's leading columns,
-- which already find a revision's deliveries; deliveries_by_age (updated_at) served only the
-- retention purge, which now walks old revisions instead (a delivery is never written before
-- its revision was published, so nothing it would have found is missed).
DROP INDEX deliveries_by_notice;
DROP INDEX deliveries_by_age;
-- "Has a newer revision reached this address?" (asked for every claimed retry) now finds its
-- answer in this index alone. SQLite preferred the unique key, which covers the question but
-- orders by revision first, and so read every delivery of the newer revisions for each retry.
DROP INDEX deliveries_by_address;
CREATE INDEX deliveries_by_address ON deliveries(notice_id, channel, address_key, revision);
