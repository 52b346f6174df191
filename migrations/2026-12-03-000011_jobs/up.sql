-- The durable job queue (crates/server/src/jobs): workers claim due jobs with
-- FOR UPDATE SKIP LOCKED and hold a lease they renew while running; a job whose lease
-- runs out (its worker died) is queued again, or dead once out of attempts.
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    kind VARCHAR(64) NOT NULL,
    payload JSONB NOT NULL DEFAULT '{}'::jsonb,
    state VARCHAR(16) NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'running', 'succeeded', 'dead', 'cancelled')),
    -- Deduplicates enqueues for as long as the row is kept (e.g. one run per schedule tick).
    unique_key VARCHAR(200),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
    run_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_by VARCHAR(128),
    locked_until TIMESTAMPTZ,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    CHECK ((state = 'running') = (locked_until IS NOT NULL))
);
CREATE UNIQUE INDEX jobs_unique_key_idx ON jobs (kind, unique_key) WHERE unique_key IS NOT NULL;
-- What workers claim next.
CREATE INDEX jobs_due_idx ON jobs (run_at, id) WHERE state = 'queued';
-- Leases to check for expiry.
CREATE INDEX jobs_running_idx ON jobs (locked_until) WHERE state = 'running';
-- The dead count of /health/ready, without reading the finished jobs kept for two weeks.
CREATE INDEX jobs_dead_idx ON jobs (id) WHERE state = 'dead';
-- The admin list (newest first, by state and kind) and the retention sweep.
CREATE INDEX jobs_list_idx ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_finished_idx ON jobs (finished_at) WHERE finished_at IS NOT NULL;

-- A lead import keeps its file (bytes: a cell may hold NUL, which text and JSONB cannot)
-- until it finishes, so a worker that picks it up again (after a restart) can resume it.
ALTER TABLE lead_imports
    ADD COLUMN source BYTEA,
    ADD COLUMN request_id VARCHAR(64),
    ADD COLUMN ip VARCHAR(64);
