-- 002: the archive keeps each file's bytes as they are. A spreadsheet is zip-compressed already;
-- DuckDB compressing it again saved about a quarter of its size for three times the CPU of the
-- archive's part of a load (province scale: 1.4 s of 25 s).
CREATE TABLE file_archive_v2 (
    sha256        VARCHAR PRIMARY KEY,
    size          BIGINT NOT NULL,
    content       BLOB NOT NULL USING COMPRESSION uncompressed,
    first_seen_at TIMESTAMP NOT NULL
);
INSERT INTO file_archive_v2 SELECT sha256, size, content, first_seen_at FROM file_archive;
DROP TABLE file_archive;
ALTER TABLE file_archive_v2 RENAME TO file_archive;
