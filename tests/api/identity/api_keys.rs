//! API keys: shown once, listed without secrets, scoped, expiring, revocable at once,
//! acting with their owner's permissions.

use api_tests::{problem, ProblemExt, TestApp};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;
use storage::schema::activity_logs;

/// (activity_type, user_id, entity_id, request_id, after) of an audit row.
type AuditRow = (String, Option<i32>, Option<String>, Option<String>, Option<Value>);

async fn create_key(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = app.post("/api/api-keys", Some(token), body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "creating {body}");
    response.json().await.unwrap()
}

fn key_of(created: &Value) -> String {
    created["key"].as_str().expect("key").to_owned()
}

async fn with_key(app: &TestApp, method: Method, path: &str, key: &str) -> Response {
    app.request(method, path, None).header("x-api-key", key).send().await.expect("request")
}

async fn list_keys(app: &TestApp, token: &str) -> Vec<Value> {
    let response = app.get("/api/api-keys", Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_created_key_is_shown_once_and_authenticates() {
    let (app, admin) = TestApp::with_admin().await;
    let me: Value = app.get("/api/user", Some(&admin)).await.json().await.unwrap();

    let created = create_key(&app, &admin, &json!({ "name": "ci" })).await;
    let key = key_of(&created);
    assert!(key.starts_with("mos_"), "{key}");
    assert_eq!(created["name"], "ci");
    assert_eq!(created["scopes"], json!(["api:full"]), "full access by default");
    assert_eq!(created["userId"], me["id"], "owned by its creator");
    assert_eq!(created["lastUsedAt"], Value::Null);
    assert_eq!(created["revokedAt"], Value::Null);
    assert_eq!(created["expiresAt"], Value::Null);
    let prefix = created["keyPrefix"].as_str().unwrap();
    assert!(key.starts_with(&format!("mos_{prefix}_")), "the prefix identifies the key");

    let listed = list_keys(&app, &admin).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], created["id"]);
    assert_eq!(listed[0]["keyPrefix"], prefix);
    assert!(listed[0].get("key").is_none(), "the secret is never shown again: {}", listed[0]);
    assert!(!listed[0].to_string().contains(&key[prefix.len() + 5..]), "no part of the secret is listed");

    let response = with_key(&app, Method::GET, "/api/users", &key).await;
    assert_eq!(response.status(), StatusCode::OK);
    let users: Vec<Value> = response.json().await.unwrap();
    assert!(users.iter().any(|u| u["username"] == "admin"));
    let me_by_key: Value = with_key(&app, Method::GET, "/api/user", &key).await.json().await.unwrap();
    assert_eq!(me_by_key["id"], me["id"], "the key acts as its owner");

    let listed = list_keys(&app, &admin).await;
    assert!(listed[0]["lastUsedAt"].is_string(), "use is recorded: {}", listed[0]);
}

#[tokio::test(flavor = "multi_thread")]
async fn tampered_and_malformed_keys_are_refused() {
    let (app, admin) = TestApp::with_admin().await;
    let key = key_of(&create_key(&app, &admin, &json!({ "name": "ci" })).await);

    let last = key.chars().last().unwrap();
    let tampered = format!("{}{}", &key[..key.len() - 1], if last == 'A' { 'B' } else { 'A' });
    let mut truncated = key.clone();
    truncated.truncate(key.len() - 4);
    for bad in [tampered.as_str(), truncated.as_str(), "mos_", "not-a-key", "mos_abcdefghijkl_secret"] {
        let response = with_key(&app, Method::GET, "/api/users", bad).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{bad}");
        assert_eq!(problem(response).await["code"], "AUTHENTICATION_ERROR", "{bad}");
    }
    // The genuine key still works after the failed attempts.
    assert_eq!(with_key(&app, Method::GET, "/api/users", &key).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn revocation_takes_effect_immediately() {
    let (app, admin) = TestApp::with_admin().await;
    let created = create_key(&app, &admin, &json!({ "name": "ci" })).await;
    let key = key_of(&created);
    let id = created["id"].as_str().unwrap();
    // Used twice, so the server has the key cached when it is revoked.
    for _ in 0..2 {
        assert_eq!(with_key(&app, Method::GET, "/api/users", &key).await.status(), StatusCode::OK);
    }

    let response = app.delete(&format!("/api/api-keys/{id}"), Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    with_key(&app, Method::GET, "/api/users", &key).await.expect_problem(401, "AUTHENTICATION_ERROR").await;

    let listed = list_keys(&app, &admin).await;
    assert!(listed[0]["revokedAt"].is_string(), "{}", listed[0]);
    let revoked_at = listed[0]["revokedAt"].clone();

    let again = app.delete(&format!("/api/api-keys/{id}"), Some(&admin)).await;
    assert_eq!(again.status(), StatusCode::NO_CONTENT, "revoking twice is a no-op");
    assert_eq!(list_keys(&app, &admin).await[0]["revokedAt"], revoked_at, "the first revocation time stays");
    assert_eq!(with_key(&app, Method::GET, "/api/users", &key).await.status(), StatusCode::UNAUTHORIZED);

    app.delete("/api/api-keys/6f9619ff-8b86-d011-b42d-00cf4fc964ff", Some(&admin))
        .await
        .expect_problem(404, "NOT_FOUND")
        .await;
    app.delete("/api/api-keys/not-a-uuid", Some(&admin)).await.expect_problem(400, "VALIDATION_ERROR").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn read_scoped_keys_cannot_write() {
    let (app, admin) = TestApp::with_admin().await;
    let created = create_key(&app, &admin, &json!({ "name": "dashboards", "scopes": ["api:read"] })).await;
    assert_eq!(created["scopes"], json!(["api:read"]));
    let key = key_of(&created);

    assert_eq!(with_key(&app, Method::GET, "/api/users", &key).await.status(), StatusCode::OK);
    let response = app
        .request(Method::POST, "/api/users", None)
        .header("x-api-key", &key)
        .json(&json!({ "username": "viakey", "password": "a-long-enough-password" }))
        .send()
        .await
        .unwrap();
    response.expect_problem(403, "FORBIDDEN").await;
    let id = created["id"].as_str().unwrap();
    let response = with_key(&app, Method::DELETE, &format!("/api/api-keys/{id}"), &key).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "a read key cannot revoke keys either");

    let users: Vec<Value> = app.get("/api/users", Some(&admin)).await.json().await.unwrap();
    assert!(users.iter().all(|u| u["username"] != "viakey"), "nothing was written");
    assert!(list_keys(&app, &admin).await[0]["revokedAt"].is_null());

    app.post("/api/api-keys", Some(&admin), &json!({ "name": "x", "scopes": ["api:admin"] }))
        .await
        .expect_problem(400, "VALIDATION_ERROR")
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_must_expire_in_the_future_and_stop_working_when_they_do() {
    let app = TestApp::spawn_with(&[("CACHE_TTL_SECS", "1")]).await;
    let admin = app.admin_token().await;

    let response =
        app.post("/api/api-keys", Some(&admin), &json!({ "name": "old", "expiresAt": "2020-01-01T00:00:00Z" })).await;
    let body = response.expect_problem(400, "VALIDATION_ERROR").await;
    assert_eq!(body["errors"][0]["field"], "expiresAt");
    assert!(list_keys(&app, &admin).await.is_empty());

    let created = create_key(&app, &admin, &json!({ "name": "ci", "expiresAt": "2999-01-01T00:00:00Z" })).await;
    assert_eq!(created["expiresAt"], "2999-01-01T00:00:00Z");
    let key = key_of(&created);
    for _ in 0..2 {
        assert_eq!(with_key(&app, Method::GET, "/api/users", &key).await.status(), StatusCode::OK);
    }

    let mut conn = app.db().await;
    diesel::sql_query("UPDATE api_keys SET expires_at = now() - interval '1 minute'").execute(&mut conn).await.unwrap();
    // Past the cache lifetime, the server sees the new expiry.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    with_key(&app, Method::GET, "/api/users", &key).await.expect_problem(401, "AUTHENTICATION_ERROR").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_act_with_their_owners_permissions() {
    let (app, admin) = TestApp::with_admin().await;

    // A staff member trusted with settings, but not with users.
    let response = app
        .post(
            "/api/users",
            Some(&admin),
            &json!({
                "username": "integrator",
                "password": "a-long-enough-password",
                "role": "staff",
                "customPermissions": { "canManageSettings": true }
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let integrator_id = response.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let integrator = api_tests::token_of(&app.login("integrator", "a-long-enough-password").await);

    let key = key_of(&create_key(&app, &integrator, &json!({ "name": "sync" })).await);
    assert_eq!(with_key(&app, Method::GET, "/api/api-keys", &key).await.status(), StatusCode::OK);
    let response = with_key(&app, Method::GET, "/api/users", &key).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "the key has no more rights than its owner");
    assert_eq!(problem(response).await["code"], "FORBIDDEN");

    let admin_key = key_of(&create_key(&app, &admin, &json!({ "name": "admin-ci" })).await);
    assert_eq!(with_key(&app, Method::GET, "/api/users", &admin_key).await.status(), StatusCode::OK);

    // When the owner is deactivated, their keys stop working.
    let response = app.delete(&format!("/api/users/{integrator_id}"), Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(with_key(&app, Method::GET, "/api/api-keys", &key).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread")]
async fn managing_keys_needs_the_settings_permission() {
    let (app, admin) = TestApp::with_admin().await;
    let (_, staff) = app.user_with_role(&admin, "plainstaff", "staff").await;
    let (_, manager) = app.user_with_role(&admin, "manny", "manager").await;

    for token in [&staff, &manager] {
        app.post("/api/api-keys", Some(token), &json!({ "name": "mine" })).await.expect_problem(403, "FORBIDDEN").await;
        assert_eq!(app.get("/api/api-keys", Some(token)).await.status(), StatusCode::FORBIDDEN);
    }
    let anonymous = app.post("/api/api-keys", None, &json!({ "name": "mine" })).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(list_keys(&app, &admin).await.is_empty());

    for body in [json!({ "name": "   " }), json!({}), json!({ "name": "ci", "key": "mos_chosen" })] {
        let response = app.post("/api/api-keys", Some(&admin), &body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(problem(response).await["code"], "VALIDATION_ERROR", "{body}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn creating_and_revoking_keys_is_audited_without_the_secret() {
    let (app, admin) = TestApp::with_admin().await;
    let created = create_key(&app, &admin, &json!({ "name": "ci" })).await;
    let key = key_of(&created);
    let id = created["id"].as_str().unwrap().to_owned();
    let response = app.delete(&format!("/api/api-keys/{id}"), Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let revoke_request = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    // A second revocation changes nothing and records nothing.
    app.delete(&format!("/api/api-keys/{id}"), Some(&admin)).await;

    let mut conn = app.db().await;
    let rows: Vec<AuditRow> = activity_logs::table
        .filter(activity_logs::entity_type.eq("api_key"))
        .order(activity_logs::created_at)
        .select((
            activity_logs::activity_type,
            activity_logs::user_id,
            activity_logs::entity_id,
            activity_logs::request_id,
            activity_logs::after,
        ))
        .load(&mut conn)
        .await
        .unwrap();
    let types: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(types, ["api_key.create", "api_key.revoke"]);
    let admin_id = created["userId"].as_i64().map(|id| id as i32);
    for (activity_type, user_id, entity_id, _, after) in &rows {
        assert_eq!(*user_id, admin_id, "{activity_type}");
        assert_eq!(entity_id.as_deref(), Some(id.as_str()), "{activity_type}");
        let after = after.as_ref().expect("a snapshot").to_string();
        assert!(!after.contains(&key), "{activity_type} must not store the key: {after}");
    }
    assert_eq!(rows[1].3.as_deref(), Some(revoke_request.as_str()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_cannot_mint_keys_that_would_outlive_it() {
    let (app, admin) = TestApp::with_admin().await;
    let created = create_key(&app, &admin, &json!({ "name": "ci" })).await;
    let key = key_of(&created);

    let response = app
        .request(Method::POST, "/api/api-keys", None)
        .header("x-api-key", &key)
        .json(&json!({ "name": "child" }))
        .send()
        .await
        .unwrap();
    response.expect_problem(403, "API_KEY_NOT_ALLOWED").await;
    assert_eq!(list_keys(&app, &admin).await.len(), 1, "no key was created");
    // Reading and revoking keys stay open to a key (revoking only takes access away).
    assert_eq!(with_key(&app, Method::GET, "/api/api-keys", &key).await.status(), StatusCode::OK);
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        with_key(&app, Method::DELETE, &format!("/api/api-keys/{id}"), &key).await.status(),
        StatusCode::NO_CONTENT
    );
}
