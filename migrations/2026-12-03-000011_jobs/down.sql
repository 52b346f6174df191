ALTER TABLE lead_imports
    DROP COLUMN header,
    DROP COLUMN pending_rows,
    DROP COLUMN request_id,
    DROP COLUMN ip;
DROP TABLE jobs;
