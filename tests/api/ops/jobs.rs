//! The admin API of the job queue: listing by state and kind, cancelling a queued job,
//! retrying a dead one, and the queue figures of `/health/ready`.

use crate::crm::lead_imports::{finished, started};
use api_tests::{audit_rows, execute, header, ProblemExt, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn jobs(app: &TestApp, token: &str, query: &str) -> (Vec<Value>, String) {
    let response = app.get(&format!("/api/jobs{query}"), Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let total = header(&response, "x-total-count");
    (response.json().await.unwrap(), total)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_is_a_job_admins_see_succeed() {
    let (app, admin) = TestApp::with_admin().await;
    let location = started(&app, &admin, "", "name\nAda\n").await;
    finished(&app, &admin, &location).await;

    let (listed, total) = jobs(&app, &admin, "?kind=lead_import").await;
    assert_eq!(total, "1");
    let job = &listed[0];
    assert_eq!((job["state"].as_str(), job["attempts"].as_i64()), (Some("succeeded"), Some(1)), "{job}");
    assert!(job["finishedAt"].is_string() && job["lockedBy"].is_null(), "{job}");
    assert!(job.get("payload").is_none(), "payloads are not shown");
    assert_eq!(jobs(&app, &admin, "?state=dead").await.1, "0");
    app.get("/api/jobs?state=stuck", Some(&admin)).await.expect_problem(400, "VALIDATION_ERROR").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn queued_jobs_can_be_cancelled_and_dead_ones_retried() {
    // No workers here: the import's job stays queued.
    let app = TestApp::spawn_with(&[("JOB_WORKERS", "0")]).await;
    let admin = app.admin_token().await;
    started(&app, &admin, "", "name\nAda\n").await;
    let (listed, _) = jobs(&app, &admin, "?state=queued").await;
    let id = listed[0]["id"].as_i64().unwrap();

    let ready: Value = app.get("/health/ready", None).await.json().await.unwrap();
    assert_eq!(ready["queue"]["queued"], 1, "{ready}");
    assert_eq!(ready["queue"]["workersHere"], 0);

    app.post(&format!("/api/jobs/{id}/retry"), Some(&admin), &json!({})).await.expect_problem(409, "CONFLICT").await;
    let cancelled = app.post(&format!("/api/jobs/{id}/cancel"), Some(&admin), &json!({})).await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    assert_eq!(cancelled.json::<Value>().await.unwrap()["state"], "cancelled");
    assert_eq!(audit_rows(&app, "job.update", &id.to_string()).await, 1);
    app.post(&format!("/api/jobs/{id}/cancel"), Some(&admin), &json!({})).await.expect_problem(409, "CONFLICT").await;

    execute(&mut app.db().await, &format!("UPDATE jobs SET state = 'dead', attempts = 3 WHERE id = {id}")).await;
    let retried = app.post(&format!("/api/jobs/{id}/retry"), Some(&admin), &json!({})).await;
    assert_eq!(retried.status(), StatusCode::OK);
    let retried: Value = retried.json().await.unwrap();
    assert_eq!((retried["state"].as_str(), retried["attempts"].as_i64()), (Some("queued"), Some(0)), "{retried}");
    app.post("/api/jobs/123456/retry", Some(&admin), &json!({})).await.expect_problem(404, "NOT_FOUND").await;
}
