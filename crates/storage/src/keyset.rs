//! Keyset ("cursor") paging: the rows after a given (sort key, id) in a list's order,
//! read from the list's sort index instead of skipping `offset` rows. A list declares
//! its sorts once with `sort_keys!`; ordering, the cursor's key and the "after" filter
//! all follow from that declaration.

use uuid::Uuid;

/// A row's position in one of a list's sorts, as a cursor carries it.
pub trait SortKey: Sized {
    type Row;
    type Sort: Copy;
    fn of(row: &Self::Row, sort: Self::Sort) -> Self;
    /// The row's id, which breaks ties so that pages are stable.
    fn id(row: &Self::Row) -> Uuid;
    fn to_json(&self) -> serde_json::Value;
    /// The key a cursor carries for `sort`; `None` when it is not of the column's type.
    fn from_json(sort: Self::Sort, value: serde_json::Value) -> Option<Self>;
}

/// Narrows a boxed query to the rows after `(key, id)` in the order `column dir, id dir`.
/// `asc` and `desc` are for NOT NULL columns; nullable columns take an `Option` key and
/// name where NULLs sort: `asc_nulls_last` and `desc_nulls_first` (PostgreSQL's
/// defaults) or `desc_nulls_last`.
macro_rules! after_key {
    ($query:expr, $column:expr, $id_column:expr, $key:expr, $id:expr, asc) => {{
        let key = $key;
        $query.filter($column.gt(key.clone()).or($column.eq(key).and($id_column.gt($id))))
    }};
    ($query:expr, $column:expr, $id_column:expr, $key:expr, $id:expr, desc) => {{
        let key = $key;
        $query.filter($column.lt(key.clone()).or($column.eq(key).and($id_column.lt($id))))
    }};
    ($query:expr, $column:expr, $id_column:expr, $key:expr, $id:expr, asc_nulls_last) => {
        match $key {
            Some(key) => {
                $query.filter($column.gt(key.clone()).or($column.eq(key).and($id_column.gt($id))).or($column.is_null()))
            }
            None => $query.filter($column.is_null().and($id_column.gt($id))),
        }
    };
    ($query:expr, $column:expr, $id_column:expr, $key:expr, $id:expr, desc_nulls_first) => {
        match $key {
            Some(key) => $query.filter($column.lt(key.clone()).or($column.eq(key).and($id_column.lt($id)))),
            None => $query.filter($column.is_null().and($id_column.lt($id)).or($column.is_not_null())),
        }
    };
    ($query:expr, $column:expr, $id_column:expr, $key:expr, $id:expr, desc_nulls_last) => {
        match $key {
            Some(key) => {
                $query.filter($column.lt(key.clone()).or($column.eq(key).and($id_column.lt($id))).or($column.is_null()))
            }
            None => $query.filter($column.is_null().and($id_column.lt($id))),
        }
    };
}

/// Orders a boxed query by `column dir, id dir` (NULLs placed as `after_key!` expects).
macro_rules! order_by {
    ($query:expr, $column:expr, $id_column:expr, asc) => {
        $query.order(($column.asc(), $id_column.asc()))
    };
    ($query:expr, $column:expr, $id_column:expr, asc_nulls_last) => {
        $query.order(($column.asc(), $id_column.asc()))
    };
    ($query:expr, $column:expr, $id_column:expr, desc) => {
        $query.order(($column.desc(), $id_column.desc()))
    };
    ($query:expr, $column:expr, $id_column:expr, desc_nulls_first) => {
        $query.order(($column.desc(), $id_column.desc()))
    };
    ($query:expr, $column:expr, $id_column:expr, desc_nulls_last) => {
        $query.order(($column.desc().nulls_last(), $id_column.desc()))
    };
}

/// Declares a list's sorts, one line per sort variant: the key's type and either
/// `[column dir]` (a column of the row and table of the same name; `dir` as in
/// `after_key!`) or `[custom of, order, after]` (closures for a computed key). Generates
/// the key enum (one variant per sort, so a key knows its direction), its `SortKey`
/// impl, `order(sort, query)` and `after(self, query, id)`.
macro_rules! sort_keys {
    (
        $(#[$meta:meta])*
        pub enum $key:ident for $row:ty, $sort:ident in $table:ident {
            $($variant:ident($ty:ty) => [$($how:tt)*]),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub enum $key {
            $($variant($ty)),*
        }

        impl $crate::keyset::SortKey for $key {
            type Row = $row;
            type Sort = $sort;
            fn of(row: &$row, sort: $sort) -> Self {
                match sort {
                    $($sort::$variant => $key::$variant($crate::keyset::sort_keys!(@of row [$($how)*]))),*
                }
            }
            fn id(row: &$row) -> uuid::Uuid {
                row.id
            }
            fn to_json(&self) -> serde_json::Value {
                match self {
                    $($key::$variant(key) => serde_json::json!(key)),*
                }
            }
            fn from_json(sort: $sort, value: serde_json::Value) -> Option<Self> {
                Some(match sort {
                    $($sort::$variant => $key::$variant($crate::keyset::key_as(value)?)),*
                })
            }
        }

        impl $key {
            /// The query in `sort`'s order, ties broken by id (so pages are stable).
            pub fn order<'a>(sort: $sort, query: $table::BoxedQuery<'a, Pg>) -> $table::BoxedQuery<'a, Pg> {
                match sort {
                    $($sort::$variant => $crate::keyset::sort_keys!(@order query, $table [$($how)*])),*
                }
            }

            /// One page of `query` in `sort`'s order: `page.offset` rows in, or after the
            /// row `after` names (keyset paging), with one extra row telling that more follow.
            pub fn page<'a>(
                sort: $sort,
                query: $table::BoxedQuery<'a, Pg>,
                page: domain::pagination::Page,
                after: Option<(Self, uuid::Uuid)>,
            ) -> $table::BoxedQuery<'a, Pg> {
                let query = Self::order(sort, query);
                let query = match after {
                    Some((key, id)) => key.after(query, id),
                    None => query,
                };
                query.limit(page.limit + 1).offset(page.offset)
            }

            /// The query narrowed to the rows after this key and `id` in its sort.
            pub fn after<'a>(self, query: $table::BoxedQuery<'a, Pg>, id: uuid::Uuid) -> $table::BoxedQuery<'a, Pg> {
                match self {
                    $($key::$variant(key) => $crate::keyset::sort_keys!(@after query, $table, key, id [$($how)*])),*
                }
            }
        }
    };
    (@of $row:ident [custom $of:expr, $order:expr, $after:expr]) => { ($of)($row) };
    (@of $row:ident [$column:ident $dir:ident]) => { $row.$column.clone() };
    (@order $query:ident, $table:ident [custom $of:expr, $order:expr, $after:expr]) => { ($order)($query) };
    (@order $query:ident, $table:ident [$column:ident $dir:ident]) => {
        $crate::keyset::order_by!($query, $table::$column, $table::id, $dir)
    };
    (@after $query:ident, $table:ident, $key:ident, $id:ident [custom $of:expr, $order:expr, $after:expr]) => {
        ($after)($query, $key, $id)
    };
    (@after $query:ident, $table:ident, $key:ident, $id:ident [$column:ident $dir:ident]) => {
        $crate::keyset::after_key!($query, $table::$column, $table::id, $key, $id, $dir)
    };
}

pub(crate) use {after_key, order_by, sort_keys};

/// Reads a cursor's key as the sort column's type; `None` when it is not one.
pub fn key_as<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Option<T> {
    serde_json::from_value(value).ok()
}
