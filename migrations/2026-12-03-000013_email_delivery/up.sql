-- E-mail delivery (crates/server/src/mail): each queued mail is sent by an `email.send`
-- job over SMTP, or kept here as `skipped` when no SMTP server is configured.
ALTER TABLE email_outbox
    ADD COLUMN body_html TEXT,
    -- Set before the first try, so every try of one mail carries the same Message-ID.
    ADD COLUMN message_id VARCHAR(255),
    ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now();
-- The per-recipient hourly limit counts recent mails to an address.
CREATE INDEX email_outbox_recipient_idx ON email_outbox (lower(to_address), sent_at) WHERE status = 'sent';
-- The admin outbox, newest first.
CREATE INDEX email_outbox_list_idx ON email_outbox (created_at DESC, id DESC);
