//! Request/response helpers shared by every route module: input parsing at the edge,
//! pagination headers, the audit trail, the problem responses the OpenAPI document declares.

pub mod audit;
pub mod audited;
pub mod constraints;
pub mod csv;
pub mod ctx;
pub mod input;
pub mod pagination;
pub mod respond;
pub mod responses;
