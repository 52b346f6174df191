DROP TABLE IF EXISTS task_templates;
ALTER TABLE tasks DROP CONSTRAINT IF EXISTS tasks_campaign_id_fkey;
ALTER TABLE tasks DROP CONSTRAINT IF EXISTS tasks_client_id_fkey;
