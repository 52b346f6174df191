//! Clients: CRUD, archiving, documents, list filters, scope rules (sales agents see their
//! assigned clients; client-portal users only their own client) and the audit trail.

use api_tests::{audit_rows, created, header, id, listed, portal_user, problem, ProblemExt, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread")]
async fn clients_are_created_read_updated_and_archived_with_audit_rows() {
    let (app, admin) = TestApp::with_admin().await;

    let response = app
        .post(
            "/api/clients",
            Some(&admin),
            &json!({"name": "Acme", "email": "hello@acme.test", "serviceTags": ["seo"], "socialLinks": {"x": "@acme"}}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = header(&response, "location");
    let client: Value = response.json().await.unwrap();
    let client_id = id(&client);
    assert_eq!(location, format!("/api/clients/{client_id}"));
    assert_eq!(client["status"], "active");
    assert_eq!(client["serviceTags"], json!(["seo"]));
    assert_eq!(client["socialLinks"], json!({"x": "@acme"}));

    let body = app
        .post("/api/clients", Some(&admin), &json!({"name": "  ", "email": "nope"}))
        .await
        .expect_problem(400, "VALIDATION_ERROR")
        .await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["email", "name"]);
    let unknown_user = app.post("/api/clients", Some(&admin), &json!({"name": "X", "assignedToId": 99999})).await;
    assert_eq!(unknown_user.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(unknown_user).await["errors"][0]["field"], "assignedToId");

    let patched = app
        .patch(&format!("/api/clients/{client_id}"), Some(&admin), &json!({"name": "Acme Corp", "email": null}))
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["name"], "Acme Corp");
    assert_eq!(patched["email"], Value::Null);

    app.get("/api/clients/6f1c6c1e-8f0e-4a43-9d7b-1d1f7f6e1a10", Some(&admin))
        .await
        .expect_problem(404, "NOT_FOUND")
        .await;
    assert_eq!(app.get("/api/clients/not-a-uuid", Some(&admin)).await.status(), StatusCode::BAD_REQUEST);

    let archived = app.delete(&format!("/api/clients/{client_id}"), Some(&admin)).await;
    assert_eq!(archived.status(), StatusCode::NO_CONTENT);
    let kept: Value = app.get(&format!("/api/clients/{client_id}"), Some(&admin)).await.json().await.unwrap();
    assert_eq!(kept["status"], "archived", "archiving keeps the record");
    assert!(kept["archivedAt"].is_string());
    assert_eq!(listed(&app, &admin, "/api/clients", "name").await, (vec![], "0".to_owned()));
    let (names, _) = listed(&app, &admin, "/api/clients?includeArchived=true", "name").await;
    assert_eq!(names, ["Acme Corp"]);
    let restored = app.patch(&format!("/api/clients/{client_id}"), Some(&admin), &json!({"status": "active"})).await;
    assert_eq!(restored.json::<Value>().await.unwrap()["archivedAt"], Value::Null);

    assert_eq!(audit_rows(&app, "client.create", &client_id).await, 1);
    assert_eq!(audit_rows(&app, "client.update", &client_id).await, 2);
    assert_eq!(audit_rows(&app, "client.archive", &client_id).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_filter_sort_search_and_page() {
    let (app, admin) = TestApp::with_admin().await;
    for (name, status) in [("Charlie Media", "active"), ("Alpha Foods", "inactive"), ("Bravo Bikes", "active")] {
        created(&app, &admin, "/api/clients", json!({"name": name, "status": status, "phone": "+1 555 0100"})).await;
    }
    let (names, total) = listed(&app, &admin, "/api/clients?sort=name", "name").await;
    assert_eq!(names, ["Alpha Foods", "Bravo Bikes", "Charlie Media"]);
    assert_eq!(total, "3");
    let (names, _) = listed(&app, &admin, "/api/clients?sort=-name&status=active", "name").await;
    assert_eq!(names, ["Charlie Media", "Bravo Bikes"]);
    let (names, _) = listed(&app, &admin, "/api/clients?q=bik", "name").await;
    assert_eq!(names, ["Bravo Bikes"]);
    let (names, _) = listed(&app, &admin, "/api/clients?createdFrom=2000-01-01&createdTo=2000-12-31", "name").await;
    assert!(names.is_empty());

    let page = app.get("/api/clients?sort=name&limit=2", Some(&admin)).await;
    assert_eq!(header(&page, "x-total-count"), "3");
    assert!(header(&page, "link").contains("rel=\"next\""));
    assert_eq!(page.json::<Vec<Value>>().await.unwrap().len(), 2);

    let bad = app.get("/api/clients?sort=password", Some(&admin)).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(bad).await["errors"][0]["field"], "sort");
}

#[tokio::test(flavor = "multi_thread")]
async fn documents_belong_to_their_client() {
    let (app, admin) = TestApp::with_admin().await;
    let client = id(&created(&app, &admin, "/api/clients", json!({"name": "Docs Inc"})).await);
    let other = id(&created(&app, &admin, "/api/clients", json!({"name": "Other"})).await);
    let path = format!("/api/clients/{client}/documents");
    let document = created(
        &app,
        &admin,
        &path,
        json!({"name": "Brief", "objectPath": "/objects/brief.pdf", "fileType": "application/pdf", "fileSize": 1024}),
    )
    .await;
    assert_eq!(document["clientId"], client.as_str());
    let (names, total) = listed(&app, &admin, &path, "name").await;
    assert_eq!((names, total), (vec!["Brief".to_owned()], "1".to_owned()));

    let wrong_client = app.delete(&format!("/api/clients/{other}/documents/{}", id(&document)), Some(&admin)).await;
    assert_eq!(wrong_client.status(), StatusCode::NOT_FOUND);
    let deleted = app.delete(&format!("{path}/{}", id(&document)), Some(&admin)).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.delete(&format!("{path}/{}", id(&document)), Some(&admin)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(audit_rows(&app, "client.document.delete", &id(&document)).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn portal_users_see_only_their_own_client_and_its_campaigns() {
    let (app, admin) = TestApp::with_admin().await;
    let mine = id(&created(&app, &admin, "/api/clients", json!({"name": "Mine"})).await);
    let theirs = id(&created(&app, &admin, "/api/clients", json!({"name": "Theirs"})).await);
    let my_campaign =
        created(&app, &admin, "/api/campaigns", json!({"clientId": mine, "name": "Mine launch", "type": "social"}))
            .await;
    let their_campaign =
        created(&app, &admin, "/api/campaigns", json!({"clientId": theirs, "name": "Their launch", "type": "email"}))
            .await;
    let (_, portal) = portal_user(&app, &admin, "portal_user", &mine).await;

    assert_eq!(listed(&app, &portal, "/api/clients", "name").await, (vec!["Mine".to_owned()], "1".to_owned()));
    assert_eq!(app.get(&format!("/api/clients/{mine}"), Some(&portal)).await.status(), StatusCode::OK);
    let other = app.get(&format!("/api/clients/{theirs}"), Some(&portal)).await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND, "another client's id is not found, not forbidden");
    assert_eq!(problem(other).await["code"], "NOT_FOUND");
    assert_eq!(
        app.get(&format!("/api/clients/{theirs}/documents"), Some(&portal)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&format!("/api/clients/{mine}/documents"), Some(&portal)).await.status(), StatusCode::OK);

    let (campaigns, _) = listed(&app, &portal, "/api/campaigns", "name").await;
    assert_eq!(campaigns, ["Mine launch"]);
    let (campaigns, _) = listed(&app, &portal, &format!("/api/campaigns?clientId={theirs}"), "name").await;
    assert!(campaigns.is_empty(), "a filter cannot widen the scope");
    assert_eq!(app.get(&format!("/api/campaigns/{}", id(&my_campaign)), Some(&portal)).await.status(), StatusCode::OK);
    let their = app.get(&format!("/api/campaigns/{}", id(&their_campaign)), Some(&portal)).await;
    assert_eq!(their.status(), StatusCode::NOT_FOUND);

    // Reads only: writes and leads are refused.
    let write = app.patch(&format!("/api/clients/{mine}"), Some(&portal), &json!({"name": "Hacked"})).await;
    assert_eq!(write.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/clients", Some(&portal), &json!({"name": "New"})).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/leads", Some(&portal)).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread")]
async fn sales_agents_see_and_create_only_their_assigned_clients() {
    let (app, admin) = TestApp::with_admin().await;
    let (agent_id, agent) = app.user_with_role(&admin, "agent_smith", "sales_agent").await;
    let (other_id, _) = app.user_with_role(&admin, "agent_jones", "sales_agent").await;
    let unassigned = id(&created(&app, &admin, "/api/clients", json!({"name": "Unassigned"})).await);

    let own = created(&app, &agent, "/api/clients", json!({"name": "Agent's"})).await;
    assert_eq!(own["assignedToId"], agent_id, "an agent's clients are assigned to them");
    let handed = app.post("/api/clients", Some(&agent), &json!({"name": "Other", "assignedToId": other_id})).await;
    assert_eq!(handed.status(), StatusCode::FORBIDDEN);

    assert_eq!(listed(&app, &agent, "/api/clients", "name").await.0, ["Agent's"]);
    assert_eq!(app.get(&format!("/api/clients/{unassigned}"), Some(&agent)).await.status(), StatusCode::NOT_FOUND);
    let patch = app.patch(&format!("/api/clients/{unassigned}"), Some(&agent), &json!({"name": "Mine now"})).await;
    assert_eq!(patch.status(), StatusCode::NOT_FOUND);

    // View-only roles read every client but cannot write.
    let (_, viewer) = app.user_with_role(&admin, "content_viewer", "staff_content_creator").await;
    assert_eq!(listed(&app, &viewer, "/api/clients?sort=name", "name").await.0, ["Agent's", "Unassigned"]);
    let refused = app.patch(&format!("/api/clients/{unassigned}"), Some(&viewer), &json!({"name": "X"})).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(problem(refused).await["detail"].as_str().unwrap().contains("canManageClients"));
}
