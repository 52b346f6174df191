//! What each audited value is in the activity log (`Audited`): its entity type, id,
//! label, and the caches its writes make stale. A new entity gets one impl here.

use crate::http::audit::{Audited, Stale};
use domain::crm::campaigns::Campaign;
use domain::crm::clients::{Client, ClientDocument};
use domain::crm::leads::Lead;
use domain::identity::api_keys::ApiKey;
use domain::identity::users::User;
use domain::ops::jobs::Job;
use domain::work::calendar::CalendarEvent;
use domain::work::tasks::{Task, TaskSpace, TaskTemplate};

/// `$type` is audited as `$entity` ("Created $noun {$label}"), its writes staling `$stale`.
macro_rules! audited {
    ($type:ty, $entity:literal, $noun:literal, |$it:ident| $label:expr $(, stale: $stale:expr)?) => {
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

            $(fn stale(&self) -> Stale {
                let $it = self;
                let _ = $it;
                $stale
            })?
        }
    };
}

// Lead list totals are cached per scope and filter (`routes::crm::leads`).
audited!(Lead, "lead", "lead", |lead| lead.name.clone(), stale: Stale::lead_totals());
audited!(Client, "client", "client", |client| client.name.clone());
audited!(ClientDocument, "client_document", "document", |document| document.name.clone());
audited!(Campaign, "campaign", "campaign", |campaign| campaign.name.clone());
// Feeds render events and tasks.
audited!(CalendarEvent, "calendar_event", "calendar event", |event| event.title.clone(), stale: Stale::calendar_feeds());
audited!(Task, "task", "task", |task| task.title.clone(), stale: Stale::calendar_feeds());
audited!(TaskSpace, "task_space", "task space", |space| space.name.clone());
audited!(TaskTemplate, "task_template", "task template", |template| template.name.clone());
audited!(User, "user", "user", |user| user.username.clone(), stale: Stale::user(user.id));
audited!(ApiKey, "api_key", "API key", |key| format!("{} ({})", key.name, key.key_prefix), stale: Stale::api_key(&key.key_prefix));
audited!(Job, "job", "job", |job| format!("{} #{}", job.kind, job.id));
