//! E-mail: every mail is stored in `email_outbox` and sent by an `email.send` job (in the
//! same transaction as the write that causes it), over SMTP with lettre, with a text and
//! an HTML part rendered from its templates (`templates`). Without `SMTP_URL` the mail is
//! kept, `skipped`, for admins to read in the outbox.
//!
//! Each mail gets its `Message-ID` before the first try, so a try repeated after a crash
//! at the worst moment (the server accepted the mail, the worker died before recording
//! it) reaches the recipient as the same message, which mail clients show once.

pub mod smtp;
pub mod templates;

use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::jobs::{self, Job, JobError, JobRun};
use crate::platform::circuit_breaker::CircuitError;
use chrono::Utc;
use domain::ops::outbox::{EmailStatus, OutboxEmailDetail};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncTransport, Message};
use serde::{Deserialize, Serialize};
use smtp::Mailer;
use std::time::Duration;
use storage::ops::outbox::NewEmail;
use storage::AsyncPgConnection;
use uuid::Uuid;

/// The seed's limit: at most this many mails to one address per hour; more wait.
pub const MAILS_PER_RECIPIENT_PER_HOUR: i64 = 50;

/// Stores `email` and queues its delivery, in the caller's transaction.
pub async fn queue(conn: &mut AsyncPgConnection, email: &NewEmail) -> AppResult<Uuid> {
    let id = storage::ops::outbox::insert(conn, email).await?;
    jobs::enqueue(conn, &SendEmail { email_id: id }).await?;
    Ok(id)
}

/// Renders template `name` for `to`, ready to `queue`.
pub fn compose(config: &Config, to: &str, name: &str, values: impl Serialize) -> AppResult<NewEmail> {
    let branding = templates::Branding {
        product: "MarketingOS",
        public_url: config.public_url.as_str(),
        reply_to: config.mail.reply_to_address(),
    };
    let rendered = templates::render(name, &branding, values)?;
    Ok(NewEmail {
        to_address: to.to_owned(),
        subject: rendered.subject,
        body_text: rendered.text,
        body_html: Some(rendered.html),
        template: name.to_owned(),
    })
}

/// Sends one stored mail.
#[derive(Debug, Serialize, Deserialize)]
pub struct SendEmail {
    pub email_id: Uuid,
}

impl Job for SendEmail {
    const KIND: &'static str = "email.send";
    /// About seven hours of tries (30 s doubling up to an hour) before the mail fails.
    const MAX_ATTEMPTS: i32 = 12;
    const RETRY_BASE: Duration = Duration::from_secs(30);

    async fn run(self, run: JobRun) -> Result<(), JobError> {
        let mut conn = run.state.conn().await?;
        let Some(email) = storage::ops::outbox::find(&mut conn, self.email_id).await? else {
            return Err(JobError::Fatal(format!("mail {} no longer exists", self.email_id)));
        };
        // A failed mail runs again only when an admin retries its dead job.
        if !matches!(email.email.status, EmailStatus::Pending | EmailStatus::Failed) {
            return Ok(());
        }
        let Some(mailer) = run.state.mailer.as_ref() else {
            storage::ops::outbox::set_status(&mut conn, email.email.id, EmailStatus::Skipped, None).await?;
            return Ok(());
        };
        let hour_ago = Utc::now() - chrono::Duration::hours(1);
        if storage::ops::outbox::sent_to_since(&mut conn, &email.email.to_address, hour_ago).await?
            >= MAILS_PER_RECIPIENT_PER_HOUR
        {
            return Err(JobError::Retry(format!(
                "{MAILS_PER_RECIPIENT_PER_HOUR} mails were sent to this address in the last hour; it waits"
            )));
        }
        let message_id = email.email.message_id.clone().unwrap_or_else(|| new_message_id(&mailer.from));
        let message = message(mailer, &email, &message_id).map_err(JobError::Fatal)?;
        storage::ops::outbox::start_try(&mut conn, email.email.id, &message_id).await?;
        // The database connection goes back to the pool while SMTP talks.
        drop(conn);
        let circuit = run.state.circuits.get("smtp").ok_or_else(|| JobError::Fatal("no SMTP circuit".into()))?;
        let outcome = circuit.call(mailer.transport.send(message)).await;
        let mut conn = run.state.conn().await?;
        match outcome {
            Ok(_) => {
                storage::ops::outbox::set_status(&mut conn, email.email.id, EmailStatus::Sent, None).await?;
                Ok(())
            }
            Err(CircuitError::Open { .. }) => {
                Err(JobError::Retry("the SMTP server failed repeatedly; its circuit is open".into()))
            }
            Err(CircuitError::Failed(error)) => {
                let text = format!("SMTP: {error}");
                storage::ops::outbox::set_status(&mut conn, email.email.id, EmailStatus::Pending, Some(&text)).await?;
                Err(if error.is_permanent() { JobError::Fatal(text) } else { JobError::Retry(text) })
            }
        }
    }

    async fn on_dead(self, run: JobRun, error: String) {
        let failed = async {
            let mut conn = run.state.conn().await?;
            storage::ops::outbox::set_status(&mut conn, self.email_id, EmailStatus::Failed, Some(&error)).await?;
            Ok::<_, AppError>(())
        };
        if let Err(failure) = failed.await {
            tracing::error!(email = %self.email_id, %failure, "could not mark a mail failed");
        }
    }
}

fn new_message_id(from: &Mailbox) -> String {
    format!("<{}@{}>", Uuid::new_v4().simple(), from.email.domain())
}

/// The MIME message of a stored mail (an address that does not parse is the mail's own
/// fault: retrying cannot help).
fn message(mailer: &Mailer, email: &OutboxEmailDetail, message_id: &str) -> Result<Message, String> {
    let to: Mailbox = email.email.to_address.parse().map_err(|e| format!("invalid recipient address: {e}"))?;
    let builder = Message::builder()
        .from(mailer.from.clone())
        .reply_to(mailer.reply_to.clone())
        .to(to)
        .subject(email.email.subject.clone())
        .message_id(Some(message_id.to_owned()));
    let text = email.body_text.clone();
    let built = match &email.body_html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(text, html.clone())),
        None => builder.body(text),
    };
    built.map_err(|e| format!("the mail cannot be built: {e}"))
}
