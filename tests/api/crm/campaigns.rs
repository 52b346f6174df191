//! Campaigns: CRUD, filters, the view-only scope of sales agents, and the audit trail.

use api_tests::{audit_rows, created, id, listed};
use api_tests::{problem, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread")]
async fn campaigns_are_managed_per_client_and_filtered() {
    let (app, admin) = TestApp::with_admin().await;
    let acme = id(&created(&app, &admin, "/api/clients", json!({"name": "Acme"})).await);
    let globex = id(&created(&app, &admin, "/api/clients", json!({"name": "Globex"})).await);

    let launch = created(
        &app,
        &admin,
        "/api/campaigns",
        json!({"clientId": acme, "name": "Launch", "type": "social", "budget": 5000,
               "startDate": "2026-12-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(launch["status"], "planning");
    assert_eq!(launch["type"], "social");
    assert_eq!(launch["budget"], 5000);
    created(
        &app,
        &admin,
        "/api/campaigns",
        json!({"clientId": globex, "name": "Brand", "type": "ppc", "status": "active"}),
    )
    .await;

    let (names, total) = listed(&app, &admin, &format!("/api/campaigns?clientId={acme}"), "name").await;
    assert_eq!((names, total.as_str()), (vec!["Launch".to_owned()], "1"));
    assert_eq!(listed(&app, &admin, "/api/campaigns?status=active", "name").await.0, ["Brand"]);
    assert_eq!(listed(&app, &admin, "/api/campaigns?sort=name", "name").await.0, ["Brand", "Launch"]);

    let invalid = app.post("/api/campaigns", Some(&admin), &json!({"clientId": acme, "name": "", "type": "x"})).await;
    assert_eq!(invalid.status(), StatusCode::BAD_REQUEST);
    let unknown = json!({"clientId": "6f1c6c1e-8f0e-4a43-9d7b-1d1f7f6e1a10", "name": "X", "type": "x"});
    let no_client = app.post("/api/campaigns", Some(&admin), &unknown).await;
    assert_eq!(no_client.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(no_client).await["errors"][0]["field"], "clientId");

    let path = format!("/api/campaigns/{}", id(&launch));
    let patched = app.patch(&path, Some(&admin), &json!({"status": "active", "budget": null})).await;
    assert_eq!(patched.status(), StatusCode::OK);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!((patched["status"].as_str(), &patched["budget"]), (Some("active"), &Value::Null));

    // Sales agents read campaigns but cannot change them.
    let (_, agent) = app.user_with_role(&admin, "campaign_agent", "sales_agent").await;
    assert_eq!(app.get(&path, Some(&agent)).await.status(), StatusCode::OK);
    assert_eq!(listed(&app, &agent, "/api/campaigns", "name").await.1, "2");
    let refused = app.patch(&path, Some(&agent), &json!({"name": "Mine"})).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(problem(refused).await["detail"].as_str().unwrap().contains("canManageCampaigns"));
    assert_eq!(app.delete(&path, Some(&agent)).await.status(), StatusCode::FORBIDDEN);

    assert_eq!(app.delete(&path, Some(&admin)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path, Some(&admin)).await.status(), StatusCode::NOT_FOUND);
    for action in ["campaign.create", "campaign.update", "campaign.delete"] {
        assert_eq!(audit_rows(&app, action, &id(&launch)).await, 1, "{action}");
    }
}

/// The field errors of a 400 response as (field, code).
async fn field_errors(response: reqwest::Response) -> Vec<(String, String)> {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = problem(response).await;
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
        .collect()
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn campaign_dates_must_be_in_order_and_errors_name_json_fields() {
    let (app, admin) = TestApp::with_admin().await;
    let client = id(&created(&app, &admin, "/api/clients", json!({"name": "Acme"})).await);

    let backwards = json!({"clientId": client, "name": "Late", "type": "seo",
                           "startDate": "2026-12-10T00:00:00Z", "endDate": "2026-12-01T00:00:00Z"});
    assert_eq!(
        field_errors(app.post("/api/campaigns", Some(&admin), &backwards).await).await,
        [pair("endDate", "date_order")]
    );
    let blank_type = json!({"clientId": client, "name": "Blank", "type": " "});
    assert_eq!(
        field_errors(app.post("/api/campaigns", Some(&admin), &blank_type).await).await,
        [pair("type", "blank")]
    );

    // A whole number written with a zero fraction is an integer, as JSON Schema says.
    let campaign = created(
        &app,
        &admin,
        "/api/campaigns",
        json!({"clientId": client, "name": "Run", "type": "seo", "budget": 1913.0,
               "startDate": "2026-12-01T00:00:00Z", "endDate": "2026-12-31T00:00:00Z"}),
    )
    .await;
    assert_eq!(campaign["budget"], 1913);
    assert_eq!(listed(&app, &admin, "/api/campaigns?limit=10.0", "name").await.0, ["Run"]);
    let path = format!("/api/campaigns/{}", id(&campaign));

    // One side at a time is checked against the stored other side.
    let end_only = app.patch(&path, Some(&admin), &json!({"endDate": "2026-11-30T00:00:00Z"})).await;
    assert_eq!(field_errors(end_only).await, [pair("endDate", "date_order")]);
    let start_only = app.patch(&path, Some(&admin), &json!({"startDate": "2027-01-01T00:00:00Z"})).await;
    assert_eq!(field_errors(start_only).await, [pair("endDate", "date_order")]);
    let long_type = app.patch(&path, Some(&admin), &json!({"type": "x".repeat(51)})).await;
    assert_eq!(field_errors(long_type).await, [pair("type", "length")]);
    let unchanged: Value = app.get(&path, Some(&admin)).await.json().await.unwrap();
    assert_eq!(unchanged["endDate"], "2026-12-31T00:00:00Z");

    let cleared = app.patch(&path, Some(&admin), &json!({"endDate": null, "startDate": "2027-01-01T00:00:00Z"})).await;
    assert_eq!(cleared.status(), StatusCode::OK, "no end date, no order to keep");
    let moved = app.patch(&path, Some(&admin), &json!({"endDate": "2027-01-01T00:00:00Z", "budget": 2.0e3})).await;
    assert_eq!(moved.status(), StatusCode::OK, "ending the day it starts is fine");
    assert_eq!(moved.json::<Value>().await.unwrap()["budget"], 2000);
}
