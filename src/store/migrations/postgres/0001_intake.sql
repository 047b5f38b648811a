-- The intake store, version 1 (PostgreSQL). A report is one agency's report of one year; each
-- submission of it is a new version, never overwritten. A report whose agency or year
-- could not be read has NULL there and a report row of its own.
CREATE TABLE reports (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency      TEXT,             -- agency_key() of the agency read from the report
    year        INTEGER,
    created_at  TEXT NOT NULL,    -- RFC 3339, UTC
    UNIQUE (agency, year)
);
CREATE INDEX reports_by_year ON reports (year);

CREATE TABLE versions (
    report_id          BIGINT NOT NULL REFERENCES reports (id),
    version            INTEGER NOT NULL,      -- 1, 2, … per report
    received_at        TEXT NOT NULL,         -- RFC 3339, UTC
    sha256             TEXT NOT NULL,         -- of the bytes received, lowercase hex
    agency_as_written  TEXT,                  -- the agency as the report gives it
    errors             INTEGER NOT NULL,
    warnings           INTEGER NOT NULL,
    infos              INTEGER NOT NULL,
    previous_source    TEXT,                  -- 'stored', 'sent', or NULL: no previous
    previous_report_id BIGINT,               -- with 'stored': the version paired with
    previous_version   INTEGER,
    report             TEXT NOT NULL,         -- the canonical report JSON
    result             TEXT NOT NULL,         -- the result JSON, as answered
    PRIMARY KEY (report_id, version)
);
