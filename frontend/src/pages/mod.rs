//! One module per screen.

mod api_keys;
mod auth;
mod calendar;
mod campaigns;
mod clients;
mod confirm;
mod crm;
mod dashboard;
mod lead_detail;
mod lead_import;
mod leads;
mod pipeline;
mod profile;
mod tasks;
mod users;

pub use api_keys::ApiKeysPage;
pub use auth::{ForgotPasswordPage, LoginPage, ResetPasswordPage};
pub use calendar::CalendarPage;
pub use campaigns::{CampaignDetailPage, CampaignsPage};
pub use clients::{ClientDetailPage, ClientsPage};
pub use confirm::{ConfirmEmailPage, ConfirmSignupPage};
pub use dashboard::{HomePage, NotFound, PortalPage};
pub use lead_detail::LeadDetailPage;
pub use leads::LeadsPage;
pub use pipeline::PipelinePage;
pub use profile::ProfilePage;
pub use tasks::TasksPage;
pub use users::UsersPage;

/// The `<title>` of the document.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{title} · MarketingOS"));
    }
}

/// "2026-11-25 12:34" in the browser's time zone, or "—".
pub fn format_time(time: Option<chrono::DateTime<chrono::Utc>>) -> String {
    time.map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| "—".into())
}
