DROP INDEX IF EXISTS activity_logs_created_order_idx;
CREATE INDEX activity_logs_created_idx ON activity_logs (created_at DESC);
DROP INDEX IF EXISTS api_keys_created_order_idx;
DROP INDEX IF EXISTS users_created_order_idx;
