-- The city profile by level (市级 on top of 县级/乡镇级/村级 of all counties), for 上热中温下冷.
CREATE OR REPLACE VIEW city_level_scores AS
SELECT county AS city, week, level, dimension, score FROM scope_level_scores WHERE is_city;
