//! Sign-in, sessions (bearer and cookie, CSRF), refresh-token rotation, password reset
//! and change, and the audit rows they leave. Sign-up is in signup.rs, the email change
//! in account.rs.

use crate::mail::{link_token, outbox, wait_for_count};
use api_tests::{problem, token_of, ProblemExt, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use storage::schema::activity_logs;

/// Signs the admin in with the cookie-keeping client, as the web app does.
async fn browser_login(app: &TestApp) -> Response {
    let body = json!({ "username": "admin", "password": ADMIN_PASSWORD });
    app.browser.post(app.url("/api/login")).json(&body).send().await.unwrap()
}

fn set_cookies(response: &Response) -> Vec<String> {
    response.headers().get_all("set-cookie").iter().map(|v| v.to_str().expect("ascii cookie").to_owned()).collect()
}

/// The value and the lower-cased attributes of the `Set-Cookie` line for `name`.
fn cookie(cookies: &[String], name: &str) -> (String, Vec<String>) {
    let prefix = format!("{name}=");
    let line =
        cookies.iter().find(|c| c.starts_with(&prefix)).unwrap_or_else(|| panic!("no {name} cookie in {cookies:?}"));
    let mut parts = line.split(';').map(str::trim);
    let value = parts.next().unwrap()[prefix.len()..].to_owned();
    (value, parts.map(str::to_ascii_lowercase).collect())
}

fn request_id(response: &Response) -> String {
    response.headers().get("x-request-id").expect("X-Request-Id").to_str().unwrap().to_owned()
}

async fn post_refresh(app: &TestApp, refresh_token: &str) -> Response {
    app.post("/api/auth/refresh", None, &json!({ "refreshToken": refresh_token })).await
}

async fn login_response(app: &TestApp, username: &str, password: &str) -> Response {
    app.post("/api/login", None, &json!({ "username": username, "password": password })).await
}

/// (user_id, entity_id, request_id) of every audit row of `activity_type`.
async fn audit_rows(app: &TestApp, activity_type: &str) -> Vec<(Option<i32>, Option<String>, Option<String>)> {
    let mut conn = app.db().await;
    activity_logs::table
        .filter(activity_logs::activity_type.eq(activity_type))
        .select((activity_logs::user_id, activity_logs::entity_id, activity_logs::request_id))
        .load(&mut conn)
        .await
        .expect("reading activity_logs")
}

/// Asks for a reset email for `email` and returns the token it carries.
async fn request_reset(app: &TestApp, email: &str) -> String {
    // Other mail (a notification of the last password change) may arrive meanwhile.
    let resets = async || {
        let all = outbox(app).await;
        all.into_iter().filter(|(_, template, _)| template == "password_reset").collect::<Vec<_>>()
    };
    let queued = resets().await.len();
    let response = app.post("/api/auth/forgot-password", None, &json!({ "email": email })).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    for _ in 0..100 {
        let mut sent = resets().await;
        if sent.len() > queued {
            let (to, _, body) = sent.pop().expect("a queued email");
            assert_eq!(to, email.to_lowercase());
            return link_token(&body, "/reset-password");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no reset email to {email}");
}

#[tokio::test(flavor = "multi_thread")]
async fn login_by_username_or_email_returns_a_session_and_sets_cookies() {
    let app = TestApp::spawn().await;
    let response = login_response(&app, "admin", ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = set_cookies(&response);
    let session: Value = response.json().await.unwrap();

    assert!(!session["accessToken"].as_str().unwrap().is_empty());
    assert_eq!(session["tokenType"], "Bearer");
    assert_eq!(session["expiresIn"], 900, "the default access token lifetime");
    assert!(session["refreshToken"].as_str().unwrap().len() >= 32);
    let user = &session["user"];
    assert_eq!(user["username"], "admin");
    assert_eq!(user["email"], ADMIN_EMAIL);
    assert_eq!(user["role"], "admin");
    assert!(user["lastLoginAt"].is_string(), "lastLoginAt is set by the sign-in: {user}");
    assert_eq!(user["permissions"]["canManageUsers"], true);
    assert!(user.get("password").is_none(), "no password material: {user}");

    let (access, attrs) = cookie(&cookies, "mos_access");
    assert_eq!(access, session["accessToken"].as_str().unwrap());
    for attr in ["httponly", "samesite=lax", "path=/", "max-age=900"] {
        assert!(attrs.iter().any(|a| a == attr), "mos_access lacks {attr}: {attrs:?}");
    }
    let (refresh, attrs) = cookie(&cookies, "mos_refresh");
    assert_eq!(refresh, session["refreshToken"].as_str().unwrap());
    for attr in ["httponly", "samesite=strict", "path=/api"] {
        assert!(attrs.iter().any(|a| a == attr), "mos_refresh lacks {attr}: {attrs:?}");
    }
    let (csrf, attrs) = cookie(&cookies, "mos_csrf");
    assert!(csrf.len() >= 32, "an unguessable CSRF token");
    assert!(!attrs.iter().any(|a| a == "httponly"), "the page must be able to read mos_csrf: {attrs:?}");

    // The email works too, in any case, and so does the username in another case.
    for login in ["ADMIN@Example.COM", "Admin"] {
        let other = app.login(login, ADMIN_PASSWORD).await;
        assert_eq!(other["user"]["id"], user["id"], "{login}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn current_user_shows_the_latest_sign_in_time() {
    let app = TestApp::spawn().await;
    let first = app.login("admin", ADMIN_PASSWORD).await;
    let me: Value = app.get("/api/user", Some(&token_of(&first))).await.json().await.unwrap();
    assert_eq!(me["lastLoginAt"], first["user"]["lastLoginAt"]);

    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let second = app.login("admin", ADMIN_PASSWORD).await;
    assert_ne!(second["user"]["lastLoginAt"], first["user"]["lastLoginAt"]);
    let me: Value = app.get("/api/user", Some(&token_of(&second))).await.json().await.unwrap();
    assert_eq!(me["lastLoginAt"], second["user"]["lastLoginAt"], "not a stale copy of the account");
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let wrong = login_response(&app, "admin", "not-the-password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let wrong = problem(wrong).await;
    let unknown = login_response(&app, "nobody-here", ADMIN_PASSWORD).await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let unknown = problem(unknown).await;

    assert_eq!(wrong["code"], "INVALID_CREDENTIALS");
    assert_eq!(unknown["code"], "INVALID_CREDENTIALS");
    assert_eq!(wrong["detail"], unknown["detail"], "the answer must not reveal which accounts exist");
    assert_eq!(wrong["title"], unknown["title"]);
    assert!(audit_rows(&app, "auth.login").await.is_empty(), "failed sign-ins are not recorded as sign-ins");
}

#[tokio::test(flavor = "multi_thread")]
async fn deactivated_users_cannot_sign_in_and_their_tokens_stop_working() {
    let (app, admin) = TestApp::with_admin().await;
    let (id, token) = app.user_with_role(&admin, "leaver", "staff").await;
    let session = app.login("leaver", PASSWORD).await;
    let profile = json!({ "firstName": "Still" });
    assert_eq!(app.patch("/api/user/profile", Some(&token), &profile).await.status(), StatusCode::OK);

    let response = app.delete(&format!("/api/users/{id}"), Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    login_response(&app, "leaver", PASSWORD).await.expect_problem(403, "ACCOUNT_DISABLED").await;
    let wrong = login_response(&app, "leaver", "not-the-password").await;
    assert_eq!(problem(wrong).await["code"], "INVALID_CREDENTIALS", "the password is checked first");

    let response = app.patch("/api/user/profile", Some(&token), &profile).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "the issued access token stops working at once");
    assert_eq!(problem(response).await["code"], "AUTHENTICATION_ERROR");
    let me: Value = app.get("/api/user", Some(&token)).await.json().await.unwrap();
    assert_eq!(me, Value::Null);
    let response = post_refresh(&app, session["refreshToken"].as_str().unwrap()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "nor can the session be refreshed");
}

#[tokio::test(flavor = "multi_thread")]
async fn current_user_is_null_when_signed_out() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/user", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap(), Value::Null);

    for garbage in ["garbage", "not-a-jwt", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"] {
        let response = app.get("/api/user", Some(garbage)).await;
        assert_eq!(response.status(), StatusCode::OK, "{garbage}");
        assert_eq!(response.json::<Value>().await.unwrap(), Value::Null, "{garbage}");
    }
    let response = app.request(Method::GET, "/api/user", None).header("cookie", "mos_access=garbage").send().await;
    assert_eq!(response.unwrap().json::<Value>().await.unwrap(), Value::Null);

    // Protected routes, by contrast, say 401.
    app.patch("/api/user/profile", Some("garbage"), &json!({})).await.expect_problem(401, "AUTHENTICATION_ERROR").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn current_user_reports_effective_permissions() {
    let (app, admin) = TestApp::with_admin().await;
    let me: Value = app.get("/api/user", Some(&admin)).await.json().await.unwrap();
    assert_eq!(me["username"], "admin");
    let permissions = me["permissions"].as_object().unwrap();
    assert_eq!(permissions.len(), 9, "{permissions:?}");
    for flag in domain::Permission::ALL.map(domain::Permission::as_str) {
        assert_eq!(permissions[flag], true, "admin has {flag}");
    }

    let (_, staff) = app.user_with_role(&admin, "stella", "staff").await;
    let me: Value = app.get("/api/user", Some(&staff)).await.json().await.unwrap();
    assert_eq!(me["username"], "stella");
    assert_eq!(me["role"], "staff");
    assert_eq!(me["permissions"]["canManageUsers"], false);
    assert_eq!(me["permissions"]["canManageSettings"], false);
    assert_eq!(me["permissions"]["canManageClients"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn cookie_sessions_need_the_csrf_token_for_writes() {
    let app = TestApp::spawn().await;
    let response = browser_login(&app).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (csrf, _) = cookie(&set_cookies(&response), "mos_csrf");

    let me: Value = app.browser.get(app.url("/api/user")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["username"], "admin", "the cookie alone signs the browser in");

    let profile = json!({ "firstName": "Ada" });
    app.browser
        .patch(app.url("/api/user/profile"))
        .json(&profile)
        .send()
        .await
        .unwrap()
        .expect_problem(403, "CSRF_FAILED")
        .await;
    let response = app
        .browser
        .patch(app.url("/api/user/profile"))
        .header("x-csrf-token", "not-the-token")
        .json(&profile)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(response).await["code"], "CSRF_FAILED");

    let response = app
        .browser
        .patch(app.url("/api/user/profile"))
        .header("x-csrf-token", &csrf)
        .json(&profile)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["firstName"], "Ada");

    // Bearer clients are not subject to the double-submit check.
    let admin = app.admin_token().await;
    let response = app.patch("/api/user/profile", Some(&admin), &json!({ "lastName": "Lovelace" })).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.unwrap();
    assert_eq!((me["firstName"].as_str(), me["lastName"].as_str()), (Some("Ada"), Some("Lovelace")));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_csrf_token_is_bound_to_the_sign_in() {
    let app = TestApp::spawn().await;
    let response = login_response(&app, "admin", ADMIN_PASSWORD).await;
    let (csrf, _) = cookie(&set_cookies(&response), "mos_csrf");
    let session: Value = response.json().await.unwrap();
    let response = login_response(&app, "admin", ADMIN_PASSWORD).await;
    let (other_csrf, _) = cookie(&set_cookies(&response), "mos_csrf");
    assert_ne!(csrf, other_csrf, "each sign-in has its own token");

    let write = |access: String, csrf: &str| {
        app.request(Method::PATCH, "/api/user/profile", None)
            .header("cookie", format!("mos_access={access}; mos_csrf={csrf}"))
            .header("x-csrf-token", csrf)
            .json(&json!({ "firstName": "Ada" }))
            .send()
    };
    // A cookie planted by someone else, echoed in the header: they agree, but not with the session.
    for planted in ["planted-by-an-attacker", other_csrf.as_str()] {
        let response = write(token_of(&session), planted).await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{planted}");
        assert_eq!(problem(response).await["code"], "CSRF_FAILED");
    }
    assert_eq!(write(token_of(&session), &csrf).await.unwrap().status(), StatusCode::OK);

    // A refresh continues the sign-in: the same token comes back and goes on working.
    let response = post_refresh(&app, session["refreshToken"].as_str().unwrap()).await;
    assert_eq!(cookie(&set_cookies(&response), "mos_csrf").0, csrf);
    let refreshed: Value = response.json().await.unwrap();
    assert_eq!(write(token_of(&refreshed), &csrf).await.unwrap().status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_rotates_the_token_and_reuse_revokes_the_sign_in() {
    let app = TestApp::spawn().await;
    let session = app.login("admin", ADMIN_PASSWORD).await;
    let other_session = app.login("admin", ADMIN_PASSWORD).await;
    let first = session["refreshToken"].as_str().unwrap();

    let response = post_refresh(&app, first).await;
    assert_eq!(response.status(), StatusCode::OK);
    let rotated: Value = response.json().await.unwrap();
    let second = rotated["refreshToken"].as_str().unwrap();
    assert_ne!(second, first);
    assert_eq!(rotated["tokenType"], "Bearer");
    assert_eq!(rotated["user"]["username"], "admin");
    let me: Value = app.get("/api/user", Some(&token_of(&rotated))).await.json().await.unwrap();
    assert_eq!(me["username"], "admin", "the new access token works");

    // The old token coming back means it was copied: it fails, and so does its successor.
    post_refresh(&app, first).await.expect_problem(401, "AUTHENTICATION_ERROR").await;
    let successor = post_refresh(&app, second).await;
    assert_eq!(successor.status(), StatusCode::UNAUTHORIZED, "reuse revokes the whole family");

    // Another sign-in of the same account is a different family and keeps working.
    let response = post_refresh(&app, other_session["refreshToken"].as_str().unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);

    let unknown = post_refresh(&app, "not-a-refresh-token").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let missing = app.request(Method::POST, "/api/auth/refresh", None).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED, "no body and no cookie");
    assert_eq!(problem(missing).await["code"], "AUTHENTICATION_ERROR");
}

#[tokio::test(flavor = "multi_thread")]
async fn browsers_refresh_with_the_cookie() {
    let app = TestApp::spawn().await;
    let login = browser_login(&app).await;
    let session: Value = login.json().await.unwrap();

    let response = app.browser.post(app.url("/api/auth/refresh")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = set_cookies(&response);
    let rotated: Value = response.json().await.unwrap();
    let (refresh_cookie, _) = cookie(&cookies, "mos_refresh");
    assert_eq!(refresh_cookie, rotated["refreshToken"].as_str().unwrap(), "the cookie is replaced");
    assert_ne!(refresh_cookie, session["refreshToken"].as_str().unwrap());
    let (access_cookie, _) = cookie(&cookies, "mos_access");
    assert_eq!(access_cookie, rotated["accessToken"].as_str().unwrap());

    // The browser refreshes again with the replaced cookie.
    let response = app.browser.post(app.url("/api/auth/refresh")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = app.browser.get(app.url("/api/user")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["username"], "admin");

    // A stolen copy of the first token, replayed elsewhere, ends the browser's session too.
    let replayed = post_refresh(&app, session["refreshToken"].as_str().unwrap()).await;
    assert_eq!(replayed.status(), StatusCode::UNAUTHORIZED);
    let response = app.browser.post(app.url("/api/auth/refresh")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_revokes_the_refresh_token_and_clears_the_cookies() {
    let app = TestApp::spawn().await;
    let session = app.login("admin", ADMIN_PASSWORD).await;
    let refresh = session["refreshToken"].as_str().unwrap();

    let response = app.post("/api/logout", None, &json!({ "refreshToken": refresh })).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = set_cookies(&response);
    for name in ["mos_access", "mos_refresh", "mos_csrf"] {
        let (value, attrs) = cookie(&cookies, name);
        assert_eq!(value, "", "{name}");
        assert!(attrs.iter().any(|a| a == "max-age=0"), "{name} is expired: {attrs:?}");
    }
    let (_, attrs) = cookie(&cookies, "mos_refresh");
    assert!(attrs.iter().any(|a| a == "path=/api"), "cleared on the path it was set on: {attrs:?}");

    let response = post_refresh(&app, refresh).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "a signed-out refresh token is dead");

    // Signing out twice, or without any token, still succeeds.
    let response = app.post("/api/logout", None, &json!({ "refreshToken": refresh })).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = app.request(Method::POST, "/api/logout", None).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // A browser signs out with its cookies and is then signed out.
    let login = browser_login(&app).await;
    let browser_refresh = login.json::<Value>().await.unwrap()["refreshToken"].as_str().unwrap().to_owned();
    let response = app.browser.post(app.url("/api/logout")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = app.browser.get(app.url("/api/user")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me, Value::Null, "the cookies are gone");
    let response = post_refresh(&app, &browser_refresh).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "the cookie's refresh token was revoked");
}

#[tokio::test(flavor = "multi_thread")]
async fn forgot_password_emails_a_link_only_to_known_addresses() {
    let app = TestApp::spawn().await;
    let unknown = app.post("/api/auth/forgot-password", None, &json!({ "email": "nobody@example.com" })).await;
    assert_eq!(unknown.status(), StatusCode::ACCEPTED);
    let unknown: Value = unknown.json().await.unwrap();

    let known = app.post("/api/auth/forgot-password", None, &json!({ "email": "ADMIN@example.com" })).await;
    assert_eq!(known.status(), StatusCode::ACCEPTED);
    let known: Value = known.json().await.unwrap();
    assert_eq!(known, unknown, "the answer does not reveal whether the account exists");

    // The email is queued after the answer; the unknown address, asked first, got none.
    let emails = wait_for_count(&app, 1).await;
    assert_eq!(emails.len(), 1, "{emails:?}");
    let (to, template, body) = &emails[0];
    assert_eq!((to.as_str(), template.as_str()), (ADMIN_EMAIL, "password_reset"));
    assert!(body.contains("/reset-password?token="), "{body}");
    assert!(!link_token(body, "/reset-password").is_empty());

    let invalid = app.post("/api/auth/forgot-password", None, &json!({ "email": "not-an-email" })).await;
    assert_eq!(invalid.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(invalid).await["errors"][0]["field"], "email");
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_password_works_once_and_signs_out_every_session() {
    let (app, admin) = TestApp::with_admin().await;
    app.user_with_role(&admin, "forgetful", "staff").await;
    let session = app.login("forgetful", PASSWORD).await;

    let token = request_reset(&app, "forgetful@example.com").await;
    let new_password = "a-brand-new-password";
    let response =
        app.post("/api/auth/reset-password", None, &json!({ "token": token, "password": new_password })).await;
    assert_eq!(response.status(), StatusCode::OK);

    assert_eq!(login_response(&app, "forgetful", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    app.login("forgetful", new_password).await;
    let response = post_refresh(&app, session["refreshToken"].as_str().unwrap()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "sessions from before the reset are revoked");

    let again = app
        .post("/api/auth/reset-password", None, &json!({ "token": token, "password": "yet-another-password" }))
        .await;
    again.expect_problem(400, "INVALID_TOKEN").await;
    app.login("forgetful", new_password).await;

    let response = app
        .post("/api/auth/reset-password", None, &json!({ "token": "made-up", "password": "yet-another-password" }))
        .await;
    assert_eq!(problem(response).await["code"], "INVALID_TOKEN");
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_or_superseded_reset_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let expired = request_reset(&app, ADMIN_EMAIL).await;
    let mut conn = app.db().await;
    diesel::sql_query("UPDATE password_reset_tokens SET expires_at = now() - interval '1 minute'")
        .execute(&mut conn)
        .await
        .unwrap();
    let response = app
        .post("/api/auth/reset-password", None, &json!({ "token": expired, "password": "a-brand-new-password" }))
        .await;
    response.expect_problem(400, "INVALID_TOKEN").await;
    app.login("admin", ADMIN_PASSWORD).await;

    // Asking twice: only the latest link works.
    let older = request_reset(&app, ADMIN_EMAIL).await;
    let newer = request_reset(&app, ADMIN_EMAIL).await;
    assert_ne!(older, newer);
    let response = app
        .post("/api/auth/reset-password", None, &json!({ "token": older, "password": "a-brand-new-password" }))
        .await;
    assert_eq!(problem(response).await["code"], "INVALID_TOKEN");
    let response = app
        .post("/api/auth/reset-password", None, &json!({ "token": newer, "password": "a-brand-new-password" }))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    app.login("admin", "a-brand-new-password").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn change_password_checks_the_current_one_and_renews_the_session() {
    let (app, admin) = TestApp::with_admin().await;
    app.user_with_role(&admin, "changer", "staff").await;
    let session = app.login("changer", PASSWORD).await;
    let token = token_of(&session);
    let new_password = "a-brand-new-password";

    let response = app
        .post(
            "/api/user/password",
            Some(&token),
            &json!({ "currentPassword": "wrong-guess", "newPassword": new_password }),
        )
        .await;
    let body = response.expect_problem(400, "VALIDATION_ERROR").await;
    assert_eq!(body["errors"][0]["field"], "currentPassword");
    app.login("changer", PASSWORD).await;

    let response = app
        .post("/api/user/password", Some(&token), &json!({ "currentPassword": PASSWORD, "newPassword": "short" }))
        .await;
    assert_eq!(problem(response).await["errors"][0]["field"], "newPassword");

    let response = app
        .post("/api/user/password", Some(&token), &json!({ "currentPassword": PASSWORD, "newPassword": new_password }))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = set_cookies(&response);
    let fresh: Value = response.json().await.unwrap();
    assert_eq!(fresh["user"]["username"], "changer");
    assert_eq!(cookie(&cookies, "mos_refresh").0, fresh["refreshToken"].as_str().unwrap());

    let old = post_refresh(&app, session["refreshToken"].as_str().unwrap()).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED, "other sessions are signed out");
    let renewed = post_refresh(&app, fresh["refreshToken"].as_str().unwrap()).await;
    assert_eq!(renewed.status(), StatusCode::OK, "the returned session works");

    assert_eq!(login_response(&app, "changer", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    app.login("changer", new_password).await;

    let anonymous = app
        .post("/api/user/password", None, &json!({ "currentPassword": PASSWORD, "newPassword": new_password }))
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_access_tokens_say_so_and_can_be_refreshed() {
    let app = TestApp::spawn_with(&[("ACCESS_TOKEN_TTL_SECS", "1")]).await;
    let session = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(session["expiresIn"], 1);
    // The server allows five seconds of clock skew.
    tokio::time::sleep(std::time::Duration::from_millis(7_000)).await;

    app.patch("/api/user/profile", Some(&token_of(&session)), &json!({}))
        .await
        .expect_problem(401, "TOKEN_EXPIRED")
        .await;
    let me: Value = app.get("/api/user", Some(&token_of(&session))).await.json().await.unwrap();
    assert_eq!(me, Value::Null);

    let renewed: Value = post_refresh(&app, session["refreshToken"].as_str().unwrap()).await.json().await.unwrap();
    let response = app.patch("/api/user/profile", Some(&token_of(&renewed)), &json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_is_audited_with_the_request_id() {
    let app = TestApp::spawn().await;
    let response = login_response(&app, "admin", ADMIN_PASSWORD).await;
    let login_request = request_id(&response);
    let session: Value = response.json().await.unwrap();
    let admin_id = session["user"]["id"].as_i64().unwrap() as i32;

    let rows = audit_rows(&app, "auth.login").await;
    assert_eq!(rows, [(Some(admin_id), Some(admin_id.to_string()), Some(login_request))]);
}
