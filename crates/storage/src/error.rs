use thiserror::Error;

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("no database connection available: {0}")]
    Pool(String),
    #[error("migrations failed: {0}")]
    Migration(String),
}

impl StorageError {
    /// The violated unique constraint's name, when this is a unique violation.
    pub fn unique_violation(&self) -> Option<&str> {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            StorageError::Query(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info)) => {
                Some(info.constraint_name().unwrap_or(""))
            }
            _ => None,
        }
    }

    /// The violated foreign key's name, when this is a foreign-key violation.
    pub fn foreign_key_violation(&self) -> Option<&str> {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            StorageError::Query(Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info)) => {
                Some(info.constraint_name().unwrap_or(""))
            }
            _ => None,
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for StorageError {
    fn from(error: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        StorageError::Pool(error.to_string())
    }
}
