//! Domain events and `GET /api/events`: each audited write stores its event in the same
//! transaction; the stream carries only what the caller may see, resumes after
//! `Last-Event-ID`, sends heartbeats, and reaches clients of every node.

use api_tests::{created, execute, id, portal_user, problem, EventStream, Frame, TestApp};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::http::audit::{AuditContext, Entry, Subject};
use std::time::Duration;
use storage::schema::{activity_logs, domain_events};

/// (event type, entity id, request id, payload) of every stored event about `entity_id`.
async fn stored(app: &TestApp, entity_id: &str) -> Vec<(String, Option<String>, Option<Value>)> {
    let mut db = app.db().await;
    domain_events::table
        .filter(domain_events::entity_id.eq(entity_id))
        .order(domain_events::id.asc())
        .select((domain_events::event_type, domain_events::request_id, domain_events::payload))
        .load(&mut db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_audited_write_stores_its_event_with_the_audit_row() {
    let (app, admin) = TestApp::with_admin().await;
    let lead = created(&app, &admin, "/api/leads", json!({"name": "Ada"})).await;
    let path = format!("/api/leads/{}", id(&lead));
    assert_eq!(app.patch(&path, Some(&admin), &json!({"stage": "qualified"})).await.status(), StatusCode::OK);
    assert_eq!(app.delete(&path, Some(&admin)).await.status(), StatusCode::NO_CONTENT);

    let events = stored(&app, &id(&lead)).await;
    let types: Vec<&str> = events.iter().map(|(t, _, _)| t.as_str()).collect();
    assert!(types.starts_with(&["lead.created", "lead.updated"]) && types.ends_with(&["lead.deleted"]), "{types:?}");
    assert_eq!(events[1].2.as_ref().unwrap()["stage"], "qualified", "an update carries the record after it");
    assert_eq!(events.last().unwrap().2.as_ref().unwrap()["name"], "Ada", "a delete carries the record before it");
    let mut db = app.db().await;
    let audit_request: Option<String> = activity_logs::table
        .filter(activity_logs::activity_type.eq("lead.create"))
        .filter(activity_logs::entity_id.eq(id(&lead)))
        .select(activity_logs::request_id)
        .first(&mut db)
        .await
        .unwrap();
    assert!(audit_request.is_some());
    assert_eq!(events[0].1, audit_request, "the event and its audit row share the request");

    // No secret reaches an event: user snapshots are the domain type, without the hash.
    let user =
        created(&app, &admin, "/api/users", json!({"username": "eve", "password": "a-long-enough-password"})).await;
    let user_events = stored(&app, &user["id"].to_string()).await;
    assert_eq!(user_events[0].0, "user.created");
    let payload = user_events[0].2.as_ref().unwrap().to_string();
    assert!(!payload.contains("password") && !payload.contains("argon2"), "{payload}");
    let admin_events = stored(&app, "1").await;
    assert!(admin_events.iter().any(|(t, _, _)| t == "auth.login"), "other activity types are kept as they are");
}

/// The frames but the user's own sign-in, which may still be fanning out as an event when
/// a stream opens right after it.
fn without_sign_ins(frames: Vec<Frame>) -> Vec<Frame> {
    frames.into_iter().filter(|frame| frame.event.as_deref() != Some("auth.login")).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rolled_back_write_leaves_no_event_and_is_never_streamed() {
    let (app, admin) = TestApp::with_admin().await;
    let mut stream = EventStream::open(&app, &admin, None).await;
    let audit = AuditContext::default();
    let mut db = app.db().await;
    let rolled_back: Result<(), diesel::result::Error> = db
        .transaction(async |conn| {
            audit
                .by(1)
                .record(conn, Entry::new("task.update", Subject::bare("task", "rolled-back"), "x"))
                .await
                .unwrap();
            Err(diesel::result::Error::RollbackTransaction)
        })
        .await;
    assert!(rolled_back.is_err());
    audit.by(1).record(&mut db, Entry::new("task.update", Subject::bare("task", "committed"), "y")).await.unwrap();

    let seen = without_sign_ins(stream.events_until("committed").await);
    assert_eq!(seen.len(), 1, "the rolled-back event never came: {seen:?}");
    assert!(stored(&app, "rolled-back").await.is_empty());
    assert_eq!(stored(&app, "committed").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lead_update_reaches_only_those_who_may_see_the_lead() {
    let (app, admin) = TestApp::with_admin().await;
    let (agent_id, agent) = app.user_with_role(&admin, "agent", "sales_agent").await;
    let (other_id, other_agent) = app.user_with_role(&admin, "other_agent", "sales_agent").await;
    let mine = created(&app, &admin, "/api/clients", json!({"name": "Mine"})).await;
    let theirs = created(&app, &admin, "/api/clients", json!({"name": "Theirs"})).await;
    let (_, portal) = portal_user(&app, &admin, "portal_of_theirs", &id(&theirs)).await;
    let lead =
        created(&app, &admin, "/api/leads", json!({"name": "Ada", "assignedToId": agent_id, "clientId": id(&mine)}))
            .await;

    let mut streams = Vec::new();
    for token in [&admin, &agent, &other_agent, &portal] {
        streams.push(EventStream::open(&app, token, None).await);
    }
    let path = format!("/api/leads/{}", id(&lead));
    assert_eq!(app.patch(&path, Some(&admin), &json!({"stage": "qualified"})).await.status(), StatusCode::OK);
    // Markers each of the others may see, written after the lead: had the lead's event
    // reached them, it would have come first.
    let marker_lead = created(&app, &admin, "/api/leads", json!({"name": "Theirs", "assignedToId": other_id})).await;
    let theirs_path = format!("/api/clients/{}", id(&theirs));
    assert_eq!(app.patch(&theirs_path, Some(&admin), &json!({"notes": "x"})).await.status(), StatusCode::OK);

    let [admin_stream, agent_stream, other_stream, portal_stream] = &mut streams[..] else { unreachable!() };
    for stream in [admin_stream, agent_stream] {
        let event = stream.event_of("lead.updated", &id(&lead)).await;
        assert_eq!(event.event.as_deref(), Some("lead.updated"));
        let data = event.data.unwrap();
        assert_eq!((data["type"].as_str(), data["entityType"].as_str()), (Some("lead.updated"), Some("lead")));
        assert_eq!(data["id"].as_i64(), event.id, "the data repeats the SSE id");
        assert_eq!(data["payload"]["stage"], "qualified");
        assert_eq!(data["actorId"], 1);
        assert!(data["time"].is_string());
    }
    let seen = without_sign_ins(other_stream.events_until(&id(&marker_lead)).await);
    assert_eq!(seen.len(), 1, "another scoped agent saw only their own lead: {seen:?}");
    let seen = without_sign_ins(portal_stream.events_until(&id(&theirs)).await);
    assert_eq!(seen.len(), 1, "the other client's portal user saw only their client: {seen:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn last_event_id_replays_what_was_missed() {
    let (app, admin) = TestApp::with_admin().await;
    let lead = created(&app, &admin, "/api/leads", json!({"name": "Ada"})).await;
    let path = format!("/api/leads/{}", id(&lead));
    assert_eq!(app.patch(&path, Some(&admin), &json!({"stage": "qualified"})).await.status(), StatusCode::OK);
    let mut db = app.db().await;
    let ids: Vec<i64> = domain_events::table
        .filter(domain_events::entity_id.eq(id(&lead)))
        .order(domain_events::id.asc())
        .select(domain_events::id)
        .load(&mut db)
        .await
        .unwrap();

    let mut resumed = EventStream::open(&app, &admin, Some(ids[0])).await;
    let replayed = resumed.event(Duration::from_secs(5)).await.expect("the missed update");
    assert_eq!((replayed.id, replayed.event.as_deref()), (Some(ids[1]), Some("lead.updated")));
    assert_eq!(app.patch(&path, Some(&admin), &json!({"stage": "proposal"})).await.status(), StatusCode::OK);
    let live = resumed.event(Duration::from_secs(5)).await.expect("then live events");
    assert!(live.id > Some(ids[1]) && live.data.unwrap()["payload"]["stage"] == "proposal");

    // The query parameter, for clients that cannot send headers.
    let response = app.get(&format!("/api/events?lastEventId={}", ids[0]), Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let bad = app.request(reqwest::Method::GET, "/api/events", Some(&admin)).header("Last-Event-ID", "x").send().await;
    assert_eq!(problem(bad.unwrap()).await["errors"][0]["field"], "Last-Event-ID");
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_streams_get_heartbeats_and_anonymous_callers_a_problem() {
    let app = TestApp::spawn_with(&[("EVENTS_HEARTBEAT_SECS", "1")]).await;
    let admin = app.admin_token().await;
    let mut stream = EventStream::open(&app, &admin, None).await;
    // The admin's sign-in may still be fanning out as an event when the stream opens.
    let mut frame = stream.frame(Duration::from_secs(3)).await.expect("a heartbeat");
    if frame.event.as_deref() == Some("auth.login") {
        frame = stream.frame(Duration::from_secs(3)).await.expect("a heartbeat");
    }
    assert_eq!((frame.comment.as_deref(), frame.event), (Some("heartbeat"), None));

    let anonymous = app.get("/api/events", None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(problem(anonymous).await["code"], "AUTHENTICATION_ERROR");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_through_another_node_reaches_this_nodes_clients() {
    let (app, admin) = TestApp::with_admin().await;
    let node = app.another_node(&[]).await;
    let mut stream = EventStream::open(&app, &admin, None).await;
    let lead = created(&node, &admin, "/api/leads", json!({"name": "Ada"})).await;
    let event = stream.event_about(&id(&lead)).await;
    assert_eq!(event.event.as_deref(), Some("lead.created"));
}

#[tokio::test(flavor = "multi_thread")]
async fn old_events_are_deleted_by_the_retention_function() {
    let (app, admin) = TestApp::with_admin().await;
    let old = created(&app, &admin, "/api/leads", json!({"name": "Old"})).await;
    created(&app, &admin, "/api/leads", json!({"name": "New"})).await;
    let mut db = app.db().await;
    execute(
        &mut db,
        &format!("UPDATE domain_events SET created_at = now() - interval '40 days' WHERE entity_id = '{}'", id(&old)),
    )
    .await;
    let cutoff = chrono::Utc::now() - chrono::Duration::days(30);
    assert_eq!(storage::events::delete_older_than(&mut db, cutoff).await.unwrap(), 1);
    assert!(stored(&app, &id(&old)).await.is_empty());
    let left: i64 = domain_events::table.count().get_result(&mut db).await.unwrap();
    assert!(left >= 2, "newer events stay");
}
