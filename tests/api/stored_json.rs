//! JSONB columns are read as their types (checklists, social links, permission
//! overrides, …): a stored value of another shape is a logged 500 problem, never read as
//! empty.

use api_tests::{created, execute, id, problem, TestApp};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_stored_json_value_of_the_wrong_shape_is_a_500_problem_not_empty() {
    let (app, admin) = TestApp::with_admin().await;
    let task =
        id(&created(&app, &admin, "/api/tasks", json!({"title": "Launch", "checklist": [{"text": "Plan"}]})).await);
    let lead = id(&created(&app, &admin, "/api/leads", json!({"name": "Ada Lovelace"})).await);
    // As if another build, or SQL by hand, had stored another shape.
    let mut conn = app.db().await;
    for statement in [
        format!(r#"UPDATE tasks SET checklist = '{{"text": "Plan"}}' WHERE id = '{task}'"#),
        format!(r#"UPDATE leads SET social_links = '["https://x.com/ada"]' WHERE id = '{lead}'"#),
    ] {
        execute(&mut conn, &statement).await;
    }

    for path in [format!("/api/tasks/{task}"), format!("/api/leads/{lead}"), "/api/leads".to_owned()] {
        let response = app.get(&path, Some(&admin)).await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR, "{path} must not read it as empty");
        assert_eq!(problem(response).await["code"], "DATABASE_ERROR", "{path}");
    }
}
