//! The row queries the tables keyed by `id` share, written once. A query module declares
//! the ones it has, beside its own queries:
//!
//! ```text
//! crud::find_by_id!(campaigns -> Campaign);
//! crud::insert!(campaigns -> Campaign, campaign: &CreateCampaignRequest);
//! crud::insert!(task_spaces -> TaskSpace, (created_by: i32, space: &CreateTaskSpaceRequest)
//!     => (space, task_spaces::created_by.eq(created_by)));
//! crud::update_by_id!(campaigns -> Campaign, changes: &UpdateCampaignRequest);
//! crud::delete_by_id!(campaigns);
//! ```
//!
//! and `offset_page!` reads one page of a list and its total.

/// `pub async fn find(conn, id) -> Option<Row>` (the key is a `Uuid` unless given).
macro_rules! find_by_id {
    ($table:ident -> $row:ty $(, $key:ty)?) => {
        /// The row with this id.
        pub async fn find(
            conn: &mut diesel_async::AsyncPgConnection,
            id: $crate::crud::find_by_id!(@key $($key)?),
        ) -> Result<Option<$row>, $crate::StorageError> {
            use diesel::prelude::*;
            use diesel_async::RunQueryDsl;
            Ok($table::table.find(id).select(<$row>::as_select()).first(conn).await.optional()?)
        }
    };
    (@key) => { uuid::Uuid };
    (@key $key:ty) => { $key };
}

/// `pub async fn insert(conn, …) -> Row` (or another name, `fn name,` first): one
/// argument inserted as it is, or arguments and the values (an `Insertable`, such as a
/// tuple) made of them.
macro_rules! insert {
    ($table:ident -> $($rest:tt)+) => {
        $crate::crud::insert!(fn insert, $table -> $($rest)+);
    };
    (fn $name:ident, $table:ident -> $row:ty, $arg:ident: $type:ty) => {
        $crate::crud::insert!(fn $name, $table -> $row, ($arg: $type) => $arg);
    };
    (fn $name:ident, $table:ident -> $row:ty, ($($arg:ident: $type:ty),+) => $values:expr) => {
        /// Inserts the row and returns it as stored.
        pub async fn $name(
            conn: &mut diesel_async::AsyncPgConnection,
            $($arg: $type),+
        ) -> Result<$row, $crate::StorageError> {
            use diesel::prelude::*;
            use diesel_async::RunQueryDsl;
            Ok(diesel::insert_into($table::table).values($values).returning(<$row>::as_returning()).get_result(conn).await?)
        }
    };
}

/// `pub async fn update(conn, id, changes) -> Row`, stamping `updated_at`.
macro_rules! update_by_id {
    ($table:ident -> $row:ty, $changes:ident: $type:ty $(, $key:ty)?) => {
        /// Applies `changes` (absent fields stay) and stamps `updated_at`.
        pub async fn update(
            conn: &mut diesel_async::AsyncPgConnection,
            id: $crate::crud::find_by_id!(@key $($key)?),
            $changes: $type,
        ) -> Result<$row, $crate::StorageError> {
            use diesel::prelude::*;
            use diesel_async::RunQueryDsl;
            Ok(diesel::update($table::table.find(id))
                .set(($changes, $table::updated_at.eq(chrono::Utc::now())))
                .returning(<$row>::as_returning())
                .get_result(conn)
                .await?)
        }
    };
}

/// `pub async fn delete(conn, id) -> bool`: `false` when there was no such row.
macro_rules! delete_by_id {
    ($table:ident) => {
        /// Deletes the row (rows that cascade from it go with it); `false` when there was none.
        pub async fn delete(
            conn: &mut diesel_async::AsyncPgConnection,
            id: uuid::Uuid,
        ) -> Result<bool, $crate::StorageError> {
            use diesel::prelude::*;
            use diesel_async::RunQueryDsl;
            Ok(diesel::delete($table::table.find(id)).execute(conn).await? > 0)
        }
    };
}

/// One page of `$query` as `$row`s in `$order`, and the total it matches (the query
/// expression is built twice: for the count and for the page).
macro_rules! offset_page {
    ($conn:expr, $page:expr, $query:expr, $row:ty, $order:expr) => {{
        let total: i64 = $query.count().get_result($conn).await?;
        let rows = $query
            .select(<$row>::as_select())
            .order($order)
            .limit($page.limit)
            .offset($page.offset)
            .load($conn)
            .await?;
        Ok((rows, total))
    }};
}

pub(crate) use {delete_by_id, find_by_id, insert, offset_page, update_by_id};
