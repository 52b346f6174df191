//! The webhook endpoints' admin API: the secret is shown at creation and rotation only,
//! URLs on non-public addresses are refused unless `WEBHOOK_ALLOWED_HOSTS` names them,
//! event types are checked, and every change is audited. Deliveries are in
//! `webhook_delivery.rs`.

use api_tests::{audit_rows, created, field_error, ProblemExt, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// An app whose webhooks may reach receivers on 127.0.0.1, as every delivery test's do.
pub async fn app_with_receivers() -> (TestApp, String) {
    let app = TestApp::spawn_with(&[("WEBHOOK_ALLOWED_HOSTS", "127.0.0.1"), ("WEBHOOK_TIMEOUT_SECS", "1")]).await;
    let admin = app.admin_token().await;
    (app, admin)
}

/// Registers an endpoint and returns (id, secret).
pub async fn endpoint(app: &TestApp, admin: &str, url: &str, event_types: &[&str]) -> (String, String) {
    let created = created(app, admin, "/api/webhooks", json!({"url": url, "eventTypes": event_types})).await;
    (created["id"].as_str().unwrap().to_owned(), created["secret"].as_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_secret_is_shown_when_created_and_rotated_only() {
    let (app, admin) = app_with_receivers().await;
    let response = app
        .post(
            "/api/webhooks",
            Some(&admin),
            &json!({"url": "http://127.0.0.1:9/hooks", "description": " CRM sync ", "eventTypes": ["lead.*", "lead.*", "task.created"]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 40, "{created}");
    assert_eq!(created["eventTypes"], json!(["lead.*", "task.created"]), "each type once");
    assert_eq!((created["active"].as_bool(), created["description"].as_str()), (Some(true), Some("CRM sync")));
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/webhooks/{id}"));

    let shown: Value = app.get(&location, Some(&admin)).await.json().await.unwrap();
    let listed: Vec<Value> = app.get("/api/webhooks", Some(&admin)).await.json().await.unwrap();
    for record in [&shown, &listed[0]] {
        assert!(record.get("secret").is_none(), "{record}");
        assert!(!record.to_string().contains(&secret), "{record}");
    }
    let activity: Vec<Value> = app.get("/api/activity-logs", Some(&admin)).await.json().await.unwrap();
    assert!(!serde_json::to_string(&activity).unwrap().contains(&secret), "never in the activity log");

    let rotated = app.post(&format!("{location}/rotate-secret"), Some(&admin), &json!({})).await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let rotated: Value = rotated.json().await.unwrap();
    let new_secret = rotated["secret"].as_str().unwrap();
    assert!(new_secret.starts_with("whsec_") && new_secret != secret);
    assert_eq!(audit_rows(&app, "webhook_endpoint.create", &id).await, 1);
    assert_eq!(audit_rows(&app, "webhook_endpoint.rotate_secret", &id).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn loopback_private_and_non_http_targets_are_refused_without_the_allow_list() {
    let (app, admin) = TestApp::with_admin().await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data",
    ] {
        let response = app.post("/api/webhooks", Some(&admin), &json!({"url": url, "eventTypes": ["*"]})).await;
        let problem = response.expect_problem(400, "WEBHOOK_URL_NOT_ALLOWED").await;
        assert_eq!(problem["errors"][0]["field"], "url", "{problem}");
        assert!(problem["detail"].as_str().unwrap().contains("WEBHOOK_ALLOWED_HOSTS"), "{problem}");
    }
    let response =
        app.post("/api/webhooks", Some(&admin), &json!({"url": "ftp://example.com/", "eventTypes": ["*"]})).await;
    assert_eq!(field_error(response).await, ("url".to_owned(), "url".to_owned()));

    let public = app
        .post("/api/webhooks", Some(&admin), &json!({"url": "http://93.184.216.34/hook", "eventTypes": ["*"]}))
        .await;
    assert_eq!(public.status(), StatusCode::CREATED, "a public address needs no entry");
    let id = public.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let moved = app.patch(&format!("/api/webhooks/{id}"), Some(&admin), &json!({"url": "http://192.168.0.10/"})).await;
    moved.expect_problem(400, "WEBHOOK_URL_NOT_ALLOWED").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn event_types_are_known_types_families_or_everything() {
    let (app, admin) = app_with_receivers().await;
    let post = |body: Value| {
        let request = app.request(reqwest::Method::POST, "/api/webhooks", Some(&admin)).json(&body);
        async move { request.send().await.unwrap() }
    };
    let url = "http://127.0.0.1:9/";
    assert_eq!(
        field_error(post(json!({"url": url, "eventTypes": []})).await).await,
        ("eventTypes".into(), "length".into())
    );
    assert_eq!(
        field_error(post(json!({"url": url, "eventTypes": ["lead.updated", "lead.updatd"]})).await).await,
        ("eventTypes".into(), "event_type".into())
    );
    assert_eq!(
        field_error(post(json!({"url": url, "eventTypes": ["invoice.*"]})).await).await,
        ("eventTypes".into(), "event_type".into())
    );
    post(json!({"url": url})).await.expect_problem(400, "VALIDATION_ERROR").await;
    post(json!({"url": url, "eventTypes": ["*"], "secret": "mine"}))
        .await
        .expect_problem(400, "VALIDATION_ERROR")
        .await;
    for types in [json!(["*"]), json!(["lead.*", "client.archive"]), json!(["user.role_change"])] {
        assert_eq!(post(json!({"url": url, "eventTypes": types})).await.status(), StatusCode::CREATED, "{types}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn endpoints_are_changed_turned_off_and_deleted_with_an_audit_row_each() {
    let (app, admin) = app_with_receivers().await;
    let (id, _) = endpoint(&app, &admin, "http://127.0.0.1:9/", &["lead.*"]).await;
    let path = format!("/api/webhooks/{id}");
    let changed = app
        .patch(&path, Some(&admin), &json!({"active": false, "eventTypes": ["*"], "description": "all of it"}))
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!((changed["active"].as_bool(), changed["eventTypes"].clone()), (Some(false), json!(["*"])), "{changed}");
    let cleared: Value = app.patch(&path, Some(&admin), &json!({"description": null})).await.json().await.unwrap();
    assert!(cleared["description"].is_null(), "{cleared}");
    assert_eq!(audit_rows(&app, "webhook_endpoint.update", &id).await, 2);

    app.post(&format!("{path}/test"), Some(&admin), &json!({})).await.expect_problem(409, "CONFLICT").await;
    let unknown = format!("/api/webhooks/{}", uuid::Uuid::new_v4());
    app.get(&unknown, Some(&admin)).await.expect_problem(404, "NOT_FOUND").await;
    app.get(&format!("{unknown}/deliveries"), Some(&admin)).await.expect_problem(404, "NOT_FOUND").await;
    app.post(&format!("{path}/deliveries/1/redeliver"), Some(&admin), &json!({}))
        .await
        .expect_problem(404, "NOT_FOUND")
        .await;

    assert_eq!(app.delete(&path, Some(&admin)).await.status(), StatusCode::NO_CONTENT);
    app.get(&path, Some(&admin)).await.expect_problem(404, "NOT_FOUND").await;
    assert_eq!(audit_rows(&app, "webhook_endpoint.delete", &id).await, 1);
}
