-- Exercise notices (drills): sent to the organisations they target, marked as an exercise
-- everywhere, and never listed among real notices on the page, in the feeds or the API.
ALTER TABLE notices ADD COLUMN exercise BOOLEAN NOT NULL DEFAULT FALSE;
