//! Domain events: what every audited write publishes (`domain_events`, streamed by
//! `GET /api/events`), and the pure rule of who may see one ([`may_see`]).
//!
//! An event carries its audience: the kind of record and the ids the CRM scope rules of
//! `crate::visibility` need (its client, its assignees before and after the write, or the
//! people concerned). A caller sees an event exactly when they could see its record
//! through the API, judged by the same rules; where the event cannot tell (a document's
//! client's assignee, a campaign's client's assignee) it errs on the side of not showing.

use crate::identity::permissions::Permission;
use crate::visibility::{self, Caller, Rows, Visibility};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::enums::stored_enum! {
    /// Which rule decides who sees an event.
    pub enum AudienceKind: "snake_case" {
        /// `canManageLeads` in its scope (all, or the assignees).
        Leads,
        /// `canManageClients` in its scope, or portal users of the client.
        Clients,
        /// `canManageCampaigns` in its scope, or portal users of the client.
        Campaigns,
        /// Every staff-side user (tasks, spaces, templates are open to all staff).
        Staff,
        /// The users concerned and the holders of `canManageUsers`.
        Users,
        /// The users concerned and the holders of `canManageSettings` (who read the activity log).
        Settings,
        /// The users concerned only (a calendar event's organiser and attendees).
        People,
    }
}

/// Who may see an event: its rule and the ids the rule reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    pub kind: AudienceKind,
    /// The client the record belongs to.
    pub client_id: Option<Uuid>,
    /// The record's assignees, or the users concerned.
    pub user_ids: Vec<i32>,
}

impl Audience {
    pub fn new(kind: AudienceKind, client_id: Option<Uuid>, user_ids: impl IntoIterator<Item = Option<i32>>) -> Self {
        let mut audience = Self { kind, client_id, user_ids: Vec::new() };
        audience.add_users(user_ids.into_iter().flatten());
        audience
    }

    /// Only those who read the activity log: the audience of writes nothing narrower fits.
    pub fn settings() -> Self {
        Self::new(AudienceKind::Settings, None, [])
    }

    /// The audience of a write known only by entity type and id.
    pub fn of_bare(entity_type: &str, entity_id: &str) -> Self {
        match entity_type {
            "user" => Self::new(AudienceKind::Users, None, [entity_id.parse().ok()]),
            // Leads of an unknown assignee: only callers who see every lead.
            "lead" | "lead_import" => Self::new(AudienceKind::Leads, None, []),
            "task" => Self::new(AudienceKind::Staff, None, []),
            _ => Self::settings(),
        }
    }

    /// Also the users of `other` (an update's audience before the write: whoever the
    /// record is taken from sees it go).
    pub fn merge(&mut self, other: Audience) {
        self.client_id = self.client_id.or(other.client_id);
        self.add_users(other.user_ids);
    }

    fn add_users(&mut self, ids: impl IntoIterator<Item = i32>) {
        for id in ids {
            if !self.user_ids.contains(&id) {
                self.user_ids.push(id);
            }
        }
    }
}

/// Whether `caller` may see an event for `audience`.
pub fn may_see(caller: &Caller<'_>, audience: &Audience) -> bool {
    let concerned = audience.user_ids.contains(&caller.user_id);
    let crm = |rule: fn(&Caller<'_>) -> Option<Visibility>| match rule(caller).map(|v| v.rows) {
        Some(Rows::All) => true,
        Some(Rows::AssignedTo(user)) => audience.user_ids.contains(&user),
        Some(Rows::Client(client)) => audience.client_id == Some(client),
        None => false,
    };
    match audience.kind {
        AudienceKind::Leads => crm(visibility::lead_visibility),
        AudienceKind::Clients => crm(visibility::client_visibility),
        AudienceKind::Campaigns => crm(visibility::campaign_visibility),
        AudienceKind::Staff => crate::work::tasks::may_use_tasks(caller.access.role),
        AudienceKind::Users => concerned || caller.access.has(Permission::ManageUsers),
        AudienceKind::Settings => concerned || caller.access.has(Permission::ManageSettings),
        AudienceKind::People => concerned,
    }
}

/// The event type of an activity type: plain writes in the past tense (`lead.create` →
/// `lead.created`), every other activity type as it is (`auth.password_reset`).
pub fn event_type(activity_type: &str) -> String {
    for (verb, past) in [(".create", ".created"), (".update", ".updated"), (".delete", ".deleted")] {
        if let Some(entity) = activity_type.strip_suffix(verb) {
            return format!("{entity}{past}");
        }
    }
    activity_type.to_owned()
}

/// A stored event.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::domain_events, check_for_backend(diesel::pg::Pg)))]
pub struct DomainEvent {
    pub id: i64,
    pub event_type: String,
    pub entity_type: String,
    pub entity_id: String,
    pub actor_id: Option<i32>,
    pub payload: Option<serde_json::Value>,
    pub audience: AudienceKind,
    pub client_id: Option<Uuid>,
    pub user_ids: Vec<i32>,
    pub request_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl DomainEvent {
    pub fn audience(&self) -> Audience {
        Audience { kind: self.audience, client_id: self.client_id, user_ids: self.user_ids.clone() }
    }

    /// What the stream sends of it.
    pub fn live(&self) -> LiveEvent {
        LiveEvent {
            id: self.id,
            event_type: self.event_type.clone(),
            entity_type: self.entity_type.clone(),
            entity_id: self.entity_id.clone(),
            actor_id: self.actor_id,
            time: self.created_at,
            payload: self.payload.clone(),
        }
    }
}

/// The `data:` of one Server-Sent Event of `GET /api/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LiveEvent {
    /// Increasing; also the event's SSE `id`, which `Last-Event-ID` resumes after.
    pub id: i64,
    /// `lead.created`, `lead.updated`, `lead.deleted`, `auth.password_reset`, …
    #[serde(rename = "type")]
    pub event_type: String,
    /// `lead`, `client`, `task`, `user`, …
    pub entity_type: String,
    pub entity_id: String,
    /// Who made the change; absent for anonymous and system writes.
    pub actor_id: Option<i32>,
    pub time: DateTime<Utc>,
    /// The record after the write (before it, for a delete).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub payload: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::permissions::{Access, PermissionOverrides};
    use crate::Role;

    const CLIENT: Uuid = Uuid::from_u128(0x6f1c6c1e_8f0e_4a43_9d7b_1d1f7f6e1a10);

    fn sees(role: Role, user_id: i32, client_id: Option<&str>, audience: &Audience) -> bool {
        let caller = Caller { user_id, access: Access::new(role, PermissionOverrides::default()), client_id };
        may_see(&caller, audience)
    }

    #[test]
    fn leads_are_seen_by_all_scope_holders_and_their_assignees() {
        let lead = Audience::new(AudienceKind::Leads, None, [Some(7)]);
        assert!(sees(Role::Admin, 1, None, &lead));
        assert!(sees(Role::Manager, 2, None, &lead));
        assert!(sees(Role::SalesAgent, 7, None, &lead), "the assigned agent");
        assert!(!sees(Role::SalesAgent, 8, None, &lead), "another scoped agent");
        let text = CLIENT.to_string();
        let of_client = Audience::new(AudienceKind::Leads, Some(CLIENT), [Some(7)]);
        assert!(!sees(Role::Client, 9, Some(&text), &of_client), "portal users never see leads");
        assert!(!sees(Role::Creator, 7, None, &lead), "no lead permission, even if named");
    }

    #[test]
    fn client_records_reach_their_portal_users_only() {
        let text = CLIENT.to_string();
        let other = Uuid::from_u128(1).to_string();
        let client = Audience::new(AudienceKind::Clients, Some(CLIENT), [Some(7)]);
        assert!(sees(Role::Client, 9, Some(&text), &client));
        assert!(!sees(Role::Client, 9, Some(&other), &client), "another client's portal user");
        assert!(!sees(Role::Client, 9, None, &client), "an unlinked portal user");
        assert!(sees(Role::SalesAgent, 7, None, &client));
        assert!(!sees(Role::SalesAgent, 8, None, &client));
        assert!(sees(Role::StaffContentCreator, 8, None, &client), "view-only reads all");
        let campaign = Audience::new(AudienceKind::Campaigns, Some(CLIENT), []);
        assert!(sees(Role::Client, 9, Some(&text), &campaign));
        assert!(sees(Role::SalesAgent, 8, None, &campaign), "campaigns are view-only for every agent");
        assert!(!sees(Role::Creator, 8, None, &campaign));
    }

    #[test]
    fn accounts_reach_their_user_and_the_managers() {
        let user = Audience::of_bare("user", "7");
        assert_eq!(user, Audience::new(AudienceKind::Users, None, [Some(7)]));
        assert!(sees(Role::SalesAgent, 7, None, &user), "the user concerned");
        assert!(!sees(Role::SalesAgent, 8, None, &user));
        assert!(!sees(Role::Manager, 8, None, &user), "managers do not manage users");
        assert!(sees(Role::Admin, 1, None, &user));
        let key = Audience::new(AudienceKind::Settings, None, [Some(7)]);
        assert!(
            sees(Role::Staff, 7, None, &key) && !sees(Role::Staff, 8, None, &key) && sees(Role::Admin, 1, None, &key)
        );
        let calendar = Audience::new(AudienceKind::People, None, [Some(7), None, Some(8)]);
        assert!(sees(Role::Staff, 8, None, &calendar) && !sees(Role::Admin, 1, None, &calendar));
    }

    #[test]
    fn work_records_reach_staff_and_unknown_writes_the_log_readers() {
        let task = Audience::of_bare("task", "x");
        assert!(sees(Role::Creator, 8, None, &task));
        assert!(!sees(Role::Client, 9, Some(&CLIENT.to_string()), &task));
        let unknown = Audience::of_bare("calendar_provider", "google");
        assert!(sees(Role::Admin, 1, None, &unknown) && !sees(Role::Manager, 2, None, &unknown));
        assert!(!sees(Role::SalesAgent, 7, None, &Audience::of_bare("lead", "x")), "an unknown assignee");
    }

    #[test]
    fn an_update_reaches_the_assignees_before_and_after() {
        let mut after = Audience::new(AudienceKind::Leads, None, [Some(8)]);
        after.merge(Audience::new(AudienceKind::Leads, Some(CLIENT), [Some(7), Some(8)]));
        assert_eq!(after, Audience::new(AudienceKind::Leads, Some(CLIENT), [Some(8), Some(7)]));
    }

    #[test]
    fn plain_writes_are_named_in_the_past_tense() {
        assert_eq!(event_type("lead.create"), "lead.created");
        assert_eq!(event_type("client_document.update"), "client_document.updated");
        assert_eq!(event_type("api_key.delete"), "api_key.deleted");
        assert_eq!(event_type("auth.password_reset"), "auth.password_reset");
        assert_eq!(event_type("lead.import.finish"), "lead.import.finish");
    }
}
