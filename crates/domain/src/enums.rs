//! The domain's string enums, each declared once with its variants and docs:
//!
//! ```text
//! crate::enums::stored_enum! {
//!     /// Pipeline stages.
//!     #[derive(Default)]
//!     pub enum LeadStage: "snake_case" {
//!         #[default]
//!         Prospect,
//!         ClosedWon,
//!     }
//! }
//! ```
//!
//! [`string_enum!`] derives the string form with strum (the same spelling as the serde
//! form: the `: "case"` given, or per variant `Variant = "string"`) and adds the `ALL`,
//! `as_str` and `parse` the rest of the code uses; the OpenAPI schema comes with the
//! `openapi` feature. [`stored_enum!`] also maps the enum to a `Text` column with the
//! `diesel` feature: an unknown stored value is a deserialization error, never a silent
//! default. Every enum gets `Debug, Clone, Copy, PartialEq, Eq`; add others with a
//! `#[derive(…)]` of its own.

/// `VariantArray::VARIANTS` as an array, so `ALL` keeps by-value iteration and `map`.
#[doc(hidden)]
pub const fn variants<T: Copy, const N: usize>(variants: &[T]) -> [T; N] {
    assert!(variants.len() == N, "the enum's variant count changed");
    let mut all = [variants[0]; N];
    let mut i = 1;
    while i < N {
        all[i] = variants[i];
        i += 1;
    }
    all
}

/// Declares a string enum (see the module docs). The case and the strings are matched as
/// `tt`, not `literal`: a `literal` fragment reaches derives wrapped in an invisible group,
/// which utoipa does not read (the schema would list the variant names).
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident $(: $case:tt)? {
            $($(#[$variant_meta:meta])* $variant:ident $(= $string:tt)?),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            ::serde::Serialize,
            ::serde::Deserialize,
            ::strum::IntoStaticStr,
            ::strum::EnumString,
            ::strum::VariantArray,
            ::strum::EnumCount,
        )]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        $(#[serde(rename_all = $case)] #[strum(serialize_all = $case)])?
        pub enum $name {
            $($(#[$variant_meta])* $(#[serde(rename = $string)] #[strum(serialize = $string)])? $variant),+
        }

        impl $name {
            pub const ALL: [$name; <$name as ::strum::EnumCount>::COUNT] =
                $crate::enums::variants(<$name as ::strum::VariantArray>::VARIANTS);

            pub fn as_str(self) -> &'static str {
                self.into()
            }

            pub fn parse(value: &str) -> Option<$name> {
                value.parse().ok()
            }
        }
    };
}

/// Declares a string enum stored in `Text` columns (see the module docs).
macro_rules! stored_enum {
    ($(#[$meta:meta])* pub enum $name:ident $($body:tt)+) => {
        $crate::enums::string_enum! {
            $(#[$meta])*
            #[cfg_attr(
                feature = "diesel",
                derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
                diesel(sql_type = diesel::sql_types::Text)
            )]
            pub enum $name $($body)+
        }

        #[cfg(feature = "diesel")]
        impl ::diesel::serialize::ToSql<::diesel::sql_types::Text, ::diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut ::diesel::serialize::Output<'b, '_, ::diesel::pg::Pg>,
            ) -> ::diesel::serialize::Result {
                <str as ::diesel::serialize::ToSql<::diesel::sql_types::Text, ::diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        #[cfg(feature = "diesel")]
        impl ::diesel::deserialize::FromSql<::diesel::sql_types::Text, ::diesel::pg::Pg> for $name {
            fn from_sql(bytes: ::diesel::pg::PgValue<'_>) -> ::diesel::deserialize::Result<Self> {
                let value = <String as ::diesel::deserialize::FromSql<::diesel::sql_types::Text, ::diesel::pg::Pg>>::from_sql(bytes)?;
                $name::parse(&value)
                    .ok_or_else(|| format!("unknown {} {value:?} stored", stringify!($name)).into())
            }
        }
    };
}

pub(crate) use {stored_enum, string_enum};
