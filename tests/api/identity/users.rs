//! User administration: listing, creating, reading, updating, roles, deactivation, the
//! last-admin rule and the no-escalation rule.

use api_tests::{created, header, problem, token_of, ProblemExt, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use storage::schema::activity_logs;

/// Creates a user through the API as `token` and returns its body.
async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    created(app, token, "/api/users", body).await
}

fn id_of(user: &Value) -> i64 {
    user["id"].as_i64().expect("user id")
}

async fn usernames(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let response = app.get(&format!("/api/users{query}"), Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK, "listing {query}");
    let users: Vec<Value> = response.json().await.unwrap();
    users.iter().map(|u| u["username"].as_str().unwrap().to_owned()).collect()
}

async fn admin_id(app: &TestApp) -> i64 {
    id_of(&app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await["user"])
}

/// The `rel` → URL pairs of a `Link` header.
fn links(header: &str) -> Vec<(String, String)> {
    header
        .split(", ")
        .map(|part| {
            let (url, rel) = part.split_once("; rel=").expect("link part");
            (rel.trim_matches('"').to_owned(), url.trim_start_matches('<').trim_end_matches('>').to_owned())
        })
        .collect()
}

fn link<'a>(links: &'a [(String, String)], rel: &str) -> Option<&'a str> {
    links.iter().find(|(r, _)| r == rel).map(|(_, url)| url.as_str())
}

/// Audit rows of one type: (entity_id, before, after, request_id), oldest first.
type AuditRow = (Option<String>, Option<Value>, Option<Value>, Option<String>);

async fn audit_rows(app: &TestApp, activity_type: &str) -> Vec<AuditRow> {
    let mut conn = app.db().await;
    activity_logs::table
        .filter(activity_logs::activity_type.eq(activity_type))
        .order(activity_logs::created_at.asc())
        .select((activity_logs::entity_id, activity_logs::before, activity_logs::after, activity_logs::request_id))
        .load(&mut conn)
        .await
        .expect("reading activity_logs")
}

#[tokio::test(flavor = "multi_thread")]
async fn list_is_newest_first_and_filters_by_text_role_and_status() {
    let (app, admin) = TestApp::with_admin().await;
    let alice = json!({
        "username": "alice", "password": PASSWORD, "email": "alice@corp.test",
        "firstName": "Alice", "lastName": "Anders"
    });
    create(&app, &admin, alice).await;
    let bob = json!({
        "username": "bob", "password": PASSWORD, "email": "bob@corp.test",
        "firstName": "Robert", "lastName": "Smithson", "role": "sales_agent"
    });
    create(&app, &admin, bob).await;
    create(
        &app,
        &admin,
        json!({"username": "carol_c", "password": PASSWORD, "firstName": "Carol", "role": "sales_agent"}),
    )
    .await;
    let dave = create(
        &app,
        &admin,
        json!({"username": "dave", "password": PASSWORD, "firstName": "100%", "lastName": "Dave"}),
    )
    .await;

    // Newest first: the bootstrap admin was created before everyone else.
    assert_eq!(usernames(&app, &admin, "").await, ["dave", "carol_c", "bob", "alice", "admin"]);

    // q matches username, email, first and last name, ignoring case.
    assert_eq!(usernames(&app, &admin, "?q=ALI").await, ["alice"], "username and first name");
    assert_eq!(usernames(&app, &admin, "?q=CORP.TEST").await, ["bob", "alice"], "email");
    assert_eq!(usernames(&app, &admin, "?q=robert").await, ["bob"], "first name");
    assert_eq!(usernames(&app, &admin, "?q=smiths").await, ["bob"], "last name");
    assert!(usernames(&app, &admin, "?q=zzz").await.is_empty());
    // LIKE wildcards are literal characters.
    assert_eq!(usernames(&app, &admin, "?q=%25").await, ["dave"], "% matches only a literal %");
    assert_eq!(usernames(&app, &admin, "?q=_").await, ["carol_c"], "_ matches only a literal _");
    assert_eq!(usernames(&app, &admin, "?q=%20%20bob%20").await, ["bob"], "q is trimmed");

    assert_eq!(usernames(&app, &admin, "?role=sales_agent").await, ["carol_c", "bob"]);
    assert_eq!(usernames(&app, &admin, "?role=admin").await, ["admin"]);
    assert_eq!(usernames(&app, &admin, "?role=sales_agent&q=carol").await, ["carol_c"], "filters combine");

    assert_eq!(
        app.delete(&format!("/api/users/{}", id_of(&dave)), Some(&admin)).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(usernames(&app, &admin, "?isActive=false").await, ["dave"]);
    assert_eq!(usernames(&app, &admin, "?isActive=true").await, ["carol_c", "bob", "alice", "admin"]);

    let body = app.get("/api/users?role=superuser", Some(&admin)).await.expect_problem(400, "VALIDATION_ERROR").await;
    assert_eq!(body["errors"][0]["field"], "role", "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn list_pages_with_total_count_and_link_headers_that_keep_the_filters() {
    let (app, admin) = TestApp::with_admin().await;
    for n in 1..=5 {
        create(&app, &admin, json!({"username": format!("pager{n}"), "password": PASSWORD, "role": "creator"})).await;
    }

    let first = app.get("/api/users?limit=2", Some(&admin)).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(header(&first, "x-total-count"), "6", "five users and the admin");
    let first_links = links(&header(&first, "link"));
    assert_eq!(link(&first_links, "next"), Some("/api/users?limit=2&offset=2"));
    assert_eq!(link(&first_links, "last"), Some("/api/users?limit=2&offset=4"));
    assert_eq!(link(&first_links, "prev"), None, "no previous page on the first");
    let page1: Vec<Value> = first.json().await.unwrap();
    assert_eq!(page1.len(), 2);

    // Walking the `next` links visits every user once, newest first.
    let mut seen: Vec<String> = page1.iter().map(|u| u["username"].as_str().unwrap().to_owned()).collect();
    let mut next = link(&first_links, "next").map(str::to_owned);
    while let Some(url) = next {
        let response = app.get(&url, Some(&admin)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let page_links = links(&header(&response, "link"));
        assert!(link(&page_links, "prev").is_some(), "{url} has a previous page");
        next = link(&page_links, "next").map(str::to_owned);
        let page: Vec<Value> = response.json().await.unwrap();
        seen.extend(page.iter().map(|u| u["username"].as_str().unwrap().to_owned()));
    }
    assert_eq!(seen, ["pager5", "pager4", "pager3", "pager2", "pager1", "admin"]);

    // Filters are carried into every link.
    let filtered = app.get("/api/users?role=creator&q=pager&limit=2&offset=2", Some(&admin)).await;
    assert_eq!(header(&filtered, "x-total-count"), "5");
    let filtered_links = links(&header(&filtered, "link"));
    assert_eq!(link(&filtered_links, "next"), Some("/api/users?role=creator&q=pager&limit=2&offset=4"));
    assert_eq!(link(&filtered_links, "last"), Some("/api/users?role=creator&q=pager&limit=2&offset=4"));
    assert_eq!(link(&filtered_links, "prev"), Some("/api/users?role=creator&q=pager&limit=2&offset=0"));
    let page: Vec<Value> = filtered.json().await.unwrap();
    assert_eq!(page.iter().map(|u| u["username"].as_str().unwrap()).collect::<Vec<_>>(), ["pager3", "pager2"]);

    let beyond = app.get("/api/users?offset=100", Some(&admin)).await;
    assert_eq!(beyond.status(), StatusCode::OK);
    assert_eq!(header(&beyond, "x-total-count"), "6");
    assert_eq!(beyond.json::<Vec<Value>>().await.unwrap().len(), 0);

    for limit in ["0", "500", "-1"] {
        let response = app.get(&format!("/api/users?limit={limit}"), Some(&admin)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "limit={limit}");
        let body = problem(response).await;
        assert_eq!(body["code"], "VALIDATION_ERROR");
        assert_eq!(body["errors"][0]["field"], "limit", "limit={limit}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn create_answers_201_with_location_defaults_to_staff_and_never_returns_the_password() {
    let (app, admin) = TestApp::with_admin().await;
    let secret = "correct-horse-battery";
    let newbie = json!({
        "username": "newbie", "password": secret, "email": "newbie@example.com", "firstName": "New", "lastName": "Bie"
    });
    let response = app.post("/api/users", Some(&admin), &newbie).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let request_id = header(&response, "x-request-id");
    let location = header(&response, "location");
    let body: Value = response.json().await.unwrap();
    let id = id_of(&body);
    assert_eq!(location, format!("/api/users/{id}"));
    insta::assert_json_snapshot!("created_user", body, {
        ".id" => "[id]",
        ".createdAt" => "[ts]",
        ".updatedAt" => "[ts]",
    });

    // The Location is where the user lives, and nothing anywhere shows the password.
    let fetched = app.get(&location, Some(&admin)).await;
    assert_eq!(fetched.status(), StatusCode::OK);
    let fetched_text = fetched.text().await.unwrap();
    let listed_text = app.get("/api/users", Some(&admin)).await.text().await.unwrap();
    let session = app.login("newbie", secret).await;
    let me_text = app.get("/api/user", Some(&token_of(&session))).await.text().await.unwrap();
    for text in [fetched_text.as_str(), listed_text.as_str(), &session.to_string(), me_text.as_str()] {
        assert!(!text.contains(secret), "the password leaks: {text}");
        assert!(!text.contains("$argon2"), "the password hash leaks: {text}");
        assert!(!text.contains("\"password\""), "a password member appears: {text}");
    }
    let fetched: Value = serde_json::from_str(&fetched_text).unwrap();
    assert_eq!(fetched["role"], "staff");
    assert_eq!(fetched["username"], "newbie");

    // The audit row: who, what, without the password, tagged with the request id.
    let rows = audit_rows(&app, "user.create").await;
    assert_eq!(rows.len(), 1);
    let (entity_id, before, after, row_request_id) = &rows[0];
    assert_eq!(entity_id.as_deref(), Some(id.to_string().as_str()));
    assert_eq!(*before, None);
    let after = after.as_ref().expect("after snapshot");
    assert_eq!(after["username"], "newbie");
    let after_text = after.to_string();
    assert!(!after_text.contains("password") && !after_text.contains(secret) && !after_text.contains("$argon2"));
    assert!(!request_id.is_empty());
    assert_eq!(row_request_id.as_deref(), Some(request_id.as_str()));
}

#[tokio::test(flavor = "multi_thread")]
async fn create_refuses_taken_usernames_and_emails_and_unknown_fields() {
    let (app, admin) = TestApp::with_admin().await;
    create(&app, &admin, json!({"username": "taken", "password": PASSWORD, "email": "taken@example.com"})).await;

    let same_name = app.post("/api/users", Some(&admin), &json!({"username": "TaKeN", "password": PASSWORD})).await;
    assert_eq!(same_name.status(), StatusCode::CONFLICT);
    let body = problem(same_name).await;
    insta::assert_json_snapshot!("username_conflict", body, { ".requestId" => "[request-id]" });

    let same_email = app
        .post(
            "/api/users",
            Some(&admin),
            &json!({"username": "other", "password": PASSWORD, "email": "Taken@Example.com"}),
        )
        .await;
    let body = same_email.expect_problem(409, "CONFLICT").await;
    assert_eq!(body["errors"][0]["field"], "email", "{body}");

    let unknown = app
        .post("/api/users", Some(&admin), &json!({"username": "sneaky", "password": PASSWORD, "isAdmin": true}))
        .await;
    let body = unknown.expect_problem(400, "VALIDATION_ERROR").await;
    assert_eq!(body["errors"][0]["field"], "isAdmin", "{body}");
    assert_eq!(body["errors"][0]["code"], "unknown");

    let invalid = app
        .post("/api/users", Some(&admin), &json!({"username": "a b", "password": "short", "email": "not-an-email"}))
        .await;
    assert_eq!(invalid.status(), StatusCode::BAD_REQUEST);
    let body = problem(invalid).await;
    let mut fields: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    fields.sort_unstable();
    fields.dedup();
    assert_eq!(fields, ["email", "password", "username"], "{body}");

    // None of the refused requests created anyone.
    assert_eq!(usernames(&app, &admin, "").await, ["taken", "admin"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn get_answers_the_user_404_for_unknown_ids_and_400_for_non_numeric_ones() {
    let (app, admin) = TestApp::with_admin().await;
    let user = create(&app, &admin, json!({"username": "reader", "password": PASSWORD, "role": "creator"})).await;

    let found = app.get(&format!("/api/users/{}", id_of(&user)), Some(&admin)).await;
    assert_eq!(found.status(), StatusCode::OK);
    assert_eq!(found.json::<Value>().await.unwrap(), user);

    let body = app.get("/api/users/999999", Some(&admin)).await.expect_problem(404, "NOT_FOUND").await;
    assert!(body["detail"].as_str().unwrap().contains("999999"), "{body}");

    app.get("/api/users/abc", Some(&admin)).await.expect_problem(400, "VALIDATION_ERROR").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn update_changes_given_fields_clears_nulls_keeps_absent_ones_and_audits() {
    let (app, admin) = TestApp::with_admin().await;
    let editee = json!({
        "username": "editee", "password": PASSWORD, "email": "editee@example.com", "firstName": "Ed", "lastName": "Itee"
    });
    let user = create(&app, &admin, editee).await;
    let path = format!("/api/users/{}", id_of(&user));

    let renamed = app.patch(&path, Some(&admin), &json!({"firstName": "Edith", "lastName": "Ee"})).await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let renamed: Value = renamed.json().await.unwrap();
    assert_eq!((renamed["firstName"].as_str(), renamed["lastName"].as_str()), (Some("Edith"), Some("Ee")));
    assert_eq!(renamed["email"], "editee@example.com", "absent fields are unchanged");

    let cleared = app.patch(&path, Some(&admin), &json!({"firstName": null})).await;
    assert_eq!(cleared.status(), StatusCode::OK);
    let cleared: Value = cleared.json().await.unwrap();
    assert_eq!(cleared["firstName"], Value::Null, "null clears");
    assert_eq!(cleared["lastName"], "Ee");
    assert_eq!(cleared["email"], "editee@example.com");
    assert_eq!(cleared["role"], "staff");

    let empty = app.patch(&path, Some(&admin), &json!({})).await;
    assert_eq!(empty.status(), StatusCode::OK);
    assert_eq!(empty.json::<Value>().await.unwrap(), cleared, "an empty patch changes nothing");

    let stored: Value = app.get(&path, Some(&admin)).await.json().await.unwrap();
    assert_eq!(stored, cleared, "GET sees the update");

    let rows = audit_rows(&app, "user.update").await;
    assert_eq!(rows.len(), 2, "one audit row per real change; none for the empty patch");
    let (entity_id, before, after, request_id) = &rows[1];
    assert_eq!(entity_id.as_deref(), Some(id_of(&user).to_string().as_str()));
    assert_eq!(before.as_ref().unwrap()["firstName"], "Edith");
    assert_eq!(after.as_ref().unwrap()["firstName"], Value::Null);
    assert_eq!(after.as_ref().unwrap()["lastName"], "Ee");
    assert!(request_id.is_some());

    let taken = app.patch(&path, Some(&admin), &json!({"username": "ADMIN"})).await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    let body = problem(taken).await;
    assert_eq!((body["code"].as_str(), body["errors"][0]["field"].as_str()), (Some("CONFLICT"), Some("username")));

    // An admin can set a new password; the old one stops working.
    let reset = app.patch(&path, Some(&admin), &json!({"password": "brand-new-password"})).await;
    assert_eq!(reset.status(), StatusCode::OK);
    let old = app.post("/api/login", None, &json!({"username": "editee", "password": PASSWORD})).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    app.login("editee", "brand-new-password").await;
    let rows = audit_rows(&app, "user.update").await;
    assert!(!rows.last().unwrap().2.as_ref().unwrap().to_string().contains("brand-new-password"));

    let bad_email = app.patch(&path, Some(&admin), &json!({"email": "nope"})).await;
    assert_eq!(bad_email.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(bad_email).await["errors"][0]["field"], "email");
    app.patch("/api/users/999999", Some(&admin), &json!({"firstName": "X"}))
        .await
        .expect_problem(404, "NOT_FOUND")
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_the_role_changes_the_users_permissions() {
    let (app, admin) = TestApp::with_admin().await;
    let (id, token) = app.user_with_role(&admin, "promoted", "staff").await;
    let permissions = |me: Value| me["permissions"].clone();

    let me: Value = app.get("/api/user", Some(&token)).await.json().await.unwrap();
    assert_eq!(me["role"], "staff");
    assert_eq!(permissions(me)["canViewReports"], false);

    let response = app.patch(&format!("/api/users/{id}/role"), Some(&admin), &json!({"role": "manager"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["role"], "manager");
    let me: Value = app.get("/api/user", Some(&token)).await.json().await.unwrap();
    assert_eq!(me["role"], "manager");
    let flags = permissions(me);
    assert_eq!(flags["canViewReports"], true);
    assert_eq!(flags["canManageInvoices"], true);
    assert_eq!(flags["canManageUsers"], false);

    let response = app.patch(&format!("/api/users/{id}/role"), Some(&admin), &json!({"role": "client"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = app.get("/api/user", Some(&token)).await.json().await.unwrap();
    assert_eq!(me["role"], "client");
    let granted: Vec<&String> =
        me["permissions"].as_object().unwrap().iter().filter(|(_, v)| **v == true).map(|(k, _)| k).collect();
    assert_eq!(granted, ["canManageTickets"]);

    let rows = audit_rows(&app, "user.role_change").await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].1.as_ref().unwrap()["role"], "manager");
    assert_eq!(rows[1].2.as_ref().unwrap()["role"], "client");

    let unknown = app.patch(&format!("/api/users/{id}/role"), Some(&admin), &json!({"role": "god"})).await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(unknown).await["errors"][0]["field"], "role");
    let missing = app.patch(&format!("/api/users/{id}/role"), Some(&admin), &json!({})).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(missing).await["errors"][0]["code"], "required");
}

#[tokio::test(flavor = "multi_thread")]
async fn deactivated_users_cannot_sign_in_until_reactivated() {
    let (app, admin) = TestApp::with_admin().await;
    let (id, token) = app.user_with_role(&admin, "leaver", "staff").await;
    let path = format!("/api/users/{id}");

    let response = app.delete(&path, Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.bytes().await.unwrap().is_empty());

    let login = app.post("/api/login", None, &json!({"username": "leaver", "password": PASSWORD})).await;
    login.expect_problem(403, "ACCOUNT_DISABLED").await;
    let stale = app.get("/api/user", Some(&token)).await;
    assert_eq!(stale.json::<Value>().await.unwrap(), Value::Null, "the old token no longer signs in");
    let stale = app.patch("/api/user/profile", Some(&token), &json!({"firstName": "Still here"})).await;
    assert_eq!(stale.status(), StatusCode::UNAUTHORIZED);

    let user: Value = app.get(&path, Some(&admin)).await.json().await.unwrap();
    assert_eq!(user["isActive"], false, "deactivated, not deleted");
    assert_eq!(audit_rows(&app, "user.deactivate").await.len(), 1);

    let again = app.delete(&path, Some(&admin)).await;
    assert_eq!(again.status(), StatusCode::NO_CONTENT, "deactivating twice is harmless");

    let reactivated = app.patch(&path, Some(&admin), &json!({"isActive": true})).await;
    assert_eq!(reactivated.status(), StatusCode::OK);
    assert_eq!(reactivated.json::<Value>().await.unwrap()["isActive"], true);
    let session = app.login("leaver", PASSWORD).await;
    assert_eq!(session["user"]["isActive"], true);

    let missing = app.delete("/api/users/999999", Some(&admin)).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_last_active_admin_can_be_neither_demoted_nor_deactivated() {
    let (app, admin) = TestApp::with_admin().await;
    let admin_id = admin_id(&app).await;
    let path = format!("/api/users/{admin_id}");

    let attempts = [
        app.patch(&format!("{path}/role"), Some(&admin), &json!({"role": "staff"})).await,
        app.delete(&path, Some(&admin)).await,
        app.patch(&path, Some(&admin), &json!({"isActive": false})).await,
        app.patch(&path, Some(&admin), &json!({"role": "manager"})).await,
        // Revoking a flag would be as final: nobody else could grant it back.
        app.patch(&path, Some(&admin), &json!({"customPermissions": {"canManageUsers": false}})).await,
        app.patch(&path, Some(&admin), &json!({"customPermissions": {"canManageSettings": false}})).await,
    ];
    for response in attempts {
        response.expect_problem(409, "LAST_ADMIN").await;
    }
    let me: Value = app.get(&path, Some(&admin)).await.json().await.unwrap();
    assert_eq!((me["role"].as_str(), me["isActive"].as_bool()), (Some("admin"), Some(true)), "unchanged");
    assert_eq!(me["customPermissions"], json!({}));
    assert_eq!(app.get("/api/users", Some(&admin)).await.status(), StatusCode::OK, "the admin still manages users");
    assert!(audit_rows(&app, "user.role_change").await.is_empty(), "refused changes leave no audit row");
    let renamed = app.patch(&path, Some(&admin), &json!({"firstName": "Root"})).await;
    assert_eq!(renamed.status(), StatusCode::OK, "other edits of the last admin are fine");

    // A deactivated admin does not count.
    let (dormant_id, _) = app.user_with_role(&admin, "dormant_admin", "admin").await;
    assert_eq!(app.delete(&format!("/api/users/{dormant_id}"), Some(&admin)).await.status(), StatusCode::NO_CONTENT);
    app.patch(&format!("{path}/role"), Some(&admin), &json!({"role": "staff"}))
        .await
        .expect_problem(409, "LAST_ADMIN")
        .await;

    // With a second active admin, the first can step down.
    let (second_id, second) = app.user_with_role(&admin, "second_admin", "admin").await;
    let demoted = app.patch(&format!("{path}/role"), Some(&second), &json!({"role": "staff"})).await;
    assert_eq!(demoted.status(), StatusCode::OK);
    assert_eq!(demoted.json::<Value>().await.unwrap()["role"], "staff");
    assert_eq!(app.get("/api/users", Some(&admin)).await.status(), StatusCode::FORBIDDEN, "the old admin lost access");

    // And now the second one is the last.
    app.delete(&format!("/api/users/{second_id}"), Some(&second)).await.expect_problem(409, "LAST_ADMIN").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn user_managers_cannot_grant_more_than_they_hold() {
    let (app, admin) = TestApp::with_admin().await;
    let admin_id = admin_id(&app).await;
    let (manager_id, _) = app.user_with_role(&admin, "user_manager", "staff").await;
    let grant = app
        .patch(
            &format!("/api/users/{manager_id}"),
            Some(&admin),
            &json!({"customPermissions": {"canManageUsers": true}}),
        )
        .await;
    assert_eq!(grant.status(), StatusCode::OK);
    let manager = token_of(&app.login("user_manager", PASSWORD).await);
    let (staff_id, _) = app.user_with_role(&admin, "plain_staff", "staff").await;

    let staff_path = format!("/api/users/{staff_id}");
    let own_path = format!("/api/users/{manager_id}");
    let admin_path = format!("/api/users/{admin_id}");
    let forbidden: [(&str, Method, &str, Value); 10] = [
        (
            "create an admin",
            Method::POST,
            "/api/users",
            json!({"username": "evil1", "password": PASSWORD, "role": "admin"}),
        ),
        (
            "create a manager",
            Method::POST,
            "/api/users",
            json!({"username": "evil2", "password": PASSWORD, "role": "manager"}),
        ),
        (
            "create a user with canManageSettings",
            Method::POST,
            "/api/users",
            json!({"username": "evil3", "password": PASSWORD, "customPermissions": {"canManageSettings": true}}),
        ),
        (
            "grant canManageSettings to another user",
            Method::PATCH,
            &staff_path,
            json!({"customPermissions": {"canManageSettings": true}}),
        ),
        (
            "grant canManageSettings to themself",
            Method::PATCH,
            &own_path,
            json!({"customPermissions": {"canManageUsers": true, "canManageSettings": true}}),
        ),
        ("promote a user to admin", Method::PATCH, &format!("{staff_path}/role"), json!({"role": "admin"})),
        ("promote themself", Method::PATCH, &own_path, json!({"role": "admin"})),
        ("edit an admin", Method::PATCH, &admin_path, json!({"firstName": "Pwned"})),
        ("reset an admin's password", Method::PATCH, &admin_path, json!({"password": "attacker-chosen-pw"})),
        ("deactivate an admin", Method::DELETE, &admin_path, Value::Null),
    ];
    for (what, method, path, body) in forbidden {
        let mut request = app.request(method, path, Some(&manager));
        if !body.is_null() {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "a user manager must not {what}");
        assert_eq!(problem(response).await["code"], "FORBIDDEN", "{what}");
    }

    // Nothing changed.
    let admin_user: Value = app.get(&format!("/api/users/{admin_id}"), Some(&admin)).await.json().await.unwrap();
    assert_eq!(admin_user["firstName"], Value::Null);
    assert_eq!(admin_user["isActive"], true);
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let staff: Value = app.get(&format!("/api/users/{staff_id}"), Some(&admin)).await.json().await.unwrap();
    assert_eq!(staff["customPermissions"], json!({}));
    assert_eq!(usernames(&app, &admin, "?q=evil").await, Vec::<String>::new(), "no user was created");

    // Within their own permissions they can work.
    let created = app.post("/api/users", Some(&manager), &json!({"username": "new_staff", "password": PASSWORD})).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.json::<Value>().await.unwrap()["role"], "staff");
    let client = app
        .post("/api/users", Some(&manager), &json!({"username": "new_client", "password": PASSWORD, "role": "client"}))
        .await;
    assert_eq!(client.status(), StatusCode::CREATED, "client access is within staff access");
    let renamed = app.patch(&format!("/api/users/{staff_id}"), Some(&manager), &json!({"firstName": "Renamed"})).await;
    assert_eq!(renamed.status(), StatusCode::OK);
    assert_eq!(app.delete(&format!("/api/users/{staff_id}"), Some(&manager)).await.status(), StatusCode::NO_CONTENT);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_account_gets_a_welcome_mail_without_its_password() {
    let (app, admin) = TestApp::with_admin().await;
    let body =
        json!({"username": "welcomed", "password": PASSWORD, "email": "welcomed@example.com", "firstName": "Wes"});
    create(&app, &admin, body).await;
    let mail = crate::mail::wait_for_email(&app, "welcomed@example.com", "welcome").await;
    assert!(mail.starts_with("Hello Wes,"), "{mail}");
    assert!(mail.contains("Your username is welcomed") && mail.contains("/login"), "{mail}");
    assert!(mail.contains("An administrator created it for you"), "{mail}");
    assert!(!mail.contains(PASSWORD), "the password is never mailed");
    // An account without an address is created all the same, with no mail.
    let no_address = json!({"username": "nomail", "password": PASSWORD});
    create(&app, &admin, no_address).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_staff_side_user_sees_the_directory_of_names_without_addresses() {
    let (app, admin) = TestApp::with_admin().await;
    let (_, agent) = app.user_with_role(&admin, "agent", "sales_agent").await;
    let kim = json!({"username": "kim", "password": PASSWORD, "email": "kim@example.com", "firstName": "Kim", "lastName": "Lee", "role": "staff"});
    let kim = create(&app, &admin, kim).await;
    let gone = create(&app, &admin, json!({"username": "zed", "password": PASSWORD, "role": "staff"})).await;
    assert_eq!(
        app.delete(&format!("/api/users/{}", id_of(&gone)), Some(&admin)).await.status(),
        StatusCode::NO_CONTENT
    );

    // A sales agent, who may not list users, reads everyone's name and role, by name.
    let listed: Vec<Value> = app.get("/api/users/directory", Some(&agent)).await.json().await.unwrap();
    let names: Vec<&str> = listed.iter().map(|p| p["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["admin", "agent", "kim", "zed"]);
    let entry = listed.iter().find(|p| p["id"] == kim["id"]).unwrap();
    assert_eq!((entry["firstName"].as_str(), entry["role"].as_str()), (Some("Kim"), Some("staff")));
    assert!(entry.get("email").is_none() && entry.get("customPermissions").is_none(), "{entry}");

    // Pickers ask for active people; a search matches names, never addresses.
    let active: Vec<Value> = app.get("/api/users/directory?isActive=true", Some(&agent)).await.json().await.unwrap();
    assert!(!active.iter().any(|p| p["username"] == "zed"));
    let found: Vec<Value> = app.get("/api/users/directory?q=lee", Some(&agent)).await.json().await.unwrap();
    assert_eq!(found.len(), 1);
    let by_address: Vec<Value> =
        app.get("/api/users/directory?q=example.com", Some(&agent)).await.json().await.unwrap();
    assert!(by_address.is_empty(), "{by_address:?}");
}
