-- indicator_value(applies, achieved, target): one indicator of one unit row (docs/method.md): NULL unless
-- it applies to the row's level and its target is > 0; a NULL achieved counts as 0; capped is the
-- achieved count up to the target, so over-fulfilment never makes up for another unit.
CREATE OR REPLACE MACRO indicator_value(applies, achieved, target) AS
    CASE WHEN applies AND target > 0 THEN
        {'achieved': coalesce(achieved, 0)::DOUBLE, 'target': target::DOUBLE,
         'capped': least(coalesce(achieved, 0), target)::DOUBLE}
    END;
