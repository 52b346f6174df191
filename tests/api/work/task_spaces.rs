//! Task spaces: the tree, cycle rejection, deletion of empty spaces only, a space's tasks.

use api_tests::{created, field_error, ProblemExt, TestApp};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{json, Value};
use storage::schema::activity_logs;
use uuid::Uuid;

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    created(app, token, "/api/task-spaces", body).await
}

fn path_of(space: &Value) -> String {
    format!("/api/task-spaces/{}", space["id"].as_str().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn spaces_form_a_tree_that_refuses_cycles() {
    let (app, admin) = TestApp::with_admin().await;
    let root = create(&app, &admin, json!({"name": "Clients", "order": 1})).await;
    assert_eq!(root["icon"], "📁");
    assert_eq!(root["color"], "#3B82F6");
    assert_eq!(root["parentSpaceId"], Value::Null);
    let child = create(&app, &admin, json!({"name": "ACME", "parentSpaceId": root["id"], "color": "#ff0000"})).await;
    let grandchild = create(&app, &admin, json!({"name": "Launch", "parentSpaceId": child["id"]})).await;
    let other = create(&app, &admin, json!({"name": "Internal", "order": 0})).await;

    let list: Vec<Value> = app.get("/api/task-spaces", Some(&admin)).await.json().await.unwrap();
    let names: Vec<&str> = list.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["ACME", "Internal", "Launch", "Clients"], "by order, then name");
    assert_eq!(list[0]["parentSpaceId"], root["id"]);

    // Under itself or a descendant: refused.
    for target in [&root, &child, &grandchild] {
        let response = app.patch(&path_of(&root), Some(&admin), &json!({"parentSpaceId": target["id"]})).await;
        assert_eq!(field_error(response).await, ("parentSpaceId".to_owned(), "cycle".to_owned()));
    }
    let unknown = app.patch(&path_of(&root), Some(&admin), &json!({"parentSpaceId": Uuid::new_v4()})).await;
    assert_eq!(field_error(unknown).await.0, "parentSpaceId");
    let unknown =
        app.post("/api/task-spaces", Some(&admin), &json!({"name": "x", "parentSpaceId": Uuid::new_v4()})).await;
    assert_eq!(field_error(unknown).await.0, "parentSpaceId");

    // Moving a subtree elsewhere, and back to the top.
    let moved =
        app.patch(&path_of(&child), Some(&admin), &json!({"parentSpaceId": other["id"], "name": "ACME Inc"})).await;
    assert_eq!(moved.status(), StatusCode::OK);
    let moved: Value = moved.json().await.unwrap();
    assert_eq!((moved["parentSpaceId"].clone(), moved["name"].clone()), (other["id"].clone(), json!("ACME Inc")));
    let top: Value =
        app.patch(&path_of(&child), Some(&admin), &json!({"parentSpaceId": null})).await.json().await.unwrap();
    assert_eq!(top["parentSpaceId"], Value::Null);

    assert_eq!(
        field_error(app.post("/api/task-spaces", Some(&admin), &json!({"name": "x", "color": "blue"})).await).await.0,
        "color"
    );
    assert_eq!(field_error(app.post("/api/task-spaces", Some(&admin), &json!({"name": " "})).await).await.0, "name");
    let missing = format!("/api/task-spaces/{}", Uuid::new_v4());
    assert_eq!(app.patch(&missing, Some(&admin), &json!({"name": "y"})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("{missing}/tasks"), Some(&admin)).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_empty_spaces_can_be_deleted_and_a_space_lists_its_tasks() {
    let (app, admin) = TestApp::with_admin().await;
    let space = create(&app, &admin, json!({"name": "Ops"})).await;
    let child = create(&app, &admin, json!({"name": "Sub", "parentSpaceId": space["id"]})).await;
    let task: Value = app
        .post("/api/tasks", Some(&admin), &json!({"title": "Filed", "spaceId": space["id"]}))
        .await
        .json()
        .await
        .unwrap();
    app.post("/api/tasks", Some(&admin), &json!({"title": "Elsewhere"})).await;

    let listed = app.get(&format!("{}/tasks", path_of(&space)), Some(&admin)).await;
    assert_eq!(listed.status(), StatusCode::OK);
    assert_eq!(listed.headers()["x-total-count"], "1");
    let tasks: Vec<Value> = listed.json().await.unwrap();
    assert_eq!(tasks[0]["title"], "Filed");

    app.delete(&path_of(&space), Some(&admin)).await.expect_problem(409, "CONFLICT").await;

    assert_eq!(
        app.delete(&format!("/api/tasks/{}", task["id"].as_str().unwrap()), Some(&admin)).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete(&path_of(&space), Some(&admin)).await.status(),
        StatusCode::CONFLICT,
        "the child space remains"
    );
    assert_eq!(app.delete(&path_of(&child), Some(&admin)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.delete(&path_of(&space), Some(&admin)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.delete(&path_of(&space), Some(&admin)).await.status(), StatusCode::NOT_FOUND);

    let mut conn = app.db().await;
    let audits: Vec<String> = activity_logs::table
        .filter(activity_logs::entity_id.eq(space["id"].as_str().unwrap()))
        .order(activity_logs::created_at.asc())
        .select(activity_logs::activity_type)
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(audits, ["task_space.create", "task_space.delete"]);
}
