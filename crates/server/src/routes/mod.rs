//! HTTP routes, one module per domain. Each module's `configure` registers its handlers
//! with utoipa-actix-web, so a route cannot be served without being documented.

pub mod activity;
pub mod api_keys;
pub mod auth;
pub mod calendar;
pub mod calendar_feed;
pub mod calendar_sync;
pub mod campaigns;
pub mod clients;
pub mod health;
pub mod leads;
pub mod task_spaces;
pub mod task_templates;
pub mod tasks;
pub mod users;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/api")
            .configure(auth::configure)
            .configure(users::configure)
            .configure(api_keys::configure)
            .configure(activity::configure)
            .configure(clients::configure)
            .configure(campaigns::configure)
            .configure(leads::configure)
            // Before the task routes: `/tasks/{id}` would claim `/tasks/templates`.
            .configure(task_templates::configure)
            .configure(tasks::configure)
            .configure(task_spaces::configure)
            .configure(calendar::configure)
            .configure(calendar_feed::configure)
            .configure(calendar_sync::configure),
    );
    cfg.configure(health::configure);
}
