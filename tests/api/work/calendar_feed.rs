//! The per-user ICS feed: its token (shown once, rotated, revoked), what it carries, and
//! its cache, cleared by every write and at once for a deactivated user.

use crate::work::calendar::{create, path_of};
use api_tests::{problem, TestApp};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{json, Value};

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

    let (app, admin) = TestApp::with_admin().await;
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

/// The app with both calendar providers pointed at fake servers.
#[tokio::test(flavor = "multi_thread")]
async fn the_feed_is_cached_until_a_write_and_stops_at_once_for_a_deactivated_user() {
    let (app, admin) = TestApp::with_admin().await;
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
