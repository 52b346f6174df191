//! PostgreSQL access for MarketingOS: one module of queries per domain, the connection
//! pool and the embedded migrations. The tables (`schema`) and the rows, which are the
//! domain's own types, come from `domain` with its `diesel` feature.

pub mod activity;
pub mod crm;
mod crud;
pub mod error;
pub mod events;
pub mod identity;
pub mod keyset;
pub mod migrations;
pub mod notifications;
pub mod ops;
pub mod pool;
mod sql;
pub mod work;

pub use diesel_async::AsyncPgConnection;
/// The diesel tables, declared in `domain` beside the row types that derive against them.
pub use domain::schema;
pub use error::StorageError;
pub use pool::{connect, DbPool, PooledConnection};

/// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
pub fn like_contains(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(super::like_contains("50%_off\\"), "%50\\%\\_off\\\\%");
        assert_eq!(super::like_contains("ada"), "%ada%");
    }
}
