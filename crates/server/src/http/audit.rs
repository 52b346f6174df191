//! The audit trail: every write appends one `activity_logs` row in the same transaction
//! as the write, tagged with the request id and client IP, through one writer
//! (`audit.by(actor).created(conn, &entity)` …). The writer also queues the caches the
//! write makes stale (`Audited::stale`); `flush_stale` clears them once the handler has
//! returned, so after its commit and before the response leaves, and no handler can
//! forget one.
//!
//! The writer is also the one place that publishes domain events: `Writer::record` stores
//! a `domain_events` row beside each activity row, in the same transaction, with the
//! subject's audience (`Audited::audience`), and announces it with `pg_notify`, which
//! PostgreSQL delivers on commit only (see `platform::events`), and queues it for the
//! webhook endpoints that take it (`crate::webhooks`).

use crate::error::{AppError, AppResult};
use crate::platform::request_context::RequestId;
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use domain::events::Audience;
use domain::notifications::rules::Notice;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use storage::activity::NewActivity;
use storage::events::NewEvent;
use storage::AsyncPgConnection;

/// A value whose writes are audited: the entity type and id of its rows, the label its
/// descriptions use, and the caches a committed write of it makes stale.
pub trait Audited {
    /// `entity_type` of its rows and the prefix of their activity types (`task` → `task.create`).
    const ENTITY: &'static str;
    /// How descriptions name it: "Created {NOUN} {label}".
    const NOUN: &'static str;
    fn audit_id(&self) -> String;
    fn audit_label(&self) -> String;
    /// The caches any write of it invalidates; every write through the writer clears them.
    fn stale(&self) -> Stale {
        Stale::default()
    }
    /// Who may see its events; by default only those who read the activity log.
    fn audience(&self) -> Audience {
        Audience::settings()
    }
}

/// Caches made stale by committed writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stale {
    lead_totals: bool,
    calendar_feeds: bool,
    users: Vec<i32>,
    api_keys: Vec<String>,
}

impl Stale {
    pub fn lead_totals() -> Self {
        Self { lead_totals: true, ..Self::default() }
    }

    pub fn calendar_feeds() -> Self {
        Self { calendar_feeds: true, ..Self::default() }
    }

    /// The cached account, and (see `AppState::forget_user`) every calendar feed.
    pub fn user(id: i32) -> Self {
        Self { users: vec![id], ..Self::default() }
    }

    /// The cached key row, by its public prefix.
    pub fn api_key(prefix: &str) -> Self {
        Self { api_keys: vec![prefix.to_owned()], ..Self::default() }
    }

    fn merge(&mut self, other: Stale) {
        self.lead_totals |= other.lead_totals;
        self.calendar_feeds |= other.calendar_feeds;
        for id in other.users {
            if !self.users.contains(&id) {
                self.users.push(id);
            }
        }
        for prefix in other.api_keys {
            if !self.api_keys.contains(&prefix) {
                self.api_keys.push(prefix);
            }
        }
    }

    async fn clear(self, state: &AppState) {
        if self.lead_totals {
            state.lead_totals.clear();
        }
        if self.calendar_feeds {
            state.forget_calendar_feeds();
        }
        for id in self.users {
            state.forget_user(id).await;
        }
        for prefix in self.api_keys {
            state.api_keys.delete(&format!("apikey:{prefix}")).await;
        }
    }
}

/// What the request's writes made stale so far, shared by its `AuditContext`s.
#[derive(Clone, Default)]
struct PendingStale(Arc<Mutex<Stale>>);

impl PendingStale {
    fn add(&self, stale: Stale) {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).merge(stale);
    }

    fn take(&self) -> Stale {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

/// Middleware (innermost): clears what the handler's writes made stale. It runs whatever
/// the outcome: a write that rolled back only costs a few cache misses, while one that
/// committed before a later error must not leave stale caches behind.
pub async fn flush_stale(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let pending = PendingStale::default();
    req.extensions_mut().insert(pending.clone());
    let outcome = next.call(req).await;
    let stale = pending.take();
    if let Some(state) = state {
        stale.clear(&state).await;
    }
    outcome
}

/// Where a write came from: the request's id and the caller's address.
#[derive(Clone, Default)]
pub struct AuditContext {
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pending: PendingStale,
}

impl FromRequest for AuditContext {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pending = req.extensions().get::<PendingStale>().cloned();
        std::future::ready(Ok(AuditContext {
            request_id: req.extensions().get::<RequestId>().map(|id| id.0.clone()),
            ip: req.peer_addr().map(|addr| addr.ip().to_string()),
            // Without `flush_stale` (a test building a bare handler) nothing is cached.
            pending: pending.unwrap_or_default(),
        }))
    }
}

impl AuditContext {
    /// The context of writes a background job makes for a request that has ended: the
    /// request's id and address; nothing flushes its stale caches (the job clears them).
    pub fn detached(request_id: Option<String>, ip: Option<String>) -> Self {
        AuditContext { request_id, ip, pending: PendingStale::default() }
    }

    /// The writer for `actor`'s writes (`None`: nobody signed in, e.g. a sign-up).
    pub fn by(&self, actor: impl Into<Option<i32>>) -> Writer<'_> {
        Writer { context: self, actor: actor.into() }
    }

    /// The writer for a write nobody signed in made (a sign-up, a reset request).
    pub fn anonymous(&self) -> Writer<'_> {
        Writer { context: self, actor: None }
    }
}

/// The row's subject: its entity type and id, the caches its writes make stale, and who
/// may see its events.
pub struct Subject {
    entity_type: &'static str,
    entity_id: String,
    stale: Stale,
    audience: Audience,
}

impl Subject {
    pub fn of<T: Audited>(entity: &T) -> Self {
        Self {
            entity_type: T::ENTITY,
            entity_id: entity.audit_id(),
            stale: entity.stale(),
            audience: entity.audience(),
        }
    }

    /// A subject known only by type and id, whose write makes no cache stale; its events'
    /// audience follows from the type (`Audience::of_bare`).
    pub fn bare(entity_type: &'static str, id: impl ToString) -> Self {
        let entity_id = id.to_string();
        let audience = Audience::of_bare(entity_type, &entity_id);
        Self { entity_type, entity_id, stale: Stale::default(), audience }
    }

    /// A user known by id, as `Subject::of` a `User`: the cached account goes stale.
    pub fn user(id: i32) -> Self {
        Self::bare("user", id).invalidating(Stale::user(id))
    }

    /// Whose live events its writes are: the users concerned only (their own records).
    pub fn seen_by(mut self, users: impl IntoIterator<Item = i32>) -> Self {
        self.audience = Audience::new(domain::events::AudienceKind::People, None, users.into_iter().map(Some));
        self
    }

    pub fn invalidating(mut self, stale: Stale) -> Self {
        self.stale.merge(stale);
        self
    }
}

/// One audit row for a write that is not a plain create/update/delete: its full activity
/// type, subject and description, then optional before/after snapshots.
pub struct Entry {
    activity_type: String,
    subject: Subject,
    description: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

impl Entry {
    pub fn new(activity_type: impl Into<String>, subject: Subject, description: impl Into<String>) -> Self {
        Self {
            activity_type: activity_type.into(),
            subject,
            description: description.into(),
            before: None,
            after: None,
        }
    }

    fn created<T: Audited + Serialize>(entity: &T) -> Self {
        let description = format!("Created {} {}", T::NOUN, entity.audit_label());
        Self::new(format!("{}.create", T::ENTITY), Subject::of(entity), description).after(entity)
    }

    fn updated<T: Audited + Serialize>(before: &T, after: &T) -> Self {
        let description = format!("Updated {} {}", T::NOUN, after.audit_label());
        let mut subject = Subject::of(after).invalidating(before.stale());
        subject.audience.merge(before.audience());
        Self::new(format!("{}.update", T::ENTITY), subject, description).before(before).after(after)
    }

    fn deleted<T: Audited + Serialize>(entity: &T) -> Self {
        let description = format!("Deleted {} {}", T::NOUN, entity.audit_label());
        Self::new(format!("{}.delete", T::ENTITY), Subject::of(entity), description).before(entity)
    }

    pub fn before<T: Serialize>(mut self, value: &T) -> Self {
        self.before = snapshot(value);
        self
    }

    pub fn after<T: Serialize>(mut self, value: &T) -> Self {
        self.after = snapshot(value);
        self
    }
}

fn snapshot<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

/// Appends audit rows for one actor; see the module docs.
pub struct Writer<'a> {
    context: &'a AuditContext,
    actor: Option<i32>,
}

impl Writer<'_> {
    /// `{entity}.create`, "Created {noun} {label}", with the new value as `after`;
    /// returns the value, so a transaction can end with it.
    pub async fn created<T: Audited + Serialize>(&self, conn: &mut AsyncPgConnection, entity: T) -> AppResult<T> {
        self.record(conn, Entry::created(&entity)).await?;
        Ok(entity)
    }

    /// `{entity}.update`, "Updated {noun} {label after}", with both snapshots; returns
    /// the value after.
    pub async fn updated<T: Audited + Serialize>(
        &self,
        conn: &mut AsyncPgConnection,
        before: &T,
        after: T,
    ) -> AppResult<T> {
        self.record(conn, Entry::updated(before, &after)).await?;
        Ok(after)
    }

    /// `{entity}.delete`, "Deleted {noun} {label}", with the old value as `before`.
    pub async fn deleted<T: Audited + Serialize>(
        &self,
        conn: &mut AsyncPgConnection,
        entity: &T,
    ) -> Result<(), AppError> {
        self.record(conn, Entry::deleted(entity)).await
    }

    /// Tells the users the notices name, in the write's transaction (`crate::notify`); the
    /// actor is left out unless a notice says otherwise. Returns how many were told.
    pub async fn notify(
        &self,
        conn: &mut AsyncPgConnection,
        notices: impl IntoIterator<Item = Notice>,
    ) -> AppResult<usize> {
        crate::notify::send(conn, self.actor, notices).await
    }

    /// Any audited write: appends the row and its domain event, and queues its subject's
    /// stale caches.
    pub async fn record(&self, conn: &mut AsyncPgConnection, entry: Entry) -> Result<(), AppError> {
        self.record_event(conn, entry).await.map(|_| ())
    }

    /// As [`Writer::record`], returning the domain event's id; the event is also queued for
    /// the webhook endpoints that take it (`crate::webhooks::fan_out`).
    pub async fn record_event(&self, conn: &mut AsyncPgConnection, entry: Entry) -> Result<i64, AppError> {
        let Entry { activity_type, subject, description, before, after } = entry;
        let event = NewEvent {
            event_type: domain::events::event_type(&activity_type),
            entity_type: subject.entity_type.to_owned(),
            entity_id: subject.entity_id.clone(),
            actor_id: self.actor,
            // Snapshots are the domain types, which hold no password or key hashes.
            payload: after.clone().or_else(|| before.clone()),
            audience: subject.audience.kind,
            client_id: subject.audience.client_id,
            user_ids: subject.audience.user_ids,
            request_id: self.context.request_id.clone(),
        };
        let row = NewActivity {
            user_id: self.actor,
            activity_type,
            description,
            entity_type: Some(subject.entity_type.to_owned()),
            entity_id: Some(subject.entity_id),
            before,
            after,
            metadata: None,
            request_id: self.context.request_id.clone(),
            ip: self.context.ip.clone(),
        };
        storage::activity::insert(conn, &row).await?;
        let event_id = storage::events::publish(conn, &event).await?;
        crate::webhooks::fan_out(conn, event_id, &event).await?;
        self.context.pending.add(subject.stale);
        Ok(event_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize)]
    struct Widget {
        id: i32,
        name: &'static str,
    }

    impl Audited for Widget {
        const ENTITY: &'static str = "widget";
        const NOUN: &'static str = "blue widget";
        fn audit_id(&self) -> String {
            self.id.to_string()
        }
        fn audit_label(&self) -> String {
            self.name.to_owned()
        }
        fn stale(&self) -> Stale {
            Stale::user(self.id)
        }
    }

    #[test]
    fn plain_writes_name_the_entity_and_snapshot_it() {
        let (old, new) = (Widget { id: 7, name: "Old" }, Widget { id: 7, name: "New" });
        let created = Entry::created(&new);
        assert_eq!(
            (created.activity_type.as_str(), created.description.as_str()),
            ("widget.create", "Created blue widget New")
        );
        assert_eq!((created.subject.entity_type, created.subject.entity_id.as_str()), ("widget", "7"));
        assert_eq!((created.before, created.after), (None, Some(json!({"id": 7, "name": "New"}))));
        let updated = Entry::updated(&old, &new);
        assert_eq!(
            (updated.activity_type.as_str(), updated.description.as_str()),
            ("widget.update", "Updated blue widget New")
        );
        assert_eq!(updated.before, Some(json!({"id": 7, "name": "Old"})));
        let deleted = Entry::deleted(&old);
        assert_eq!(
            (deleted.activity_type.as_str(), deleted.description.as_str()),
            ("widget.delete", "Deleted blue widget Old")
        );
        assert_eq!((deleted.before.is_some(), deleted.after), (true, None));
    }

    #[test]
    fn a_write_queues_its_subjects_caches_once() {
        let (old, new) = (Widget { id: 7, name: "Old" }, Widget { id: 8, name: "New" });
        assert_eq!(Entry::updated(&old, &new).subject.stale, Stale { users: vec![8, 7], ..Stale::default() });
        assert_eq!(Subject::bare("widget", 7).stale, Stale::default(), "a bare subject stales nothing");
        let pending = PendingStale::default();
        pending.add(Stale::user(7));
        pending.add(Stale::lead_totals());
        pending.add(Stale::user(7));
        assert_eq!(pending.take(), Stale { users: vec![7], lead_totals: true, ..Stale::default() });
        assert_eq!(pending.take(), Stale::default(), "taken once");
    }
}
