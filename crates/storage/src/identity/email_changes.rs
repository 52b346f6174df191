//! Queries on `email_change_requests`: a self-service email change waiting for the new
//! address to confirm it. Single-use, expiring, stored hashed; `consume` returns (user
//! id, new email).

use crate::identity::single_use::single_use_tokens;
use crate::schema::email_change_requests as requests;

single_use_tokens! {
    table: requests,
    consume returns (requests::user_id, requests::new_email), as (i32, String),
    replaced per user with (new_email: &str),
}
