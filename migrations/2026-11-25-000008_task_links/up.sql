-- Task links: the foreign keys of tasks.client_id and tasks.campaign_id that 000004_work
-- left out (so it did not depend on 000003_crm), and task templates.

-- Ids that name no record would block the constraints; they point nowhere, so clear them.
UPDATE tasks SET client_id = NULL
WHERE client_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM clients WHERE clients.id = tasks.client_id);
UPDATE tasks SET campaign_id = NULL
WHERE campaign_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM campaigns WHERE campaigns.id = tasks.campaign_id);
ALTER TABLE tasks
    ADD CONSTRAINT tasks_client_id_fkey FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE SET NULL;
ALTER TABLE tasks
    ADD CONSTRAINT tasks_campaign_id_fkey FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE SET NULL;

-- Blueprints for tasks; POST /api/tasks/templates/{templateId}/tasks creates a task from one.
CREATE TABLE task_templates (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(100) NOT NULL,
    description TEXT,
    title VARCHAR(255) NOT NULL,
    task_description TEXT,
    status VARCHAR(16) NOT NULL DEFAULT 'todo'
        CHECK (status IN ('todo', 'in_progress', 'review', 'completed', 'archived')),
    priority VARCHAR(16) NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    -- Days from the task's creation to its due date; NULL leaves the due date open.
    due_date_offset INTEGER CHECK (due_date_offset BETWEEN 0 AND 3650),
    estimated_hours INTEGER NOT NULL DEFAULT 0,
    space_id UUID REFERENCES task_spaces (id) ON DELETE SET NULL,
    -- Recurrence defaults copied to the task (the original's recurring_pattern /
    -- recurring_interval as one RRULE, as on tasks).
    is_recurring BOOLEAN NOT NULL DEFAULT FALSE,
    recurrence_rule VARCHAR(500),
    recurrence_timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
    schedule_from VARCHAR(16) NOT NULL DEFAULT 'due_date' CHECK (schedule_from IN ('due_date', 'completion_date')),
    tags TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    checklist JSONB NOT NULL DEFAULT '[]'::jsonb,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (NOT is_recurring OR recurrence_rule IS NOT NULL)
);
CREATE INDEX task_templates_name_idx ON task_templates (name, id);
CREATE INDEX task_templates_space_idx ON task_templates (space_id);
