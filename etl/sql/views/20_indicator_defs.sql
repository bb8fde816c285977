-- The scored indicators of every method version in the catalogue (forms.toml): a stable id, its
-- dimension, the label the pages and bulletins show, the levels where it exists, and the method
-- versions that have it. Written from the catalogue into cfg_indicators (etl/warehouse.py).
CREATE OR REPLACE VIEW indicator_defs AS
SELECT sort_order, indicator, dimension, label, levels, methods FROM cfg_indicators;
