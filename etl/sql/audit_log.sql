-- The audit trail, newest first, filtered by week, unit, action and person (each NULL = all).
SELECT id, done_at, action, actor, unit, week, version, file_name, sha256, account, detail
FROM audit_log
WHERE ($week::VARCHAR IS NULL OR week = $week)
  AND ($unit::VARCHAR IS NULL OR unit = $unit)
  AND ($action::VARCHAR IS NULL OR action = $action)
  AND ($actor::VARCHAR IS NULL OR actor = $actor)
ORDER BY id DESC
LIMIT $limit
