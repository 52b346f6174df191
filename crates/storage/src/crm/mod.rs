//! The CRM: clients, leads through the pipeline, lead imports and exports, campaigns.

pub mod campaigns;
pub mod clients;
pub mod lead_imports;
pub mod leads;
