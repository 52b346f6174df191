//! Notifications: [`send`] turns the notices of `domain::notifications::rules` into one
//! row per recipient, in the transaction of the write that caused them (so a rolled-back
//! write tells nobody). Each row keeps the channels the recipient's preferences chose at
//! that moment; the in-app ones reach open tabs as `notification.created` events, and a
//! `notification.deliver` job sends the e-mail and the pushes, stamping each channel so
//! a retried job sends neither twice.

pub mod push;
pub mod reminders;
pub mod vapid_key;

use crate::error::AppResult;
use crate::jobs::{self, Enqueue, Job, JobError, JobRun};
use crate::state::AppState;
use chrono::Utc;
use domain::events::AudienceKind;
use domain::notifications::rules::{Notice, Recipient};
use domain::notifications::{Notification, NotificationPreference, PushPayload};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use storage::events::NewEvent;
use storage::notifications::{NewNotification, Outgoing, Recipient as User};
use storage::AsyncPgConnection;
use uuid::Uuid;

/// Stores the notices for their recipients (never the actor, unless the notice says so)
/// and queues their e-mails and pushes; returns how many notifications were created.
pub async fn send(
    conn: &mut AsyncPgConnection,
    actor: Option<i32>,
    notices: impl IntoIterator<Item = Notice>,
) -> AppResult<usize> {
    let notices: Vec<Notice> = notices.into_iter().filter(|notice| !notice.to.is_empty()).collect();
    let mut everyone: Option<Vec<User>> = None;
    let mut created = 0;
    for notice in notices {
        let users = recipients(conn, &notice.to, &mut everyone).await?;
        let users: Vec<User> = users.into_iter().filter(|user| notice.tells_actor || Some(user.id) != actor).collect();
        if users.is_empty() {
            continue;
        }
        let ids: Vec<i32> = users.iter().map(|user| user.id).collect();
        let preferences = storage::notifications::preferences::for_kind(conn, notice.kind, &ids).await?;
        let pushable = storage::notifications::push::users_with_subscriptions(conn, &ids).await?;
        for user in users {
            let preference = preferences
                .iter()
                .find(|(id, _)| *id == user.id)
                .map(|(_, preference)| preference.clone())
                .unwrap_or(NotificationPreference::all_on(notice.kind));
            let row = NewNotification {
                id: Uuid::new_v4(),
                user_id: user.id,
                kind: notice.kind,
                severity: notice.severity,
                title: notice.title.clone(),
                message: notice.message.clone(),
                action_url: notice.action_url.clone(),
                dedupe_key: notice.dedupe_key.clone(),
                in_app: preference.in_app,
                by_email: preference.email && user.email.is_some(),
                by_push: preference.push && pushable.contains(&user.id),
            };
            if !(row.in_app || row.by_email || row.by_push) || !storage::notifications::insert(conn, &row).await? {
                continue;
            }
            created += 1;
            if row.in_app {
                announce(conn, actor, &row).await?;
            }
            if row.by_email || row.by_push {
                let options = Enqueue { unique_key: Some(row.id.to_string()), run_at: None };
                jobs::enqueue_with(conn, &DeliverNotification { id: row.id }, options).await?;
            }
        }
    }
    Ok(created)
}

/// The active users the recipients name, each once. Role- and permission-wide notices read
/// every active user, once per `send` (`everyone`).
async fn recipients(
    conn: &mut AsyncPgConnection,
    to: &[Recipient],
    everyone: &mut Option<Vec<User>>,
) -> AppResult<Vec<User>> {
    let named: Vec<i32> =
        to.iter().filter_map(|r| if let Recipient::User(id) = r { Some(*id) } else { None }).collect();
    let named_only;
    let pool: &[User] = if named.len() == to.len() {
        named_only = storage::notifications::active_users_among(conn, &named).await?;
        &named_only
    } else {
        if everyone.is_none() {
            *everyone = Some(storage::notifications::active_users(conn).await?);
        }
        everyone.as_deref().unwrap_or_default()
    };
    let named = |user: &User| {
        to.iter().any(|recipient| match recipient {
            Recipient::User(id) => user.id == *id,
            Recipient::Role(role) => user.role == *role,
            Recipient::Holders(permission) => user.access().has(*permission),
            Recipient::Username(name) => user.username.eq_ignore_ascii_case(name),
        })
    };
    Ok(pool.iter().filter(|user| named(user)).cloned().collect())
}

/// The live event that updates the recipient's bell in every open tab.
async fn announce(conn: &mut AsyncPgConnection, actor: Option<i32>, row: &NewNotification) -> AppResult<()> {
    let notification = Notification {
        id: row.id,
        kind: row.kind,
        severity: row.severity,
        title: row.title.clone(),
        message: row.message.clone(),
        action_url: row.action_url.clone(),
        read_at: None,
        created_at: Utc::now(),
    };
    let event = NewEvent {
        event_type: "notification.created".to_owned(),
        entity_type: "notification".to_owned(),
        entity_id: row.id.to_string(),
        actor_id: actor,
        payload: serde_json::to_value(&notification).ok(),
        audience: AudienceKind::People,
        client_id: None,
        user_ids: vec![row.user_id],
        request_id: None,
    };
    storage::events::publish(conn, &event).await?;
    Ok(())
}

/// Sends one notification's e-mail and pushes.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeliverNotification {
    pub id: Uuid,
}

impl Job for DeliverNotification {
    const KIND: &'static str = "notification.deliver";
    const MAX_ATTEMPTS: i32 = 8;
    const RETRY_BASE: Duration = Duration::from_secs(30);

    async fn run(self, run: JobRun) -> Result<(), JobError> {
        let mut conn = run.state.conn().await?;
        let Some(notification) = storage::notifications::outgoing(&mut conn, self.id).await? else {
            return Ok(()); // deleted by its user meanwhile
        };
        drop(conn);
        if notification.by_email && notification.emailed_at.is_none() {
            queue_email(&run.state, &notification).await?;
        }
        if notification.by_push && notification.pushed_at.is_none() {
            push_to_browsers(&run.state, &notification).await?;
        }
        Ok(())
    }
}

/// Queues the notification's mail (a mail job of its own, with the mail's retries), in
/// the transaction that stamps it as e-mailed.
async fn queue_email(state: &AppState, notification: &Outgoing) -> AppResult<()> {
    state
        .transaction(async |conn| {
            if !storage::notifications::claim_email(conn, notification.id).await? {
                return Ok(());
            }
            let Some(user) = storage::notifications::active_users_among(conn, &[notification.user_id]).await?.pop()
            else {
                return Ok(());
            };
            let Some(address) = user.email.as_deref() else { return Ok(()) };
            let base = state.config.public_url.as_str().trim_end_matches('/');
            let values = serde_json::json!({
                "greeting": user.first_name.as_deref().unwrap_or(&user.username),
                "title": notification.title,
                "message": notification.message,
                "link": notification.action_url.as_ref().map(|url| format!("{base}{url}")),
                "kind_label": notification.kind.label(),
                "preferences": format!("{base}/notifications/preferences"),
            });
            let email = crate::mail::compose(&state.config, address, "notification", values)?;
            crate::mail::queue(conn, &email).await?;
            Ok(())
        })
        .await
}

/// Pushes to each of the user's browsers; a subscription the push service no longer knows
/// is forgotten. Retried only while no browser could be reached.
async fn push_to_browsers(state: &AppState, notification: &Outgoing) -> Result<(), JobError> {
    let Some(web_push) = state.web_push.as_ref() else { return Ok(()) };
    let mut conn = state.conn().await?;
    let subscriptions = storage::notifications::push::of_user(&mut conn, notification.user_id).await?;
    let payload = PushPayload {
        title: notification.title.clone(),
        body: notification.message.clone(),
        url: notification.action_url.clone().unwrap_or_else(|| "/notifications".to_owned()),
        icon: "/icon-192x192.png".to_owned(),
        badge: "/icon-72x72.png".to_owned(),
        timestamp: notification.created_at.timestamp_millis(),
        tag: notification.id.to_string(),
    };
    let body = serde_json::to_vec(&payload).map_err(|e| JobError::Fatal(e.to_string()))?;
    let topic = notification.id.simple().to_string();
    let (mut reached, mut failures) = (0, Vec::new());
    for subscription in &subscriptions {
        match web_push.send(subscription, &body, &topic).await {
            Ok(push::Outcome::Accepted) => reached += 1,
            Ok(push::Outcome::Gone) => storage::notifications::push::delete(&mut conn, subscription.id).await?,
            Err(error) => failures.push(error),
        }
    }
    if reached == 0 && !failures.is_empty() {
        return Err(JobError::Retry(failures.join("; ")));
    }
    storage::notifications::mark_pushed(&mut conn, notification.id).await?;
    Ok(())
}
