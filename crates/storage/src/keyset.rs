//! Keyset ("cursor") paging: the rows after a given (sort key, id) in a list's order,
//! read from the list's sort index instead of skipping `offset` rows.

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

pub(crate) use after_key;

/// Reads a cursor's key as the sort column's type; `None` when it is not one.
pub fn key_as<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Option<T> {
    serde_json::from_value(value).ok()
}
