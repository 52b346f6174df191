//! The queries every table of single-use, expiring tokens shares. Such a table stores
//! the token only as `token_hash` and has `expires_at` and `used_at`; a table of tokens
//! that belong to an account also has `user_id`, and only its latest token works.
//!
//! ```text
//! single_use_tokens! {
//!     table: email_change_requests,
//!     consume returns (user_id, new_email) as (i32, String),
//!     replaced per user with (new_email: &str),
//! }
//! ```
//!
//! writes `consume` (spend a token once) and, for per-user tables, `retire_for_user` and
//! `replace` (store a new token with the extra columns, retiring the user's earlier ones).

macro_rules! single_use_tokens {
    (
        table: $table:ident,
        consume returns $returning:expr, as $output:ty
        $(, replaced per user with ($($column:ident: $type:ty),*))? $(,)?
    ) => {
        /// Marks an unused, unexpired token as used and returns what its row holds;
        /// `None` when the token is unknown, used or expired.
        pub async fn consume(
            conn: &mut diesel_async::AsyncPgConnection,
            token_hash: &str,
        ) -> Result<Option<$output>, $crate::StorageError> {
            use diesel::prelude::*;
            use diesel_async::RunQueryDsl;
            let now = chrono::Utc::now();
            Ok(diesel::update(
                $table::table
                    .filter($table::token_hash.eq(token_hash))
                    .filter($table::used_at.is_null())
                    .filter($table::expires_at.gt(now)),
            )
            .set($table::used_at.eq(now))
            .returning($returning)
            .get_result(conn)
            .await
            .optional()?)
        }

        $(
            /// Marks the user's unused tokens as used (when they must stop working, e.g.
            /// because the address they went to changes).
            pub async fn retire_for_user(
                conn: &mut diesel_async::AsyncPgConnection,
                user_id: i32,
            ) -> Result<usize, $crate::StorageError> {
                use diesel::prelude::*;
                use diesel_async::RunQueryDsl;
                Ok(diesel::update($table::table.filter($table::user_id.eq(user_id)).filter($table::used_at.is_null()))
                    .set($table::used_at.eq(chrono::Utc::now()))
                    .execute(conn)
                    .await?)
            }

            /// Stores a new token for the user and retires their earlier unused ones (only
            /// the latest link works).
            pub async fn replace(
                conn: &mut diesel_async::AsyncPgConnection,
                user_id: i32,
                $($column: $type,)*
                token_hash: &str,
                expires_at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::StorageError> {
                use diesel::prelude::*;
                use diesel_async::RunQueryDsl;
                retire_for_user(conn, user_id).await?;
                diesel::insert_into($table::table)
                    .values((
                        $table::user_id.eq(user_id),
                        $($table::$column.eq($column),)*
                        $table::token_hash.eq(token_hash),
                        $table::expires_at.eq(expires_at),
                    ))
                    .execute(conn)
                    .await?;
                Ok(())
            }
        )?
    };
}

pub(crate) use single_use_tokens;
