//! Campaigns: the list, the create/edit dialog (also opened from a client's page) and a
//! campaign's page.

mod detail;
pub(super) mod dialog;
mod list;

pub use detail::CampaignDetailPage;
pub use list::CampaignsPage;
