DROP INDEX email_outbox_list_idx;
DROP INDEX email_outbox_recipient_idx;
ALTER TABLE email_outbox
    DROP COLUMN body_html,
    DROP COLUMN message_id,
    DROP COLUMN updated_at;
