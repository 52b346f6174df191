//! Calendar events: CRUD with audit rows, validation, who sees and changes an event,
//! recurring events expanded per occurrence in their time zone, and tasks due in a window.

use api_tests::{problem, TestApp};
use chrono::{DateTime, TimeZone, Timelike, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use storage::schema::activity_logs;
use uuid::Uuid;

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let response = app.post("/api/calendar/events", Some(token), &body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "creating {body}");
    response.json().await.unwrap()
}

fn path_of(event: &Value) -> String {
    format!("/api/calendar/events/{}", event["id"].as_str().expect("event id"))
}

async fn field_error(response: Response) -> (String, String) {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = problem(response).await;
    assert_eq!(body["code"], "VALIDATION_ERROR", "{body}");
    (body["errors"][0]["field"].as_str().unwrap().to_owned(), body["errors"][0]["code"].as_str().unwrap().to_owned())
}

/// The occurrences of `GET /api/calendar/events` in a window, as (title, start).
async fn window(app: &TestApp, token: &str, from: &str, to: &str) -> Vec<(String, DateTime<Utc>)> {
    let response = app.get(&format!("/api/calendar/events?from={from}&to={to}"), Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK, "window {from}..{to}");
    let list: Vec<Value> = response.json().await.unwrap();
    list.iter()
        .map(|o| (o["title"].as_str().unwrap().to_owned(), o["start"].as_str().unwrap().parse().unwrap()))
        .collect()
}

fn berlin(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Berlin.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().with_timezone(&Utc)
}

#[tokio::test(flavor = "multi_thread")]
async fn crud_happy_path_with_defaults_partial_updates_and_audit_rows() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (staff_id, staff) = app.user_with_role(&admin, "planner", "staff").await;
    let (guest_id, _) = app.user_with_role(&admin, "guest", "manager").await;

    let response = app
        .post(
            "/api/calendar/events",
            Some(&staff),
            &json!({"title": "Kick-off", "description": "With ACME", "start": "2026-12-01T10:00:00Z",
                    "end": "2026-12-01T11:00:00Z", "location": "Room 1", "type": "meeting",
                    "attendees": [{"userId": guest_id}, {"email": "client@example.com", "responseStatus": "accepted"}],
                    "reminders": [{"minutesBefore": 15}]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let event: Value = response.json().await.unwrap();
    assert_eq!(location, path_of(&event));
    assert_eq!(event["type"], "meeting");
    assert_eq!(event["allDay"], false);
    assert_eq!(event["isRecurring"], false);
    assert_eq!(event["recurrenceTimezone"], "UTC");
    assert_eq!(event["createdBy"], staff_id);
    assert_eq!(
        event["attendees"],
        json!([{"userId": guest_id, "email": null, "responseStatus": "needs_action"},
               {"userId": null, "email": "client@example.com", "responseStatus": "accepted"}])
    );
    assert_eq!(event["reminders"], json!([{"minutesBefore": 15, "method": "popup"}]));

    let fetched: Value = app.get(&location, Some(&staff)).await.json().await.unwrap();
    assert_eq!(fetched, event);

    let patched = app.patch(&location, Some(&staff), &json!({"title": "Kick-off call", "location": null})).await;
    assert_eq!(patched.status(), StatusCode::OK);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["title"], "Kick-off call");
    assert_eq!(patched["location"], Value::Null);
    assert_eq!(patched["reminders"], event["reminders"], "absent fields stay");

    let listed = window(&app, &staff, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z").await;
    assert_eq!(listed, [("Kick-off call".to_owned(), "2026-12-01T10:00:00Z".parse().unwrap())]);
    assert!(window(&app, &staff, "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z").await.is_empty());

    assert_eq!(app.delete(&location, Some(&staff)).await.status(), StatusCode::NO_CONTENT);
    let gone = app.get(&location, Some(&staff)).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert_eq!(problem(gone).await["code"], "NOT_FOUND");

    let mut conn = app.db().await;
    let audit: Vec<String> = activity_logs::table
        .filter(activity_logs::entity_id.eq(event["id"].as_str().unwrap()))
        .order(activity_logs::created_at.asc())
        .select(activity_logs::activity_type)
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(audit, ["calendar_event.create", "calendar_event.update", "calendar_event.delete"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_input_and_windows_are_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let post = |body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { app.post("/api/calendar/events", Some(&admin), &body).await }
    };
    let base = json!({"title": "x", "start": "2026-12-01T10:00:00Z", "end": "2026-12-01T11:00:00Z"});
    let with = |extra: Value| {
        let mut body = base.clone();
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };

    assert_eq!(field_error(post(json!({"title": "x"})).await).await.0, "start");
    assert_eq!(
        field_error(post(with(json!({"end": "2026-12-01T09:00:00Z"}))).await).await,
        ("end".into(), "range".into())
    );
    assert_eq!(field_error(post(with(json!({"type": "party"}))).await).await.0, "type");
    assert_eq!(
        field_error(post(with(json!({"recurrenceRule": "FREQ=FORTNIGHTLY"}))).await).await,
        ("recurrenceRule".into(), "rrule".into())
    );
    assert_eq!(
        field_error(post(with(json!({"isRecurring": true}))).await).await,
        ("recurrenceRule".into(), "required".into())
    );
    assert_eq!(
        field_error(post(with(json!({"recurrenceRule": "FREQ=DAILY", "recurrenceTimezone": "Mars/Base"}))).await)
            .await
            .0,
        "recurrenceTimezone"
    );
    assert_eq!(
        field_error(post(with(json!({"attendees": [{"userId": 999_999}]}))).await).await,
        ("attendees".into(), "not_found".into())
    );
    assert_eq!(
        field_error(post(with(json!({"attendees": [{"responseStatus": "accepted"}]}))).await).await.0,
        "attendees"
    );
    assert_eq!(field_error(post(with(json!({"attendees": [{"email": "nope"}]}))).await).await.0, "attendees[0].email");
    assert_eq!(
        field_error(post(with(json!({"reminders": [{"minutesBefore": 40_321}]}))).await).await.0,
        "reminders[0].minutesBefore"
    );

    let event = create(&app, &admin, base.clone()).await;
    let path = path_of(&event);
    assert_eq!(
        field_error(app.patch(&path, Some(&admin), &json!({"start": "2026-12-01T12:00:00Z"})).await).await.0,
        "end",
        "a start moved past the stored end is refused"
    );
    assert_eq!(
        field_error(app.patch(&path, Some(&admin), &json!({"recurrenceRule": "BOGUS"})).await).await.0,
        "recurrenceRule"
    );

    for (query, field) in [
        ("", "from"),
        ("?from=2026-01-01T00:00:00Z", "to"),
        ("?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
        ("?from=2026-01-01T00:00:00Z&to=2027-01-03T00:00:00Z", "to"),
        ("?from=yesterday&to=2026-01-01T00:00:00Z", "from"),
    ] {
        assert_eq!(
            field_error(app.get(&format!("/api/calendar/events{query}"), Some(&admin)).await).await.0,
            field,
            "{query}"
        );
        assert_eq!(
            field_error(app.get(&format!("/api/calendar/tasks{query}"), Some(&admin)).await).await.0,
            field,
            "{query}"
        );
    }
    let widest = app.get("/api/calendar/events?from=2026-01-01T00:00:00Z&to=2027-01-02T00:00:00Z", Some(&admin)).await;
    assert_eq!(widest.status(), StatusCode::OK, "366 days is allowed");
    let empty = app.get("/api/calendar/events?from=2026-12-01T09:00:00Z&to=2026-12-01T09:00:00Z", Some(&admin)).await;
    assert_eq!(empty.status(), StatusCode::OK, "an empty window is not an error");
    assert_eq!(empty.json::<serde_json::Value>().await.unwrap(), json!([]));

    let unknown = format!("/api/calendar/events/{}", Uuid::new_v4());
    assert_eq!(app.get(&unknown, Some(&admin)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.patch(&unknown, Some(&admin), &json!({"title": "y"})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&unknown, Some(&admin)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/calendar/events/not-a-uuid", Some(&admin)).await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread")]
async fn recurring_events_are_expanded_per_occurrence_in_their_time_zone() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    // Weekly 09:00–09:30 Berlin from Monday 16 March 2026, four times: summer time starts
    // on 29 March, between the second and third occurrence.
    let weekly = create(
        &app,
        &admin,
        json!({"title": "Standup", "start": "2026-03-16T08:00:00Z", "end": "2026-03-16T08:30:00Z",
               "recurrenceRule": "FREQ=WEEKLY;COUNT=4", "recurrenceTimezone": "Europe/Berlin"}),
    )
    .await;
    assert_eq!(weekly["isRecurring"], true);
    create(&app, &admin, json!({"title": "Review", "start": "2026-03-24T12:00:00Z", "end": "2026-03-24T13:00:00Z"}))
        .await;

    let response =
        app.get("/api/calendar/events?from=2026-03-01T00:00:00Z&to=2026-05-01T00:00:00Z", Some(&admin)).await;
    let list: Vec<Value> = response.json().await.unwrap();
    let titles: Vec<&str> = list.iter().map(|o| o["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Standup", "Standup", "Review", "Standup", "Standup"], "sorted by start");
    let standups: Vec<&Value> = list.iter().filter(|o| o["title"] == "Standup").collect();
    let starts: Vec<DateTime<Utc>> = standups.iter().map(|o| o["start"].as_str().unwrap().parse().unwrap()).collect();
    assert_eq!(starts, [berlin(2026, 3, 16, 9), berlin(2026, 3, 23, 9), berlin(2026, 3, 30, 9), berlin(2026, 4, 6, 9)]);
    assert_eq!(starts.iter().map(|s| s.hour()).collect::<Vec<_>>(), [8, 8, 7, 7], "09:00 local on both sides of DST");
    for occurrence in &standups {
        assert_eq!(occurrence["eventId"], weekly["id"]);
        assert_eq!(occurrence["isRecurring"], true);
        let start: DateTime<Utc> = occurrence["start"].as_str().unwrap().parse().unwrap();
        let end: DateTime<Utc> = occurrence["end"].as_str().unwrap().parse().unwrap();
        assert_eq!(end - start, chrono::Duration::minutes(30), "each occurrence keeps the duration");
    }

    // An occurrence already running when the window opens is included.
    let running = window(&app, &admin, "2026-03-30T07:15:00Z", "2026-03-30T08:00:00Z").await;
    assert_eq!(running, [("Standup".to_owned(), berlin(2026, 3, 30, 9))]);
    // After COUNT ends the series there is nothing.
    assert!(window(&app, &admin, "2026-04-07T00:00:00Z", "2026-06-01T00:00:00Z").await.is_empty());

    // Clearing the rule makes it a single event again.
    let single: Value =
        app.patch(&path_of(&weekly), Some(&admin), &json!({"recurrenceRule": null})).await.json().await.unwrap();
    assert_eq!(single["isRecurring"], false);
    let titles: Vec<String> =
        window(&app, &admin, "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z").await.into_iter().map(|o| o.0).collect();
    assert_eq!(titles, ["Standup", "Review"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn creators_and_attendees_see_an_event_admins_see_all_and_only_creators_change_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (_, owner) = app.user_with_role(&admin, "owner", "staff").await;
    let (guest_id, guest) = app.user_with_role(&admin, "guest", "sales_agent").await;
    let (_, outsider) = app.user_with_role(&admin, "outsider", "manager").await;

    let event = create(
        &app,
        &owner,
        json!({"title": "Pitch", "start": "2026-12-03T15:00:00Z", "end": "2026-12-03T16:00:00Z",
               "attendees": [{"userId": guest_id}]}),
    )
    .await;
    let path = path_of(&event);
    let (from, to) = ("2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z");

    for token in [&owner, &guest, &admin] {
        assert_eq!(window(&app, token, from, to).await.len(), 1);
        assert_eq!(app.get(&path, Some(token)).await.status(), StatusCode::OK);
    }
    assert!(window(&app, &outsider, from, to).await.is_empty(), "others do not see it");
    assert_eq!(app.get(&path, Some(&outsider)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.patch(&path, Some(&outsider), &json!({"title": "Mine"})).await.status(), StatusCode::NOT_FOUND);

    let attendee_edit = app.patch(&path, Some(&guest), &json!({"title": "Mine"})).await;
    assert_eq!(attendee_edit.status(), StatusCode::FORBIDDEN);
    assert!(problem(attendee_edit).await["detail"].as_str().unwrap().contains("creator"));
    assert_eq!(app.delete(&path, Some(&guest)).await.status(), StatusCode::FORBIDDEN);

    let by_admin = app.patch(&path, Some(&admin), &json!({"title": "Pitch v2"})).await;
    assert_eq!(by_admin.status(), StatusCode::OK);
    // Dropping the attendee hides the event from them.
    let dropped = app.patch(&path, Some(&owner), &json!({"attendees": []})).await;
    assert_eq!(dropped.status(), StatusCode::OK);
    assert!(window(&app, &guest, from, to).await.is_empty());

    let (_, client) = app.user_with_role(&admin, "portal", "client").await;
    let refused = app.get(&format!("/api/calendar/events?from={from}&to={to}"), Some(&client)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_calendar_lists_tasks_due_in_the_window_earliest_first() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for (title, due) in [
        ("late", Some("2026-12-20T09:00:00Z")),
        ("early", Some("2026-12-02T09:00:00Z")),
        ("outside", Some("2027-01-05T09:00:00Z")),
        ("undated", None),
    ] {
        let response = app.post("/api/tasks", Some(&admin), &json!({"title": title, "dueDate": due})).await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let response = app.get("/api/calendar/tasks?from=2026-12-01T00:00:00Z&to=2027-01-01T00:00:00Z", Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-total-count"], "2");
    let tasks: Vec<Value> = response.json().await.unwrap();
    let titles: Vec<&str> = tasks.iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["early", "late"]);
}

/// The feed path of a `POST /api/calendar/feed-token` answer.
async fn feed_path(app: &TestApp, token: &str) -> String {
    let response = app.post("/api/calendar/feed-token", Some(token), &json!({})).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    let url = url::Url::parse(body["url"].as_str().unwrap()).expect("the feed URL is absolute");
    assert!(url.path().starts_with("/api/calendar/feed/"), "{url}");
    assert!(body["createdAt"].is_string());
    url.path().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ics_feed_carries_the_users_events_and_dated_tasks_until_its_token_is_rotated_or_revoked() {
    use icalendar::{Calendar, Component, EventLike};

    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (staff_id, staff) = app.user_with_role(&admin, "subscriber", "staff").await;
    let (guest_id, _) = app.user_with_role(&admin, "guest", "staff").await;
    create(
        &app,
        &staff,
        json!({"title": "Weekly review", "description": "Numbers, then plans", "location": "Room 2",
               "start": "2026-03-16T08:00:00Z", "end": "2026-03-16T09:00:00Z",
               "recurrenceRule": "FREQ=WEEKLY;BYDAY=MO", "recurrenceTimezone": "Europe/Berlin",
               "attendees": [{"userId": guest_id}, {"email": "client@example.com", "responseStatus": "accepted"}],
               "reminders": [{"minutesBefore": 15}, {"minutesBefore": 1440, "method": "email"}]}),
    )
    .await;
    create(
        &app,
        &admin,
        json!({"title": "Not theirs", "start": "2026-03-17T08:00:00Z", "end": "2026-03-17T09:00:00Z"}),
    )
    .await;
    for (title, assignee, due) in [
        ("File the report", staff_id, Some("2026-03-20T16:00:00Z")),
        ("Someday", staff_id, None),
        ("Someone else's", guest_id, Some("2026-03-20T16:00:00Z")),
    ] {
        let body = json!({"title": title, "assignedToId": assignee, "dueDate": due});
        assert_eq!(app.post("/api/tasks", Some(&admin), &body).await.status(), StatusCode::CREATED);
    }

    let path = feed_path(&app, &staff).await;
    let response = app.get(&path, None).await;
    assert_eq!(response.status(), StatusCode::OK, "the token is the credential");
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let calendar: Calendar = response.text().await.unwrap().parse().expect("a valid iCalendar document");

    let events: Vec<_> = calendar.events().collect();
    assert_eq!(events.len(), 1, "only the events the user created or attends");
    let event = events[0];
    assert_eq!(event.get_summary(), Some("Weekly review"));
    assert_eq!(event.get_description(), Some("Numbers, then plans"));
    assert_eq!(event.get_location(), Some("Room 2"));
    assert_eq!(event.property_value("RRULE"), Some("FREQ=WEEKLY;BYDAY=MO"));
    let dtstart = &event.properties()["DTSTART"];
    assert_eq!(dtstart.value(), "20260316T090000", "local wall-clock time");
    assert_eq!(dtstart.params()["TZID"].value(), "Europe/Berlin");
    let mut attendees: Vec<String> = event.get_attendees().into_iter().map(|a| a.cal_address).collect();
    attendees.sort();
    assert_eq!(attendees, ["mailto:client@example.com", "mailto:guest@example.com"]);
    let triggers: Vec<&str> = event.components().iter().filter_map(|alarm| alarm.property_value("TRIGGER")).collect();
    assert_eq!(triggers, ["-PT900S", "-PT86400S"], "15 minutes and a day before the start");

    let todos: Vec<_> = calendar.todos().collect();
    assert_eq!(todos.len(), 1, "only the user's tasks with a due date");
    assert_eq!(todos[0].get_summary(), Some("File the report"));
    assert_eq!(todos[0].property_value("DUE"), Some("20260320T160000Z"));

    let rotated = feed_path(&app, &staff).await;
    assert_ne!(rotated, path);
    let old = app.get(&path, None).await;
    assert_eq!(old.status(), StatusCode::NOT_FOUND, "rotating retires the old URL");
    assert_eq!(problem(old).await["code"], "NOT_FOUND");
    assert_eq!(app.get(&rotated, None).await.status(), StatusCode::OK);

    assert_eq!(app.delete("/api/calendar/feed-token", Some(&staff)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&rotated, None).await.status(), StatusCode::NOT_FOUND, "revoked");
    assert_eq!(app.delete("/api/calendar/feed-token", Some(&staff)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/calendar/feed/not-a-token", None).await.status(), StatusCode::NOT_FOUND);

    let mut conn = app.db().await;
    let stored: Vec<String> = storage::schema::calendar_feed_tokens::table
        .select(storage::schema::calendar_feed_tokens::token_hash)
        .load(&mut conn)
        .await
        .unwrap();
    assert!(stored.is_empty(), "revoking deleted the stored hash");
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
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
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

    let app = TestApp::spawn_with(&[
        ("GOOGLE_CALENDAR_ACCESS_TOKEN", "google-test-token"),
        ("GOOGLE_CALENDAR_API_URL", &google.uri()),
        ("MS_GRAPH_ACCESS_TOKEN", "graph-test-token"),
        ("MS_GRAPH_API_URL", &graph.uri()),
    ])
    .await;
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
async fn the_feed_is_cached_until_a_write_and_stops_at_once_for_a_deactivated_user() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (staff_id, staff) = app.user_with_role(&admin, "cached", "staff").await;
    let event = create(
        &app,
        &staff,
        json!({"title": "Original", "start": "2026-06-01T09:00:00Z", "end": "2026-06-01T10:00:00Z"}),
    )
    .await;
    let path = feed_path(&app, &staff).await;
    let summary = |body: String| {
        let calendar: icalendar::Calendar = body.parse().unwrap();
        let titles: Vec<String> = calendar
            .events()
            .filter_map(|e| icalendar::Component::property_value(e, "SUMMARY").map(str::to_owned))
            .collect();
        titles
    };
    assert_eq!(summary(app.get(&path, None).await.text().await.unwrap()), ["Original"]);

    // Behind the API's back: the cached feed is served.
    let mut conn = app.db().await;
    diesel::update(storage::schema::calendar_events::table)
        .set(storage::schema::calendar_events::title.eq("Edited in SQL"))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(summary(app.get(&path, None).await.text().await.unwrap()), ["Original"], "a cache hit");

    // Through the API: the write clears the cache.
    let patched = app.patch(&path_of(&event), Some(&staff), &json!({"location": "Room 3"})).await;
    assert_eq!(patched.status(), StatusCode::OK);
    assert_eq!(summary(app.get(&path, None).await.text().await.unwrap()), ["Edited in SQL"]);

    let deactivated = app.patch(&format!("/api/users/{staff_id}"), Some(&admin), &json!({"isActive": false})).await;
    assert_eq!(deactivated.status(), StatusCode::OK);
    assert_eq!(app.get(&path, None).await.status(), StatusCode::NOT_FOUND, "no stale feed for a deactivated user");
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

    let app = TestApp::spawn_with(&[
        ("GOOGLE_CALENDAR_ACCESS_TOKEN", "google-test-token"),
        ("GOOGLE_CALENDAR_API_URL", &google.uri()),
        ("MS_GRAPH_ACCESS_TOKEN", "graph-test-token"),
        ("MS_GRAPH_API_URL", &graph.uri()),
    ])
    .await;
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
