//! CRM: leads (list, pipeline, lead page, CSV import), clients and campaigns, and the
//! dashboard cards of these parts.

mod campaigns;
pub mod cards;
mod clients;
mod leads;
mod shared;

pub use campaigns::{CampaignDetailPage, CampaignsPage};
pub use clients::{ClientDetailPage, ClientsPage};
pub use leads::{LeadDetailPage, LeadsPage, PipelinePage};
