-- 003: the audit trail. One row per upload, rejection, restore and account change: who, when,
-- which unit and week, the file's hash. Rows are only ever inserted (by etl/audit.py, in the same
-- transaction as the change they record); nothing in the app or the CLI updates or deletes them.
CREATE SEQUENCE audit_log_seq;
CREATE TABLE audit_log (
    id        BIGINT PRIMARY KEY DEFAULT nextval('audit_log_seq'),
    done_at   TIMESTAMP NOT NULL,
    action    VARCHAR NOT NULL,   -- upload | unchanged | reject | restore | user_add | user_role | user_password | user_remove
    actor     VARCHAR,            -- the signed-in user, or the system user of a CLI command
    unit      VARCHAR,            -- the reporting unit (of the file, or of a county account)
    week      VARCHAR,
    version   INTEGER,
    file_name VARCHAR,
    sha256    VARCHAR,
    account   VARCHAR,            -- the account changed (user_* actions)
    detail    VARCHAR
);
