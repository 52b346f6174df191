//! HTTP routes, one module per domain. Each module's `configure` registers its handlers
//! with utoipa-actix-web, so a route cannot be served without being documented.

pub mod activity;
pub mod api_keys;
pub mod auth;
pub mod campaigns;
pub mod clients;
pub mod health;
pub mod lead_imports;
pub mod leads;
pub mod task_spaces;
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
            // Before `leads`: `/leads/export` would otherwise match `/leads/{id}`.
            .configure(lead_imports::configure)
            .configure(leads::configure)
            .configure(tasks::configure)
            .configure(task_spaces::configure),
    );
    cfg.configure(health::configure);
}
