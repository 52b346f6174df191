-- Notifications (crates/server/src/notify): one row per recipient of each notice, created
-- in the transaction of the write that causes it. The row records the channels chosen
-- from the recipient's preferences at that moment; the `notification.deliver` job sends
-- the e-mail and the pushes and stamps `emailed_at` / `pushed_at`, so a retried job
-- never sends either twice.
CREATE TABLE notifications (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind VARCHAR(32) NOT NULL
        CHECK (kind IN ('task_assigned', 'task_comment', 'task_due_soon', 'task_overdue', 'lead_assigned',
                        'lead_stage_changed', 'lead_converted', 'user_registered', 'sign_in_failed',
                        'account_changed', 'meeting_soon', 'webhook_disabled', 'test')),
    -- The original's `type`.
    severity VARCHAR(16) NOT NULL DEFAULT 'info' CHECK (severity IN ('info', 'success', 'warning', 'error')),
    title VARCHAR(200) NOT NULL,
    message TEXT NOT NULL,
    -- The in-app route it opens, e.g. /leads/<id>.
    action_url VARCHAR(500),
    -- "Once per task and state": a second notice with the same key for the same user is dropped.
    dedupe_key VARCHAR(200),
    in_app BOOLEAN NOT NULL,
    by_email BOOLEAN NOT NULL,
    by_push BOOLEAN NOT NULL,
    read_at TIMESTAMPTZ,
    emailed_at TIMESTAMPTZ,
    pushed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- The bell and the page: a user's in-app notifications, newest first; the unread count.
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC) WHERE in_app;
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE in_app AND read_at IS NULL;
CREATE UNIQUE INDEX notifications_dedupe_idx ON notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX notifications_created_idx ON notifications (created_at);

-- A user's switches per notification kind and channel; no row means all on.
CREATE TABLE notification_preferences (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind VARCHAR(32) NOT NULL
        CHECK (kind IN ('task_assigned', 'task_comment', 'task_due_soon', 'task_overdue', 'lead_assigned',
                        'lead_stage_changed', 'lead_converted', 'user_registered', 'sign_in_failed',
                        'account_changed', 'meeting_soon', 'webhook_disabled', 'test')),
    in_app BOOLEAN NOT NULL DEFAULT true,
    email BOOLEAN NOT NULL DEFAULT true,
    push BOOLEAN NOT NULL DEFAULT true,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, kind)
);

-- Web Push (VAPID) subscriptions, one per browser; the push service's 404/410 deletes one.
CREATE TABLE push_subscriptions (
    id BIGSERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    user_agent VARCHAR(300),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX push_subscriptions_user_idx ON push_subscriptions (user_id);
