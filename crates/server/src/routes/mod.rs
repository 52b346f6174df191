//! HTTP routes, one module per domain, grouped by business area as in `domain` and
//! `storage`. Each module's `configure` registers its handlers
//! with utoipa-actix-web, so a route cannot be served without being documented.

pub mod activity;
pub mod crm;
pub mod events;
pub mod health;
pub mod identity;
pub mod notifications;
pub mod ops;
pub mod work;

use crm::{campaigns, clients, lead_imports, leads};
use identity::{api_keys, auth, users};
use ops::{jobs, outbox, webhooks};
use utoipa_actix_web::service_config::ServiceConfig;
use work::{calendar, calendar_feed, calendar_sync, task_spaces, task_templates, tasks};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/api")
            .configure(auth::configure)
            .configure(users::configure)
            .configure(api_keys::configure)
            .configure(activity::configure)
            .configure(events::configure)
            .configure(clients::configure)
            .configure(campaigns::configure)
            // Before `leads`: `/leads/export` would otherwise match `/leads/{id}`.
            .configure(lead_imports::configure)
            .configure(leads::configure)
            // Before the task routes: `/tasks/{id}` would claim `/tasks/templates`.
            .configure(task_templates::configure)
            .configure(tasks::configure)
            .configure(task_spaces::configure)
            .configure(calendar::configure)
            .configure(calendar_feed::configure)
            .configure(calendar_sync::configure)
            .configure(jobs::configure)
            .configure(outbox::configure)
            .configure(webhooks::configure)
            .configure(notifications::configure),
    );
    cfg.configure(health::configure);
}
