//! Task templates: CRUD with audit rows, validation, and creating tasks from a template
//! (its fields, the due-date offset, overrides, and recurrence carried over).

use api_tests::{created, field_error, TestApp};
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    created(app, token, "/api/tasks/templates", body).await
}

fn path_of(template: &Value) -> String {
    format!("/api/tasks/templates/{}", template["id"].as_str().expect("template id"))
}

#[tokio::test(flavor = "multi_thread")]
async fn templates_crud_with_defaults_paging_and_partial_updates() {
    let (app, admin) = TestApp::with_admin().await;
    let (staff_id, staff) = app.user_with_role(&admin, "templater", "staff").await;

    let response = app
        .post(
            "/api/tasks/templates",
            Some(&staff),
            &json!({"name": "Monthly report", "title": "Send the monthly report", "taskDescription": "PDF to the client",
                    "priority": "high", "dueDateOffset": 3, "estimatedHours": 2, "tags": ["reporting"],
                    "checklist": [{"text": "collect numbers"}, {"text": "write summary"}]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let template: Value = response.json().await.unwrap();
    assert_eq!(location, path_of(&template));
    assert_eq!(template["status"], "todo");
    assert_eq!(template["priority"], "high");
    assert_eq!(template["isRecurring"], false);
    assert_eq!(template["recurrenceTimezone"], "UTC");
    assert_eq!(template["scheduleFrom"], "due_date");
    assert_eq!(template["createdBy"], staff_id);
    assert_eq!(template["checklist"][1], json!({"text": "write summary", "completed": false}));

    create(&app, &admin, json!({"name": "Audit", "title": "Run the audit"})).await;
    let listed = app.get("/api/tasks/templates?limit=1", Some(&staff)).await;
    assert_eq!(listed.status(), StatusCode::OK);
    assert_eq!(listed.headers()["x-total-count"], "2");
    let page: Vec<Value> = listed.json().await.unwrap();
    assert_eq!(page[0]["name"], "Audit", "listed by name");

    assert_eq!(app.get(&location, Some(&staff)).await.json::<Value>().await.unwrap(), template);
    let patched: Value = app
        .patch(&location, Some(&staff), &json!({"name": "Monthly client report", "dueDateOffset": null}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(patched["name"], "Monthly client report");
    assert_eq!(patched["dueDateOffset"], Value::Null);
    assert_eq!(patched["tags"], json!(["reporting"]), "absent fields stay");

    assert_eq!(app.delete(&location, Some(&staff)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&location, Some(&staff)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&location, Some(&staff)).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_templates_are_refused_with_the_field_named() {
    let (app, admin) = TestApp::with_admin().await;
    let post = |body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { app.post("/api/tasks/templates", Some(&admin), &body).await }
    };
    assert_eq!(field_error(post(json!({"title": "x"})).await).await.0, "name");
    assert_eq!(field_error(post(json!({"name": "x", "title": " "})).await).await.0, "title");
    assert_eq!(
        field_error(post(json!({"name": "x", "title": "x", "dueDateOffset": -1})).await).await.0,
        "dueDateOffset"
    );
    assert_eq!(
        field_error(post(json!({"name": "x", "title": "x", "recurrenceRule": "FREQ=HOURLY"})).await).await,
        ("recurrenceRule".into(), "rrule".into())
    );
    assert_eq!(
        field_error(post(json!({"name": "x", "title": "x", "isRecurring": true})).await).await,
        ("recurrenceRule".into(), "required".into())
    );
    assert_eq!(
        field_error(
            post(json!({"name": "x", "title": "x", "recurrenceRule": "FREQ=DAILY;COUNT=3", "scheduleFrom": "completion_date"}))
                .await
        )
        .await
        .0,
        "recurrenceRule"
    );
    assert_eq!(
        field_error(
            post(
                json!({"name": "x", "title": "x", "recurrenceRule": "FREQ=DAILY", "recurrenceTimezone": "Nowhere/Land"})
            )
            .await
        )
        .await
        .0,
        "recurrenceTimezone"
    );
    assert_eq!(
        field_error(post(json!({"name": "x", "title": "x", "spaceId": Uuid::new_v4()})).await).await.0,
        "spaceId"
    );
    let unknown = format!("/api/tasks/templates/{}", Uuid::new_v4());
    assert_eq!(app.get(&unknown, Some(&admin)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.post(&format!("{unknown}/tasks"), Some(&admin), &json!({})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/tasks/templates/nope", Some(&admin)).await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_task_created_from_a_template_carries_its_fields_offset_and_overrides() {
    let (app, admin) = TestApp::with_admin().await;
    let (assignee_id, _) = app.user_with_role(&admin, "doer", "staff").await;
    let space: Value = app.post("/api/task-spaces", Some(&admin), &json!({"name": "Ops"})).await.json().await.unwrap();
    let template = create(
        &app,
        &admin,
        json!({"name": "Onboarding", "title": "Onboard the client", "taskDescription": "Kick-off and access",
               "priority": "urgent", "dueDateOffset": 7, "estimatedHours": 5, "spaceId": space["id"],
               "tags": ["onboarding"], "checklist": [{"text": "send welcome pack", "completed": true}]}),
    )
    .await;

    let before = Utc::now();
    let response =
        app.post(&format!("{}/tasks", path_of(&template)), Some(&admin), &json!({"assignedToId": assignee_id})).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let task: Value = response.json().await.unwrap();
    assert_eq!(task["title"], "Onboard the client");
    assert_eq!(task["description"], "Kick-off and access");
    assert_eq!(task["priority"], "urgent");
    assert_eq!(task["estimatedHours"], 5);
    assert_eq!(task["spaceId"], space["id"]);
    assert_eq!(task["assignedToId"], assignee_id);
    assert_eq!(task["tags"], json!(["onboarding"]));
    assert_eq!(task["checklist"], json!([{"text": "send welcome pack", "completed": true}]));
    let due: DateTime<Utc> = task["dueDate"].as_str().unwrap().parse().unwrap();
    let offset = due - before;
    assert!(offset >= chrono::Duration::days(7) && offset < chrono::Duration::days(7) + chrono::Duration::minutes(5));
    let fetched = app.get(&format!("/api/tasks/{}", task["id"].as_str().unwrap()), Some(&admin)).await;
    assert_eq!(fetched.status(), StatusCode::OK, "it is an ordinary task");

    let overridden: Value = app
        .post(
            &format!("{}/tasks", path_of(&template)),
            Some(&admin),
            &json!({"title": "Onboard ACME", "dueDate": "2026-12-24T09:00:00Z"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overridden["title"], "Onboard ACME");
    assert_eq!(overridden["dueDate"], "2026-12-24T09:00:00Z");

    let missing_client =
        app.post(&format!("{}/tasks", path_of(&template)), Some(&admin), &json!({"clientId": Uuid::new_v4()})).await;
    assert_eq!(field_error(missing_client).await.0, "clientId");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recurring_template_makes_recurring_tasks_and_needs_a_due_date() {
    let (app, admin) = TestApp::with_admin().await;
    let template = create(
        &app,
        &admin,
        json!({"name": "Weekly sync", "title": "Prepare the weekly sync", "recurrenceRule": "FREQ=WEEKLY",
               "recurrenceTimezone": "Europe/Berlin"}),
    )
    .await;
    assert_eq!(template["isRecurring"], true);
    let url = format!("{}/tasks", path_of(&template));

    let undated = app.post(&url, Some(&admin), &json!({})).await;
    assert_eq!(field_error(undated).await, ("dueDate".into(), "required".into()));

    let task: Value =
        app.post(&url, Some(&admin), &json!({"dueDate": "2026-12-07T08:00:00Z"})).await.json().await.unwrap();
    assert_eq!(task["isRecurring"], true);
    assert_eq!(task["recurrenceRule"], "FREQ=WEEKLY");
    assert_eq!(task["recurrenceTimezone"], "Europe/Berlin");
    let done = app
        .patch(&format!("/api/tasks/{}", task["id"].as_str().unwrap()), Some(&admin), &json!({"status": "completed"}))
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    let next = app.get("/api/tasks?status=todo", Some(&admin)).await.json::<Vec<Value>>().await.unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0]["dueDate"], "2026-12-14T08:00:00Z", "completing it created the next instance");
}
