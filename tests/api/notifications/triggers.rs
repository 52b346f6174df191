//! The notices of workflows.md §11 for the domains that exist, reaching exactly their
//! recipients: never the actor (except for their own account's security notices).

use super::{kinds, notifications};
use api_tests::EventStream;
use api_tests::{created, id, TestApp};
use serde_json::json;

#[tokio::test]
async fn assigning_a_lead_tells_the_new_assignee_and_a_stage_change_tells_the_admins() {
    let (app, admin) = TestApp::with_admin().await;
    let (agent_id, agent) = app.user_with_role(&admin, "agent", "sales_agent").await;
    let (_, manager) = app.user_with_role(&admin, "manager", "manager").await;

    let mut stream = EventStream::open(&app, &agent, None).await;
    let lead =
        created(&app, &manager, "/api/leads", json!({"name": "Ada", "company": "Acme", "assignedToId": agent_id}))
            .await;
    let live = stream.next_of_type("notification.created").await;
    assert_eq!(live.data.as_ref().unwrap()["payload"]["kind"], "lead_assigned", "{live:?}");

    let told = notifications(&app, &agent).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["kind"], "lead_assigned");
    assert_eq!(told[0]["title"], "Lead assigned to you");
    assert_eq!(told[0]["message"], "Ada (Acme)");
    assert_eq!(told[0]["actionUrl"], format!("/leads/{}", id(&lead)));
    assert_eq!(told[0]["readAt"], serde_json::Value::Null);
    assert!(kinds(&app, &manager).await.is_empty(), "the actor is not told of their own write");

    // The agent moves their lead: the admins hear of it, the agent (the actor) does not.
    let moved = app.patch(&format!("/api/leads/{}", id(&lead)), Some(&agent), &json!({"stage": "qualified"})).await;
    assert_eq!(moved.status(), 200);
    let admin_told = notifications(&app, &admin).await;
    assert_eq!(admin_told.len(), 1, "{admin_told:?}");
    assert_eq!(admin_told[0]["kind"], "lead_stage_changed");
    assert_eq!(admin_told[0]["message"], "Ada (Acme): Prospect → Qualified");
    assert_eq!(kinds(&app, &agent).await, ["lead_assigned"]);
    assert!(kinds(&app, &manager).await.is_empty(), "managers are not admins");

    // Converting it tells the assignee and the admins, with a link to the new client.
    let converted = app.post(&format!("/api/leads/{}/convert", id(&lead)), Some(&admin), &json!({})).await;
    assert_eq!(converted.status(), 201);
    let client: serde_json::Value = converted.json().await.unwrap();
    let agent_told = notifications(&app, &agent).await;
    assert_eq!(agent_told[0]["kind"], "lead_converted");
    assert_eq!(agent_told[0]["type"], "success");
    assert_eq!(agent_told[0]["actionUrl"], format!("/clients/{}", id(&client)));
    assert_eq!(kinds(&app, &admin).await, ["lead_stage_changed"], "the converting admin is the actor");
}

#[tokio::test]
async fn task_assignees_hear_of_assignment_and_comments_and_mentions_reach_their_user() {
    let (app, admin) = TestApp::with_admin().await;
    let (sam_id, sam) = app.user_with_role(&admin, "sam", "staff").await;
    let (kim_id, kim) = app.user_with_role(&admin, "kim", "staff").await;
    let (_, lee) = app.user_with_role(&admin, "lee", "staff").await;

    let task = created(&app, &admin, "/api/tasks", json!({"title": "Write the report", "assignedToId": sam_id})).await;
    let path = format!("/api/tasks/{}", id(&task));
    assert_eq!(kinds(&app, &sam).await, ["task_assigned"]);
    assert_eq!(notifications(&app, &sam).await[0]["actionUrl"], format!("/tasks?task={}", id(&task)));

    // Reassigned to Kim; a comment by Lee mentions Sam, and reaches Kim as the assignee.
    assert_eq!(app.patch(&path, Some(&admin), &json!({"assignedToId": kim_id})).await.status(), 200);
    assert_eq!(app.patch(&path, Some(&admin), &json!({"title": "Write the big report"})).await.status(), 200);
    assert_eq!(kinds(&app, &kim).await, ["task_assigned"], "an edit that keeps the assignee tells nobody");
    let comment = json!({"comment": "Numbers look off, @sam can you check?"});
    assert_eq!(app.post(&format!("{path}/comments"), Some(&lee), &comment).await.status(), 201);
    let kim_told = notifications(&app, &kim).await;
    assert_eq!(kim_told[0]["kind"], "task_comment");
    assert_eq!(kim_told[0]["title"], "lee commented on Write the big report");
    assert_eq!(kinds(&app, &sam).await, ["task_comment", "task_assigned"]);
    assert!(kinds(&app, &lee).await.is_empty());
}

#[tokio::test]
async fn due_reminders_come_once_per_task_and_state() {
    let (app, admin) = TestApp::with_admin().await;
    let (sam_id, sam) = app.user_with_role(&admin, "sam", "staff").await;
    let due = (chrono::Utc::now() + chrono::Duration::hours(3)).to_rfc3339();
    let task =
        created(&app, &admin, "/api/tasks", json!({"title": "Invoice", "assignedToId": sam_id, "dueDate": due})).await;
    let check = || async {
        let body: serde_json::Value =
            app.post("/api/notifications/check-tasks", Some(&sam), &json!({})).await.json().await.unwrap();
        body["notificationsCreated"].as_i64().unwrap()
    };
    assert_eq!(check().await, 1);
    assert_eq!(check().await, 0, "the same task and state is reminded of once");
    let mut db = app.db().await;
    api_tests::execute(
        &mut db,
        &format!("UPDATE tasks SET due_date = now() - interval '1 hour' WHERE id = '{}'", id(&task)),
    )
    .await;
    assert_eq!(check().await, 1, "overdue is a new state");
    assert_eq!(kinds(&app, &sam).await, ["task_overdue", "task_due_soon", "task_assigned"]);
}

#[tokio::test]
async fn failed_sign_ins_reach_user_admins_once_per_name_address_and_ten_minutes() {
    let (app, admin) = TestApp::with_admin().await;
    for _ in 0..3 {
        let response = app.post("/api/login", None, &json!({"username": "nobody", "password": "wrong-password"})).await;
        assert_eq!(response.status(), 401);
    }
    let told = notifications(&app, &admin).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["kind"], "sign_in_failed");
    assert_eq!(told[0]["type"], "error");
    assert_eq!(told[0]["message"], "A sign-in as nobody from 127.0.0.1 failed");
}

#[tokio::test]
async fn a_password_change_is_told_to_its_owner_even_when_they_made_it() {
    let (app, admin) = TestApp::with_admin().await;
    let changed = app
        .post(
            "/api/user/password",
            Some(&admin),
            &json!({"currentPassword": api_tests::ADMIN_PASSWORD, "newPassword": "another-long-passphrase-42"}),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let session: serde_json::Value = changed.json().await.unwrap();
    let token = api_tests::token_of(&session);
    let told = notifications(&app, &token).await;
    assert_eq!(told[0]["kind"], "account_changed");
    assert_eq!(told[0]["title"], "Your password was changed");
}

#[tokio::test]
async fn meetings_starting_within_the_hour_remind_organiser_and_attendees_once() {
    let (app, admin) = TestApp::with_admin().await;
    let (kim_id, kim) = app.user_with_role(&admin, "kim", "staff").await;
    let start = chrono::Utc::now() + chrono::Duration::minutes(30);
    let event = json!({
        "title": "Kick-off", "start": start.to_rfc3339(), "end": (start + chrono::Duration::hours(1)).to_rfc3339(),
        "attendees": [{"userId": kim_id}]
    });
    created(&app, &admin, "/api/calendar/events", event).await;
    let mut db = app.db().await;
    for _ in 0..2 {
        api_tests::execute(&mut db, "INSERT INTO jobs (kind, max_attempts) VALUES ('notify.meeting_reminders', 3)")
            .await;
    }
    super::eventually("the meeting reminder", async || kinds(&app, &kim).await == ["meeting_soon"]).await;
    super::eventually("both reminder runs", async || {
        let jobs: Vec<serde_json::Value> = app
            .get("/api/jobs?kind=notify.meeting_reminders&state=succeeded", Some(&admin))
            .await
            .json()
            .await
            .unwrap();
        // The scheduler's own tick may run too.
        jobs.len() >= 2
    })
    .await;
    assert_eq!(kinds(&app, &kim).await, ["meeting_soon"], "reminded once");
    assert_eq!(kinds(&app, &admin).await, ["meeting_soon"], "the organiser too");
}
