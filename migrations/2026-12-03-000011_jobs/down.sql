ALTER TABLE lead_imports
    DROP COLUMN source,
    DROP COLUMN request_id,
    DROP COLUMN ip;
DROP TABLE jobs;
