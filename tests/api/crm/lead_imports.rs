//! CSV import of leads (both modes, row errors, in-file duplicates, progress, bad files,
//! job privacy, sales-agent scope) and CSV export of leads and clients (filters, scope,
//! formula cells, re-import).

use api_tests::{audit_rows, created, header, id, listed, portal_user};
use api_tests::{problem, ProblemExt, TestApp};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

pub(crate) async fn upload(
    app: &TestApp,
    token: &str,
    query: &str,
    content_type: &str,
    body: impl Into<Vec<u8>>,
) -> Response {
    app.request(Method::POST, &format!("/api/leads/import{query}"), Some(token))
        .header("content-type", content_type)
        .body(body.into())
        .send()
        .await
        .expect("request")
}

/// Uploads `csv`, asserts 202 with the job's `Location`, and returns the job's URL.
pub(crate) async fn started(app: &TestApp, token: &str, query: &str, csv: &str) -> String {
    let response = upload(app, token, query, "text/csv", csv).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED, "{}", response.text().await.unwrap_or_default());
    let location = header(&response, "location");
    let job: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/leads/imports/{}", id(&job)));
    assert!(job["status"] == "queued" || job["status"] == "running", "{job}");
    location
}

/// Polls the job until it finishes; returns the finished job and every `processedRows` seen.
pub(crate) async fn finished(app: &TestApp, token: &str, location: &str) -> (Value, Vec<i64>) {
    let mut seen = Vec::new();
    for _ in 0..600 {
        let response = app.get(location, Some(token)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let job: Value = response.json().await.unwrap();
        seen.push(job["processedRows"].as_i64().unwrap());
        if job["status"] == "completed" || job["status"] == "failed" {
            assert!(job["finishedAt"].is_string(), "{job}");
            return (job, seen);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the import at {location} did not finish");
}

pub(crate) fn error_fields(job: &Value) -> Vec<(i64, String)> {
    job["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_i64().unwrap(), e["field"].as_str().unwrap_or("").to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn skip_invalid_imports_the_valid_rows_and_reports_the_others() {
    let (app, admin) = TestApp::with_admin().await;
    let taken = created(&app, &admin, "/api/leads", json!({"name": "Taken", "email": "taken@example.com"})).await;
    let csv = "name,email,phone,tags,value,stage,socialLinks.linkedin\n\
               Ada Lovelace,ada@example.com,+1 555 0100,vip; b2b,1913.0,qualified,https://linkedin.com/in/ada\n\
               Second,TAKEN@example.com,,,,,\n\
               Ada Again,ADA@EXAMPLE.COM,,,,,\n\
               Bad Stage,,,,,won,\n\
               Same Phone,,1-555-0100,,,,\n\
               Bad Email,not-an-email,,,-5,,\n\
               Grace Hopper,grace@example.com,,,,,\n";
    let location = started(&app, &admin, "?mode=skip-invalid", csv).await;
    let (job, _) = finished(&app, &admin, &location).await;

    assert_eq!(job["status"], "completed");
    assert_eq!(job["mode"], "skip-invalid");
    let counts = ["totalRows", "processedRows", "importedRows", "skippedRows", "errorCount"].map(|k| job[k].clone());
    assert_eq!(counts, [json!(7), json!(7), json!(2), json!(5), json!(6)]);
    assert_eq!(
        error_fields(&job),
        [
            (2, "email".to_owned()),
            (3, "email".to_owned()),
            (4, "stage".to_owned()),
            (5, "phone".to_owned()),
            (6, "email".to_owned()),
            (6, "value".to_owned()),
        ]
    );
    let messages: Vec<&str> =
        job["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert!(messages[0].contains(&id(&taken)), "names the existing lead: {}", messages[0]);
    assert_eq!(messages[1], "Row 1 of this file has the same email");
    assert_eq!(messages[3], "Row 1 of this file has the same phone");

    assert_eq!(listed(&app, &admin, "/api/leads?sort=name", "name").await.0, ["Ada Lovelace", "Grace Hopper", "Taken"]);
    let ada = &app.get("/api/leads?q=lovelace", Some(&admin)).await.json::<Vec<Value>>().await.unwrap()[0];
    assert_eq!(ada["tags"], json!(["vip", "b2b"]));
    assert_eq!(ada["value"], 1913);
    assert_eq!(ada["stage"], "qualified");
    assert_eq!(ada["source"], "import", "imported leads default to the import source");
    assert_eq!(ada["socialLinks"], json!({"linkedin": "https://linkedin.com/in/ada"}));
    assert_eq!(audit_rows(&app, "lead.import.start", &id(&job)).await, 1);
    assert_eq!(audit_rows(&app, "lead.import", &id(&job)).await, 1);
    assert_eq!(audit_rows(&app, "lead.import.finish", &id(&job)).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn all_or_nothing_imports_nothing_when_any_row_is_invalid() {
    let (app, admin) = TestApp::with_admin().await;
    let csv = "name,email\nAda,ada@example.com\nGrace,grace@example.com\nAda Again,Ada@example.com\n";
    let location = started(&app, &admin, "", csv).await;
    let (job, _) = finished(&app, &admin, &location).await;
    assert_eq!(job["status"], "failed");
    assert_eq!(job["mode"], "all-or-nothing", "the default mode");
    assert_eq!((job["importedRows"].as_i64(), job["skippedRows"].as_i64()), (Some(0), Some(3)));
    assert_eq!(error_fields(&job), [(3, "email".to_owned())]);
    assert_eq!(listed(&app, &admin, "/api/leads", "name").await.1, "0", "nothing was imported");

    let fixed = "name,email\nAda,ada@example.com\nGrace,grace@example.com\n";
    let location = started(&app, &admin, "?mode=all-or-nothing", fixed).await;
    let (job, _) = finished(&app, &admin, &location).await;
    assert_eq!(job["status"], "completed");
    assert_eq!((job["importedRows"].as_i64(), job["errorCount"].as_i64()), (Some(2), Some(0)));
    assert_eq!(listed(&app, &admin, "/api/leads?sort=name", "name").await.0, ["Ada", "Grace"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn large_files_are_processed_in_batches_until_completed() {
    let (app, admin) = TestApp::with_admin().await;
    let mut csv = String::from("name,email,phone\n");
    for n in 1..=1000 {
        csv.push_str(&format!("Lead {n},lead{n}@example.com,+1 555 {n:07}\n"));
    }
    for query in ["?mode=skip-invalid", "?mode=all-or-nothing"] {
        let location = started(&app, &admin, query, &csv).await;
        let (job, seen) = finished(&app, &admin, &location).await;
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "progress only moves forward: {seen:?}");
        assert_eq!(job["processedRows"], 1000);
        if query == "?mode=skip-invalid" {
            assert_eq!((job["status"].as_str(), job["importedRows"].as_i64()), (Some("completed"), Some(1000)));
        } else {
            // The second run meets the first run's leads: every row is a duplicate.
            assert_eq!((job["status"].as_str(), job["errorCount"].as_i64()), (Some("failed"), Some(2000)));
            assert_eq!(job["errors"].as_array().unwrap().len(), 500, "the first 500 errors are kept");
        }
    }
    assert_eq!(listed(&app, &admin, "/api/leads?limit=1", "name").await.1, "1000");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_files_are_refused_before_a_job_starts() {
    let (app, admin) = TestApp::with_admin().await;

    let body = upload(&app, &admin, "", "text/csv", "name,fax,e-mail\nAda,1,2\n")
        .await
        .expect_problem(400, "VALIDATION_ERROR")
        .await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["fax", "e-mail"]);
    assert!(body["detail"].as_str().unwrap().contains("Unknown column(s): fax, e-mail"), "{body}");

    let missing = upload(&app, &admin, "", "text/csv", "email\nada@example.com\n").await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let body = problem(missing).await;
    assert_eq!(
        (body["errors"][0]["field"].as_str(), body["errors"][0]["code"].as_str()),
        (Some("name"), Some("required"))
    );

    let body = upload(&app, &admin, "", "text/csv", b"name\nJos\xe9\n".to_vec())
        .await
        .expect_problem(400, "MALFORMED_REQUEST")
        .await;
    assert!(body["detail"].as_str().unwrap().contains("not UTF-8"), "{body}");

    for empty in ["", "name\n"] {
        let response = upload(&app, &admin, "", "text/csv", empty).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{empty:?}");
        problem(response).await;
    }

    app.post("/api/leads/import", Some(&admin), &json!({"name": "Ada"}))
        .await
        .expect_problem(415, "UNSUPPORTED_MEDIA_TYPE")
        .await;

    let mut huge = b"name\n".to_vec();
    huge.resize(10 * 1024 * 1024 + 1, b'a');
    upload(&app, &admin, "", "text/csv", huge).await.expect_problem(413, "PAYLOAD_TOO_LARGE").await;

    let mode = upload(&app, &admin, "?mode=some", "text/csv", "name\nAda\n").await;
    assert_eq!(mode.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(mode).await["errors"][0]["field"], "mode");

    // A byte order mark (as spreadsheet apps write) is not part of the first column's name.
    let location = started(&app, &admin, "", "\u{feff}name\nAda\n").await;
    assert_eq!(finished(&app, &admin, &location).await.0["status"], "completed");
    assert_eq!(listed(&app, &admin, "/api/leads", "name").await.1, "1", "only the good file imported");
}

#[tokio::test(flavor = "multi_thread")]
async fn jobs_are_private_and_agents_import_for_themselves() {
    let (app, admin) = TestApp::with_admin().await;
    let (agent_id, agent) = app.user_with_role(&admin, "import_agent", "sales_agent").await;
    let (other_id, other) = app.user_with_role(&admin, "import_other", "sales_agent").await;

    let csv = format!("name,assignedToId\nMine,\nAlso Mine,{agent_id}\nTheirs,{other_id}\n");
    let location = started(&app, &agent, "?mode=skip-invalid", &csv).await;
    let (job, _) = finished(&app, &agent, &location).await;
    assert_eq!(job["createdBy"], agent_id);
    assert_eq!(error_fields(&job), [(3, "assignedToId".to_owned())]);
    assert_eq!(job["errors"][0]["message"], "You can only assign records to yourself");

    let mine = app.get("/api/leads?sort=name", Some(&agent)).await.json::<Vec<Value>>().await.unwrap();
    let owners: Vec<(&str, i64)> =
        mine.iter().map(|l| (l["name"].as_str().unwrap(), l["assignedToId"].as_i64().unwrap())).collect();
    assert_eq!(owners, [("Also Mine", agent_id), ("Mine", agent_id)]);

    assert_eq!(app.get(&location, Some(&admin)).await.status(), StatusCode::OK, "admins see every job");
    let foreign = app.get(&location, Some(&other)).await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND, "another user's job is not theirs to see");
    assert_eq!(problem(foreign).await["code"], "NOT_FOUND");

    let ghost = started(
        &app,
        &admin,
        "?mode=skip-invalid",
        "name,assignedToId,clientId\nGhost,999999,6f1c6c1e-8f0e-4a43-9d7b-1d1f7f6e1a10\n",
    )
    .await;
    let (job, _) = finished(&app, &admin, &ghost).await;
    assert_eq!(error_fields(&job), [(1, "assignedToId".to_owned()), (1, "clientId".to_owned())]);
}

fn csv_lines(body: &str) -> Vec<Vec<String>> {
    body.lines().map(|line| line.split(',').map(str::to_owned).collect()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn lead_exports_follow_the_list_filters_and_guard_formula_cells() {
    let (app, admin) = TestApp::with_admin().await;
    let (agent_id, agent) = app.user_with_role(&admin, "export_agent", "sales_agent").await;
    created(
        &app,
        &admin,
        "/api/leads",
        json!({"name": "=HYPERLINK(\"http://evil\")", "stage": "qualified", "phone": "+44 20 7946 0000"}),
    )
    .await;
    created(&app, &admin, "/api/leads", json!({"name": "Ada", "stage": "qualified", "value": 10, "tags": ["a", "b"]}))
        .await;
    created(&app, &admin, "/api/leads", json!({"name": "Grace", "stage": "prospect"})).await;
    created(&app, &agent, "/api/leads", json!({"name": "@agent", "notes": "-1+1"})).await;

    let response = app.get("/api/leads/export?stage=qualified&sort=name", Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "text/csv; charset=utf-8");
    let today = chrono::Utc::now().format("%Y-%m-%d");
    assert_eq!(header(&response, "content-disposition"), format!("attachment; filename=\"leads-{today}.csv\""));
    let body = response.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines.len(), 3, "header and the two qualified leads: {body}");
    assert!(lines[0].starts_with("name,firstName,lastName,email,phone,company"), "{}", lines[0]);
    // Rows follow the list's sort (the database's collation orders `=` and letters).
    let ada = "Ada,,,,,,,,qualified,warm,,new,website,10,,,a;b,";
    let evil = "\"'=HYPERLINK(\"\"http://evil\"\")\",,,,'+44 20 7946 0000,";
    assert!(lines[1..].iter().any(|line| line.starts_with(ada)), "{body}");
    assert!(lines[1..].iter().any(|line| line.starts_with(evil)), "{body}");

    let agent_export = app.get("/api/leads/export", Some(&agent)).await.text().await.unwrap();
    let rows = csv_lines(&agent_export);
    assert_eq!(rows.len(), 2, "an agent exports only their own leads: {agent_export}");
    assert_eq!(
        (rows[1][0].as_str(), rows[1][14].as_str(), rows[1][20].as_str()),
        ("'@agent", &*agent_id.to_string(), "'-1+1")
    );

    // An export imports again: the same leads come back, formulas still neutral text.
    let everything = app.get("/api/leads/export?sort=name", Some(&admin)).await.text().await.unwrap();
    for lead in app.get("/api/leads?limit=200", Some(&admin)).await.json::<Vec<Value>>().await.unwrap() {
        assert_eq!(
            app.delete(&format!("/api/leads/{}", id(&lead)), Some(&admin)).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    let location = started(&app, &admin, "", &everything).await;
    assert_eq!(finished(&app, &admin, &location).await.0["status"], "completed");
    let again = app.get("/api/leads/export?sort=name", Some(&admin)).await.text().await.unwrap();
    assert_eq!(again, everything, "export → import → export is stable");
    let evil = &app.get("/api/leads?q=HYPERLINK", Some(&admin)).await.json::<Vec<Value>>().await.unwrap()[0];
    assert_eq!(evil["name"], "=HYPERLINK(\"http://evil\")", "the guard quote is not stored");
    assert_eq!(evil["phone"], "+44 20 7946 0000");

    assert_eq!(app.get("/api/leads/export?stage=won", Some(&admin)).await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread")]
async fn client_exports_follow_the_list_filters_and_scope() {
    let (app, admin) = TestApp::with_admin().await;
    let (_, agent) = app.user_with_role(&admin, "client_export_agent", "sales_agent").await;
    created(&app, &admin, "/api/clients", json!({"name": "Acme", "notes": "=1+1", "serviceTags": ["seo", "ppc"]}))
        .await;
    let dormant = created(&app, &admin, "/api/clients", json!({"name": "Dormant", "status": "inactive"})).await;
    created(&app, &agent, "/api/clients", json!({"name": "Agent Co", "socialLinks": {"x": "https://x.com/agentco"}}))
        .await;

    let response = app.get("/api/clients/export?status=active&sort=name", Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "text/csv; charset=utf-8");
    assert!(header(&response, "content-disposition").starts_with("attachment; filename=\"clients-"));
    let rows = csv_lines(&response.text().await.unwrap());
    assert_eq!(rows[0][..11], domain::crm::clients::CLIENT_COLUMNS, "the create request's fields first");
    assert_eq!(rows[0].get(11).map(String::as_str), Some("socialLinks.x"));
    let names: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["Acme", "Agent Co"], "inactive clients are filtered out");
    assert_eq!((rows[1][6].as_str(), rows[1][9].as_str()), ("seo;ppc", "'=1+1"));
    assert_eq!(rows[2][11], "https://x.com/agentco");

    let agent_rows = csv_lines(&app.get("/api/clients/export", Some(&agent)).await.text().await.unwrap());
    assert_eq!(agent_rows.len(), 2, "an agent exports only their assigned clients");
    assert_eq!(agent_rows[1][0], "Agent Co");

    let (_, portal) = portal_user(&app, &admin, "export_portal", &id(&dormant)).await;
    let portal_rows =
        csv_lines(&app.get("/api/clients/export?status=inactive", Some(&portal)).await.text().await.unwrap());
    assert_eq!(portal_rows.len(), 2, "a client-portal user exports only their own client");
    assert_eq!(portal_rows[1][0], "Dormant");
    let leads = app.get("/api/leads/export", Some(&portal)).await;
    assert_eq!(leads.status(), StatusCode::FORBIDDEN, "and never leads");
}
