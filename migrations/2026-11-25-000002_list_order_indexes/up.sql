-- Lists are served newest first; these let a page be read from the index instead of
-- sorting the whole table on every request.
CREATE INDEX users_created_order_idx ON users (created_at DESC, id DESC);
CREATE INDEX api_keys_created_order_idx ON api_keys (created_at DESC, id DESC);
DROP INDEX activity_logs_created_idx;
CREATE INDEX activity_logs_created_order_idx ON activity_logs (created_at DESC, id DESC);
