//! JSONB columns read into typed values, with serde. A stored value that does not read as
//! its type is a deserialization error (a logged 500), never a silent default.
//!
//! A domain type stored whole as a JSONB column maps itself with [`jsonb_column!`]; a
//! field of another type (a `Vec` of items, say) is read through [`Json`]:
//! `#[diesel(deserialize_as = Json<Vec<ChecklistItem>>)]`, and new rows and changesets
//! hold a `Json<…>`.

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Jsonb;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::Write;

/// PostgreSQL's JSONB wire format: a version byte, then the JSON text.
const JSONB_VERSION: u8 = 1;

/// Writes `value` as a JSONB column value.
pub fn write_jsonb<T: Serialize>(value: &T, out: &mut Output<'_, '_, Pg>) -> serialize::Result {
    out.write_all(&[JSONB_VERSION])?;
    serde_json::to_writer(out, value)?;
    Ok(IsNull::No)
}

/// Reads a JSONB column value as `T`, or an error naming `T` and what was wrong.
pub fn read_jsonb<T: DeserializeOwned>(value: PgValue<'_>) -> deserialize::Result<T> {
    match value.as_bytes().split_first() {
        Some((&JSONB_VERSION, json)) => serde_json::from_slice(json)
            .map_err(|error| format!("stored JSON is not a valid {}: {error}", std::any::type_name::<T>()).into()),
        _ => Err("not a JSONB value (empty, or an unknown encoding version)".into()),
    }
}

/// Maps each listed type to a `Jsonb` column (the type also derives `AsExpression` and
/// `FromSqlRow` with `sql_type = Jsonb`).
macro_rules! jsonb_column {
    ($($ty:ty),+ $(,)?) => {$(
        impl ::diesel::deserialize::FromSql<::diesel::sql_types::Jsonb, ::diesel::pg::Pg> for $ty {
            fn from_sql(value: ::diesel::pg::PgValue<'_>) -> ::diesel::deserialize::Result<Self> {
                $crate::json_column::read_jsonb(value)
            }
        }

        impl ::diesel::serialize::ToSql<::diesel::sql_types::Jsonb, ::diesel::pg::Pg> for $ty {
            fn to_sql<'b>(
                &'b self,
                out: &mut ::diesel::serialize::Output<'b, '_, ::diesel::pg::Pg>,
            ) -> ::diesel::serialize::Result {
                $crate::json_column::write_jsonb(self, out)
            }
        }
    )+};
}

pub(crate) use jsonb_column;

/// A `T` in a JSONB column, for types that cannot map themselves (`Vec<T>`, which the
/// orphan rule keeps from implementing diesel's traits here).
#[derive(Debug, Clone, Default, PartialEq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Jsonb)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The value: how `#[diesel(deserialize_as = Json<T>)]` converts it into the field's
    /// type (a `From` impl would break the orphan rule).
    pub fn try_into(self) -> Result<T, std::convert::Infallible> {
        Ok(self.0)
    }
}

impl<T: DeserializeOwned> FromSql<Jsonb, Pg> for Json<T> {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        read_jsonb(value).map(Json)
    }
}

impl<T: Serialize + std::fmt::Debug> ToSql<Jsonb, Pg> for Json<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        write_jsonb(&self.0, out)
    }
}
