//! Notifications: who is told what for which write, the user's own list (another user's
//! notification is a 404), preferences per kind and channel, reminders, mail and web push.

mod inbox;
mod push;
mod triggers;

use api_tests::TestApp;
use serde_json::Value;
use std::time::Duration;

/// The user's notifications, newest first.
pub async fn notifications(app: &TestApp, token: &str) -> Vec<Value> {
    let response = app.get("/api/notifications", Some(token)).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// The kinds of the user's notifications, newest first.
pub async fn kinds(app: &TestApp, token: &str) -> Vec<String> {
    notifications(app, token).await.iter().map(|n| n["kind"].as_str().unwrap().to_owned()).collect()
}

pub async fn unread(app: &TestApp, token: &str) -> i64 {
    let body: Value = app.get("/api/notifications/unread-count", Some(token)).await.json().await.unwrap();
    body["unread"].as_i64().unwrap()
}

/// Waits until `check` holds (the job queue delivers mail and pushes in the background).
pub async fn eventually<F: AsyncFnMut() -> bool>(what: &str, mut check: F) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within 10 s");
}
