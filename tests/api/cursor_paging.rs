//! Keyset paging with `cursor` on the CRM and task lists: walking every page returns each row
//! exactly once and in the offset listing's order, ties included; bad cursors are 400.

use api_tests::{created, execute, header, id, problem, ProblemExt, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Follows `X-Next-Cursor` from the first page (`limit=2`) to the last; returns the ids
/// in the order served.
async fn walk(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut url = format!("{path}{sep}limit=2");
    let mut ids = Vec::new();
    for _ in 0..50 {
        let response = app.get(&url, Some(token)).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {url}");
        let next = header(&response, "x-next-cursor");
        let link = header(&response, "link");
        let page: Vec<Value> = response.json().await.unwrap();
        assert!(page.len() <= 2);
        ids.extend(page.iter().map(id));
        if next.is_empty() {
            assert!(!link.contains("cursor="), "no next page, no next cursor: {link}");
            return ids;
        }
        if url.contains("cursor=") {
            assert!(link.contains(&format!("cursor={next}>; rel=\"next\"")), "Link carries the cursor: {link}");
        }
        url = format!("{path}{sep}limit=2&cursor={next}");
    }
    panic!("{path} did not end");
}

async fn all_ids(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let response = app.get(&format!("{path}{sep}limit=200"), Some(token)).await;
    response.json::<Vec<Value>>().await.unwrap().iter().map(id).collect()
}

async fn walks_match_offset_order(app: &TestApp, token: &str, path: &str, sorts: &[&str], expected: usize) {
    for sort in sorts {
        let path = format!("{path}?sort={sort}");
        let walked = walk(app, token, &path).await;
        assert_eq!(walked.len(), expected, "{path}: every row once");
        assert_eq!(walked, all_ids(app, token, &path).await, "{path}: same order as offset paging");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cursor_walks_return_every_row_once_under_ties() {
    let (app, admin) = TestApp::with_admin().await;
    let values = [Some(5), Some(5), Some(5), None, None, Some(10), Some(10)];
    for (n, value) in values.into_iter().enumerate() {
        let name = if n % 2 == 0 { "Same".to_owned() } else { format!("Lead {n}") };
        created(&app, &admin, "/api/leads", json!({"name": name, "value": value})).await;
    }
    // Ties on every key: one creation instant and one follow-up date for most rows.
    execute(
        &mut app.db().await,
        "UPDATE leads SET created_at = '2026-01-01T00:00:00Z' WHERE value IS DISTINCT FROM 10",
    )
    .await;
    execute(&mut app.db().await, "UPDATE leads SET next_follow_up_date = '2026-02-01T00:00:00Z' WHERE value = 5").await;
    let lead_sorts =
        ["createdAt", "-createdAt", "name", "-name", "value", "-value", "nextFollowUpDate", "-nextFollowUpDate"];
    walks_match_offset_order(&app, &admin, "/api/leads", &lead_sorts, 7).await;

    let mut clients = Vec::new();
    for n in 0..5 {
        clients.push(id(
            &created(&app, &admin, "/api/clients", json!({"name": if n < 3 { "Twin" } else { "Solo" }})).await
        ));
    }
    execute(&mut app.db().await, "UPDATE clients SET created_at = '2026-01-01T00:00:00Z'").await;
    let client_sorts = ["createdAt", "-createdAt", "name", "-name", "displayOrder", "-displayOrder"];
    walks_match_offset_order(&app, &admin, "/api/clients", &client_sorts, 5).await;

    for n in 0..5 {
        let start = (n < 2).then_some("2026-03-01T00:00:00Z");
        created(
            &app,
            &admin,
            "/api/campaigns",
            json!({"clientId": clients[0], "name": "Run", "type": "seo", "startDate": start}),
        )
        .await;
    }
    let campaign_sorts = ["createdAt", "-createdAt", "name", "-name", "startDate", "-startDate"];
    walks_match_offset_order(&app, &admin, "/api/campaigns", &campaign_sorts, 5).await;

    // Filters apply to every page.
    assert_eq!(walk(&app, &admin, "/api/leads?sort=name&q=same").await.len(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn task_cursor_walks_cover_every_sort_under_ties() {
    let (app, admin) = TestApp::with_admin().await;
    let tasks = [
        ("Same", "urgent", Some("2026-05-01T00:00:00Z")),
        ("Same", "urgent", Some("2026-05-01T00:00:00Z")),
        ("Same", "urgent", None),
        ("Other", "high", None),
        ("Other", "high", Some("2026-04-01T00:00:00Z")),
        ("Other", "normal", Some("2026-05-01T00:00:00Z")),
        ("Last", "low", None),
    ];
    for (title, priority, due) in tasks {
        created(&app, &admin, "/api/tasks", json!({"title": title, "priority": priority, "dueDate": due})).await;
    }
    execute(&mut app.db().await, "UPDATE tasks SET created_at = '2026-01-01T00:00:00Z' WHERE title <> 'Last'").await;
    let sorts = ["dueDate", "-dueDate", "priority", "-priority", "createdAt", "-createdAt", "title", "-title"];
    walks_match_offset_order(&app, &admin, "/api/tasks", &sorts, 7).await;

    let first = app.get("/api/tasks?sort=priority&limit=1", Some(&admin)).await;
    let cursor = header(&first, "x-next-cursor");
    app.get(&format!("/api/tasks?sort=title&cursor={cursor}"), Some(&admin))
        .await
        .expect_problem(400, "INVALID_CURSOR")
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_cursors_are_refused() {
    let (app, admin) = TestApp::with_admin().await;
    for name in ["A", "B", "C"] {
        created(&app, &admin, "/api/leads", json!({"name": name})).await;
    }
    let first = app.get("/api/leads?sort=name&limit=1", Some(&admin)).await;
    let cursor = header(&first, "x-next-cursor");
    assert!(!cursor.is_empty());
    let second = app.get(&format!("/api/leads?sort=name&limit=1&cursor={cursor}"), Some(&admin)).await;
    assert_eq!(second.json::<Vec<Value>>().await.unwrap()[0]["name"], "B");

    let mut edited = cursor.clone().into_bytes();
    let last = edited.len() - 1;
    edited[last] = if edited[last] == b'A' { b'B' } else { b'A' };
    let edited = String::from_utf8(edited).unwrap();
    for (query, what) in [
        (format!("sort=name&cursor={edited}"), "an edited cursor"),
        ("sort=name&cursor=not-a-cursor".to_owned(), "garbage"),
        (format!("sort=-name&cursor={cursor}"), "another sort's cursor"),
        (format!("cursor={cursor}"), "the default sort is another sort"),
    ] {
        let response = app.get(&format!("/api/leads?{query}"), Some(&admin)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{what}");
        let body = problem(response).await;
        assert_eq!(body["code"], "INVALID_CURSOR", "{what}: {body}");
        assert_eq!(body["errors"][0]["field"], "cursor");
    }
    let client_cursor = app.get(&format!("/api/clients?sort=name&cursor={cursor}"), Some(&admin)).await;
    assert_eq!(client_cursor.status(), StatusCode::BAD_REQUEST, "a lead cursor names a lead, not a client");

    let both = app.get(&format!("/api/leads?sort=name&offset=0&cursor={cursor}"), Some(&admin)).await;
    assert_eq!(both.status(), StatusCode::BAD_REQUEST);
    let body = problem(both).await;
    assert_eq!(
        (body["code"].as_str(), body["errors"][0]["field"].as_str()),
        (Some("VALIDATION_ERROR"), Some("cursor"))
    );
}
