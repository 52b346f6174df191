//! The OpenAPI 3.1 document: paths are collected from the registered routes by
//! utoipa-actix-web; this adds the metadata, shared schemas and security schemes.
//! Every operation requires one of the schemes unless it overrides the document's
//! `security` (public routes say `security()`); the problem responses each guard and
//! extractor can answer are declared once in `crate::http::responses`.

use crate::routes;
use actix_web::App;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "MarketingOS API",
        description = "CRM and operations platform for a marketing agency.\n\n\
            Authenticate with `POST /api/login` (returns a bearer token and sets session cookies), \
            or send an API key in `X-API-Key`. Errors are RFC 9457 `application/problem+json` bodies \
            with a stable `code`, field `errors` and the `requestId`. Lists take `limit` (1–200, default 50) \
            and `offset`, and return `X-Total-Count` and `Link` headers.",
        license(name = "MIT", identifier = "MIT")
    ),
    // Also the records only the response families (`http::responses::Found<T>`,
    // `ListPage<T>`, …) answer with: they refer to `T` but cannot register it; a test
    // below finds any that is missing.
    components(schemas(domain::Problem, domain::FieldError, domain::ErrorCode, domain::Role, domain::Permission,
        domain::work::tasks::TaskStatus, domain::work::tasks::DueFilter, domain::work::tasks::TaskSort,
        domain::crm::clients::ClientSort, domain::crm::campaigns::CampaignSort, domain::crm::leads::LeadSort,
        domain::activity::ActivityLog, domain::crm::campaigns::Campaign, domain::crm::leads::Lead,
        domain::work::calendar::CalendarEvent, domain::work::tasks::TaskTemplate,
        domain::ops::jobs::Job, domain::ops::jobs::JobState, domain::ops::jobs::QueueSummary,
        domain::ops::outbox::OutboxEmail, domain::ops::outbox::OutboxEmailDetail, domain::ops::outbox::EmailStatus,
        domain::notifications::Notification, domain::notifications::NotificationKind, domain::notifications::Severity,
        domain::notifications::UnreadCount, domain::notifications::MarkedRead,
        domain::notifications::NotificationPreference, domain::notifications::NotificationsCreated,
        domain::notifications::VapidPublicKey, domain::notifications::legacy::LegacyPreferences,
        domain::identity::users::DirectoryEntry,
        domain::ops::webhooks::WebhookEndpoint, domain::ops::webhooks::CreatedWebhookEndpoint,
        domain::ops::webhooks::DeliveryLogEntry, domain::ops::webhooks::DeliveryAttempt,
        domain::ops::webhooks::DeliveryStatus)),
    modifiers(&SecuritySchemes),
    security(("bearerAuth" = []), ("apiKeyAuth" = []), ("cookieAuth" = [])),
    tags(
        (name = "auth", description = "Sign-up, sign-in, sessions, password reset, own profile"),
        (name = "users", description = "User administration (canManageUsers)"),
        (name = "api-keys", description = "API keys for integrators (canManageSettings)"),
        (name = "activity", description = "Audit trail (canManageSettings)"),
        (name = "events", description = "Live domain events as Server-Sent Events (any signed-in user, filtered to what they may see)"),
        (name = "clients", description = "Clients and their documents (canManageClients; client-portal users read their own client)"),
        (name = "campaigns", description = "Campaigns (canManageCampaigns; client-portal users read their own client's)"),
        (name = "leads", description = "Leads, activities and conversion to clients (canManageLeads)"),
        (name = "tasks", description = "Tasks, recurrence and comments (staff-side roles)"),
        (name = "task-spaces", description = "The tree of task spaces (staff-side roles)"),
        (name = "calendar", description = "Calendar events, recurrence, ICS feeds and external calendar sync (staff-side roles)"),
        (name = "jobs", description = "The background job queue and the e-mail outbox (canManageSettings)"),
        (name = "notifications", description = "The caller's notifications, preferences and web push subscriptions (any signed-in user)"),
        (name = "webhooks", description = "Signed outgoing webhooks: endpoints, the delivery log, redelivery (canManageSettings)"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        components
            .add_security_scheme("apiKeyAuth", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))));
        components.add_security_scheme(
            "cookieAuth",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::cookies::ACCESS_COOKIE))),
        );
    }
}

/// The document for the routes in `routes::configure`.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    App::new().into_utoipa_app().openapi(doc).configure(routes::configure).split_for_parts().1
}

pub fn to_json(doc: &utoipa::openapi::OpenApi) -> String {
    doc.to_pretty_json().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    /// Every `$ref` names a schema of the document (a list item nobody registered would not).
    #[test]
    fn every_schema_reference_resolves() {
        let document = serde_json::to_value(super::document()).unwrap();
        let schemas = document["components"]["schemas"].as_object().unwrap();
        fn refs<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
            match value {
                serde_json::Value::Object(members) => {
                    if let Some(serde_json::Value::String(target)) = members.get("$ref") {
                        out.push(target);
                    }
                    members.values().for_each(|member| refs(member, out));
                }
                serde_json::Value::Array(items) => items.iter().for_each(|item| refs(item, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        refs(&document, &mut found);
        for target in found {
            let name = target.strip_prefix("#/components/schemas/").unwrap_or(target);
            assert!(schemas.contains_key(name), "{target} is not in components.schemas");
        }
    }

    /// A parameter is declared once per operation (utoipa adds path parameters from the
    /// handler's `web::Path` itself; declaring one again as a type duplicates it, which
    /// SDK generators refuse).
    #[test]
    fn parameters_are_unique_per_operation() {
        let document = serde_json::to_value(super::document()).unwrap();
        for (path, operations) in document["paths"].as_object().unwrap() {
            for (method, operation) in operations.as_object().unwrap() {
                let mut seen = std::collections::BTreeSet::new();
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    let key = (parameter["name"].to_string(), parameter["in"].to_string());
                    assert!(seen.insert(key), "{method} {path} declares {} twice", parameter["name"]);
                }
            }
        }
    }
}
