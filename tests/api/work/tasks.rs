//! Tasks: CRUD, validation, filters/sort/search/paging, the staff-only guard, comments,
//! and recurring completion creating exactly one next instance (also under a race).

use api_tests::{created, field_error, header, problem, ProblemExt, TestApp};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{json, Value};
use storage::schema::{activity_logs, tasks};
use uuid::Uuid;

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    created(app, token, "/api/tasks", body).await
}

fn id_of(task: &Value) -> String {
    task["id"].as_str().expect("task id").to_owned()
}

async fn titles(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let response = app.get(&format!("/api/tasks{query}"), Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK, "listing {query}");
    let tasks: Vec<Value> = response.json().await.unwrap();
    tasks.iter().map(|t| t["title"].as_str().unwrap().to_owned()).collect()
}

async fn audit_types(app: &TestApp, entity_id: &str) -> Vec<String> {
    let mut conn = app.db().await;
    activity_logs::table
        .filter(activity_logs::entity_id.eq(entity_id))
        .order(activity_logs::created_at.asc())
        .select(activity_logs::activity_type)
        .load(&mut conn)
        .await
        .expect("reading activity_logs")
}

/// (id, status, due date, instance date) of every task of a series, by instance date.
async fn series(
    app: &TestApp,
    series_id: &str,
) -> Vec<(Uuid, String, Option<chrono::DateTime<chrono::Utc>>, Option<chrono::NaiveDate>)> {
    let mut conn = app.db().await;
    tasks::table
        .filter(tasks::series_id.eq(Uuid::parse_str(series_id).unwrap()))
        .order(tasks::instance_date.asc())
        .select((tasks::id, tasks::status, tasks::due_date, tasks::instance_date))
        .load(&mut conn)
        .await
        .expect("reading tasks")
}

#[tokio::test(flavor = "multi_thread")]
async fn crud_happy_path_with_defaults_partial_updates_and_audit_rows() {
    let (app, admin) = TestApp::with_admin().await;
    let (staff_id, staff) = app.user_with_role(&admin, "tasker", "staff").await;

    let response = app
        .post(
            "/api/tasks",
            Some(&staff),
            &json!({"title": "Write brief", "description": "For ACME", "assignedToId": staff_id,
                    "tags": ["copy"], "checklist": [{"text": "outline"}], "dueDate": "2026-12-01T10:00:00Z"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = header(&response, "location");
    let task: Value = response.json().await.unwrap();
    let id = id_of(&task);
    assert_eq!(location, format!("/api/tasks/{id}"));
    assert_eq!(task["status"], "todo");
    assert_eq!(task["priority"], "normal");
    assert_eq!(task["checklist"], json!([{"text": "outline", "completed": false}]));
    assert_eq!(task["createdBy"], staff_id);
    assert_eq!(task["isRecurring"], false);
    assert_eq!(task["recurrenceTimezone"], "UTC");

    let fetched: Value = app.get(&location, Some(&staff)).await.json().await.unwrap();
    assert_eq!(fetched, task);

    let patched = app
        .patch(&location, Some(&staff), &json!({"title": "Write the brief", "description": null, "priority": "high"}))
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["title"], "Write the brief");
    assert_eq!(patched["description"], Value::Null);
    assert_eq!(patched["priority"], "high");
    assert_eq!(patched["tags"], json!(["copy"]), "absent fields stay");

    let done: Value = app.patch(&location, Some(&staff), &json!({"status": "completed"})).await.json().await.unwrap();
    assert!(done["completedAt"].is_string());
    let archived: Value =
        app.patch(&location, Some(&staff), &json!({"status": "archived"})).await.json().await.unwrap();
    assert_eq!(archived["completedAt"], done["completedAt"], "archiving keeps completedAt");
    assert!(archived["archivedAt"].is_string());
    let reopened: Value = app.patch(&location, Some(&staff), &json!({"status": "todo"})).await.json().await.unwrap();
    assert_eq!(reopened["completedAt"], Value::Null);
    assert_eq!(reopened["archivedAt"], Value::Null);

    assert_eq!(app.delete(&location, Some(&staff)).await.status(), StatusCode::NO_CONTENT);
    app.get(&location, Some(&staff)).await.expect_problem(404, "NOT_FOUND").await;
    assert_eq!(app.delete(&location, Some(&staff)).await.status(), StatusCode::NOT_FOUND);

    assert_eq!(
        audit_types(&app, &id).await,
        ["task.create", "task.update", "task.complete", "task.update", "task.update", "task.delete"],
        "every write appends one audit row"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_input_is_refused_with_the_field_named_and_unknown_ids_are_404() {
    let (app, admin) = TestApp::with_admin().await;
    let post = |body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { app.post("/api/tasks", Some(&admin), &body).await }
    };

    assert_eq!(field_error(post(json!({})).await).await.0, "title");
    assert_eq!(field_error(post(json!({"title": "   "})).await).await.0, "title");
    assert_eq!(field_error(post(json!({"title": "x", "status": "done"})).await).await.0, "status");
    assert_eq!(field_error(post(json!({"title": "x", "owner": 1})).await).await.0, "owner");
    assert_eq!(
        field_error(
            post(json!({"title": "x", "recurrenceRule": "FREQ=FORTNIGHTLY", "dueDate": "2026-01-01T09:00:00Z"})).await
        )
        .await,
        ("recurrenceRule".to_owned(), "rrule".to_owned())
    );
    assert_eq!(
        field_error(
            post(json!({"title": "x", "recurrenceRule": "FREQ=HOURLY", "dueDate": "2026-01-01T09:00:00Z"})).await
        )
        .await
        .0,
        "recurrenceRule"
    );
    assert_eq!(
        field_error(post(json!({"title": "x", "isRecurring": true, "recurrenceRule": "FREQ=DAILY"})).await).await,
        ("dueDate".to_owned(), "required".to_owned())
    );
    assert_eq!(
        field_error(post(json!({"title": "x", "isRecurring": true, "dueDate": "2026-01-01T09:00:00Z"})).await).await.0,
        "recurrenceRule"
    );
    assert_eq!(
        field_error(post(json!({"title": "x", "recurrenceRule": "FREQ=DAILY", "recurrenceTimezone": "Mars/Base", "dueDate": "2026-01-01T09:00:00Z"})).await).await.0,
        "recurrenceTimezone"
    );
    assert_eq!(field_error(post(json!({"title": "x", "assignedToId": 999999})).await).await.0, "assignedToId");
    assert_eq!(field_error(post(json!({"title": "x", "spaceId": Uuid::new_v4()})).await).await.0, "spaceId");

    let task = create(&app, &admin, json!({"title": "ok"})).await;
    let path = format!("/api/tasks/{}", id_of(&task));
    assert_eq!(
        field_error(app.patch(&path, Some(&admin), &json!({"isRecurring": true})).await).await.0,
        "recurrenceRule"
    );
    assert_eq!(
        field_error(app.patch(&path, Some(&admin), &json!({"recurrenceRule": "BOGUS"})).await).await.0,
        "recurrenceRule"
    );

    assert_eq!(field_error(app.get("/api/tasks?tz=Mars/Base&due=today", Some(&admin)).await).await.0, "tz");
    assert_eq!(field_error(app.get("/api/tasks?sort=hacker", Some(&admin)).await).await.0, "sort");
    assert_eq!(field_error(app.get("/api/tasks?due=someday", Some(&admin)).await).await.0, "due");

    let unknown = format!("/api/tasks/{}", Uuid::new_v4());
    assert_eq!(app.get(&unknown, Some(&admin)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.patch(&unknown, Some(&admin), &json!({"title": "y"})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("{unknown}/comments"), Some(&admin)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.post(&format!("{unknown}/comments"), Some(&admin), &json!({"comment": "hi"})).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/api/tasks/not-a-uuid", Some(&admin)).await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread")]
async fn client_portal_roles_are_refused_every_task_route() {
    let (app, admin) = TestApp::with_admin().await;
    let task = create(&app, &admin, json!({"title": "internal"})).await;
    let path = format!("/api/tasks/{}", id_of(&task));
    for role in ["client", "prospective_client"] {
        let (_, token) = app.user_with_role(&admin, &format!("portal_{role}"), role).await;
        let responses = [
            app.get("/api/tasks", Some(&token)).await,
            app.post("/api/tasks", Some(&token), &json!({"title": "x"})).await,
            app.get(&path, Some(&token)).await,
            app.patch(&path, Some(&token), &json!({"title": "x"})).await,
            app.delete(&path, Some(&token)).await,
            app.get(&format!("{path}/comments"), Some(&token)).await,
            app.post(&format!("{path}/comments"), Some(&token), &json!({"comment": "x"})).await,
            app.get("/api/task-spaces", Some(&token)).await,
        ];
        for response in responses {
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role}");
            assert_eq!(problem(response).await["code"], "FORBIDDEN");
        }
    }
    assert_eq!(app.get(&path, Some(&admin)).await.status(), StatusCode::OK, "nothing was deleted");
}

#[tokio::test(flavor = "multi_thread")]
async fn list_filters_sorts_searches_and_pages() {
    let (app, admin) = TestApp::with_admin().await;
    let (staff_id, staff) = app.user_with_role(&admin, "lister", "staff").await;
    let space: Value = app.post("/api/task-spaces", Some(&admin), &json!({"name": "Ops"})).await.json().await.unwrap();
    let now = chrono::Utc::now();
    let at = |hours: i64| (now + chrono::Duration::hours(hours)).to_rfc3339();

    create(&app, &admin, json!({"title": "Alpha", "priority": "low", "dueDate": at(-48), "assignedToId": staff_id}))
        .await;
    create(
        &app,
        &admin,
        json!({"title": "Bravo", "priority": "urgent", "dueDate": at(24 * 3), "description": "Invoice 50% off"}),
    )
    .await;
    create(
        &app,
        &admin,
        json!({"title": "Charlie", "priority": "high", "dueDate": at(24 * 30), "spaceId": space["id"]}),
    )
    .await;
    create(
        &app,
        &admin,
        json!({"title": "Delta", "status": "completed", "dueDate": at(-72), "assignedToId": staff_id}),
    )
    .await;
    create(&app, &admin, json!({"title": "Echo"})).await;

    assert_eq!(titles(&app, &admin, "").await, ["Echo", "Delta", "Charlie", "Bravo", "Alpha"], "newest first");
    assert_eq!(titles(&app, &staff, "?mine=true").await, ["Delta", "Alpha"]);
    assert!(titles(&app, &admin, "?mine=true").await.is_empty());
    assert_eq!(titles(&app, &admin, &format!("?assignedToId={staff_id}&status=todo")).await, ["Alpha"]);
    assert_eq!(titles(&app, &admin, &format!("?spaceId={}", space["id"].as_str().unwrap())).await, ["Charlie"]);
    assert_eq!(titles(&app, &admin, "?status=completed").await, ["Delta"]);
    assert_eq!(titles(&app, &admin, "?due=overdue").await, ["Alpha"], "completed tasks are not overdue");
    assert_eq!(titles(&app, &admin, "?due=week&tz=Europe/Berlin&sort=dueDate").await, ["Bravo"]);
    assert_eq!(titles(&app, &admin, "?q=INVOICE").await, ["Bravo"], "description, any case");
    assert_eq!(titles(&app, &admin, "?q=50%25").await, ["Bravo"], "% is literal");
    assert_eq!(titles(&app, &admin, "?q=char").await, ["Charlie"]);
    assert_eq!(titles(&app, &admin, "?sort=-priority").await, ["Bravo", "Charlie", "Delta", "Echo", "Alpha"]);
    assert_eq!(
        titles(&app, &admin, "?sort=dueDate").await,
        ["Delta", "Alpha", "Bravo", "Charlie", "Echo"],
        "no due date last"
    );
    assert_eq!(titles(&app, &admin, "?sort=-title").await, ["Echo", "Delta", "Charlie", "Bravo", "Alpha"]);

    let first = app.get("/api/tasks?limit=2&sort=title", Some(&admin)).await;
    assert_eq!(header(&first, "x-total-count"), "5");
    let link = header(&first, "link");
    assert!(link.contains("</api/tasks?sort=title&limit=2&offset=2>; rel=\"next\""), "{link}");
    assert!(link.contains("</api/tasks?sort=title&limit=2&offset=4>; rel=\"last\""), "{link}");
    let page: Vec<Value> = first.json().await.unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(titles(&app, &admin, "?limit=2&offset=4&sort=title").await, ["Echo"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn comments_are_listed_oldest_first_and_audited() {
    let (app, admin) = TestApp::with_admin().await;
    let task = create(&app, &admin, json!({"title": "Discuss"})).await;
    let path = format!("/api/tasks/{}/comments", id_of(&task));
    for text in ["first", "second", "third"] {
        let response = app.post(&path, Some(&admin), &json!({"comment": text})).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let comment: Value = response.json().await.unwrap();
        assert_eq!(comment["taskId"], task["id"]);
        assert_eq!(comment["comment"], text);
    }
    assert_eq!(field_error(app.post(&path, Some(&admin), &json!({"comment": " "})).await).await.0, "comment");
    let page = app.get(&format!("{path}?limit=2"), Some(&admin)).await;
    assert_eq!(header(&page, "x-total-count"), "3");
    let comments: Vec<Value> = page.json().await.unwrap();
    let texts: Vec<&str> = comments.iter().map(|c| c["comment"].as_str().unwrap()).collect();
    assert_eq!(texts, ["first", "second"]);
    let audits = audit_types(&app, &id_of(&task)).await;
    assert_eq!(audits.iter().filter(|t| *t == "task_comment.create").count(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn completing_a_recurring_task_creates_exactly_one_next_instance_at_the_same_local_time() {
    let (app, admin) = TestApp::with_admin().await;
    // Monday 23 March 2026, 09:00 in Berlin (CET, UTC+1); the next is after the DST switch.
    let task = create(
        &app,
        &admin,
        json!({"title": "Weekly report", "recurrenceRule": "FREQ=WEEKLY", "recurrenceTimezone": "Europe/Berlin",
               "dueDate": "2026-03-23T08:00:00Z", "checklist": [{"text": "numbers", "completed": true}],
               "tags": ["report"], "priority": "high"}),
    )
    .await;
    assert_eq!(task["isRecurring"], true);
    assert_eq!(task["seriesId"], task["id"]);
    assert_eq!(task["instanceDate"], "2026-03-23");
    let path = format!("/api/tasks/{}", id_of(&task));
    let series_id = id_of(&task);

    let done = app.patch(&path, Some(&admin), &json!({"status": "completed"})).await;
    assert_eq!(done.status(), StatusCode::OK);
    let instances = series(&app, &series_id).await;
    assert_eq!(instances.len(), 2, "{instances:?}");
    let (next_id, next_status, next_due, next_date) = &instances[1];
    assert_eq!(next_status, "todo");
    assert_eq!(next_date.unwrap().to_string(), "2026-03-30");
    assert_eq!(next_due.unwrap().to_rfc3339(), "2026-03-30T07:00:00+00:00", "09:00 CEST");
    let next: Value = app.get(&format!("/api/tasks/{next_id}"), Some(&admin)).await.json().await.unwrap();
    assert_eq!(next["checklist"], json!([{"text": "numbers", "completed": false}]));
    assert_eq!(next["tags"], json!(["report"]));
    assert_eq!(next["priority"], "high");
    assert_eq!(next["completedAt"], Value::Null);
    assert_eq!(audit_types(&app, &next_id.to_string()).await, ["task.create"]);

    // Completing the same instance again (after reopening it) creates nothing new.
    assert_eq!(app.patch(&path, Some(&admin), &json!({"status": "in_progress"})).await.status(), StatusCode::OK);
    assert_eq!(app.patch(&path, Some(&admin), &json!({"status": "completed"})).await.status(), StatusCode::OK);
    assert_eq!(app.patch(&path, Some(&admin), &json!({"status": "completed"})).await.status(), StatusCode::OK);
    assert_eq!(series(&app, &series_id).await.len(), 2, "still exactly one next instance");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_completions_create_one_next_instance() {
    let (app, admin) = TestApp::with_admin().await;
    for round in 0..3 {
        let task = create(
            &app,
            &admin,
            json!({"title": format!("Daily {round}"), "recurrenceRule": "FREQ=DAILY", "dueDate": "2026-05-01T09:00:00Z"}),
        )
        .await;
        let path = format!("/api/tasks/{}", id_of(&task));
        let body = json!({"status": "completed"});
        let (a, b) = tokio::join!(app.patch(&path, Some(&admin), &body), app.patch(&path, Some(&admin), &body));
        assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
        let instances = series(&app, &id_of(&task)).await;
        assert_eq!(instances.len(), 2, "round {round}: {instances:?}");
        assert_eq!(instances[1].3.unwrap().to_string(), "2026-05-02");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_last_occurrence_of_a_series_has_no_successor() {
    let (app, admin) = TestApp::with_admin().await;
    let task = create(
        &app,
        &admin,
        json!({"title": "Twice", "recurrenceRule": "FREQ=DAILY;COUNT=2", "dueDate": "2026-05-01T09:00:00Z"}),
    )
    .await;
    let path = format!("/api/tasks/{}", id_of(&task));
    app.patch(&path, Some(&admin), &json!({"status": "completed"})).await;
    let instances = series(&app, &id_of(&task)).await;
    assert_eq!(instances.len(), 2);
    let second = format!("/api/tasks/{}", instances[1].0);
    assert_eq!(app.patch(&second, Some(&admin), &json!({"status": "completed"})).await.status(), StatusCode::OK);
    assert_eq!(series(&app, &id_of(&task)).await.len(), 2, "COUNT=2 ends the series");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_recurrence_preview_lists_the_next_occurrences_in_the_rules_time_zone() {
    let (app, admin) = TestApp::with_admin().await;
    let preview = |query: &str| {
        let app = &app;
        let admin = admin.clone();
        let url = format!("/api/tasks/recurrence-preview?{query}");
        async move { app.get(&url, Some(&admin)).await }
    };

    // Weekly on Monday 09:00 Berlin from 16 March 2026: summer time starts on 29 March.
    let response = preview(
        "recurrenceRule=FREQ%3DWEEKLY%3BBYDAY%3DMO&start=2026-03-16T08:00:00Z&recurrenceTimezone=Europe/Berlin",
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["occurrences"],
        json!([
            "2026-03-16T08:00:00Z",
            "2026-03-23T08:00:00Z",
            "2026-03-30T07:00:00Z",
            "2026-04-06T07:00:00Z",
            "2026-04-13T07:00:00Z"
        ]),
        "five by default, 09:00 local on both sides of the switch"
    );

    let two: Value =
        preview("recurrenceRule=FREQ%3DDAILY&start=2026-01-01T09:00:00Z&count=2").await.json().await.unwrap();
    assert_eq!(two["occurrences"], json!(["2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z"]), "UTC by default");
    let ended: Value = preview("recurrenceRule=FREQ%3DDAILY%3BCOUNT%3D3&start=2026-01-01T09:00:00Z&count=20")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ended["occurrences"].as_array().unwrap().len(), 3, "COUNT ends the series early");

    for (query, field) in [
        ("recurrenceRule=FREQ%3DFORTNIGHTLY&start=2026-01-01T09:00:00Z", "recurrenceRule"),
        ("recurrenceRule=FREQ%3DDAILY&start=2026-01-01T09:00:00Z&recurrenceTimezone=Mars/Base", "recurrenceTimezone"),
        ("recurrenceRule=FREQ%3DDAILY&start=2026-01-01T09:00:00Z&count=21", "count"),
        ("recurrenceRule=FREQ%3DDAILY&start=2026-01-01T09:00:00Z&count=0", "count"),
        ("recurrenceRule=FREQ%3DDAILY&start=soon", "start"),
        ("start=2026-01-01T09:00:00Z", "recurrenceRule"),
    ] {
        assert_eq!(field_error(preview(query).await).await.0, field, "{query}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tasks_name_real_clients_and_campaigns_and_lose_the_link_when_they_go() {
    let (app, admin) = TestApp::with_admin().await;
    assert_eq!(
        field_error(app.post("/api/tasks", Some(&admin), &json!({"title": "x", "clientId": Uuid::new_v4()})).await)
            .await,
        ("clientId".to_owned(), "not_found".to_owned())
    );
    assert_eq!(
        field_error(app.post("/api/tasks", Some(&admin), &json!({"title": "x", "campaignId": Uuid::new_v4()})).await)
            .await,
        ("campaignId".to_owned(), "not_found".to_owned())
    );

    let client: Value = app.post("/api/clients", Some(&admin), &json!({"name": "ACME"})).await.json().await.unwrap();
    let campaign: Value = app
        .post("/api/campaigns", Some(&admin), &json!({"clientId": client["id"], "name": "Launch", "type": "social"}))
        .await
        .json()
        .await
        .unwrap();
    let task =
        create(&app, &admin, json!({"title": "Linked", "clientId": client["id"], "campaignId": campaign["id"]})).await;
    let path = format!("/api/tasks/{}", id_of(&task));
    assert_eq!(
        field_error(app.patch(&path, Some(&admin), &json!({"campaignId": Uuid::new_v4()})).await).await.0,
        "campaignId"
    );

    let deleted = app.delete(&format!("/api/campaigns/{}", campaign["id"].as_str().unwrap()), Some(&admin)).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let after: Value = app.get(&path, Some(&admin)).await.json().await.unwrap();
    assert_eq!(after["campaignId"], Value::Null, "deleting the campaign unlinks the task");
    assert_eq!(after["clientId"], client["id"]);
}
