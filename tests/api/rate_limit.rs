//! Rate limits: a strict one on credential routes per client address, a general one on
//! the API per signed-in user or verified API key (else per address); 429 problems carry
//! `Retry-After`.

use api_tests::{problem, token_of, TestApp, ADMIN_PASSWORD};
use reqwest::{Response, StatusCode};
use serde_json::json;

/// Checks a 429 answer and returns its `Retry-After` seconds.
async fn assert_rate_limited(response: Response) -> u64 {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after = response
        .headers()
        .get("retry-after")
        .expect("a Retry-After header")
        .to_str()
        .unwrap()
        .parse::<u64>()
        .expect("Retry-After is whole seconds");
    assert!(retry_after >= 1, "{retry_after}");
    let body = problem(response).await;
    assert_eq!(body["code"], "RATE_LIMIT_ERROR");
    assert_eq!(body["status"], 429);
    retry_after
}

async fn login(app: &TestApp, password: &str) -> Response {
    app.post("/api/login", None, &json!({ "username": "admin", "password": password })).await
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_attempts_are_limited_per_client() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_AUTH_REQUESTS", "3")]).await;
    let response = login(&app, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let admin = token_of(&response.json().await.unwrap());
    for _ in 0..2 {
        assert_eq!(login(&app, "wrong-password").await.status(), StatusCode::UNAUTHORIZED);
    }

    let retry_after = assert_rate_limited(login(&app, ADMIN_PASSWORD).await).await;
    // Three attempts per five minutes: one comes back every 100 seconds.
    assert!((90..=100).contains(&retry_after), "{retry_after}");
    // The other credential routes share the allowance.
    assert_rate_limited(app.post("/api/auth/forgot-password", None, &json!({ "email": "a@example.com" })).await).await;
    let signup = json!({ "username": "late", "email": "late@example.com", "password": "a-long-enough-password" });
    assert_rate_limited(app.post("/api/register", None, &signup).await).await;

    // The rest of the API is not affected.
    assert_eq!(app.get("/api/users", Some(&admin)).await.status(), StatusCode::OK);
    assert_eq!(app.get("/api/user", None).await.status(), StatusCode::OK);
    assert_eq!(app.get("/health/live", None).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn api_requests_are_limited_per_user() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_API_REQUESTS", "5")]).await;
    let admin = app.admin_token().await;
    // Creating the other account is the admin's first request.
    let (_, other) = app.user_with_role(&admin, "other", "staff").await;

    for n in 2..=5 {
        assert_eq!(app.get("/api/users", Some(&admin)).await.status(), StatusCode::OK, "request {n}");
    }
    let retry_after = assert_rate_limited(app.get("/api/users", Some(&admin)).await).await;
    // Five requests per fifteen minutes: one comes back every 180 seconds.
    assert!((170..=180).contains(&retry_after), "{retry_after}");
    // Still limited, whatever the route.
    assert_rate_limited(app.get("/api/user", Some(&admin)).await).await;
    // A fresh sign-in of the same account does not reset the allowance.
    let again = app.admin_token().await;
    assert_rate_limited(app.get("/api/users", Some(&again)).await).await;

    let me = app.get("/api/user", Some(&other)).await;
    assert_eq!(me.status(), StatusCode::OK, "another user has their own allowance");
    assert_eq!(me.json::<serde_json::Value>().await.unwrap()["username"], "other");
    assert_eq!(app.get("/api/user", None).await.status(), StatusCode::OK, "so do anonymous callers");

    for _ in 0..20 {
        assert_eq!(app.get("/health/live", None).await.status(), StatusCode::OK, "health checks are never limited");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn made_up_tokens_share_the_anonymous_allowance() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_API_REQUESTS", "5")]).await;
    for n in 1..=5 {
        let response = app.get("/api/user", Some(&format!("made-up-token-{n}"))).await;
        assert_eq!(response.status(), StatusCode::OK, "request {n}");
    }
    assert_rate_limited(app.get("/api/user", Some("made-up-token-6")).await).await;
    assert_rate_limited(app.get("/api/user", None).await).await;

    // A genuine sign-in still gets its own allowance.
    let response = app.post("/api/login", None, &json!({ "username": "admin", "password": ADMIN_PASSWORD })).await;
    assert_eq!(response.status(), StatusCode::OK);
    let admin = token_of(&response.json().await.unwrap());
    assert_eq!(app.get("/api/users", Some(&admin)).await.status(), StatusCode::OK);
}

/// A well-formed key that no one was given, or a real key's prefix with a wrong secret.
fn forged_key(prefix: &str, n: usize) -> String {
    format!("mos_{prefix}_not-the-secret-{n}")
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_keys_cannot_spend_a_real_keys_allowance() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_API_REQUESTS", "5")]).await;
    let admin = app.admin_token().await;
    let response = app.post("/api/api-keys", Some(&admin), &json!({ "name": "victim" })).await;
    let created: serde_json::Value = response.json().await.unwrap();
    let (key, prefix) = (created["key"].as_str().unwrap(), created["keyPrefix"].as_str().unwrap());
    let with_key = |key: String| app.request(reqwest::Method::GET, "/api/users", None).header("x-api-key", key).send();

    // Wrong secrets naming the real key's prefix count against the sender's address.
    for n in 1..=5 {
        let response = with_key(forged_key(prefix, n)).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "request {n}");
    }
    assert_rate_limited(with_key(forged_key(prefix, 6)).await.unwrap()).await;
    assert_rate_limited(app.get("/api/user", None).await).await;
    // The holder of the real key still has the whole allowance.
    for n in 1..=5 {
        assert_eq!(with_key(key.to_owned()).await.unwrap().status(), StatusCode::OK, "request {n}");
    }
    assert_rate_limited(with_key(key.to_owned()).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn made_up_keys_share_the_address_allowance() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_API_REQUESTS", "5")]).await;
    // Each guess names a different prefix; none escapes the per-address limit.
    for n in 1..=5 {
        let prefix = format!("guess{n:07}");
        let response = app
            .request(reqwest::Method::GET, "/api/calendar/feed/guessed-token", None)
            .header("x-api-key", forged_key(&prefix, n))
            .send()
            .await
            .unwrap();
        assert_ne!(response.status(), StatusCode::TOO_MANY_REQUESTS, "request {n}");
    }
    let response = app
        .request(reqwest::Method::GET, "/api/calendar/feed/guessed-token", None)
        .header("x-api-key", forged_key("guess0000006", 6))
        .send()
        .await
        .unwrap();
    assert_rate_limited(response).await;
}
