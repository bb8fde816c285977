-- 001: the first warehouse. Raw layer: what was loaded, every version, every byte.

-- Original bytes of every file seen (accepted or rejected), content-addressed.
CREATE TABLE file_archive (
    sha256        VARCHAR PRIMARY KEY,
    size          BIGINT NOT NULL,
    content       BLOB NOT NULL,
    first_seen_at TIMESTAMP NOT NULL
);

-- One line per file per load attempt, whatever the outcome.
CREATE SEQUENCE load_log_seq;
CREATE TABLE load_log (
    id         BIGINT PRIMARY KEY DEFAULT nextval('load_log_seq'),
    loaded_at  TIMESTAMP NOT NULL,
    file_name  VARCHAR NOT NULL,
    sha256     VARCHAR,
    county     VARCHAR,
    week       VARCHAR,
    outcome    VARCHAR NOT NULL,   -- loaded | unchanged | rejected | restored
    version    INTEGER,
    rows       INTEGER,
    errors     JSON,
    warnings   JSON,
    loaded_by  VARCHAR
);

-- Every accepted version of a (county, week) submission.
CREATE TABLE submission_versions (
    county    VARCHAR NOT NULL,
    week      VARCHAR NOT NULL,
    version   INTEGER NOT NULL,
    file_name VARCHAR NOT NULL,
    sha256    VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    rows      INTEGER NOT NULL,
    loaded_by VARCHAR,
    PRIMARY KEY (county, week, version)
);

-- Which version is current. Rewritten (delete + insert) on load and restore; no key so that
-- DuckDB's index checks cannot trip over a delete and re-insert in one transaction.
CREATE TABLE current_versions (
    county  VARCHAR NOT NULL,
    week    VARCHAR NOT NULL,
    version INTEGER NOT NULL
);

-- The unit rows of every version.
CREATE TABLE unit_rows (
    county  VARCHAR NOT NULL,
    week    VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    row_no  INTEGER NOT NULL,      -- the sheet row (1-based) it came from
    unit    VARCHAR NOT NULL,
    level   VARCHAR NOT NULL,
    -- then one column per metric id of the form catalogue (forms.toml), of every version: added
    -- by etl.warehouse.add_catalogue_columns, INTEGER for a count and BOOLEAN for a 是/否 column
    remarks VARCHAR,
    unit_key VARCHAR              -- the name normalised (NFKC, no spaces): matches a unit across weeks
);
