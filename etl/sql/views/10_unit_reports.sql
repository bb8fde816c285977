-- Contract view (interfaces.md): the current version of every submission, one row per unit.
CREATE OR REPLACE VIEW unit_reports AS
SELECT r.county, r.week, r.unit, r.level,
       r.* EXCLUDE (county, week, version, row_no, unit, level)
FROM unit_rows AS r
JOIN current_versions AS c USING (county, week, version);
