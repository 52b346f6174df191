DROP TABLE IF EXISTS pending_registrations;
DROP TABLE IF EXISTS email_change_requests;
