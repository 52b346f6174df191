//! E-mail delivery over SMTP to a real server on 127.0.0.1 (`api_tests::smtp`): both
//! parts and the headers arrive; a server refusing for now is retried and, out of tries,
//! the mail fails visibly and an admin's retry delivers it; a permanent refusal fails at
//! once; the per-recipient hourly limit holds mail back; without `SMTP_URL` mail is kept
//! for the outbox page.

use api_tests::smtp::{Mode, SmtpSink};
use api_tests::{execute, ProblemExt, TestApp, ADMIN_EMAIL};
use mailparse::{parse_mail, MailHeaderMap};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

async fn app_sending_to(sink: &SmtpSink) -> (TestApp, String) {
    let url = sink.url();
    let app = TestApp::spawn_with(&[
        ("SMTP_URL", url.as_str()),
        ("SMTP_FROM_EMAIL", "crm@agency.test"),
        ("SMTP_FROM_NAME", "Agency CRM"),
        ("SMTP_REPLY_TO", "help@agency.test"),
    ])
    .await;
    let admin = app.admin_token().await;
    (app, admin)
}

async fn ask_for_reset(app: &TestApp) {
    let response = app.post("/api/auth/forgot-password", None, &json!({"email": ADMIN_EMAIL})).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

/// The outbox as the admin API lists it, once a mail has reached `status`.
async fn outbox_with(app: &TestApp, admin: &str, status: &str) -> Value {
    for _ in 0..200 {
        let listed: Vec<Value> = app.get("/api/outbox", Some(admin)).await.json().await.unwrap();
        if let Some(email) = listed.into_iter().find(|email| email["status"] == status) {
            return email;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no mail reached {status}: {:?}", app.get("/api/outbox", Some(admin)).await.text().await);
}

async fn email_job(app: &TestApp, admin: &str) -> Value {
    let jobs: Vec<Value> = app.get("/api/jobs?kind=email.send", Some(admin)).await.json().await.unwrap();
    jobs.into_iter().next().expect("an email.send job")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_mail_arrives_with_both_parts_and_its_headers() {
    let sink = SmtpSink::start().await;
    let (app, admin) = app_sending_to(&sink).await;
    ask_for_reset(&app).await;
    let received = sink.wait_for(1).await;
    assert_eq!(
        (received[0].from.as_str(), received[0].to.as_slice()),
        ("crm@agency.test", [ADMIN_EMAIL.to_owned()].as_slice())
    );

    let mail = parse_mail(&received[0].data).expect("a MIME message");
    let header = |name: &str| mail.headers.get_first_value(name).unwrap_or_default();
    assert_eq!(header("From"), "\"Agency CRM\" <crm@agency.test>");
    assert_eq!(header("Reply-To"), "help@agency.test");
    assert_eq!(header("To"), ADMIN_EMAIL);
    assert_eq!(header("Subject"), "Reset your MarketingOS password");
    assert_eq!(mail.ctype.mimetype, "multipart/alternative");
    let parts: Vec<(String, String)> =
        mail.subparts.iter().map(|part| (part.ctype.mimetype.clone(), part.get_body().unwrap())).collect();
    assert_eq!(parts.iter().map(|(kind, _)| kind.as_str()).collect::<Vec<_>>(), ["text/plain", "text/html"]);
    assert!(parts[0].1.contains("/reset-password?token="), "{}", parts[0].1);
    assert!(
        parts[1].1.contains("href=\"http://127.0.0.1") && parts[1].1.contains("Choose a new password"),
        "{}",
        parts[1].1
    );

    let sent = outbox_with(&app, &admin, "sent").await;
    assert_eq!(sent["messageId"], header("Message-ID"), "the Message-ID is stored");
    assert_eq!((sent["attempts"].as_i64(), sent["template"].as_str()), (Some(1), Some("password_reset")));
    assert!(sent["sentAt"].is_string());
    let detail: Value =
        app.get(&format!("/api/outbox/{}", sent["id"].as_str().unwrap()), Some(&admin)).await.json().await.unwrap();
    assert!(detail["bodyText"].as_str().unwrap().contains("/reset-password?token="));
    assert!(detail["bodyHtml"].as_str().unwrap().contains("Choose a new password"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_refusing_for_now_is_retried_then_the_mail_fails_visibly_and_a_retry_delivers_it() {
    let sink = SmtpSink::start().await;
    sink.set_mode(Mode::RefuseForNow);
    let (app, admin) = app_sending_to(&sink).await;
    ask_for_reset(&app).await;
    let refused = outbox_with(&app, &admin, "pending").await;
    let id = refused["id"].as_str().unwrap().to_owned();
    // Three tries instead of twelve, each brought forward instead of waiting its backoff.
    for _ in 0..200 {
        let job = email_job(&app, &admin).await;
        if job["state"] == "dead" {
            break;
        }
        execute(
            &mut app.db().await,
            "UPDATE jobs SET max_attempts = 3, run_at = now() WHERE kind = 'email.send' AND state = 'queued'",
        )
        .await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let job = email_job(&app, &admin).await;
    assert_eq!((job["state"].as_str(), job["attempts"].as_i64()), (Some("dead"), Some(3)), "{job}");
    assert!(job["lastError"].as_str().unwrap().contains("451"), "{job}");
    let failed = outbox_with(&app, &admin, "failed").await;
    assert_eq!((failed["id"].as_str(), failed["attempts"].as_i64()), (Some(id.as_str()), Some(3)));
    assert!(failed["lastError"].as_str().unwrap().contains("Try again later"), "{failed}");
    assert!(sink.received().is_empty());

    sink.set_mode(Mode::Accept);
    let retried = app.post(&format!("/api/jobs/{}/retry", job["id"]), Some(&admin), &json!({})).await;
    assert_eq!(retried.status(), StatusCode::OK);
    sink.wait_for(1).await;
    let sent = outbox_with(&app, &admin, "sent").await;
    assert_eq!(
        (sent["id"].as_str(), sent["messageId"].clone()),
        (Some(id.as_str()), failed["messageId"].clone()),
        "the same message"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_permanent_refusal_fails_the_mail_at_once() {
    let sink = SmtpSink::start().await;
    sink.set_mode(Mode::Refuse);
    let (app, admin) = app_sending_to(&sink).await;
    ask_for_reset(&app).await;
    let failed = outbox_with(&app, &admin, "failed").await;
    assert_eq!(failed["attempts"], 1);
    assert!(failed["lastError"].as_str().unwrap().contains("Relaying denied"), "{failed}");
    assert_eq!(email_job(&app, &admin).await["state"], "dead");
}

#[tokio::test(flavor = "multi_thread")]
async fn mail_to_an_address_that_had_fifty_this_hour_waits() {
    let sink = SmtpSink::start().await;
    let (app, admin) = app_sending_to(&sink).await;
    execute(
        &mut app.db().await,
        &format!(
            "INSERT INTO email_outbox (to_address, subject, body_text, template, status, sent_at) \
             SELECT '{}', 'earlier', 'x', 'test', 'sent', now() - interval '10 minutes' FROM generate_series(1, 50)",
            ADMIN_EMAIL.to_uppercase()
        ),
    )
    .await;
    ask_for_reset(&app).await;
    let mut job = Value::Null;
    for _ in 0..200 {
        let jobs: Vec<Value> = app.get("/api/jobs?kind=email.send", Some(&admin)).await.json().await.unwrap();
        job = jobs.into_iter().next().unwrap_or_default();
        if job["lastError"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(job["state"], "queued", "{job}");
    assert!(job["lastError"].as_str().unwrap().contains("50 mails were sent to this address"), "{job}");
    assert!(sink.received().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn without_smtp_mail_is_kept_for_the_outbox() {
    let (app, admin) = TestApp::with_admin().await;
    ask_for_reset(&app).await;
    let kept = outbox_with(&app, &admin, "skipped").await;
    assert_eq!((kept["toAddress"].as_str(), kept["attempts"].as_i64()), (Some(ADMIN_EMAIL), Some(0)));
    assert_eq!(email_job(&app, &admin).await["state"], "succeeded");
    let listed: Vec<Value> = app.get("/api/outbox?status=sent", Some(&admin)).await.json().await.unwrap();
    assert!(listed.is_empty());
    app.get(&format!("/api/outbox/{}", uuid::Uuid::new_v4()), Some(&admin))
        .await
        .expect_problem(404, "NOT_FOUND")
        .await;
    let ready: Value = app.get("/health/ready", None).await.json().await.unwrap();
    let smtp = ready["integrations"].as_array().unwrap().iter().find(|i| i["name"] == "smtp").cloned().unwrap();
    assert_eq!(smtp["status"], "skipped");
}
