//! Reading the `email_outbox` the account flows write to, and the links in those emails.
//! Some emails are queued after the request has been answered, so readers poll.

use api_tests::TestApp;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use std::time::Duration;
use storage::schema::email_outbox;

/// (to_address, template, body_text) of every queued email, oldest first.
pub async fn outbox(app: &TestApp) -> Vec<(String, String, String)> {
    let mut conn = app.db().await;
    email_outbox::table
        .order(email_outbox::created_at)
        .select((email_outbox::to_address, email_outbox::template, email_outbox::body_text))
        .load(&mut conn)
        .await
        .expect("reading email_outbox")
}

/// Waits (up to five seconds) for an email with `template` to `to`, and returns its body.
pub async fn wait_for_email(app: &TestApp, to: &str, template: &str) -> String {
    for _ in 0..100 {
        let found = outbox(app).await.into_iter().rev().find(|(address, t, _)| address == to && t == template);
        if let Some((_, _, body)) = found {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no {template} email to {to} in {:?}", outbox(app).await);
}

/// Waits until the outbox holds `count` emails (a later request's email arriving shows an
/// earlier one, queued first, would have arrived too).
pub async fn wait_for_count(app: &TestApp, count: usize) -> Vec<(String, String, String)> {
    for _ in 0..100 {
        let emails = outbox(app).await;
        if emails.len() >= count {
            return emails;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("expected {count} emails, have {:?}", outbox(app).await);
}

/// The token of the link to `path` in an email body.
pub fn link_token(body: &str, path: &str) -> String {
    let start = body.find("http").expect("a link in the email");
    let link = body[start..].split_whitespace().next().unwrap();
    let url = url::Url::parse(link).expect("the link is a URL");
    assert_eq!(url.path(), path, "{body}");
    url.query_pairs().find(|(k, _)| k == "token").map(|(_, v)| v.into_owned()).expect("token parameter")
}
