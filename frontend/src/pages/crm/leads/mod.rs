//! Leads: the list, the pipeline board, a lead's page with its timeline, the create/edit
//! dialog and the CSV import.

mod detail;
mod dialog;
mod import;
mod list;
mod pipeline;
mod timeline;

pub use detail::LeadDetailPage;
pub use list::LeadsPage;
pub use pipeline::PipelinePage;
