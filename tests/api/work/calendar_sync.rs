//! External calendar sync: unconfigured providers are skipped (also in `/health/ready`),
//! Google and Microsoft Graph are synced against fake servers on 127.0.0.1 (imports are
//! idempotent, the sync token is followed, local events are pushed once).

use crate::work::calendar::{create, path_of, window};
use api_tests::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn with_providers(google: &wiremock::MockServer, graph: &wiremock::MockServer) -> TestApp {
    TestApp::spawn_with(&[
        ("GOOGLE_CALENDAR_ACCESS_TOKEN", "google-test-token"),
        ("GOOGLE_CALENDAR_API_URL", &google.uri()),
        ("MS_GRAPH_ACCESS_TOKEN", "graph-test-token"),
        ("MS_GRAPH_API_URL", &graph.uri()),
    ])
    .await
}

fn provider(report: &Value, name: &str) -> Value {
    report["providers"].as_array().unwrap().iter().find(|p| p["provider"] == name).cloned().expect("provider reported")
}

async fn integration_status(app: &TestApp, name: &str) -> Value {
    let ready: Value = app.get("/health/ready", None).await.json().await.unwrap();
    ready["integrations"].as_array().unwrap().iter().find(|i| i["name"] == name).unwrap()["status"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn unconfigured_calendar_providers_are_skipped_not_failed() {
    let (app, admin) = TestApp::with_admin().await;
    let response = app.post("/api/calendar/sync", Some(&admin), &json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let report: Value = response.json().await.unwrap();
    for name in ["google", "microsoft"] {
        let result = provider(&report, name);
        assert_eq!(result["status"], "skipped", "{result}");
        assert!(result["message"].as_str().unwrap().contains("ACCESS_TOKEN"), "says what to set: {result}");
    }
    assert_eq!(integration_status(&app, "google_calendar").await, "skipped");
    assert_eq!(integration_status(&app, "microsoft_calendar").await, "skipped");

    let (_, staff) = app.user_with_role(&admin, "no_sync", "staff").await;
    assert_eq!(app.post("/api/calendar/sync", Some(&staff), &json!({})).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread")]
async fn syncing_google_imports_idempotently_follows_the_sync_token_and_pushes_local_events() {
    use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let google = MockServer::start().await;
    let events_path = "/calendars/primary/events";
    Mock::given(method("GET"))
        .and(path(events_path))
        .and(query_param("syncToken", "s1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [
                {"id": "g-launch", "summary": "Launch (moved)", "start": {"dateTime": "2026-05-05T09:00:00Z"},
                 "end": {"dateTime": "2026-05-05T10:00:00Z"}},
                {"id": "g-holiday", "status": "cancelled"}
            ],
            "nextSyncToken": "s2"
        })))
        .mount(&google)
        .await;
    Mock::given(method("GET"))
        .and(path(events_path))
        .and(query_param_is_missing("syncToken"))
        .and(header("authorization", "Bearer google-test-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [
                {"id": "g-launch", "summary": "Launch", "start": {"dateTime": "2026-05-04T09:00:00Z"},
                 "end": {"dateTime": "2026-05-04T10:00:00Z"}},
                {"id": "g-holiday", "summary": "Holiday", "start": {"date": "2026-05-01"}, "end": {"date": "2026-05-02"}}
            ],
            "nextSyncToken": "s1"
        })))
        .mount(&google)
        .await;
    Mock::given(method("POST"))
        .and(path(events_path))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "g-pushed"})))
        .expect(1)
        .mount(&google)
        .await;
    let graph = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).mount(&graph).await;

    let app = with_providers(&google, &graph).await;
    let admin = app.admin_token().await;
    assert_eq!(integration_status(&app, "google_calendar").await, "configured");
    let local = create(
        &app,
        &admin,
        json!({"title": "Local plan", "start": "2026-05-06T09:00:00Z", "end": "2026-05-06T10:00:00Z"}),
    )
    .await;

    let first: Value = app.post("/api/calendar/sync", Some(&admin), &json!({})).await.json().await.unwrap();
    let google_result = provider(&first, "google");
    assert_eq!(google_result["status"], "synced", "{first}");
    assert_eq!((google_result["imported"].as_i64(), google_result["pushed"].as_i64()), (Some(2), Some(1)));
    let graph_result = provider(&first, "microsoft");
    assert_eq!(graph_result["status"], "failed", "a failing provider is reported, not fatal");
    assert!(graph_result["message"].as_str().unwrap().contains("503"), "{graph_result}");
    let pushed: Value = app.get(&path_of(&local), Some(&admin)).await.json().await.unwrap();
    assert_eq!(pushed["googleEventId"], "g-pushed");

    let second: Value = app.post("/api/calendar/sync", Some(&admin), &json!({})).await.json().await.unwrap();
    let google_result = provider(&second, "google");
    assert_eq!(
        (google_result["imported"].as_i64(), google_result["updated"].as_i64(), google_result["deleted"].as_i64()),
        (Some(0), Some(1), Some(1)),
        "the second sync sends the stored token and applies only the changes: {second}"
    );
    assert_eq!(google_result["pushed"], 0, "already pushed events are not pushed again");
    let titles: Vec<String> =
        window(&app, &admin, "2026-04-01T00:00:00Z", "2026-06-01T00:00:00Z").await.into_iter().map(|o| o.0).collect();
    assert_eq!(titles, ["Launch (moved)", "Local plan"], "updated in place, the cancelled one deleted, no duplicates");
}

#[tokio::test(flavor = "multi_thread")]
async fn events_imported_from_one_provider_are_not_pushed_to_the_other() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let google = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/calendars/primary/events"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [{"id": "g-1", "summary": "From Google", "start": {"dateTime": "2026-07-01T09:00:00Z"},
                       "end": {"dateTime": "2026-07-01T10:00:00Z"}}],
            "nextSyncToken": "s1"
        })))
        .mount(&google)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "g-local"})))
        .expect(1)
        .mount(&google)
        .await;
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me/calendarView/delta"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [], "@odata.deltaLink": format!("{}/me/calendarView/delta?$deltatoken=d1", graph.uri())
        })))
        .mount(&graph)
        .await;
    Mock::given(method("POST"))
        .and(path("/me/events"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "m-local"})))
        .expect(1)
        .mount(&graph)
        .await;

    let app = with_providers(&google, &graph).await;
    let admin = app.admin_token().await;
    let local = create(
        &app,
        &admin,
        json!({"title": "Made here", "start": "2026-07-02T09:00:00Z", "end": "2026-07-02T10:00:00Z"}),
    )
    .await;
    let report: Value = app.post("/api/calendar/sync", Some(&admin), &json!({})).await.json().await.unwrap();
    assert_eq!(provider(&report, "google")["pushed"], 1, "{report}");
    assert_eq!(provider(&report, "microsoft")["status"], "synced", "{report}");
    assert_eq!(provider(&report, "microsoft")["pushed"], 1, "only the local event, not Google's: {report}");
    let pushed: Value = app.get(&path_of(&local), Some(&admin)).await.json().await.unwrap();
    assert_eq!(
        (pushed["googleEventId"].as_str(), pushed["microsoftEventId"].as_str()),
        (Some("g-local"), Some("m-local"))
    );
}
