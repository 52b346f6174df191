//! What each audited value is in the activity log (`Audited`): its entity type, id,
//! label, the caches its writes make stale, and who may see its events (the ids the CRM
//! scope rules read; `domain::events`). A new entity gets one impl here.

use crate::http::audit::{Audited, Stale};
use domain::crm::campaigns::Campaign;
use domain::crm::clients::{Client, ClientDocument};
use domain::crm::leads::Lead;
use domain::events::{Audience, AudienceKind};
use domain::identity::api_keys::ApiKey;
use domain::identity::users::User;
use domain::ops::jobs::Job;
use domain::ops::webhooks::WebhookEndpoint;
use domain::work::calendar::CalendarEvent;
use domain::work::tasks::{Task, TaskSpace, TaskTemplate};

/// `$type` is audited as `$entity` ("Created $noun {$label}"), its events seen by
/// `$audience`, its writes staling `$stale`.
macro_rules! audited {
    ($type:ty, $entity:literal, $noun:literal, |$it:ident| $label:expr, audience: $audience:expr $(, stale: $stale:expr)?) => {
        impl Audited for $type {
            const ENTITY: &'static str = $entity;
            const NOUN: &'static str = $noun;

            fn audit_id(&self) -> String {
                self.id.to_string()
            }

            fn audit_label(&self) -> String {
                let $it = self;
                $label
            }

            fn audience(&self) -> Audience {
                let $it = self;
                let _ = $it;
                $audience
            }

            $(fn stale(&self) -> Stale {
                let $it = self;
                let _ = $it;
                $stale
            })?
        }
    };
}

// Lead list totals are cached per scope and filter (`routes::crm::leads`).
audited!(Lead, "lead", "lead", |lead| lead.name.clone(),
    audience: Audience::new(AudienceKind::Leads, lead.client_id, [lead.assigned_to_id]), stale: Stale::lead_totals());
audited!(Client, "client", "client", |client| client.name.clone(),
    audience: Audience::new(AudienceKind::Clients, Some(client.id), [client.assigned_to_id]));
// The client's assignee is not at hand: scoped staff do not get document events.
audited!(ClientDocument, "client_document", "document", |document| document.name.clone(),
    audience: Audience::new(AudienceKind::Clients, Some(document.client_id), []));
audited!(Campaign, "campaign", "campaign", |campaign| campaign.name.clone(),
    audience: Audience::new(AudienceKind::Campaigns, Some(campaign.client_id), []));
// Feeds render events and tasks. A calendar event is its organiser's and attendees'.
audited!(CalendarEvent, "calendar_event", "calendar event", |event| event.title.clone(),
    audience: Audience::new(
        AudienceKind::People,
        None,
        std::iter::once(Some(event.created_by)).chain(event.attendees.iter().map(|a| a.user_id)),
    ),
    stale: Stale::calendar_feeds());
audited!(Task, "task", "task", |task| task.title.clone(),
    audience: Audience::new(AudienceKind::Staff, task.client_id, [task.assigned_to_id]), stale: Stale::calendar_feeds());
audited!(TaskSpace, "task_space", "task space", |space| space.name.clone(),
    audience: Audience::new(AudienceKind::Staff, None, []));
audited!(TaskTemplate, "task_template", "task template", |template| template.name.clone(),
    audience: Audience::new(AudienceKind::Staff, None, []));
audited!(User, "user", "user", |user| user.username.clone(),
    audience: Audience::new(AudienceKind::Users, None, [Some(user.id)]), stale: Stale::user(user.id));
audited!(ApiKey, "api_key", "API key", |key| format!("{} ({})", key.name, key.key_prefix),
    audience: Audience::new(AudienceKind::Settings, None, [Some(key.user_id)]), stale: Stale::api_key(&key.key_prefix));
audited!(Job, "job", "job", |job| format!("{} #{}", job.kind, job.id),
    audience: Audience::new(AudienceKind::Settings, None, []));
// Its owner sees it turned off (`webhooks::deliver`); never sent as a webhook itself.
audited!(WebhookEndpoint, "webhook_endpoint", "webhook endpoint", |endpoint| endpoint.url.clone(),
    audience: Audience::new(AudienceKind::Settings, None, [Some(endpoint.created_by)]));
