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
    org_count                      INTEGER,
    member_count                   INTEGER,
    reading_class_done             BOOLEAN,
    center_group_sessions          INTEGER,
    concentrated_study_sessions    INTEGER,
    special_lectures               INTEGER,
    discussion_members             INTEGER,
    mobile_members                 INTEGER,
    mobile_members_reached         INTEGER,
    research_topics                INTEGER,
    research_done                  INTEGER,
    research_reports               INTEGER,
    positive_cases                 INTEGER,
    negative_cases                 INTEGER,
    exchange_meeting_held          BOOLEAN,
    conversion_items               INTEGER,
    conversion_done                INTEGER,
    livelihood_projects            INTEGER,
    livelihood_done                INTEGER,
    urgent_issues_collected        INTEGER,
    urgent_issues_solved           INTEGER,
    problems_found                 INTEGER,
    problems_quantified            INTEGER,
    problems_rectified             INTEGER,
    lead_cases                     INTEGER,
    media_central                  INTEGER,
    media_provincial               INTEGER,
    board_updated                  BOOLEAN,
    remarks VARCHAR,
    unit_key VARCHAR              -- the name normalised (NFKC, no spaces): matches a unit across weeks
);
