-- Notice templates, one row per version. A version comes from a shipped file (its digest
-- recorded, so an unchanged file adds nothing at the next start) or from the console or API.
CREATE TABLE notice_templates (
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    content     TEXT NOT NULL,          -- the checked template as JSON
    source      TEXT NOT NULL,          -- file:NAME, console, api
    file_digest TEXT,
    actor       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, version)
);
