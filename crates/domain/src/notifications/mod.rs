//! Notifications: what a user is told (in the app, by e-mail, by web push), their
//! switches per kind and channel, and the browsers they receive pushes in. Who is told
//! what, for which write, is the pure code of [`rules`].

pub mod legacy;
pub mod rules;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

crate::enums::stored_enum! {
    /// What a notification is about; each kind has its own switches per channel.
    #[derive(Hash, PartialOrd, Ord)]
    pub enum NotificationKind: "snake_case" {
        TaskAssigned,
        TaskComment,
        TaskDueSoon,
        TaskOverdue,
        LeadAssigned,
        LeadStageChanged,
        LeadConverted,
        UserRegistered,
        SignInFailed,
        AccountChanged,
        MeetingSoon,
        WebhookDisabled,
        Test,
    }
}

impl NotificationKind {
    /// How the preferences page names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::TaskAssigned => "A task is assigned to me",
            Self::TaskComment => "A comment on my task, or a mention",
            Self::TaskDueSoon => "My task is due within 24 hours",
            Self::TaskOverdue => "My task is overdue",
            Self::LeadAssigned => "A lead is assigned to me",
            Self::LeadStageChanged => "A lead changes stage",
            Self::LeadConverted => "A lead becomes a client",
            Self::UserRegistered => "A new user registers",
            Self::SignInFailed => "Failed sign-ins",
            Self::AccountChanged => "My password or profile changes",
            Self::MeetingSoon => "A meeting starts within the hour",
            Self::WebhookDisabled => "A webhook of mine is disabled",
            Self::Test => "Test notifications",
        }
    }

    /// The original's `category` of the kind.
    pub fn category(self) -> &'static str {
        match self {
            Self::TaskAssigned | Self::TaskComment => "task",
            Self::TaskDueSoon | Self::TaskOverdue => "deadline",
            Self::LeadAssigned | Self::LeadStageChanged | Self::LeadConverted => "lead",
            Self::UserRegistered => "user_management",
            Self::SignInFailed | Self::AccountChanged => "security",
            Self::MeetingSoon => "operations",
            Self::WebhookDisabled => "operations",
            Self::Test => "general",
        }
    }
}

crate::enums::stored_enum! {
    /// How the notification is shown (the original's `type`).
    #[derive(Default)]
    pub enum Severity: "snake_case" {
        #[default]
        Info,
        Success,
        Warning,
        Error,
    }
}

crate::enums::string_enum! {
    /// Where a notification reaches its user.
    pub enum Channel: "snake_case" {
        InApp,
        Email,
        Push,
    }
}

/// An in-app notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::notifications, check_for_backend(diesel::pg::Pg)))]
pub struct Notification {
    pub id: Uuid,
    pub kind: NotificationKind,
    #[serde(rename = "type")]
    pub severity: Severity,
    pub title: String,
    pub message: String,
    /// The page of the app it opens, e.g. `/leads/<id>`.
    pub action_url: Option<String>,
    /// When it was read; absent while unread.
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Query of `GET /api/notifications`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct NotificationFilter {
    /// Only unread ones.
    pub unread: Option<bool>,
}

/// The bell's badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UnreadCount {
    pub unread: i64,
}

/// How many notifications a bulk change touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MarkedRead {
    pub updated: i64,
}

/// What `POST /api/notifications/test` and `/check-tasks` created (the original's shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NotificationsCreated {
    pub message: String,
    pub notifications_created: i64,
}

/// A user's switches for one kind (all on unless they turned one off).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::notification_preferences, check_for_backend(diesel::pg::Pg)))]
pub struct NotificationPreference {
    pub kind: NotificationKind,
    pub in_app: bool,
    pub email: bool,
    pub push: bool,
}

impl NotificationPreference {
    pub fn all_on(kind: NotificationKind) -> Self {
        Self { kind, in_app: true, email: true, push: true }
    }

    pub fn allows(&self, channel: Channel) -> bool {
        match channel {
            Channel::InApp => self.in_app,
            Channel::Email => self.email,
            Channel::Push => self.push,
        }
    }

    /// Turns `channel` on or off.
    pub fn set(&mut self, channel: Channel, on: bool) {
        let switch = match channel {
            Channel::InApp => &mut self.in_app,
            Channel::Email => &mut self.email,
            Channel::Push => &mut self.push,
        };
        *switch = on;
    }
}

/// Every kind's switches, defaults filled in, in kind order: what the page shows.
pub fn complete_preferences(stored: Vec<NotificationPreference>) -> Vec<NotificationPreference> {
    NotificationKind::ALL
        .iter()
        .map(|kind| stored.iter().find(|p| p.kind == *kind).cloned().unwrap_or(NotificationPreference::all_on(*kind)))
        .collect()
}

/// Body of `PUT /api/notifications/preferences`: the kinds to change (others stay).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdatePreferencesRequest {
    /// A kind given twice takes the last one.
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 64))]
    pub preferences: Vec<NotificationPreference>,
}

/// `all` with each of `changes` in place of its kind's switches (the last of a kind wins).
pub fn with_changes(
    mut all: Vec<NotificationPreference>,
    changes: &[NotificationPreference],
) -> Vec<NotificationPreference> {
    for change in changes {
        if let Some(preference) = all.iter_mut().find(|p| p.kind == change.kind) {
            *preference = change.clone();
        }
    }
    all
}

/// The browser's `PushSubscription.toJSON()`, as `POST /api/push/subscribe` takes it.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushSubscriptionRequest {
    #[validate(nested)]
    pub subscription: BrowserSubscription,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BrowserSubscription {
    /// The push service's URL for this browser (https).
    #[validate(length(min = 12, max = 2000), custom(function = "crate::validation::http_url"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 2000, pattern = "^https?://"))]
    pub endpoint: String,
    #[validate(nested)]
    pub keys: SubscriptionKeys,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionKeys {
    /// The browser's P-256 public key, base64url (65 bytes uncompressed).
    #[validate(length(min = 80, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 80, max_length = 100))]
    pub p256dh: String,
    /// The browser's 16-byte auth secret, base64url.
    #[validate(length(min = 16, max = 32))]
    #[cfg_attr(feature = "openapi", schema(min_length = 16, max_length = 32))]
    pub auth: String,
}

/// Body of `POST /api/push/unsubscribe`.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushUnsubscribeRequest {
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub endpoint: String,
}

/// `GET /api/push/vapid-public-key`: what the browser subscribes with; absent when web
/// push is not configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VapidPublicKey {
    /// base64url of the uncompressed P-256 point.
    pub public_key: Option<String>,
}

/// What a push message carries (the original's payload), as the service worker reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushPayload {
    pub title: String,
    pub body: String,
    pub url: String,
    pub icon: String,
    pub badge: String,
    pub timestamp: i64,
    /// The notification's id: the browser replaces a repeated one instead of showing two.
    pub tag: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_preferences_are_all_on_and_stored_ones_win() {
        let off = NotificationPreference {
            kind: NotificationKind::LeadStageChanged,
            in_app: true,
            email: false,
            push: false,
        };
        let all = complete_preferences(vec![off.clone()]);
        assert_eq!(all.len(), NotificationKind::ALL.len());
        assert_eq!(all.iter().find(|p| p.kind == NotificationKind::LeadStageChanged), Some(&off));
        assert!(all
            .iter()
            .filter(|p| p.kind != NotificationKind::LeadStageChanged)
            .all(|p| p.in_app && p.email && p.push));
        assert!(!off.allows(Channel::Email) && off.allows(Channel::InApp));
        let mut on = off.clone();
        on.set(Channel::Email, true);
        assert!(on.allows(Channel::Email) && !on.allows(Channel::Push));
    }

    #[test]
    fn changes_replace_their_kinds_and_the_last_of_a_kind_wins() {
        let all = complete_preferences(Vec::new());
        let off = |email| NotificationPreference { kind: NotificationKind::Test, in_app: true, email, push: false };
        let changed = with_changes(all, &[off(false), off(true)]);
        assert_eq!(changed.len(), NotificationKind::ALL.len());
        assert_eq!(changed.iter().find(|p| p.kind == NotificationKind::Test), Some(&off(true)));
        assert!(changed.iter().filter(|p| p.kind != NotificationKind::Test).all(|p| p.push));
    }
}
