//! Columns that store a domain enum: the database accepts exactly the enum's values, and a
//! value it does not know (one that got past the constraint) is a logged 500 problem, not
//! silently read as some default.

use api_tests::{created, execute, id, problem, TestApp};
use diesel::sql_types::Text;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::crm::campaigns::CampaignStatus;
use domain::crm::clients::ClientStatus;
use domain::crm::lead_imports::{ImportMode, ImportStatus};
use domain::crm::leads::{LeadActivityType, LeadScore, LeadSource, LeadStage};
use domain::events::AudienceKind;
use domain::identity::api_keys::ApiKeyScope;
use domain::notifications::{NotificationKind, Severity};
use domain::ops::jobs::JobState;
use domain::ops::outbox::EmailStatus;
use domain::ops::webhooks::DeliveryStatus;
use domain::work::calendar::{CalendarProviderName, EventType};
use domain::work::tasks::{ScheduleFrom, TaskPriority, TaskStatus};
use domain::Role;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

fn values<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> BTreeSet<String> {
    all.iter().map(|v| as_str(*v).to_owned()).collect()
}

/// Every enum column, with the values its Rust enum writes.
fn enum_columns() -> Vec<(&'static str, &'static str, BTreeSet<String>)> {
    vec![
        ("users", "role", values(&Role::ALL, Role::as_str)),
        ("api_keys", "scopes", values(&ApiKeyScope::ALL, ApiKeyScope::as_str)),
        ("clients", "status", values(&ClientStatus::ALL, ClientStatus::as_str)),
        ("campaigns", "status", values(&CampaignStatus::ALL, CampaignStatus::as_str)),
        ("leads", "stage", values(&LeadStage::ALL, LeadStage::as_str)),
        ("leads", "score", values(&LeadScore::ALL, LeadScore::as_str)),
        ("leads", "source", values(&LeadSource::ALL, LeadSource::as_str)),
        ("lead_activities", "type", values(&LeadActivityType::ALL, LeadActivityType::as_str)),
        ("lead_imports", "mode", values(&ImportMode::ALL, ImportMode::as_str)),
        ("lead_imports", "status", values(&ImportStatus::ALL, ImportStatus::as_str)),
        ("tasks", "status", values(&TaskStatus::ALL, TaskStatus::as_str)),
        ("tasks", "priority", values(&TaskPriority::ALL, TaskPriority::as_str)),
        ("tasks", "schedule_from", values(&ScheduleFrom::ALL, ScheduleFrom::as_str)),
        ("task_templates", "status", values(&TaskStatus::ALL, TaskStatus::as_str)),
        ("task_templates", "priority", values(&TaskPriority::ALL, TaskPriority::as_str)),
        ("task_templates", "schedule_from", values(&ScheduleFrom::ALL, ScheduleFrom::as_str)),
        ("calendar_events", "type", values(&EventType::ALL, EventType::as_str)),
        ("calendar_sync_state", "provider", values(&CalendarProviderName::ALL, CalendarProviderName::as_str)),
        ("jobs", "state", values(&JobState::ALL, JobState::as_str)),
        ("email_outbox", "status", values(&EmailStatus::ALL, EmailStatus::as_str)),
        ("domain_events", "audience", values(&AudienceKind::ALL, AudienceKind::as_str)),
        ("notifications", "kind", values(&NotificationKind::ALL, NotificationKind::as_str)),
        ("notifications", "severity", values(&Severity::ALL, Severity::as_str)),
        ("notification_preferences", "kind", values(&NotificationKind::ALL, NotificationKind::as_str)),
        ("webhook_deliveries", "status", values(&DeliveryStatus::ALL, DeliveryStatus::as_str)),
    ]
}

#[derive(QueryableByName)]
struct Definition {
    #[diesel(sql_type = Text)]
    definition: String,
}

/// The definitions of the CHECK constraints on exactly this one column.
async fn checks_on(conn: &mut AsyncPgConnection, table: &str, column: &str) -> Vec<String> {
    diesel::sql_query(
        "SELECT pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c \
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
         WHERE c.contype = 'c' AND cardinality(c.conkey) = 1 AND c.conrelid = $1::text::regclass AND a.attname = $2",
    )
    .bind::<Text, _>(table)
    .bind::<Text, _>(column)
    .load::<Definition>(conn)
    .await
    .expect("constraint definitions")
    .into_iter()
    .map(|d| d.definition)
    .collect()
}

/// The quoted literals of a constraint definition (our values contain no quotes).
fn literals(definition: &str) -> BTreeSet<String> {
    definition.split('\'').skip(1).step_by(2).map(str::to_owned).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_enum_column_accepts_exactly_its_enums_values() {
    let app = TestApp::spawn().await;
    let mut conn = app.db().await;
    for (table, column, expected) in enum_columns() {
        let checks = checks_on(&mut conn, table, column).await;
        assert!(
            checks.iter().any(|check| literals(check) == expected),
            "{table}.{column} needs a CHECK listing exactly {expected:?}; has {checks:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn writing_an_unknown_enum_value_by_sql_is_refused() {
    let (app, admin) = TestApp::with_admin().await;
    let lead = id(&created(&app, &admin, "/api/leads", json!({"name": "Ada Lovelace"})).await);
    let mut conn = app.db().await;
    for statement in [
        format!("UPDATE leads SET source = 'carrier_pigeon' WHERE id = '{lead}'"),
        format!("UPDATE leads SET stage = 'won' WHERE id = '{lead}'"),
        "UPDATE users SET role = 'root'".to_owned(),
        "INSERT INTO calendar_sync_state (provider) VALUES ('yahoo')".to_owned(),
    ] {
        let error = diesel::sql_query(&statement).execute(&mut conn).await.expect_err(&statement);
        assert!(error.to_string().contains("check constraint"), "{statement}: {error}");
    }
    // A valid value still goes in.
    diesel::sql_query(format!("UPDATE leads SET source = 'event' WHERE id = '{lead}'"))
        .execute(&mut conn)
        .await
        .expect("a valid source");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_stored_value_is_a_500_problem_not_a_default() {
    let (app, admin) = TestApp::with_admin().await;
    let lead = id(&created(&app, &admin, "/api/leads", json!({"name": "Ada Lovelace", "source": "referral"})).await);
    // As if an older or newer build had written a source this one does not know.
    let mut conn = app.db().await;
    execute(&mut conn, "ALTER TABLE leads DROP CONSTRAINT IF EXISTS leads_source_check").await;
    execute(&mut conn, &format!("UPDATE leads SET source = 'carrier_pigeon' WHERE id = '{lead}'")).await;

    for path in [format!("/api/leads/{lead}"), "/api/leads".to_owned()] {
        let response = app.get(&path, Some(&admin)).await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR, "{path} must not read it as `other`");
        let body = problem(response).await;
        assert_eq!(body["code"], "DATABASE_ERROR", "{path}");
        assert!(!body["detail"].as_str().unwrap_or("").contains("carrier_pigeon"), "the value stays in the log");
    }
}
