//! The SMTP side of mail: the transport and the sender, from the configuration. Kept apart
//! from the job that uses it, so the shared state can hold a mailer without importing the
//! job queue.

use crate::config::{Config, MailSettings};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use std::time::Duration;

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// The SMTP transport and the sender, built once from the configuration.
pub struct Mailer {
    pub(super) transport: AsyncSmtpTransport<Tokio1Executor>,
    pub(super) from: Mailbox,
    pub(super) reply_to: Mailbox,
}

impl Mailer {
    /// `None` without `SMTP_URL` (mails are then kept in the outbox); the URL and the
    /// addresses were checked when the configuration was read.
    pub fn from_config(config: &Config) -> Option<Mailer> {
        let url = config.integrations.smtp_url.as_ref()?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose()).ok()?.timeout(Some(SMTP_TIMEOUT));
        let (from, reply_to) = config.mail.mailboxes().ok()?;
        Some(Mailer { transport: transport.build(), from, reply_to })
    }
}

impl MailSettings {
    /// The sender and reply-to mailboxes, or what is wrong with them.
    pub fn mailboxes(&self) -> Result<(Mailbox, Mailbox), String> {
        let from = Mailbox::new(
            Some(self.from_name.clone()),
            self.from_email
                .parse()
                .map_err(|e| format!("SMTP_FROM_EMAIL={:?} is not an address: {e}", self.from_email))?,
        );
        let reply_to = match &self.reply_to {
            Some(address) => Mailbox::new(
                None,
                address.parse().map_err(|e| format!("SMTP_REPLY_TO={address:?} is not an address: {e}"))?,
            ),
            None => from.clone(),
        };
        Ok((from, reply_to))
    }
}
