//! Who is told what (workflows.md §11, for the domains that exist): each function turns
//! a write, or a moment a scheduled job found, into [`Notice`]s. Pure: the server
//! resolves the recipients, drops the actor and applies preferences.

use super::{NotificationKind, Severity};
use crate::crm::clients::Client;
use crate::crm::leads::Lead;
use crate::identity::permissions::{Permission, Role};
use crate::identity::users::User;
use crate::work::calendar::CalendarEvent;
use crate::work::tasks::Task;
use chrono::{DateTime, Utc};

/// Whom a notice goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    User(i32),
    /// Every active user of the role.
    Role(Role),
    /// Every active user holding the permission.
    Holders(Permission),
    /// The active user with this username (a mention).
    Username(String),
}

/// One thing to tell some users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NotificationKind,
    pub severity: Severity,
    pub title: String,
    pub message: String,
    pub action_url: Option<String>,
    pub to: Vec<Recipient>,
    /// A recipient gets at most one notice with this key.
    pub dedupe_key: Option<String>,
    /// Whether the user who caused it is told too (security notices: the mail is the point).
    pub tells_actor: bool,
}

impl Notice {
    fn new(kind: NotificationKind, title: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            severity: Severity::Info,
            title: title.into(),
            message: message.into(),
            action_url: None,
            to: Vec::new(),
            dedupe_key: None,
            tells_actor: false,
        }
    }

    fn to(mut self, recipients: impl IntoIterator<Item = Recipient>) -> Self {
        self.to.extend(recipients);
        self
    }

    fn link(mut self, url: String) -> Self {
        self.action_url = Some(url);
        self
    }

    fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    fn once_per(mut self, key: String) -> Self {
        self.dedupe_key = Some(key);
        self
    }
}

fn lead_name(lead: &Lead) -> String {
    match lead.company.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(company) if company != lead.name => format!("{} ({company})", lead.name),
        _ => lead.name.clone(),
    }
}

/// A lead created or updated: its new assignee is told, and a stage change goes to the
/// assignee and the admins.
pub fn lead_written(before: Option<&Lead>, after: &Lead) -> Vec<Notice> {
    let mut notices = Vec::new();
    let link = format!("/leads/{}", after.id);
    if let Some(assignee) = after.assigned_to_id.filter(|a| before.and_then(|b| b.assigned_to_id) != Some(*a)) {
        notices.push(
            Notice::new(NotificationKind::LeadAssigned, "Lead assigned to you", lead_name(after))
                .to([Recipient::User(assignee)])
                .link(link.clone()),
        );
    }
    if let Some(before) = before.filter(|b| b.stage != after.stage) {
        let message = format!("{}: {} → {}", lead_name(after), before.stage.label(), after.stage.label());
        notices.push(
            Notice::new(NotificationKind::LeadStageChanged, format!("Lead moved to {}", after.stage.label()), message)
                .to(after.assigned_to_id.map(Recipient::User))
                .to([Recipient::Role(Role::Admin)])
                .link(link),
        );
    }
    notices
}

/// A lead became a client: its assignee and the admins.
pub fn lead_converted(lead: &Lead, client: &Client) -> Notice {
    Notice::new(
        NotificationKind::LeadConverted,
        "Lead converted",
        format!("{} is now client {}", lead_name(lead), client.name),
    )
    .to(lead.assigned_to_id.map(Recipient::User))
    .to([Recipient::Role(Role::Admin)])
    .link(format!("/clients/{}", client.id))
    .severity(Severity::Success)
}

fn task_link(task: &Task) -> String {
    format!("/tasks?task={}", task.id)
}

/// A task created or updated: its new assignee is told.
pub fn task_written(before: Option<&Task>, after: &Task) -> Vec<Notice> {
    let assignee = after.assigned_to_id.filter(|a| before.and_then(|b| b.assigned_to_id) != Some(*a));
    assignee
        .map(|assignee| {
            Notice::new(NotificationKind::TaskAssigned, "Task assigned to you", after.title.clone())
                .to([Recipient::User(assignee)])
                .link(task_link(after))
        })
        .into_iter()
        .collect()
}

/// The `@username`s a comment mentions, each once, in order.
pub fn mentions(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (at, _) in text.match_indices('@') {
        let preceded_by_word = text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric());
        let name: String =
            text[at + 1..].chars().take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-')).collect();
        let name = name.trim_end_matches(['.', '-']).to_owned();
        if !preceded_by_word && !name.is_empty() && !found.iter().any(|f| f.eq_ignore_ascii_case(&name)) {
            found.push(name);
        }
    }
    found
}

/// A comment on a task: the assignee, and everyone it mentions.
pub fn task_commented(task: &Task, author: &str, comment: &str) -> Notice {
    let excerpt: String = comment.chars().take(200).collect();
    Notice::new(NotificationKind::TaskComment, format!("{author} commented on {}", task.title), excerpt)
        .to(task.assigned_to_id.map(Recipient::User))
        .to(mentions(comment).into_iter().map(Recipient::Username))
        .link(task_link(task))
}

/// A task due within a day, or past due: its assignee, once per task, state and due date
/// (moving the due date earns a new reminder).
pub fn task_due(task: &Task, due: DateTime<Utc>, now: DateTime<Utc>) -> Option<Notice> {
    let assignee = task.assigned_to_id?;
    let overdue = due <= now;
    let (kind, title, severity, verb) = if overdue {
        (NotificationKind::TaskOverdue, "Task overdue", Severity::Error, "was")
    } else {
        (NotificationKind::TaskDueSoon, "Task due within 24 hours", Severity::Warning, "is")
    };
    let message = format!("{} {verb} due {}", task.title, due.format("%Y-%m-%d %H:%M UTC"));
    Some(
        Notice::new(kind, title, message)
            .to([Recipient::User(assignee)])
            .link(task_link(task))
            .severity(severity)
            .once_per(format!("task:{}:{}:{}", task.id, kind.as_str(), due.timestamp())),
    )
}

/// A calendar event (or an occurrence of a recurring one) starting at `start`, within the
/// hour: its organiser and the attendees who are users, once per event and start time.
pub fn meeting_soon(event: &CalendarEvent, start: DateTime<Utc>) -> Notice {
    let people = std::iter::once(event.created_by).chain(event.attendees.iter().filter_map(|a| a.user_id));
    Notice::new(
        NotificationKind::MeetingSoon,
        "Upcoming meeting",
        format!("{} starts at {}", event.title, start.format("%H:%M UTC")),
    )
    .to(people.map(Recipient::User))
    .link("/calendar".to_owned())
    .severity(Severity::Warning)
    .once_per(format!("meeting:{}:{}", event.id, start.timestamp()))
}

/// A self-registration completed: the holders of `canManageUsers`.
pub fn user_registered(user: &User) -> Notice {
    Notice::new(NotificationKind::UserRegistered, "New user registered", format!("{} signed up", user.username))
        .to([Recipient::Holders(Permission::ManageUsers)])
        .link("/users".to_owned())
}

/// Failed sign-ins for a username from an address: the holders of `canManageUsers`, at
/// most once per username, address and ten minutes.
pub fn sign_in_failed(username: &str, ip: &str, now: DateTime<Utc>) -> Notice {
    let window = now.timestamp() / 600;
    let username: String = username.chars().take(100).collect();
    Notice::new(NotificationKind::SignInFailed, "Failed sign-in", format!("A sign-in as {username} from {ip} failed"))
        .to([Recipient::Holders(Permission::ManageUsers)])
        .severity(Severity::Error)
        .once_per(format!("signin:{}:{ip}:{window}", username.to_lowercase()))
}

/// Which part of an account changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    Password,
    Profile,
}

/// A password or profile change: the account's owner, even when they made it.
pub fn account_changed(user_id: i32, change: AccountChange) -> Notice {
    let (title, message) = match change {
        AccountChange::Password => {
            ("Your password was changed", "If this was not you, reset your password and tell an administrator.")
        }
        AccountChange::Profile => ("Your profile was changed", "Your name, e-mail address or picture changed."),
    };
    let mut notice = Notice::new(NotificationKind::AccountChanged, title, message)
        .to([Recipient::User(user_id)])
        .link("/profile".to_owned())
        .severity(Severity::Warning);
    notice.tells_actor = true;
    notice
}

/// A webhook endpoint failing for a day was disabled: its owner.
pub fn webhook_disabled(owner: i32, url: &str) -> Notice {
    Notice::new(
        NotificationKind::WebhookDisabled,
        "Webhook disabled",
        format!("Deliveries to {url} failed for a day; the endpoint is disabled until you turn it on again."),
    )
    .to([Recipient::User(owner)])
    .link("/webhooks".to_owned())
    .severity(Severity::Error)
}

/// `POST /api/notifications/test`: the caller.
pub fn test(user_id: i32) -> Notice {
    let mut notice = Notice::new(NotificationKind::Test, "Test notification", "Notifications reach you here.")
        .to([Recipient::User(user_id)])
        .severity(Severity::Success);
    notice.tells_actor = true;
    notice
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::leads::LeadStage;

    fn lead(assignee: Option<i32>, stage: LeadStage) -> Lead {
        let mut lead: Lead = serde_json::from_value(serde_json::json!({
            "id": "00000000-0000-0000-0000-000000000001", "name": "Ada", "company": "Acme",
            "stage": "prospect", "score": "warm", "source": "website", "status": "new", "tags": [], "socialLinks": {},
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"
        }))
        .expect("a minimal lead");
        lead.assigned_to_id = assignee;
        lead.stage = stage;
        lead
    }

    #[test]
    fn a_new_assignee_is_told_and_a_kept_one_is_not() {
        let before = lead(Some(3), LeadStage::Prospect);
        let reassigned = lead(Some(4), LeadStage::Prospect);
        let notices = lead_written(Some(&before), &reassigned);
        assert_eq!(notices.len(), 1);
        assert_eq!(
            (notices[0].kind, notices[0].to.clone()),
            (NotificationKind::LeadAssigned, vec![Recipient::User(4)])
        );
        assert_eq!(notices[0].message, "Ada (Acme)");
        assert!(lead_written(Some(&before), &before).is_empty(), "nothing changed, nobody told");
        assert_eq!(lead_written(None, &before)[0].kind, NotificationKind::LeadAssigned, "created assigned");
    }

    #[test]
    fn a_stage_change_reaches_the_assignee_and_the_admins() {
        let before = lead(Some(3), LeadStage::Prospect);
        let moved = lead(Some(3), LeadStage::Qualified);
        let notices = lead_written(Some(&before), &moved);
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].to, vec![Recipient::User(3), Recipient::Role(Role::Admin)]);
        assert_eq!(notices[0].message, "Ada (Acme): Prospect → Qualified");
    }

    #[test]
    fn mentions_are_words_after_an_at_sign_not_addresses() {
        assert_eq!(mentions("@sam and @Kim.Lee, see ada@example.com and @sam."), vec!["sam", "Kim.Lee"]);
        assert!(mentions("no one @ all").is_empty());
    }

    #[test]
    fn due_reminders_are_once_per_task_state_and_due_date() {
        let mut task: Task = serde_json::from_value(serde_json::json!({
            "id": "00000000-0000-0000-0000-000000000002", "title": "Report", "status": "todo", "priority": "normal",
            "assignedToId": 5, "checklist": [], "tags": [], "estimatedHours": 0, "taskProgress": 0,
            "blocksCompletion": false, "isRecurring": false, "recurrenceTimezone": "UTC", "scheduleFrom": "due_date",
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"
        }))
        .expect("a minimal task");
        let now: DateTime<Utc> = "2026-01-10T12:00:00Z".parse().unwrap();
        let soon = task_due(&task, now + chrono::Duration::hours(3), now).unwrap();
        let late = task_due(&task, now - chrono::Duration::hours(1), now).unwrap();
        assert_eq!((soon.kind, late.kind), (NotificationKind::TaskDueSoon, NotificationKind::TaskOverdue));
        assert_ne!(soon.dedupe_key, late.dedupe_key);
        assert_ne!(soon.dedupe_key, task_due(&task, now + chrono::Duration::hours(4), now).unwrap().dedupe_key);
        task.assigned_to_id = None;
        assert!(task_due(&task, now, now).is_none(), "nobody to remind");
    }

    #[test]
    fn failed_sign_ins_are_throttled_per_name_address_and_ten_minutes() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let first = sign_in_failed("Ada", "10.0.0.1", at("2026-01-10T12:00:05Z"));
        assert_eq!(first.dedupe_key, sign_in_failed("ada", "10.0.0.1", at("2026-01-10T12:09:55Z")).dedupe_key);
        assert_ne!(first.dedupe_key, sign_in_failed("ada", "10.0.0.2", at("2026-01-10T12:00:05Z")).dedupe_key);
        assert_ne!(first.dedupe_key, sign_in_failed("ada", "10.0.0.1", at("2026-01-10T12:10:05Z")).dedupe_key);
    }
}
