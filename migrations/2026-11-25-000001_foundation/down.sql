DROP TABLE IF EXISTS activity_logs;
DROP TABLE IF EXISTS email_outbox;
DROP TABLE IF EXISTS password_reset_tokens;
DROP TABLE IF EXISTS api_keys;
DROP TABLE IF EXISTS refresh_tokens;
DROP TABLE IF EXISTS users;
