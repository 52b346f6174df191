//! SQL the query modules share: functions, and the filters every list applies the same
//! way (`narrow`, `text_search`).

use crate::like_contains;
use diesel::dsl::{sql, AsExprOf};
use diesel::expression::{SqlLiteral, UncheckedBind};
use diesel::query_dsl::methods::FilterDsl;
use diesel::sql_types::{Bool, Nullable, Text};

diesel::define_sql_function!(fn lower(x: Text) -> Text);
diesel::define_sql_function! {
    #[sql_name = "lower"]
    fn lower_nullable(x: Nullable<Text>) -> Nullable<Text>;
}

/// Filters that apply only when the list request asks for them:
/// `query.narrow(filter.stage.map(|stage| leads::stage.eq(stage)))`.
pub trait Narrow: Sized {
    /// `self` filtered by `predicate` when there is one, else unchanged.
    fn narrow<P>(self, predicate: Option<P>) -> Self
    where
        Self: FilterDsl<P, Output = Self>,
    {
        match predicate {
            Some(predicate) => self.filter(predicate),
            None => self,
        }
    }
}

impl<Q> Narrow for Q {}

/// The name, email, company and phone of a client or lead: the expression the CRM
/// migration's trigram indexes cover.
pub const CONTACT_SEARCH: &str =
    "(name || ' ' || coalesce(email, '') || ' ' || coalesce(company, '') || ' ' || coalesce(phone, '')) ILIKE ";

/// `expression ILIKE '%q%'` with `q` matched literally: a list's `q` search. The
/// expression must be the one the table's trigram index covers; `None` for a blank `q`.
pub fn text_search(
    expression: &'static str,
    q: Option<&str>,
) -> Option<UncheckedBind<SqlLiteral<Bool>, AsExprOf<String, Text>>> {
    let q = q.map(str::trim).filter(|q| !q.is_empty())?;
    Some(sql::<Bool>(expression).bind::<Text, _>(like_contains(q)))
}
