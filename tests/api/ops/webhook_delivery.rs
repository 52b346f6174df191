//! Webhook deliveries to receivers on 127.0.0.1 (wiremock), by the server's real job
//! workers: signed bodies with a stable event id, retries through failures and a timeout
//! with every event delivered once and in order, redelivery, a burst queueing one job,
//! and an endpoint failing for a day turned off.

use super::webhooks::{app_with_receivers, endpoint};
use api_tests::{audit_rows, created, execute, id, TestApp};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;
use std::time::Duration;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn receiver(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(status)).mount(&server).await;
    server
}

/// Checks the request's signature with the endpoint's secret, as a receiver would (Stripe's
/// scheme, five minutes of tolerance), and returns its body.
fn verified(secret: &str, request: &Request) -> Value {
    let signature = request.headers.get("marketingos-signature").expect("signed").to_str().unwrap();
    let (t, v1) = signature.split_once(",v1=").expect("t=…,v1=…");
    let t = t.strip_prefix("t=").expect("t first");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(&request.body);
    mac.verify_slice(&hex::decode(v1).unwrap()).expect("the signature matches the body");
    let age = chrono::Utc::now().timestamp() - t.parse::<i64>().unwrap();
    assert!(age.abs() < 300, "signed {age} s ago");
    serde_json::from_slice(&request.body).unwrap()
}

fn event_id(request: &Request) -> String {
    request.headers.get("marketingos-event-id").unwrap().to_str().unwrap().to_owned()
}

async fn received(server: &MockServer, at_least: usize) -> Vec<Request> {
    for _ in 0..300 {
        let requests = server.received_requests().await.unwrap();
        if requests.len() >= at_least {
            return requests;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the receiver got fewer than {at_least} requests");
}

async fn log(app: &TestApp, admin: &str, endpoint: &str) -> Vec<Value> {
    let response = app.get(&format!("/api/webhooks/{endpoint}/deliveries"), Some(admin)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The delivery log once `done` holds of it, bringing each retry forward instead of
/// waiting out its backoff.
async fn log_when(app: &TestApp, admin: &str, endpoint: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    for _ in 0..400 {
        let entries = log(app, admin, endpoint).await;
        if done(&entries) {
            return entries;
        }
        let mut db = app.db().await;
        execute(&mut db, "UPDATE webhook_deliveries SET next_attempt_at = now() WHERE status = 'pending'").await;
        execute(&mut db, "UPDATE jobs SET run_at = now() WHERE kind = 'webhooks.deliver' AND state = 'queued'").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the deliveries never got there: {:?}", log(app, admin, endpoint).await);
}

fn all_delivered(count: usize) -> impl Fn(&[Value]) -> bool {
    move |entries| entries.len() == count && entries.iter().all(|entry| entry["status"] == "delivered")
}

async fn lead(app: &TestApp, admin: &str, name: &str) -> String {
    id(&created(app, admin, "/api/leads", json!({"name": name})).await)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lead_write_is_delivered_once_signed_and_can_be_redelivered_as_the_same_event() {
    let server = receiver(200).await;
    let (app, admin) = app_with_receivers().await;
    // `*`: the endpoint's own creation, in the same transaction, is not sent (no loops).
    let (endpoint, secret) = endpoint(&app, &admin, &format!("{}/hooks", server.uri()), &["*"]).await;
    let lead_id = lead(&app, &admin, "Ada Lovelace").await;

    let requests = received(&server, 1).await;
    let request = &requests[0];
    let body = verified(&secret, request);
    let header = |name: &str| request.headers.get(name).unwrap().to_str().unwrap().to_owned();
    assert_eq!(
        (header("content-type").as_str(), header("user-agent").as_str()),
        ("application/json", "MarketingOS-Webhooks/1")
    );
    assert_eq!(body["id"].as_str(), Some(event_id(request).as_str()));
    assert!(body["id"].as_str().unwrap().starts_with("evt_"), "{body}");
    assert_eq!((body["type"].as_str(), body["data"]["entityType"].as_str()), (Some("lead.created"), Some("lead")));
    assert_eq!(body["data"]["entityId"].as_str(), Some(lead_id.as_str()));
    assert_eq!(body["data"]["object"]["name"], "Ada Lovelace");
    assert!(chrono::DateTime::parse_from_rfc3339(body["time"].as_str().unwrap()).is_ok(), "{body}");

    let entries = log_when(&app, &admin, &endpoint, all_delivered(1)).await;
    let delivery = &entries[0];
    assert_eq!(
        (delivery["attempts"].as_i64(), delivery["lastStatusCode"].as_i64()),
        (Some(1), Some(200)),
        "{delivery}"
    );
    assert_eq!(delivery["attemptLog"].as_array().unwrap().len(), 1, "{delivery}");
    assert_eq!(delivery["attemptLog"][0]["statusCode"], 200);
    assert!(delivery["attemptLog"][0]["durationMs"].is_i64() && delivery["deliveredAt"].is_string());
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "only the lead's event");

    let redeliver = format!("/api/webhooks/{endpoint}/deliveries/{}/redeliver", delivery["id"]);
    assert_eq!(app.post(&redeliver, Some(&admin), &json!({})).await.status(), StatusCode::ACCEPTED);
    let again = &received(&server, 2).await[1];
    assert_eq!((event_id(again), &again.body), (event_id(request), &request.body), "the same event, byte for byte");
    verified(&secret, again);
    assert_eq!(audit_rows(&app, "webhook_delivery.redeliver", &delivery["id"].to_string()).await, 1);
    log_when(&app, &admin, &endpoint, all_delivered(1)).await;

    let ping = app.post(&format!("/api/webhooks/{endpoint}/test"), Some(&admin), &json!({})).await;
    assert_eq!(ping.status(), StatusCode::ACCEPTED);
    let ping = verified(&secret, &received(&server, 3).await[2]);
    assert_eq!(
        (ping["type"].as_str(), ping["data"]["entityId"].as_str()),
        (Some("webhook.test"), Some(endpoint.as_str()))
    );
    assert!(ping["data"]["object"]["endpoint"].get("secret").is_none(), "{ping}");
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_and_a_timeout_are_retried_until_every_event_is_delivered_once_in_order() {
    let server = MockServer::start().await;
    let fail = ResponseTemplate::new(500);
    Mock::given(method("POST")).respond_with(fail).up_to_n_times(2).with_priority(1).mount(&server).await;
    // Longer than WEBHOOK_TIMEOUT_SECS=1.
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_secs(3));
    Mock::given(method("POST")).respond_with(slow).up_to_n_times(1).with_priority(2).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(204)).with_priority(3).mount(&server).await;
    let (app, admin) = app_with_receivers().await;
    let (endpoint, secret) = endpoint(&app, &admin, &server.uri(), &["lead.*"]).await;
    let mut leads = Vec::new();
    for n in 1..=5 {
        leads.push(lead(&app, &admin, &format!("Lead {n}")).await);
    }

    let entries = log_when(&app, &admin, &endpoint, all_delivered(5)).await;
    let first = entries.last().unwrap();
    let codes: Vec<Value> = first["attemptLog"].as_array().unwrap().iter().map(|a| a["statusCode"].clone()).collect();
    assert_eq!(codes, [json!(500), json!(500), Value::Null, json!(204)], "{first}");
    assert!(first["attemptLog"][2]["error"].as_str().unwrap().contains("no answer within 1 s"), "{first}");
    assert!(entries[..4].iter().all(|entry| entry["attempts"] == 1), "the others went through at once");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 8, "four tries of the first, one of each other");
    let mut order: Vec<String> = Vec::new();
    let mut ids_of_lead = std::collections::BTreeMap::<String, Vec<String>>::new();
    for request in &requests {
        let body = verified(&secret, request);
        assert_eq!(body["id"].as_str(), Some(event_id(request).as_str()));
        let ids = ids_of_lead.entry(body["data"]["entityId"].as_str().unwrap().to_owned()).or_default();
        if !ids.contains(&event_id(request)) {
            ids.push(event_id(request));
        }
        if order.last() != Some(&event_id(request)) {
            order.push(event_id(request));
        }
    }
    assert!(ids_of_lead.values().all(|ids| ids.len() == 1), "no event under two ids: {ids_of_lead:?}");
    let by_lead: Vec<String> = leads.iter().map(|lead| ids_of_lead[lead][0].clone()).collect();
    assert_eq!(order, by_lead, "each event was sent, until it succeeded, before the next one");
    let numbers: Vec<i64> = order.iter().map(|id| id.trim_start_matches("evt_").parse().unwrap()).collect();
    assert!(numbers.windows(2).all(|pair| pair[0] < pair[1]), "in event order: {order:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_burst_of_events_queues_one_job_and_another_node_delivers_it_in_order() {
    let server = receiver(200).await;
    let receivers = [("WEBHOOK_ALLOWED_HOSTS", "127.0.0.1"), ("JOB_WORKERS", "0")];
    let app = TestApp::spawn_with(&receivers).await;
    let admin = app.admin_token().await;
    let (endpoint, _) = endpoint(&app, &admin, &server.uri(), &["lead.created"]).await;
    for n in 0..30 {
        lead(&app, &admin, &format!("Burst {n}")).await;
    }
    let jobs: Vec<Value> = app.get("/api/jobs?kind=webhooks.deliver", Some(&admin)).await.json().await.unwrap();
    assert_eq!(jobs.len(), 1, "one job for the line, not one per event: {jobs:?}");
    assert_eq!(log(&app, &admin, &endpoint).await.len(), 30);

    let _worker = app.another_node(&[("WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")]).await;
    log_when(&app, &admin, &endpoint, all_delivered(30)).await;
    let ids: Vec<i64> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|request| event_id(request).trim_start_matches("evt_").parse().unwrap())
        .collect();
    assert_eq!(ids.len(), 30);
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_failing_for_a_day_is_turned_off_with_its_pending_deliveries_failed() {
    let server = receiver(503).await;
    let (app, admin) = app_with_receivers().await;
    let (endpoint, _) = endpoint(&app, &admin, &server.uri(), &["lead.*"]).await;
    lead(&app, &admin, "First").await;
    log_when(&app, &admin, &endpoint, |entries| entries.len() == 1 && entries[0]["attempts"].as_i64() >= Some(1)).await;
    let shown: Value = app.get(&format!("/api/webhooks/{endpoint}"), Some(&admin)).await.json().await.unwrap();
    assert!(shown["failingSince"].is_string() && shown["active"] == true, "{shown}");
    lead(&app, &admin, "Second").await;

    // A day of failures, without waiting for it.
    execute(
        &mut app.db().await,
        &format!("UPDATE webhook_endpoints SET failing_since = now() - interval '25 hours' WHERE id = '{endpoint}'"),
    )
    .await;
    let entries = log_when(&app, &admin, &endpoint, |entries| entries.iter().all(|e| e["status"] == "failed")).await;
    assert_eq!(entries.len(), 2);
    assert!(entries[1]["attempts"].as_i64() >= Some(2), "{}", entries[1]);
    assert_eq!(entries[1]["lastStatusCode"], 503);
    assert_eq!(entries[0]["attempts"], 0, "the later one was never sent: {}", entries[0]);
    assert!(entries[0]["lastError"].as_str().unwrap().contains("turned off"), "{}", entries[0]);
    let off: Value = app.get(&format!("/api/webhooks/{endpoint}"), Some(&admin)).await.json().await.unwrap();
    assert_eq!(off["active"], false, "{off}");
    assert!(off["disabledReason"].as_str().unwrap().contains("Turned off automatically"), "{off}");
    assert_eq!(audit_rows(&app, "webhook_endpoint.disable", &endpoint).await, 1, "recorded for its owner");
    let told: Vec<Value> = app.get("/api/notifications", Some(&admin)).await.json().await.unwrap();
    let told = told.iter().find(|n| n["kind"] == "webhook_disabled").expect("the owner is notified");
    assert!(told["message"].as_str().unwrap().contains(&server.uri()), "{told}");
    let sent = server.received_requests().await.unwrap().len();

    lead(&app, &admin, "While off").await;
    let on = app.patch(&format!("/api/webhooks/{endpoint}"), Some(&admin), &json!({"active": true})).await;
    let on: Value = on.json().await.unwrap();
    assert!(on["active"] == true && on["disabledReason"].is_null() && on["failingSince"].is_null(), "{on}");
    assert_eq!(log(&app, &admin, &endpoint).await.len(), 2, "nothing was queued while it was off");
    assert_eq!(server.received_requests().await.unwrap().len(), sent);
}
