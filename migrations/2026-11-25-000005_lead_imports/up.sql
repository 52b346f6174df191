-- CSV lead import jobs: a client uploads a file, the server checks and imports it in the
-- background, and the client polls the job's progress and row errors.
CREATE TABLE lead_imports (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    mode VARCHAR(16) NOT NULL CHECK (mode IN ('all-or-nothing', 'skip-invalid')),
    status VARCHAR(16) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    total_rows BIGINT NOT NULL DEFAULT 0,
    processed_rows BIGINT NOT NULL DEFAULT 0,
    imported_rows BIGINT NOT NULL DEFAULT 0,
    skipped_rows BIGINT NOT NULL DEFAULT 0,
    error_count BIGINT NOT NULL DEFAULT 0,
    -- The first row errors ([{row, field, message}]), capped by the server.
    errors JSONB NOT NULL DEFAULT '[]'::jsonb,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ
);
CREATE INDEX lead_imports_created_by_idx ON lead_imports (created_by, created_at DESC);
