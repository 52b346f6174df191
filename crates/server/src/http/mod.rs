//! Request/response helpers shared by every route module: the handler context (`ctx`),
//! input parsing at the edge (`input`), lists (`pagination`), the audit trail (`audit`,
//! `audited`), constraint violations as problems (`constraints`), success answers
//! (`respond`, `csv`), and the responses the OpenAPI document declares (`responses`).

pub mod audit;
pub mod audited;
pub mod constraints;
pub mod csv;
pub mod ctx;
pub mod input;
pub mod pagination;
pub mod respond;
pub mod responses;
