//! Queries on `password_reset_tokens`: single-use, expiring, stored hashed.

use crate::identity::single_use::single_use_tokens;
use crate::schema::password_reset_tokens as tokens;

single_use_tokens! {
    table: tokens,
    consume returns tokens::user_id, as i32,
    replaced per user with (),
}
