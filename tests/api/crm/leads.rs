//! Leads: CRUD, filters, duplicate detection, automatic stage-change activities,
//! activities, conversion to a client (one transaction, idempotent), sales-agent scope.

use api_tests::{audit_rows, created, id, listed};
use api_tests::{problem, ProblemExt, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread")]
async fn leads_are_created_listed_filtered_and_deleted() {
    let (app, admin) = TestApp::with_admin().await;
    let ada = created(
        &app,
        &admin,
        "/api/leads",
        json!({"name": "Ada Lovelace", "email": "ada@example.com", "company": "Engines Ltd", "value": 900,
               "score": "hot", "source": "referral", "tags": ["vip"]}),
    )
    .await;
    assert_eq!((ada["stage"].as_str(), ada["status"].as_str()), (Some("prospect"), Some("new")));
    created(&app, &admin, "/api/leads", json!({"name": "Grace Hopper", "value": 100, "stage": "qualified"})).await;
    created(&app, &admin, "/api/leads", json!({"name": "Alan Turing", "value": 500})).await;

    assert_eq!(
        listed(&app, &admin, "/api/leads?sort=-value", "name").await.0,
        ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    );
    assert_eq!(
        listed(&app, &admin, "/api/leads?sort=name", "name").await.0,
        ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    );
    assert_eq!(listed(&app, &admin, "/api/leads?stage=qualified", "name").await.0, ["Grace Hopper"]);
    assert_eq!(listed(&app, &admin, "/api/leads?score=hot&source=referral", "name").await.0, ["Ada Lovelace"]);
    assert_eq!(listed(&app, &admin, "/api/leads?q=ENGINES", "name").await.0, ["Ada Lovelace"]);
    let (page, total) = listed(&app, &admin, "/api/leads?limit=1&offset=1&sort=name", "name").await;
    assert_eq!((page, total.as_str()), (vec!["Alan Turing".to_owned()], "3"));
    assert_eq!(app.get("/api/leads?stage=won", Some(&admin)).await.status(), StatusCode::BAD_REQUEST);

    app.post("/api/leads", Some(&admin), &json!({"name": "X", "aiScore": 101, "website": "nope"}))
        .await
        .expect_problem(400, "VALIDATION_ERROR")
        .await;

    let path = format!("/api/leads/{}", id(&ada));
    assert_eq!(app.get(&path, Some(&admin)).await.json::<Value>().await.unwrap()["tags"], json!(["vip"]));
    assert_eq!(app.delete(&path, Some(&admin)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path, Some(&admin)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(audit_rows(&app, "lead.create", &id(&ada)).await, 1);
    assert_eq!(audit_rows(&app, "lead.delete", &id(&ada)).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicates_by_email_or_phone_are_conflicts_naming_the_existing_lead() {
    let (app, admin) = TestApp::with_admin().await;
    let first = created(
        &app,
        &admin,
        "/api/leads",
        json!({"name": "First", "email": "Ada@Example.com", "phone": "+1 (555) 010-2000"}),
    )
    .await;

    let body = app
        .post("/api/leads", Some(&admin), &json!({"name": "Second", "email": "ada@example.COM"}))
        .await
        .expect_problem(409, "CONFLICT")
        .await;
    assert_eq!(body["errors"][0]["field"], "email");
    assert!(body["detail"].as_str().unwrap().contains(&id(&first)), "names the existing lead: {body}");

    let same_phone = app.post("/api/leads", Some(&admin), &json!({"name": "Third", "phone": "1.555.010.2000"})).await;
    assert_eq!(same_phone.status(), StatusCode::CONFLICT);
    let body = problem(same_phone).await;
    assert_eq!(body["errors"][0]["field"], "phone");
    assert!(body["detail"].as_str().unwrap().contains(&id(&first)));

    let other = created(&app, &admin, "/api/leads", json!({"name": "Other", "email": "other@example.com"})).await;
    let patch =
        app.patch(&format!("/api/leads/{}", id(&other)), Some(&admin), &json!({"email": "ADA@example.com"})).await;
    assert_eq!(patch.status(), StatusCode::CONFLICT, "an update cannot create a duplicate either");
    let own =
        app.patch(&format!("/api/leads/{}", id(&first)), Some(&admin), &json!({"email": "ada@example.com"})).await;
    assert_eq!(own.status(), StatusCode::OK, "a lead does not conflict with itself");
}

#[tokio::test(flavor = "multi_thread")]
async fn stage_changes_and_logged_activities_form_the_timeline() {
    let (app, admin) = TestApp::with_admin().await;
    let lead = id(&created(&app, &admin, "/api/leads", json!({"name": "Timeline"})).await);
    let activities = format!("/api/leads/{lead}/activities");

    let moved = app.patch(&format!("/api/leads/{lead}"), Some(&admin), &json!({"stage": "contacted"})).await;
    assert_eq!(moved.status(), StatusCode::OK);
    let same =
        app.patch(&format!("/api/leads/{lead}"), Some(&admin), &json!({"stage": "contacted", "notes": "hi"})).await;
    assert_eq!(same.status(), StatusCode::OK);
    let call = created(&app, &admin, &activities, json!({"type": "call", "subject": "Intro call"})).await;
    assert_eq!(call["type"], "call");
    let by_hand = app.post(&activities, Some(&admin), &json!({"type": "stage_change"})).await;
    assert_eq!(by_hand.status(), StatusCode::BAD_REQUEST, "stage changes are recorded by the server only");

    let response = app.get(&activities, Some(&admin)).await;
    assert_eq!(response.headers()["x-total-count"], "2");
    let timeline: Vec<Value> = response.json().await.unwrap();
    assert_eq!(timeline[0]["type"], "call", "newest first");
    assert_eq!(timeline[1]["type"], "stage_change");
    assert_eq!(timeline[1]["subject"], "Stage changed from Prospect to Contacted");
    assert_eq!(timeline[1]["metadata"], json!({"from": "prospect", "to": "contacted"}));
    assert_eq!(audit_rows(&app, "lead.activity.create", &lead).await, 1);

    let missing = app.get("/api/leads/6f1c6c1e-8f0e-4a43-9d7b-1d1f7f6e1a10/activities", Some(&admin)).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn conversion_creates_one_client_and_is_idempotent() {
    let (app, admin) = TestApp::with_admin().await;
    let lead = id(&created(
        &app,
        &admin,
        "/api/leads",
        json!({"name": "Ada Lovelace", "company": "Engines Ltd", "email": "ada@engines.test", "stage": "proposal"}),
    )
    .await);
    let convert = format!("/api/leads/{lead}/convert");

    let first = app.post(&convert, Some(&admin), &json!({})).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let client: Value = first.json().await.unwrap();
    assert_eq!(client["name"], "Engines Ltd");
    assert_eq!(client["email"], "ada@engines.test");

    let again = app.post(&convert, Some(&admin), &json!({})).await;
    assert_eq!(again.status(), StatusCode::OK, "a second conversion returns the same client");
    assert_eq!(again.json::<Value>().await.unwrap()["id"], client["id"]);
    assert_eq!(listed(&app, &admin, "/api/clients", "name").await.1, "1", "only one client was created");

    let converted: Value = app.get(&format!("/api/leads/{lead}"), Some(&admin)).await.json().await.unwrap();
    assert_eq!(converted["convertedClientId"], client["id"]);
    assert_eq!(converted["stage"], "closed_won");
    assert!(converted["convertedAt"].is_string());
    let timeline: Vec<Value> =
        app.get(&format!("/api/leads/{lead}/activities"), Some(&admin)).await.json().await.unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0]["subject"], "Converted to client Engines Ltd");
    assert_eq!(timeline[0]["metadata"]["clientId"], client["id"]);
    assert_eq!(audit_rows(&app, "lead.convert", &lead).await, 1);
    assert_eq!(audit_rows(&app, "client.create", client["id"].as_str().unwrap()).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn sales_agents_work_only_their_assigned_leads() {
    let (app, admin) = TestApp::with_admin().await;
    let (agent_id, agent) = app.user_with_role(&admin, "lead_agent", "sales_agent").await;
    let (other_id, _) = app.user_with_role(&admin, "other_agent", "sales_agent").await;
    let foreign =
        id(&created(&app, &admin, "/api/leads", json!({"name": "Someone else's", "assignedToId": other_id})).await);

    let own = created(&app, &agent, "/api/leads", json!({"name": "Mine"})).await;
    assert_eq!(own["assignedToId"], agent_id, "an agent's new leads are assigned to them");
    let handed = app.post("/api/leads", Some(&agent), &json!({"name": "X", "assignedToId": other_id})).await;
    assert_eq!(handed.status(), StatusCode::FORBIDDEN);

    assert_eq!(listed(&app, &agent, "/api/leads", "name").await, (vec!["Mine".to_owned()], "1".to_owned()));
    for response in [
        app.get(&format!("/api/leads/{foreign}"), Some(&agent)).await,
        app.patch(&format!("/api/leads/{foreign}"), Some(&agent), &json!({"stage": "contacted"})).await,
        app.post(&format!("/api/leads/{foreign}/convert"), Some(&agent), &json!({})).await,
        app.get(&format!("/api/leads/{foreign}/activities"), Some(&agent)).await,
    ] {
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "another agent's lead is not found");
    }
    let unassign = app.patch(&format!("/api/leads/{}", id(&own)), Some(&agent), &json!({"assignedToId": null})).await;
    assert_eq!(unassign.status(), StatusCode::FORBIDDEN);

    // The agent converts their own lead; the client is theirs too.
    let client: Value =
        app.post(&format!("/api/leads/{}/convert", id(&own)), Some(&agent), &json!({})).await.json().await.unwrap();
    assert_eq!(client["assignedToId"], agent_id);
    assert_eq!(app.get(&format!("/api/clients/{}", id(&client)), Some(&agent)).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn list_totals_follow_every_lead_write_and_the_callers_scope() {
    let (app, admin) = TestApp::with_admin().await;
    let (agent_id, agent) = app.user_with_role(&admin, "totals_agent", "sales_agent").await;
    // Pages of one row are full, so their totals come from a count (and its cache), not
    // from the page itself.
    let total = |token: &str, query: &str| {
        let (app, token, path) = (&app, token.to_owned(), format!("/api/leads?limit=1{query}"));
        async move { listed(app, &token, &path, "name").await.1 }
    };
    for name in ["Ada", "Grace"] {
        created(&app, &admin, "/api/leads", json!({"name": name, "stage": "qualified"})).await;
    }
    let alan = created(&app, &admin, "/api/leads", json!({"name": "Alan", "assignedToId": agent_id})).await;
    created(&app, &agent, "/api/leads", json!({"name": "Edsger"})).await;
    assert_eq!((total(&admin, "").await, total(&agent, "").await), ("4".to_owned(), "2".to_owned()));
    assert_eq!(total(&admin, "&stage=qualified").await, "2");

    created(&app, &admin, "/api/leads", json!({"name": "Barbara"})).await;
    assert_eq!(total(&admin, "").await, "5", "a new lead counts at once");
    let alan_path = format!("/api/leads/{}", id(&alan));
    assert_eq!(app.patch(&alan_path, Some(&admin), &json!({"stage": "qualified"})).await.status(), StatusCode::OK);
    assert_eq!(total(&admin, "&stage=qualified").await, "3", "a stage change moves the lead between totals");
    let converted = app.post(&format!("{alan_path}/convert"), Some(&admin), &json!({})).await;
    assert_eq!(converted.status(), StatusCode::CREATED);
    assert_eq!(total(&admin, "&stage=qualified").await, "2", "a conversion closes the lead");
    assert_eq!(app.delete(&alan_path, Some(&admin)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!((total(&admin, "").await, total(&agent, "").await), ("4".to_owned(), "1".to_owned()));

    // A page that is not full is the last one: its total needs no count.
    let (page, total) = listed(&app, &admin, "/api/leads?limit=3&offset=2&sort=name", "name").await;
    assert_eq!((page.len(), total.as_str()), (2, "4"));
}
