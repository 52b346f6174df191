//! Public sign-up in two steps: `POST /api/register` answers the same whoever is taken and
//! emails the address; the emailed link (`POST /api/register/confirm`) creates the account.

use crate::mail::{link_token, outbox, wait_for_count, wait_for_email};
use api_tests::{problem, token_of, ProblemExt, TestApp, ADMIN_EMAIL, PASSWORD};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use storage::schema::activity_logs;

/// Signs up and returns the answer's status and body.
async fn register(app: &TestApp, body: &Value) -> (StatusCode, Value) {
    let response = app.post("/api/register", None, body).await;
    (response.status(), response.json().await.unwrap())
}

/// Signs up, follows the emailed link, and returns the confirmation's response.
async fn register_and_confirm(app: &TestApp, body: &Value) -> reqwest::Response {
    let (status, _) = register(app, body).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let email = body["email"].as_str().unwrap();
    let token = link_token(&wait_for_email(app, email, "signup_confirm").await, "/confirm-signup");
    app.post("/api/register/confirm", None, &json!({ "token": token })).await
}

async fn audit_count(app: &TestApp, activity_type: &str) -> i64 {
    let mut conn = app.db().await;
    activity_logs::table
        .filter(activity_logs::activity_type.eq(activity_type))
        .count()
        .get_result(&mut conn)
        .await
        .expect("reading activity_logs")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_emailed_link_creates_a_signed_in_prospective_client() {
    let app = TestApp::spawn().await;
    let body = json!({ "username": "newbie", "email": "Newbie@Example.com", "password": PASSWORD, "firstName": "New" });
    let (status, answer) = register(&app, &body).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(answer["message"].as_str().unwrap().contains("email"), "{answer}");
    let mail = wait_for_email(&app, "Newbie@Example.com", "signup_confirm").await;
    let token = link_token(&mail, "/confirm-signup");
    assert_eq!(
        app.post("/api/login", None, &json!({ "username": "newbie", "password": PASSWORD })).await.status(),
        StatusCode::UNAUTHORIZED,
        "no account before the link is followed"
    );

    let response = app
        .request(Method::POST, "/api/register/confirm", None)
        .header("x-request-id", "signup-trace-42")
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookies: Vec<String> =
        response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert!(cookies.iter().any(|c| c.starts_with("mos_access=")), "signed in: {cookies:?}");
    let session: Value = response.json().await.unwrap();
    let user = &session["user"];
    assert_eq!(user["username"], "newbie");
    assert_eq!(user["firstName"], "New");
    assert_eq!(user["role"], "prospective_client");
    assert_eq!(user["isActive"], true);
    assert!(user["permissions"].as_object().unwrap().values().all(|v| v == false), "{user}");
    let me: Value = app.get("/api/user", Some(&token_of(&session))).await.json().await.unwrap();
    assert_eq!(me["id"], user["id"]);
    let again = app.login("newbie@example.com", PASSWORD).await;
    assert_eq!(again["user"]["id"], user["id"]);
    assert_eq!(app.get("/api/users", Some(&token_of(&session))).await.status(), StatusCode::FORBIDDEN);

    // The account is audited with the confirming request's id.
    let mut conn = app.db().await;
    let rows: Vec<(Option<i32>, Option<String>)> = activity_logs::table
        .filter(activity_logs::activity_type.eq("user.register"))
        .select((activity_logs::user_id, activity_logs::request_id))
        .load(&mut conn)
        .await
        .unwrap();
    let id = user["id"].as_i64().unwrap() as i32;
    assert_eq!(rows, [(Some(id), Some("signup-trace-42".to_owned()))]);

    // The link works once.
    app.post("/api/register/confirm", None, &json!({ "token": token }))
        .await
        .expect_problem(400, "INVALID_TOKEN")
        .await;
    let made_up = app.post("/api/register/confirm", None, &json!({ "token": "made-up" })).await;
    assert_eq!(problem(made_up).await["code"], "INVALID_TOKEN");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_answer_does_not_reveal_taken_usernames_or_emails() {
    let app = TestApp::spawn().await;
    let first = json!({ "username": "taken", "email": "taken@example.com", "password": PASSWORD });
    assert_eq!(register_and_confirm(&app, &first).await.status(), StatusCode::CREATED);
    let (_, fresh) =
        register(&app, &json!({ "username": "fresh0", "email": "fresh0@example.com", "password": PASSWORD })).await;

    for body in [
        json!({ "username": "TAKEN", "email": "fresh1@example.com", "password": PASSWORD }),
        json!({ "username": "Admin", "email": "fresh2@example.com", "password": PASSWORD }),
        json!({ "username": "fresh3", "email": "Taken@Example.COM", "password": PASSWORD }),
        json!({ "username": "fresh4", "email": "ADMIN@example.com", "password": PASSWORD }),
    ] {
        assert_eq!(register(&app, &body).await, (StatusCode::ACCEPTED, fresh.clone()), "{body}");
    }
    // Each address hears what happened: a note to the owner, or that the username is taken
    // (and the admin, as a holder of canManageUsers, of the one account that was made, which
    // got its welcome).
    let emails = wait_for_count(&app, 8).await;
    let to =
        |address: &str| emails.iter().filter(|(a, _, _)| a == address).map(|(_, t, _)| t.as_str()).collect::<Vec<_>>();
    assert_eq!(to("fresh0@example.com"), ["signup_confirm"]);
    assert_eq!(to("fresh1@example.com"), ["signup_username_taken"]);
    assert_eq!(to("fresh2@example.com"), ["signup_username_taken"]);
    assert_eq!(to("taken@example.com"), ["signup_confirm", "welcome", "signup_existing_account"]);
    let mut to_admin = to(ADMIN_EMAIL);
    to_admin.sort();
    assert_eq!(to_admin, ["notification", "signup_existing_account"]);
    assert!(to("Taken@Example.COM").is_empty() && to("ADMIN@example.com").is_empty(), "{emails:?}");
    assert_eq!(audit_count(&app, "user.register").await, 1, "refused sign-ups leave no account");

    // Two sign-ups racing for one username: the second link finds it taken.
    let a = json!({ "username": "racer", "email": "racer-a@example.com", "password": PASSWORD });
    let b = json!({ "username": "racer", "email": "racer-b@example.com", "password": PASSWORD });
    register(&app, &a).await;
    register(&app, &b).await;
    let token_a = link_token(&wait_for_email(&app, "racer-a@example.com", "signup_confirm").await, "/confirm-signup");
    let token_b = link_token(&wait_for_email(&app, "racer-b@example.com", "signup_confirm").await, "/confirm-signup");
    let ok = app.post("/api/register/confirm", None, &json!({ "token": token_a })).await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let late = app.post("/api/register/confirm", None, &json!({ "token": token_b })).await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    assert_eq!(problem(late).await["errors"][0]["field"], "username");
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_answers_before_touching_any_account() {
    let app = TestApp::spawn().await;
    // While another transaction holds the users table, any lookup would wait for it.
    let mut blocker = app.db().await;
    blocker
        .transaction::<_, diesel::result::Error, _>(async |conn| {
            diesel::sql_query("LOCK TABLE users IN ACCESS EXCLUSIVE MODE").execute(conn).await?;
            for body in [
                json!({ "username": "blocked", "email": "blocked@example.com", "password": PASSWORD }),
                json!({ "username": "other", "email": ADMIN_EMAIL, "password": PASSWORD }),
            ] {
                let answer = tokio::time::timeout(std::time::Duration::from_secs(3), register(&app, &body)).await;
                let (status, _) = answer.expect("the answer does not wait for the account lookup");
                assert_eq!(status, StatusCode::ACCEPTED);
            }
            assert!(outbox(&app).await.is_empty(), "nothing could be looked up yet");
            Ok(())
        })
        .await
        .unwrap();
    // Once the table is free, the work completes.
    wait_for_email(&app, "blocked@example.com", "signup_confirm").await;
    wait_for_email(&app, ADMIN_EMAIL, "signup_existing_account").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_validates_every_field_at_once() {
    let app = TestApp::spawn().await;
    let response = app
        .post("/api/register", None, &json!({ "username": "ok-name", "email": "not-an-email", "password": "short" }))
        .await;
    let body = response.expect_problem(400, "VALIDATION_ERROR").await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["email", "password"]);

    let response = app
        .post("/api/register", None, &json!({ "username": "a b", "email": "ab@example.com", "password": PASSWORD }))
        .await;
    assert_eq!(problem(response).await["errors"][0]["field"], "username");

    // Nobody picks their own role at sign-up.
    let body = json!({ "username": "sneaky", "email": "sneaky@example.com", "password": PASSWORD, "role": "admin" });
    let response = app.post("/api/register", None, &body).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(response).await["errors"][0]["field"], "role");
    let confirm = app.post("/api/register/confirm", None, &json!({})).await;
    assert_eq!(problem(confirm).await["errors"][0]["field"], "token");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(outbox(&app).await.is_empty(), "refused requests send nothing");
}
