//! The string form of the domain's enums, written once. Each enum derives its strings
//! with strum (the same spelling as its serde form) and [`string_enum!`] gives it the
//! `ALL`, `as_str` and `parse` the rest of the code uses. With the `diesel` feature the
//! stored ones also read and write `Text` columns; an unknown stored value is a
//! deserialization error, never a silent default.

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

/// Adds `ALL`, `as_str` and `parse` (from the strum derives `VariantArray`, `EnumCount`,
/// `IntoStaticStr` and `EnumString`) to each listed enum.
macro_rules! string_enum {
    ($($name:ident),+ $(,)?) => {$(
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
    )+};
}

/// Also maps each listed enum to a `Text` column (the enum derives `diesel::AsExpression`
/// and `diesel::FromSqlRow` with `sql_type = Text`).
#[cfg(feature = "diesel")]
macro_rules! text_column {
    ($($name:ident),+ $(,)?) => {$(
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

        impl ::diesel::deserialize::FromSql<::diesel::sql_types::Text, ::diesel::pg::Pg> for $name {
            fn from_sql(bytes: ::diesel::pg::PgValue<'_>) -> ::diesel::deserialize::Result<Self> {
                let value = <String as ::diesel::deserialize::FromSql<::diesel::sql_types::Text, ::diesel::pg::Pg>>::from_sql(bytes)?;
                $name::parse(&value)
                    .ok_or_else(|| format!("unknown {} {value:?} stored", stringify!($name)).into())
            }
        }
    )+};
}

#[cfg(not(feature = "diesel"))]
macro_rules! text_column {
    ($($name:ident),+ $(,)?) => {};
}

pub(crate) use {string_enum, text_column};

#[cfg(test)]
mod tests {
    use crate::crm::campaigns::CampaignStatus;
    use crate::crm::clients::ClientStatus;
    use crate::crm::lead_imports::{ImportMode, ImportStatus};
    use crate::crm::leads::{LeadActivityType, LeadScore, LeadSource, LeadStage};
    use crate::identity::api_keys::ApiKeyScope;
    use crate::work::calendar::{CalendarProviderName, EventType};
    use crate::work::tasks::{ScheduleFrom, TaskPriority, TaskStatus};
    use crate::{ErrorCode, Permission, Role};

    /// Every variant round-trips through its string, that string is its serde form,
    /// and an unknown string (as a bad stored value would be) does not parse.
    macro_rules! check {
        ($($name:ident),+) => {$(
            for value in $name::ALL {
                assert_eq!($name::parse(value.as_str()), Some(value), "{value:?}");
                assert_eq!(serde_json::to_value(value).unwrap(), value.as_str(), "{value:?}");
            }
            let distinct: std::collections::BTreeSet<_> = $name::ALL.iter().map(|v| v.as_str()).collect();
            assert_eq!(distinct.len(), $name::ALL.len(), stringify!($name));
            assert_eq!($name::parse("no_such_value"), None, stringify!($name));
            assert_eq!($name::parse(""), None, stringify!($name));
        )+};
    }

    #[test]
    fn every_enum_round_trips_and_refuses_unknown_values() {
        check!(
            Role,
            Permission,
            ErrorCode,
            ApiKeyScope,
            EventType,
            CalendarProviderName,
            CampaignStatus,
            ClientStatus,
            ImportMode,
            ImportStatus,
            LeadStage,
            LeadScore,
            LeadSource,
            LeadActivityType,
            TaskStatus,
            TaskPriority,
            ScheduleFrom
        );
    }

    #[test]
    fn parsing_is_exact() {
        assert_eq!(LeadStage::parse("Prospect"), None);
        assert_eq!(LeadStage::parse(" prospect"), None);
        assert_eq!(LeadSource::parse("unknown"), None, "no longer read as `other`");
        assert_eq!(ScheduleFrom::parse("due"), None, "no longer read as `due_date`");
        assert_eq!(ImportMode::parse("all_or_nothing"), None);
        assert_eq!(ImportMode::parse("all-or-nothing"), Some(ImportMode::AllOrNothing));
        assert_eq!(ApiKeyScope::parse("api:read"), Some(ApiKeyScope::Read));
    }
}
