-- The audit trail, newest first, filtered by week, unit, action and person (each NULL = all).
-- $own_unit / $own_actor: what a county account may see, its unit's rows and its own actions.
SELECT id, done_at, action, actor, unit, week, version, file_name, sha256, account, detail
FROM audit_log
WHERE ($week::VARCHAR IS NULL OR week = $week)
  AND ($unit::VARCHAR IS NULL OR unit = $unit)
  AND ($action::VARCHAR IS NULL OR action = $action)
  AND ($actor::VARCHAR IS NULL OR actor = $actor)
  AND ($own_unit::VARCHAR IS NULL OR unit = $own_unit OR actor = $own_actor)
ORDER BY id DESC
LIMIT $limit
