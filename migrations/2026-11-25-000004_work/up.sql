-- Work management: task spaces (a tree of folders), tasks with RRULE recurrence, and
-- task comments.
--
-- tasks.client_id and tasks.campaign_id reference the CRM tables of the 000003_crm
-- migration. They are plain nullable uuid columns without foreign keys for now, so this
-- migration does not depend on that one; the foreign keys are added once both
-- migrations have landed.

CREATE TABLE task_spaces (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(100) NOT NULL,
    icon VARCHAR(16) NOT NULL DEFAULT '📁',
    color VARCHAR(7) NOT NULL DEFAULT '#3B82F6',
    -- A space cannot be deleted while it has children (the API answers 409).
    parent_space_id UUID REFERENCES task_spaces (id) ON DELETE RESTRICT,
    "order" INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (parent_space_id IS DISTINCT FROM id)
);
CREATE INDEX task_spaces_parent_idx ON task_spaces (parent_space_id);
CREATE INDEX task_spaces_order_idx ON task_spaces ("order", name, id);

CREATE TABLE tasks (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    -- FK to campaigns / clients added once 000003_crm and this migration have both landed.
    campaign_id UUID,
    client_id UUID,
    assigned_to_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- A space with tasks cannot be deleted (the API answers 409).
    space_id UUID REFERENCES task_spaces (id) ON DELETE RESTRICT,
    title VARCHAR(255) NOT NULL,
    description TEXT,
    status VARCHAR(16) NOT NULL DEFAULT 'todo'
        CHECK (status IN ('todo', 'in_progress', 'review', 'completed', 'archived')),
    priority VARCHAR(16) NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    due_date TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    archived_at TIMESTAMPTZ,
    checklist JSONB NOT NULL DEFAULT '[]'::jsonb,
    estimated_hours INTEGER NOT NULL DEFAULT 0,
    tags TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    task_progress INTEGER NOT NULL DEFAULT 0,
    start_date TIMESTAMPTZ,
    blocks_completion BOOLEAN NOT NULL DEFAULT FALSE,
    -- Recurrence: an RFC 5545 RRULE evaluated in recurrence_timezone from
    -- recurrence_start (the series' first due date). This replaces the original's
    -- recurring_pattern / recurring_interval / recurring_end_date (FREQ / INTERVAL / UNTIL).
    is_recurring BOOLEAN NOT NULL DEFAULT FALSE,
    recurrence_rule VARCHAR(500),
    recurrence_timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
    recurrence_start TIMESTAMPTZ,
    schedule_from VARCHAR(16) NOT NULL DEFAULT 'due_date' CHECK (schedule_from IN ('due_date', 'completion_date')),
    -- Every instance of a recurring task shares series_id; instance_date is the local
    -- date the instance stands for. The unique pair makes creating the next instance
    -- idempotent: racing completions insert it once (INSERT … ON CONFLICT DO NOTHING).
    series_id UUID,
    instance_date DATE,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT tasks_series_instance_key UNIQUE (series_id, instance_date),
    CHECK (NOT is_recurring OR (recurrence_rule IS NOT NULL AND due_date IS NOT NULL AND series_id IS NOT NULL))
);
-- Filters and sorts of GET /api/tasks.
CREATE INDEX tasks_created_order_idx ON tasks (created_at DESC, id DESC);
CREATE INDEX tasks_due_idx ON tasks (due_date, id);
CREATE INDEX tasks_assigned_idx ON tasks (assigned_to_id, due_date);
CREATE INDEX tasks_space_idx ON tasks (space_id, created_at DESC);
CREATE INDEX tasks_status_idx ON tasks (status, due_date);
CREATE INDEX tasks_title_idx ON tasks (title, id);
CREATE INDEX tasks_priority_rank_idx ON tasks (
    (CASE priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'normal' THEN 2 ELSE 1 END), id);
CREATE INDEX tasks_client_idx ON tasks (client_id);
CREATE INDEX tasks_campaign_idx ON tasks (campaign_id);
-- Backs `q` (the same expression as storage::tasks).
CREATE INDEX tasks_search_idx ON tasks USING gin ((title || ' ' || coalesce(description, '')) gin_trgm_ops);

CREATE TABLE task_comments (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    task_id UUID NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    comment TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX task_comments_task_idx ON task_comments (task_id, created_at, id);
