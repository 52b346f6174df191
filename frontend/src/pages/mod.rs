//! The screens, grouped by business area as in the other crates: `identity/` (sign-in and
//! its emailed links, profile, users, API keys), `crm/` (leads, pipeline, clients,
//! campaigns), `work/` (tasks, calendar), `notifications/` (the user's notifications and
//! switches) and `ops/` (the job queue, the outbox, webhooks). The shell's own pages (dashboard, client
//! portal, not found) are in `dashboard.rs`.

pub mod crm;
mod dashboard;
pub mod identity;
pub mod notifications;
pub mod ops;
pub mod work;

pub use crm::{
    CampaignDetailPage, CampaignsPage, ClientDetailPage, ClientsPage, LeadDetailPage, LeadsPage, PipelinePage,
};
pub use dashboard::{HomePage, NotFound, PortalPage};
pub use identity::{
    ApiKeysPage, ConfirmEmailPage, ConfirmSignupPage, ForgotPasswordPage, LoginPage, ProfilePage, ResetPasswordPage,
    UsersPage,
};
pub use notifications::{NotificationPreferencesPage, NotificationsPage};
pub use ops::{JobsPage, OutboxPage, WebhooksPage};
pub use work::{CalendarPage, TasksPage};
