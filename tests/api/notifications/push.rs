//! Web Push against a push service on 127.0.0.1 (wiremock): the payload arrives encrypted
//! (aes128gcm) for the browser's key with a VAPID authorization, decrypts to the
//! notification, and a subscription the service calls gone (410) is forgotten.

use super::eventually;
use api_tests::{created, ProblemExt, TestApp};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A browser's subscription keys: its P-256 key pair and auth secret.
struct Browser {
    secret: p256::SecretKey,
    auth: [u8; 16],
}

impl Browser {
    fn new(seed: u8) -> Self {
        Browser { secret: p256::SecretKey::from_slice(&[seed; 32]).unwrap(), auth: [seed; 16] }
    }

    fn subscription(&self, endpoint: String) -> Value {
        let public = self.secret.public_key().to_encoded_point(false);
        json!({"subscription": {"endpoint": endpoint, "keys": {
            "p256dh": URL_SAFE_NO_PAD.encode(public.as_bytes()),
            "auth": URL_SAFE_NO_PAD.encode(self.auth),
        }}})
    }

    fn decrypt(&self, body: &[u8]) -> Value {
        let auth = web_push_native::Auth::clone_from_slice(&self.auth);
        let plain = web_push_native::decrypt(body.to_vec(), &self.secret, &auth).expect("a payload for this browser");
        serde_json::from_slice(&plain).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_notification_is_pushed_encrypted_and_a_gone_subscription_is_forgotten() {
    let service = MockServer::start().await;
    Mock::given(method("POST")).and(path("/push/alive")).respond_with(ResponseTemplate::new(201)).mount(&service).await;
    Mock::given(method("POST")).and(path("/push/gone")).respond_with(ResponseTemplate::new(410)).mount(&service).await;
    let vapid = URL_SAFE_NO_PAD.encode([7u8; 32]);
    let app =
        TestApp::spawn_with(&[("VAPID_PRIVATE_KEY", vapid.as_str()), ("VAPID_SUBJECT", "mailto:ops@agency.test")])
            .await;
    let admin = app.admin_token().await;
    let (agent_id, agent) = app.user_with_role(&admin, "agent", "sales_agent").await;

    let key: Value = app.get("/api/push/vapid-public-key", None).await.json().await.unwrap();
    let public_key = key["publicKey"].as_str().expect("web push is configured").to_owned();
    let (alive, gone) = (Browser::new(3), Browser::new(4));
    for (browser, endpoint) in [(&alive, "alive"), (&gone, "gone")] {
        let body = browser.subscription(format!("{}/push/{endpoint}", service.uri()));
        assert_eq!(app.post("/api/push/subscribe", Some(&agent), &body).await.status(), 204);
    }
    let broken = json!({"subscription": {"endpoint": "not a url", "keys": {"p256dh": "x", "auth": "y"}}});
    app.post("/api/push/subscribe", Some(&agent), &broken).await.expect_problem(400, "VALIDATION_ERROR").await;

    let lead = created(&app, &admin, "/api/leads", json!({"name": "Pushed", "assignedToId": agent_id})).await;
    eventually("two pushes", async || service.received_requests().await.unwrap_or_default().len() >= 2).await;
    let requests = service.received_requests().await.unwrap();
    let push = requests.iter().find(|r| r.url.path() == "/push/alive").expect("a push to the live browser");
    let header = |name: &str| push.headers.get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    assert_eq!(header("content-encoding"), "aes128gcm");
    assert_eq!(header("content-type"), "application/octet-stream");
    assert_eq!(header("ttl"), "86400");
    assert_eq!(header("topic").len(), 32, "the notification id, so a repeat replaces the first");
    let authorization = header("authorization");
    assert!(authorization.starts_with("vapid t="), "{authorization}");
    assert!(authorization.ends_with(&format!(", k={public_key}")), "{authorization}");
    let payload = alive.decrypt(&push.body);
    assert_eq!(payload["title"], "Lead assigned to you");
    assert_eq!(payload["body"], "Pushed");
    assert_eq!(payload["url"], format!("/leads/{}", api_tests::id(&lead)));
    assert_eq!(payload["icon"], "/icon-192x192.png");

    // The gone browser was forgotten; the live one can still unsubscribe.
    let endpoint = |name: &str| json!({"endpoint": format!("{}/push/{name}", service.uri())});
    app.post("/api/push/unsubscribe", Some(&agent), &endpoint("gone")).await.expect_problem(404, "NOT_FOUND").await;
    assert_eq!(app.post("/api/push/unsubscribe", Some(&agent), &endpoint("alive")).await.status(), 204);
}

#[tokio::test]
async fn without_a_vapid_key_push_is_visibly_off() {
    let (app, admin) = TestApp::with_admin().await;
    let key: Value = app.get("/api/push/vapid-public-key", None).await.json().await.unwrap();
    assert_eq!(key["publicKey"], Value::Null);
    let body = Browser::new(3).subscription("https://push.example.net/abc".to_owned());
    app.post("/api/push/subscribe", Some(&admin), &body).await.expect_problem(503, "SERVICE_UNAVAILABLE").await;
    let ready: Value = app.get("/health/ready", None).await.json().await.unwrap();
    let web_push = ready["integrations"].as_array().unwrap().iter().find(|i| i["name"] == "web_push").cloned();
    assert_eq!(web_push.unwrap()["status"], "skipped", "{ready}");
}
