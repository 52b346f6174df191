-- Calendar: events (with attendees, reminders and RRULE recurrence), per-user ICS feed
-- tokens, and the sync state of the external calendar providers.

CREATE TABLE calendar_events (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    title VARCHAR(255) NOT NULL,
    description TEXT,
    start TIMESTAMPTZ NOT NULL,
    "end" TIMESTAMPTZ NOT NULL,
    all_day BOOLEAN NOT NULL DEFAULT FALSE,
    location VARCHAR(500),
    type VARCHAR(16) NOT NULL DEFAULT 'event'
        CHECK (type IN ('event', 'meeting', 'call', 'deadline', 'reminder')),
    -- [{"userId": 7, "email": null, "responseStatus": "accepted"}, ...]; the original kept
    -- a text[] of addresses. JSONB keeps the user link and answer, and the GIN index below
    -- backs the "events I attend" visibility test (attendees @> '[{"userId": n}]').
    attendees JSONB NOT NULL DEFAULT '[]'::jsonb,
    -- [{"minutesBefore": 15, "method": "popup"}, ...]
    reminders JSONB NOT NULL DEFAULT '[]'::jsonb,
    meet_link VARCHAR(2048),
    is_recurring BOOLEAN NOT NULL DEFAULT FALSE,
    -- RFC 5545 RRULE evaluated in recurrence_timezone from `start`.
    recurrence_rule VARCHAR(500),
    recurrence_timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
    -- When the series' last occurrence ends (COUNT or UNTIL); NULL while it never ends.
    -- Lets window queries skip finished series without expanding them.
    recurrence_ends_at TIMESTAMPTZ,
    -- Ids of the same event at the external providers, for idempotent imports.
    google_event_id VARCHAR(1024),
    microsoft_event_id VARCHAR(1024),
    created_by INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ("end" >= start),
    CHECK (NOT is_recurring OR recurrence_rule IS NOT NULL)
);
-- Window queries: single events by start/end, recurring series by their span.
CREATE INDEX calendar_events_window_idx ON calendar_events (start, "end") WHERE NOT is_recurring;
CREATE INDEX calendar_events_series_idx ON calendar_events (start, recurrence_ends_at) WHERE is_recurring;
CREATE INDEX calendar_events_created_by_idx ON calendar_events (created_by, start);
CREATE INDEX calendar_events_attendees_idx ON calendar_events USING gin (attendees jsonb_path_ops);
CREATE UNIQUE INDEX calendar_events_google_idx ON calendar_events (google_event_id) WHERE google_event_id IS NOT NULL;
CREATE UNIQUE INDEX calendar_events_microsoft_idx ON calendar_events (microsoft_event_id)
    WHERE microsoft_event_id IS NOT NULL;

-- One ICS feed token per user, stored as a SHA-256 hash; rotating replaces it.
CREATE TABLE calendar_feed_tokens (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash VARCHAR(64) NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Where the last import from each provider stopped (its sync token / delta link).
CREATE TABLE calendar_sync_state (
    provider VARCHAR(32) PRIMARY KEY,
    sync_token TEXT,
    last_synced_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
