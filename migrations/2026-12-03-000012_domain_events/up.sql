-- Domain events: one row per audited write, in the same transaction as its activity row.
-- Ordered ids are the Server-Sent Events ids (`Last-Event-ID` resumes after one); the
-- audience columns say who may see the event (`domain::events::may_see`).
CREATE TABLE domain_events (
    id BIGSERIAL PRIMARY KEY,
    event_type VARCHAR(64) NOT NULL,
    entity_type VARCHAR(64) NOT NULL,
    entity_id VARCHAR(64) NOT NULL,
    actor_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    payload JSONB,
    audience VARCHAR(16) NOT NULL
        CHECK (audience IN ('leads', 'clients', 'campaigns', 'staff', 'users', 'settings', 'people')),
    -- The client the record belongs to (client-portal users see their client's records).
    client_id UUID,
    -- Assignees (before and after the write) or the people concerned.
    user_ids INTEGER[] NOT NULL DEFAULT '{}',
    request_id VARCHAR(64),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Replay reads by id (the primary key); retention deletes by age.
CREATE INDEX domain_events_created_idx ON domain_events (created_at);
