//! Clients, leads, lead imports and exports, campaigns.

pub(crate) mod campaigns;
pub(crate) mod clients;
pub(crate) mod lead_imports;
pub(crate) mod leads;
