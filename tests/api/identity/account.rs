//! The signed-in user's credentials: an email change needs the current password and the
//! new address's confirmation, the old address hears of it, and neither the email nor the
//! password can be changed with an API key. Also: password recovery answers before it
//! looks the address up.

use crate::mail::{link_token, outbox, wait_for_count, wait_for_email};
use api_tests::{problem, ProblemExt, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use storage::schema::activity_logs;

async fn with_key(app: &TestApp, method: Method, path: &str, key: &str, body: &Value) -> Response {
    app.request(method, path, None).header("x-api-key", key).json(body).send().await.expect("request")
}

async fn admin_key(app: &TestApp, admin: &str) -> String {
    let response = app.post("/api/api-keys", Some(admin), &json!({ "name": "integration" })).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["key"].as_str().unwrap().to_owned()
}

async fn my_email(app: &TestApp, token: &str) -> Value {
    app.get("/api/user", Some(token)).await.json::<Value>().await.unwrap()["email"].clone()
}

async fn confirm(app: &TestApp, token: &str) -> Response {
    app.post("/api/user/email/confirm", None, &json!({ "token": token })).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stolen_token_or_key_cannot_take_the_account_over_by_its_email() {
    let (app, admin) = TestApp::with_admin().await;
    let key = admin_key(&app, &admin).await;
    let attacker = json!({ "email": "attacker@evil.test" });

    // The review's path: change the email with only a token, then reset the password.
    let response = app.patch("/api/user/profile", Some(&admin), &attacker).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = problem(response).await;
    assert_eq!(
        (body["code"].as_str(), body["errors"][0]["field"].as_str()),
        (Some("VALIDATION_ERROR"), Some("currentPassword"))
    );
    assert_eq!(body["errors"][0]["code"], "required");
    let wrong = json!({ "email": "attacker@evil.test", "currentPassword": "a-guess-at-it" });
    let response = app.patch("/api/user/profile", Some(&admin), &wrong).await;
    assert_eq!(problem(response).await["errors"][0]["code"], "mismatch");
    for body in [&attacker, &json!({ "email": "attacker@evil.test", "currentPassword": ADMIN_PASSWORD })] {
        let response = with_key(&app, Method::PATCH, "/api/user/profile", &key, body).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{body}");
        assert_eq!(problem(response).await["code"], "API_KEY_NOT_ALLOWED");
    }
    let response = with_key(
        &app,
        Method::POST,
        "/api/user/password",
        &key,
        &json!({ "currentPassword": ADMIN_PASSWORD, "newPassword": "an-attackers-password" }),
    )
    .await;
    response.expect_problem(403, "API_KEY_NOT_ALLOWED").await;

    assert_eq!(my_email(&app, &admin).await, ADMIN_EMAIL, "the email is unchanged");
    app.post("/api/auth/forgot-password", None, &json!({ "email": "attacker@evil.test" })).await;
    app.post("/api/auth/forgot-password", None, &json!({ "email": ADMIN_EMAIL })).await;
    // The second request's email arriving shows the first one had its chance.
    let emails = wait_for_count(&app, 1).await;
    assert!(emails.iter().all(|(to, _, _)| to == ADMIN_EMAIL), "nothing for the attacker: {emails:?}");
    app.login("admin", ADMIN_PASSWORD).await;

    // Name changes still work with a key, as before.
    let response = with_key(&app, Method::PATCH, "/api/user/profile", &key, &json!({ "firstName": "Ada" })).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["firstName"], "Ada");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_email_takes_effect_once_the_new_address_confirms_it() {
    let (app, admin) = TestApp::with_admin().await;
    let (id, token) = app.user_with_role(&admin, "mover", "staff").await;
    let old = "mover@example.com";
    let stale_reset = {
        app.post("/api/auth/forgot-password", None, &json!({ "email": old })).await;
        link_token(&wait_for_email(&app, old, "password_reset").await, "/reset-password")
    };

    let change = json!({ "email": "Mover@New.example", "currentPassword": PASSWORD, "lastName": "Moved" });
    let response = app.patch("/api/user/profile", Some(&token), &change).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED, "accepted, not yet applied");
    let user: Value = response.json().await.unwrap();
    assert_eq!(
        (user["email"].as_str(), user["lastName"].as_str()),
        (Some(old), Some("Moved")),
        "other fields apply at once"
    );
    assert_eq!(my_email(&app, &token).await, old);
    assert_eq!(
        app.post("/api/login", None, &json!({ "username": "Mover@New.example", "password": PASSWORD })).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let notice = wait_for_email(&app, old, "email_change_notice").await;
    assert!(notice.contains("Mover@New.example"), "the old address is told where to: {notice}");
    let link = link_token(&wait_for_email(&app, "Mover@New.example", "email_change_confirm").await, "/confirm-email");

    let response = confirm(&app, &link).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(my_email(&app, &token).await, "Mover@New.example", "the cached account is not stale");
    app.login("mover@new.example", PASSWORD).await;
    confirm(&app, &link).await.expect_problem(400, "INVALID_TOKEN").await;
    // A reset link mailed to the old address no longer works.
    let response = app
        .post("/api/auth/reset-password", None, &json!({ "token": stale_reset, "password": "a-brand-new-password" }))
        .await;
    assert_eq!(problem(response).await["code"], "INVALID_TOKEN");

    let mut conn = app.db().await;
    let rows: Vec<(Option<i32>, String)> = activity_logs::table
        .filter(activity_logs::activity_type.eq_any(["user.email_change_requested", "user.email_change"]))
        .order(activity_logs::created_at)
        .select((activity_logs::user_id, activity_logs::activity_type))
        .load(&mut conn)
        .await
        .unwrap();
    let id = Some(id as i32);
    assert_eq!(rows, [(id, "user.email_change_requested".to_owned()), (id, "user.email_change".to_owned())]);

    // The same address in another case is the same mailbox: no password, no link.
    let response = app.patch("/api/user/profile", Some(&token), &json!({ "email": "mover@new.example" })).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["email"], "mover@new.example");
    // Removing the address would remove the way back into the account.
    let response = app.patch("/api/user/profile", Some(&token), &json!({ "email": null })).await;
    assert_eq!(problem(response).await["errors"][0]["field"], "email");
}

async fn ask(app: &TestApp, token: &str, email: &str) -> Response {
    app.patch("/api/user/profile", Some(token), &json!({ "email": email, "currentPassword": PASSWORD })).await
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_latest_link_works_and_a_taken_address_is_refused() {
    let (app, admin) = TestApp::with_admin().await;
    let (_, token) = app.user_with_role(&admin, "switcher", "staff").await;
    assert_eq!(ask(&app, &token, "first@example.com").await.status(), StatusCode::ACCEPTED);
    let first = link_token(&wait_for_email(&app, "first@example.com", "email_change_confirm").await, "/confirm-email");
    assert_eq!(ask(&app, &token, "second@example.com").await.status(), StatusCode::ACCEPTED);
    let second =
        link_token(&wait_for_email(&app, "second@example.com", "email_change_confirm").await, "/confirm-email");
    assert_eq!(problem(confirm(&app, &first).await).await["code"], "INVALID_TOKEN");

    // The address is taken before the link is followed.
    let response = app
        .post(
            "/api/users",
            Some(&admin),
            &json!({ "username": "squatter", "password": PASSWORD, "email": "Second@example.com" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let response = confirm(&app, &second).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(problem(response).await["errors"][0]["field"], "email");
    assert_eq!(my_email(&app, &token).await, "switcher@example.com");
}

#[tokio::test(flavor = "multi_thread")]
async fn forgot_password_answers_before_looking_the_address_up() {
    let app = TestApp::spawn().await;
    let mut blocker = app.db().await;
    let answers = blocker
        .transaction::<_, diesel::result::Error, _>(async |conn| {
            // While the users table is held, any lookup would wait for it.
            diesel::sql_query("LOCK TABLE users IN ACCESS EXCLUSIVE MODE").execute(conn).await?;
            let mut answers = Vec::new();
            for email in ["nobody@example.com", ADMIN_EMAIL] {
                let body = json!({ "email": email });
                let request = app.post("/api/auth/forgot-password", None, &body);
                let response = tokio::time::timeout(std::time::Duration::from_secs(3), request)
                    .await
                    .expect("the answer does not wait for the account lookup");
                answers.push((response.status(), response.json::<Value>().await.unwrap()));
            }
            assert!(outbox(&app).await.is_empty());
            Ok(answers)
        })
        .await
        .unwrap();
    assert_eq!(answers[0].0, StatusCode::ACCEPTED);
    assert_eq!(answers[0], answers[1], "known and unknown addresses get the same answer");
    // The known address still gets its link once the table is free.
    let body = wait_for_email(&app, ADMIN_EMAIL, "password_reset").await;
    let token = link_token(&body, "/reset-password");
    let response = app
        .post("/api/auth/reset-password", None, &json!({ "token": token, "password": "a-brand-new-password" }))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    app.login("admin", "a-brand-new-password").await;
}
