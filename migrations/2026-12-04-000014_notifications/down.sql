DROP TABLE push_subscriptions;
DROP TABLE notification_preferences;
DROP TABLE notifications;
