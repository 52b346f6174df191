//! Calendar events: CRUD with audit rows, validation, who sees and changes an event,
//! recurring events expanded per occurrence in their time zone, and tasks due in a window.

use api_tests::{created, field_error, problem, ProblemExt, TestApp};
use chrono::{DateTime, TimeZone, Timelike, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{json, Value};
use storage::schema::activity_logs;
use uuid::Uuid;

pub(crate) async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    created(app, token, "/api/calendar/events", body).await
}

pub(crate) fn path_of(event: &Value) -> String {
    format!("/api/calendar/events/{}", event["id"].as_str().expect("event id"))
}

/// The occurrences of `GET /api/calendar/events` in a window, as (title, start).
pub(crate) async fn window(app: &TestApp, token: &str, from: &str, to: &str) -> Vec<(String, DateTime<Utc>)> {
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
    let (app, admin) = TestApp::with_admin().await;
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
    app.get(&location, Some(&staff)).await.expect_problem(404, "NOT_FOUND").await;

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
    let (app, admin) = TestApp::with_admin().await;
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
    let (app, admin) = TestApp::with_admin().await;
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
    let (app, admin) = TestApp::with_admin().await;
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
    let (app, admin) = TestApp::with_admin().await;
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
