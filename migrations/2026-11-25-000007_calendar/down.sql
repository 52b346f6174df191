DROP TABLE IF EXISTS calendar_sync_state;
DROP TABLE IF EXISTS calendar_feed_tokens;
DROP TABLE IF EXISTS calendar_events;
