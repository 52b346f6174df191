//! The user's own notifications and switches: reading, deleting (another user's is a
//! 404: the original had no ownership check), preferences per kind and channel, and
//! the e-mail a notification sends.

use super::{eventually, kinds, notifications, unread};
use api_tests::smtp::SmtpSink;
use api_tests::{created, id, ProblemExt, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn assign_lead(app: &TestApp, admin: &str, to: i64, name: &str) -> Value {
    created(app, admin, "/api/leads", json!({"name": name, "assignedToId": to})).await
}

#[tokio::test]
async fn users_read_and_delete_their_own_notifications_only() {
    let (app, admin) = TestApp::with_admin().await;
    let (agent_id, agent) = app.user_with_role(&admin, "agent", "sales_agent").await;
    let (_, other) = app.user_with_role(&admin, "other", "sales_agent").await;
    for name in ["One", "Two", "Three"] {
        assign_lead(&app, &admin, agent_id, name).await;
    }
    assert_eq!(unread(&app, &agent).await, 3);
    let listed = notifications(&app, &agent).await;
    assert_eq!(listed.iter().map(|n| n["message"].as_str().unwrap()).collect::<Vec<_>>(), ["Three", "Two", "One"]);
    let newest = id(&listed[0]);

    // Someone else's notification does not exist for them.
    let read_path = format!("/api/notifications/{newest}/read");
    app.patch(&read_path, Some(&other), &json!({})).await.expect_problem(404, "NOT_FOUND").await;
    app.delete(&format!("/api/notifications/{newest}"), Some(&other)).await.expect_problem(404, "NOT_FOUND").await;

    let read: Value = app.patch(&read_path, Some(&agent), &json!({})).await.json().await.unwrap();
    assert!(read["readAt"].is_string());
    assert_eq!(unread(&app, &agent).await, 2);
    let unread_only: Vec<Value> = app.get("/api/notifications?unread=true", Some(&agent)).await.json().await.unwrap();
    assert_eq!(unread_only.len(), 2);
    assert_eq!(api_tests::audit_rows(&app, "notification.update", &newest).await, 1);

    let marked: Value = app.patch("/api/notifications/read-all", Some(&agent), &json!({})).await.json().await.unwrap();
    assert_eq!(marked["updated"], 2);
    assert_eq!(unread(&app, &agent).await, 0);

    let deleted = app.delete(&format!("/api/notifications/{newest}"), Some(&agent)).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(notifications(&app, &agent).await.len(), 2);
    app.patch("/api/notifications/not-a-uuid/read", Some(&agent), &json!({}))
        .await
        .expect_problem(400, "VALIDATION_ERROR")
        .await;
}

#[tokio::test]
async fn preferences_start_all_on_and_a_switched_off_channel_is_skipped() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = TestApp::spawn_with(&[("SMTP_URL", url.as_str())]).await;
    let admin = app.admin_token().await;
    let (agent_id, agent) = app.user_with_role(&admin, "agent", "sales_agent").await;

    let preferences: Vec<Value> = app.get("/api/notifications/preferences", Some(&agent)).await.json().await.unwrap();
    assert_eq!(preferences.len(), domain::notifications::NotificationKind::ALL.len());
    assert!(preferences.iter().all(|p| p["inApp"] == true && p["email"] == true && p["push"] == true));

    // On by default: the assignment is in the app and in the agent's mailbox (after the
    // welcome mail of the new account).
    sink.wait_for(1).await;
    assign_lead(&app, &admin, agent_id, "Mailed").await;
    let received = sink.wait_for(2).await;
    assert_eq!(received[1].to, ["agent@example.com"]);
    let mail = mailparse::parse_mail(&received[1].data).unwrap();
    assert_eq!(mail.headers.iter().find(|h| h.get_key() == "Subject").unwrap().get_value(), "Lead assigned to you");
    let text = mail.subparts[0].get_body().unwrap();
    assert!(text.contains("Mailed") && text.contains("/leads/"), "{text}");
    assert!(text.contains("/notifications/preferences"), "the mail says where to turn it off");

    // E-mail off for lead assignments: the next one is only in the app.
    let change = json!({"preferences": [{"kind": "lead_assigned", "inApp": true, "email": false, "push": true}]});
    let saved: Vec<Value> = app
        .request(reqwest::Method::PUT, "/api/notifications/preferences", Some(&agent))
        .json(&change)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(saved.iter().find(|p| p["kind"] == "lead_assigned").unwrap()["email"], false);
    assign_lead(&app, &admin, agent_id, "Quiet").await;
    assert_eq!(notifications(&app, &agent).await[0]["message"], "Quiet");
    // Another mail-worthy notification proves the queue moved on without mailing "Quiet".
    let test: Value = app.post("/api/notifications/test", Some(&agent), &json!({})).await.json().await.unwrap();
    assert_eq!(test["notificationsCreated"], 1);
    let received = sink.wait_for(3).await;
    let subjects: Vec<String> = received
        .iter()
        .map(|m| {
            mailparse::parse_mail(&m.data)
                .unwrap()
                .headers
                .iter()
                .find(|h| h.get_key() == "Subject")
                .unwrap()
                .get_value()
        })
        .collect();
    assert_eq!(subjects, ["Welcome to MarketingOS", "Lead assigned to you", "Test notification"]);

    // In-app off: nothing in the list either (and with e-mail off too, no row at all).
    let change = json!({"preferences": [{"kind": "lead_assigned", "inApp": false, "email": false, "push": false}]});
    let response = app
        .request(reqwest::Method::PUT, "/api/notifications/preferences", Some(&agent))
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assign_lead(&app, &admin, agent_id, "Silent").await;
    assert!(!notifications(&app, &agent).await.iter().any(|n| n["message"] == "Silent"));
    eventually("the queue to drain", async || {
        let jobs: Vec<Value> = app.get("/api/jobs?state=queued", Some(&admin)).await.json().await.unwrap();
        jobs.is_empty()
    })
    .await;
    assert_eq!(sink.received().len(), 3, "no fourth mail");
    assert_eq!(kinds(&app, &agent).await, ["test", "lead_assigned", "lead_assigned"]);
}

#[tokio::test]
async fn preference_changes_are_validated_and_the_last_of_a_kind_wins() {
    let (app, admin) = TestApp::with_admin().await;
    let put = |body: Value| {
        let request = app.request(reqwest::Method::PUT, "/api/notifications/preferences", Some(&admin)).json(&body);
        async move { request.send().await.unwrap() }
    };
    let twice = json!({"preferences": [
        {"kind": "test", "inApp": true, "email": true, "push": true},
        {"kind": "test", "inApp": false, "email": true, "push": true}
    ]});
    let saved: Vec<Value> = put(twice).await.json().await.unwrap();
    assert_eq!(saved.iter().find(|p| p["kind"] == "test").unwrap()["inApp"], false, "the last of a kind wins");
    put(json!({"preferences": []})).await.expect_problem(400, "VALIDATION_ERROR").await;
    let unknown = json!({"preferences": [{"kind": "lottery_won", "inApp": true, "email": true, "push": true}]});
    put(unknown).await.expect_problem(400, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn the_originals_six_switches_still_work_over_the_switches_per_kind() {
    let (app, admin) = TestApp::with_admin().await;
    let legacy: Value = app.get("/api/user/notification-preferences", Some(&admin)).await.json().await.unwrap();
    assert_eq!(legacy["dueDateReminders"], true);
    let change = json!({"dueDateReminders": false, "emailNotifications": false});
    let response = app
        .request(reqwest::Method::PUT, "/api/user/notification-preferences", Some(&admin))
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let legacy: Value = response.json().await.unwrap();
    assert_eq!(
        (legacy["dueDateReminders"].clone(), legacy["emailNotifications"].clone(), legacy["taskUpdates"].clone()),
        (json!(false), json!(false), json!(true))
    );
    let all: Vec<Value> = app.get("/api/notifications/preferences", Some(&admin)).await.json().await.unwrap();
    let overdue = all.iter().find(|p| p["kind"] == "task_overdue").unwrap();
    assert_eq!(
        (overdue["inApp"].clone(), overdue["email"].clone(), overdue["push"].clone()),
        (json!(false), json!(false), json!(true))
    );
    let unknown = json!({"smsAlerts": true});
    app.request(reqwest::Method::PUT, "/api/user/notification-preferences", Some(&admin))
        .json(&unknown)
        .send()
        .await
        .unwrap()
        .expect_problem(400, "VALIDATION_ERROR")
        .await;
}
