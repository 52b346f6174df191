-- Outgoing signed webhooks (crates/server/src/webhooks): each audited write's event is
-- fanned out, in its transaction, to a delivery per subscribed endpoint; a
-- `webhooks.deliver` job per endpoint sends them oldest first, signed with the
-- endpoint's secret, retrying with backoff for about a day.
CREATE TABLE webhook_endpoints (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    url VARCHAR(2048) NOT NULL,
    description VARCHAR(500),
    -- Exact event types, `<family>.*`, or `*` for every event.
    event_types TEXT[] NOT NULL CHECK (cardinality(event_types) >= 1),
    -- The HMAC signing key, kept as it is because every delivery is signed with it (a
    -- shared secret, not a password); shown only when created or rotated.
    secret VARCHAR(128) NOT NULL,
    active BOOLEAN NOT NULL DEFAULT true,
    created_by INTEGER NOT NULL REFERENCES users (id),
    -- Why it was turned off automatically (deliveries failing for a day).
    disabled_reason TEXT,
    -- The first failed attempt since the last success.
    failing_since TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Fan-out: the active endpoints whose types overlap an event's (`*`, `lead.*`, `lead.updated`).
CREATE INDEX webhook_endpoints_subscribed_idx ON webhook_endpoints USING GIN (event_types) WHERE active;
CREATE INDEX webhook_endpoints_list_idx ON webhook_endpoints (created_at DESC, id DESC);

CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    endpoint_id UUID NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- The domain event's id (no foreign key: events are swept after a week, while the
    -- delivery keeps its frozen body).
    event_id BIGINT NOT NULL,
    event_type VARCHAR(100) NOT NULL,
    -- The exact body sent, frozen at fan-out, so every attempt sends the same bytes.
    payload JSONB NOT NULL,
    status VARCHAR(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_status_code INTEGER,
    last_error TEXT,
    last_duration_ms INTEGER,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    delivered_at TIMESTAMPTZ,
    -- Its place in the endpoint's line: taken at fan-out, and again (the back of the
    -- line) when an admin redelivers it.
    position BIGSERIAL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (endpoint_id, event_id)
);
-- The endpoint's oldest pending delivery, which goes next.
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (endpoint_id, position) WHERE status = 'pending';
-- The delivery log, newest first, and the retention sweep.
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (endpoint_id, id DESC);
CREATE INDEX webhook_deliveries_created_idx ON webhook_deliveries (created_at) WHERE status <> 'pending';

-- Every attempt of a delivery: its answer, how long it took.
CREATE TABLE webhook_delivery_attempts (
    id BIGSERIAL PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL CHECK (attempt >= 1),
    status_code INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX webhook_delivery_attempts_delivery_idx ON webhook_delivery_attempts (delivery_id, id);
