//! Findings of the security review on input handling: JSON that is not exactly one UTF-8
//! value, arrays where objects belong, non-http(s) URLs, references to clients outside the caller's scope, NUL
//! characters and broken quoting in CSV files, and concurrent imports against the pool.

use crate::crm::lead_imports::{error_fields, finished, started, upload};
use api_tests::{created, id, problem, TestApp};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use storage::schema::lead_imports;

/// The parts of a problem a caller could compare (not the request id).
fn visible(problem: &Value) -> Value {
    json!([problem["status"], problem["code"], problem["detail"], problem["errors"]])
}

#[tokio::test(flavor = "multi_thread")]
async fn json_bodies_are_one_utf8_value() {
    let (app, admin) = TestApp::with_admin().await;

    for body in [r#"{"name":"x"} trailing"#, r#"{"name":"x"}{"name":"y"}"#, r#"{"name":"x"} 1"#] {
        let response = app.post_raw("/api/leads", &admin, "application/json", body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let problem = problem(response).await;
        assert_eq!(problem["code"], "MALFORMED_REQUEST", "{body}: {problem}");
        assert!(problem["detail"].as_str().unwrap().contains("trailing"), "{problem}");
    }
    for charset in ["utf-16", "UTF-16LE", "iso-8859-1"] {
        let content_type = format!("application/json; charset={charset}");
        let response = app
            .request(Method::POST, "/api/leads", Some(&admin))
            .header("content-type", content_type)
            .body(r#"{"name":"x"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{charset}");
        assert_eq!(problem(response).await["code"], "UNSUPPORTED_MEDIA_TYPE");
    }
    let latin1_csv = upload(&app, &admin, "", "text/csv; charset=iso-8859-1", "name\nAda\n").await;
    assert_eq!(latin1_csv.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let nul = app.post_raw("/api/leads", &admin, "application/json", r#"{"name":"a\u0000b"}"#).await;
    assert_eq!(nul.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(nul).await["errors"][0]["field"], "name");

    // Whitespace after the value and an explicit UTF-8 charset are fine.
    let ok = app.post_raw("/api/leads", &admin, "application/json; charset=UTF-8", "{\"name\":\"Only\"} \r\n\t").await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let leads: Vec<Value> = app.get("/api/leads", Some(&admin)).await.json().await.unwrap();
    assert_eq!(leads.len(), 1, "only the valid body created a lead");
}

/// serde would fill a struct from an array of its fields in order; the schemas allow only
/// objects, at any depth, and the refusal names the field.
#[tokio::test(flavor = "multi_thread")]
async fn arrays_are_refused_where_objects_belong() {
    let (app, admin) = TestApp::with_admin().await;
    let event = |field: &str, value: Value| {
        let mut event = json!({"title": "Standup", "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T09:15:00Z"});
        event[field] = value;
        event
    };
    let cases = [
        ("/api/leads", json!(["Ada Lovelace"]), "body"),
        ("/api/tasks", json!({"title": "Launch", "checklist": [["Plan", true]]}), "checklist[0]"),
        ("/api/calendar/events", event("reminders", json!([[15, "email"]])), "reminders[0]"),
        ("/api/calendar/events", event("attendees", json!([[null, "guest@example.com"]])), "attendees[0]"),
        (
            "/api/users",
            json!({"username": "sam", "password": "sam-password-1", "customPermissions": [true]}),
            "customPermissions",
        ),
    ];
    for (path, body, field) in cases {
        let response = app.post(path, Some(&admin), &body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path} {body}");
        let problem = problem(response).await;
        assert_eq!(problem["code"], "VALIDATION_ERROR", "{problem}");
        let error = (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str());
        assert_eq!(error, (Some(field), Some("type")), "{path}: {problem}");
    }
    let tasks: Vec<Value> = app.get("/api/tasks", Some(&admin)).await.json().await.unwrap();
    assert!(tasks.is_empty(), "nothing was created");
    // The same values as objects are fine.
    let task = json!({"title": "Launch", "checklist": [{"text": "Plan", "completed": true}]});
    assert_eq!(app.post("/api/tasks", Some(&admin), &task).await.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread")]
async fn url_fields_take_only_http_and_https() {
    let (app, admin) = TestApp::with_admin().await;
    let client =
        created(&app, &admin, "/api/clients", json!({"name": "Acme", "website": "https://acme.example"})).await;
    let lead = created(&app, &admin, "/api/leads", json!({"name": "Ada", "website": "http://ada.example/x?y=1"})).await;
    let (_, user) = app.user_with_role(&admin, "url_user", "staff").await;
    let meeting = json!({"title": "Call", "start": "2026-12-01T10:00:00Z", "end": "2026-12-01T11:00:00Z",
                         "meetLink": "https://meet.example/abc"});
    let event = created(&app, &admin, "/api/calendar/events", meeting).await;

    let bad =
        ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<b>x</b>", "ftp://a.example"];
    for url in bad {
        let attempts = [
            ("website", app.post("/api/clients", Some(&admin), &json!({"name": "X", "website": url})).await),
            ("logoUrl", app.post("/api/clients", Some(&admin), &json!({"name": "X", "logoUrl": url})).await),
            (
                "website",
                app.patch(&format!("/api/clients/{}", id(&client)), Some(&admin), &json!({"website": url})).await,
            ),
            ("website", app.post("/api/leads", Some(&admin), &json!({"name": "X", "website": url})).await),
            ("website", app.patch(&format!("/api/leads/{}", id(&lead)), Some(&admin), &json!({"website": url})).await),
            (
                "socialLinks",
                app.post("/api/leads", Some(&admin), &json!({"name": "X", "socialLinks": {"x": url}})).await,
            ),
            (
                "socialLinks",
                app.patch(&format!("/api/clients/{}", id(&client)), Some(&admin), &json!({"socialLinks": {"x": url}}))
                    .await,
            ),
            ("profileImageUrl", app.patch("/api/user/profile", Some(&user), &json!({"profileImageUrl": url})).await),
            (
                "meetLink",
                app.post(
                    "/api/calendar/events",
                    Some(&admin),
                    &json!({"title": "X", "start": "2026-12-01T10:00:00Z", "end": "2026-12-01T11:00:00Z", "meetLink": url}),
                )
                .await,
            ),
            (
                "meetLink",
                app.patch(&format!("/api/calendar/events/{}", id(&event)), Some(&admin), &json!({"meetLink": url})).await,
            ),
        ];
        for (field, response) in attempts {
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{field} = {url}");
            let body = problem(response).await;
            assert_eq!(
                (body["errors"][0]["field"].as_str(), body["errors"][0]["code"].as_str()),
                (Some(field), Some("url")),
                "{body}"
            );
        }
    }
    let client: Value = app.get(&format!("/api/clients/{}", id(&client)), Some(&admin)).await.json().await.unwrap();
    assert_eq!(client["website"], "https://acme.example", "nothing was changed");

    // Handles stay valid social links; http(s) URLs everywhere.
    let fine = app
        .patch(
            &format!("/api/clients/{}", id(&client)),
            Some(&admin),
            &json!({
                "logoUrl": "https://cdn.example/logo.png",
                "socialLinks": {"x": "@acme", "linkedin": "https://linkedin.com/company/acme"}
            }),
        )
        .await;
    assert_eq!(fine.status(), StatusCode::OK);

    // A lead's website reaches an import row too.
    let location =
        started(&app, &admin, "?mode=skip-invalid", "name,website\nBad,javascript:alert(1)\nGood,https://g.example\n")
            .await;
    let (job, _) = finished(&app, &admin, &location).await;
    assert_eq!(error_fields(&job), [(1, "website".to_owned())]);
    assert_eq!(job["importedRows"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_outside_the_callers_scope_is_no_such_client() {
    let (app, admin) = TestApp::with_admin().await;
    let (_, agent) = app.user_with_role(&admin, "scope_agent_a", "sales_agent").await;
    let (_, other) = app.user_with_role(&admin, "scope_agent_b", "sales_agent").await;
    let theirs = id(&created(&app, &other, "/api/clients", json!({"name": "B's client"})).await);
    let mine = id(&created(&app, &agent, "/api/clients", json!({"name": "A's client"})).await);
    let ghost = uuid::Uuid::new_v4().to_string();
    let lead = id(&created(&app, &agent, "/api/leads", json!({"name": "Own lead"})).await);
    let lead_path = format!("/api/leads/{lead}");

    let missing = app.patch(&lead_path, Some(&agent), &json!({"clientId": ghost})).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let missing = visible(&problem(missing).await);
    assert_eq!(missing[3][0]["field"], "clientId");

    let patched = app.patch(&lead_path, Some(&agent), &json!({"clientId": theirs})).await;
    assert_eq!(patched.status(), StatusCode::BAD_REQUEST, "another agent's client cannot be attached");
    assert_eq!(visible(&problem(patched).await), missing, "indistinguishable from a client that does not exist");
    let posted = app.post("/api/leads", Some(&agent), &json!({"name": "New lead", "clientId": theirs})).await;
    assert_eq!(posted.status(), StatusCode::BAD_REQUEST);
    assert_eq!(visible(&problem(posted).await), missing);
    let stored: Value = app.get(&lead_path, Some(&agent)).await.json().await.unwrap();
    assert_eq!(stored["clientId"], Value::Null);

    assert_eq!(app.patch(&lead_path, Some(&agent), &json!({"clientId": mine})).await.status(), StatusCode::OK);
    assert_eq!(
        app.patch(&lead_path, Some(&admin), &json!({"clientId": theirs})).await.status(),
        StatusCode::OK,
        "an admin sees every client"
    );
    // The agent may still edit a lead the admin linked, re-sending its clientId as read.
    let again = app.patch(&lead_path, Some(&agent), &json!({"clientId": theirs, "notes": "call back"})).await;
    assert_eq!(again.status(), StatusCode::OK);

    let csv = format!("name,clientId\nTheirs,{theirs}\nGhost,{ghost}\nMine,{mine}\n");
    let location = started(&app, &agent, "?mode=skip-invalid", &csv).await;
    let (job, _) = finished(&app, &agent, &location).await;
    assert_eq!(error_fields(&job), [(1, "clientId".to_owned()), (2, "clientId".to_owned())]);
    assert_eq!(job["errors"][0]["message"], job["errors"][1]["message"], "same message as an unknown client");
    assert_eq!(job["importedRows"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_files_with_nul_cells_or_broken_quotes() {
    let (app, admin) = TestApp::with_admin().await;

    let csv = "name,notes\nAda,fine\nNul,a\0b\nGrace,fine\n";
    let location = started(&app, &admin, "?mode=skip-invalid", csv).await;
    let (job, _) = finished(&app, &admin, &location).await;
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(error_fields(&job), [(2, "notes".to_owned())]);
    assert!(job["errors"][0]["message"].as_str().unwrap().contains("NUL"), "{job}");
    assert_eq!((job["importedRows"].as_i64(), job["skippedRows"].as_i64()), (Some(2), Some(1)));

    let jobs_before: i64 = lead_imports::table.count().get_result(&mut app.db().await).await.unwrap();
    let unterminated = "name,notes\nAda,fine\nGrace,\"never closed\nHopper,x\n";
    let after_quote = "name,notes\nAda,\"quoted\"tail\n";
    for (csv, line) in [(unterminated, "line 3"), (after_quote, "line 2")] {
        let response = upload(&app, &admin, "?mode=skip-invalid", "text/csv", csv).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{csv:?}");
        let body = problem(response).await;
        assert_eq!(body["code"], "MALFORMED_REQUEST");
        assert!(body["detail"].as_str().unwrap().contains(line), "{body}");
    }
    let jobs_after: i64 = lead_imports::table.count().get_result(&mut app.db().await).await.unwrap();
    assert_eq!(jobs_after, jobs_before, "no job was created");
    let leads: Vec<Value> = app.get("/api/leads", Some(&admin)).await.json().await.unwrap();
    assert_eq!(leads.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_imports_queue_instead_of_emptying_the_pool() {
    // A pool of 4 connections: one import runs at a time, the others wait `queued`.
    let app = TestApp::spawn_with(&[("DB_POOL_SIZE", "4")]).await;
    let admin = app.admin_token().await;
    let uploads: Vec<_> = (0..6)
        .map(|job| {
            let mut csv = String::from("name\n");
            for row in 0..600 {
                csv.push_str(&format!("Job {job} lead {row}\n"));
            }
            let mode = if job < 4 { "all-or-nothing" } else { "skip-invalid" };
            let request = app
                .request(Method::POST, &format!("/api/leads/import?mode={mode}"), Some(&admin))
                .header("content-type", "text/csv")
                .body(csv);
            tokio::spawn(request.send())
        })
        .collect();
    let mut locations = Vec::new();
    for upload in uploads {
        let response = upload.await.unwrap().unwrap();
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        locations.push(response.headers()["location"].to_str().unwrap().to_owned());
    }

    let asked = Instant::now();
    let response = app.get("/api/leads?limit=1", Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(asked.elapsed() < Duration::from_secs(2), "a request during the imports took {:?}", asked.elapsed());

    for location in &locations {
        let (job, seen) = finished(&app, &admin, location).await;
        assert_eq!(job["status"], "completed", "{job}");
        assert_eq!((job["importedRows"].as_i64(), job["errorCount"].as_i64()), (Some(600), Some(0)), "{job}");
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "progress only moves forward: {seen:?}");
    }
    let total = app.get("/api/leads?limit=1", Some(&admin)).await;
    assert_eq!(total.headers()["x-total-count"], "3600");
}
