//! Recurrence rules cannot stall the server: rules that never (or only rarely) occur are
//! refused wherever a rule is saved or previewed, and expanding expensive but valid rules
//! runs off the HTTP workers, so `/health/live` keeps answering meanwhile.

use api_tests::{created, problem, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// February has no 30th: the rule never produces an occurrence.
const NEVER: &str = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30";

async fn refused_on_recurrence_rule(response: reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = problem(response).await;
    assert_eq!(body["errors"][0]["field"], "recurrenceRule", "{body}");
    assert_eq!(body["errors"][0]["code"], "rrule", "{body}");
    body["errors"][0]["message"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn rules_that_never_or_rarely_occur_are_refused_wherever_they_are_saved() {
    let app = TestApp::spawn().await;
    let token = app.admin_token().await;
    let event = json!({"title": "Never", "start": "2026-01-05T09:00:00Z", "end": "2026-01-05T10:00:00Z",
                       "recurrenceRule": NEVER});
    let message = refused_on_recurrence_rule(app.post("/api/calendar/events", Some(&token), &event).await).await;
    assert!(message.contains("never produces an occurrence"), "{message}");

    let once = json!({"title": "Once", "start": "2026-01-05T09:00:00Z", "end": "2026-01-05T10:00:00Z"});
    let single = created(&app, &token, "/api/calendar/events", once).await;
    let path = format!("/api/calendar/events/{}", single["id"].as_str().unwrap());
    let rare = json!({"recurrenceRule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29"});
    let message = refused_on_recurrence_rule(app.patch(&path, Some(&token), &rare).await).await;
    assert!(message.contains("too rarely"), "{message}");

    let task = json!({"title": "Never", "dueDate": "2026-01-05T09:00:00Z", "recurrenceRule": NEVER});
    refused_on_recurrence_rule(app.post("/api/tasks", Some(&token), &task).await).await;
    let template = json!({"name": "Never", "title": "Never", "recurrenceRule": NEVER});
    refused_on_recurrence_rule(app.post("/api/tasks/templates", Some(&token), &template).await).await;

    let started = Instant::now();
    let preview = format!("/api/tasks/recurrence-preview?recurrenceRule={NEVER}&start=2026-01-05T09:00:00Z");
    refused_on_recurrence_rule(app.get(&preview, Some(&token)).await).await;
    assert!(started.elapsed() < Duration::from_secs(2), "refused in {:?}", started.elapsed());

    let leap_years = "/api/tasks/recurrence-preview?recurrenceRule=FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29&start=2026-01-05T09:00:00Z&count=2";
    let response = app.get(leap_years, Some(&token)).await;
    assert_eq!(response.status(), StatusCode::OK, "a rare date with a fitting FREQ is fine");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["occurrences"], json!(["2028-02-29T09:00:00Z", "2032-02-29T09:00:00Z"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn expanding_expensive_rules_never_holds_up_other_requests() {
    // One HTTP worker (the test default): work on it would hold up every other request.
    let app = TestApp::spawn().await;
    let token = app.admin_token().await;
    // Valid but costly for a window 263 years on: each series walks ~96,000 days to get there.
    for title in ["Stand-up", "Check-in", "Review"] {
        let body = json!({"title": title, "start": "2026-01-01T09:00:00Z", "end": "2026-01-01T09:15:00Z",
                          "recurrenceRule": "FREQ=DAILY"});
        assert_eq!(app.post("/api/calendar/events", Some(&token), &body).await.status(), StatusCode::CREATED);
    }
    // Rules stored before they were refused on save: each once cost seconds per window.
    for title in ["Stale 1", "Stale 2", "Stale 3", "Stale 4", "Stale 5"] {
        let body = json!({"title": title, "start": "2026-01-01T09:00:00Z", "end": "2026-01-01T10:00:00Z",
                          "recurrenceRule": "FREQ=DAILY"});
        assert_eq!(app.post("/api/calendar/events", Some(&token), &body).await.status(), StatusCode::CREATED);
    }
    let mut db = app.db().await;
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query("UPDATE calendar_events SET recurrence_rule = $1 WHERE title LIKE 'Stale%'")
            .bind::<diesel::sql_types::Text, _>(NEVER),
        &mut db,
    )
    .await
    .unwrap();

    let window = "/api/calendar/events?from=2289-01-01T00:00:00Z&to=2289-12-31T00:00:00Z";
    let started = Instant::now();
    let expansions: Vec<_> = (0..2)
        .map(|_| {
            let request = app.request(reqwest::Method::GET, window, Some(&token));
            tokio::spawn(async move { request.send().await.unwrap() })
        })
        .collect();
    let mut slowest_probe = Duration::ZERO;
    while expansions.iter().any(|e| !e.is_finished()) {
        let probe = Instant::now();
        let live = app.get("/health/live", None).await;
        assert_eq!(live.status(), StatusCode::OK);
        slowest_probe = slowest_probe.max(probe.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for expansion in expansions {
        let response = expansion.await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let occurrences: Vec<Value> = response.json().await.unwrap();
        assert_eq!(occurrences.len(), 3 * 364, "the valid series, once a day; the stale rules produce nothing");
    }
    assert!(started.elapsed() < Duration::from_secs(30), "both windows took {:?}", started.elapsed());
    assert!(slowest_probe < Duration::from_millis(500), "/health/live took {slowest_probe:?} during the expansion");
}
