-- Contract view (README, "What other tools rely on"): every accepted version, and which one is current.
CREATE OR REPLACE VIEW submissions AS
SELECT v.county, v.week, v.version, v.file_name, v.sha256, v.loaded_at, v.rows,
       (c.version IS NOT NULL) AS is_current
FROM submission_versions AS v
LEFT JOIN current_versions AS c USING (county, week, version);
