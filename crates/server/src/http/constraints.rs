//! Storage errors as problems, in one place. A violated unique index or foreign key is
//! the caller's mistake when it names a field (a value another record holds, a reference
//! to a record that does not exist) or a record still in use; each entity declares what
//! its constraints mean once, here, and its writes map errors with
//! `.map_err(|e| LEADS.problem(e))`. Anything else stays a 500.

use crate::error::AppError;
use domain::ErrorCode;
use storage::StorageError;

/// What a violated constraint means to the caller.
pub enum Meaning {
    /// 409 naming the field whose value another record holds.
    Taken { field: &'static str, message: &'static str },
    /// 400 naming the field that refers to a record that does not exist.
    Missing { field: &'static str, code: &'static str, message: &'static str },
}

/// An entity's constraints by name (unique indexes and foreign keys, as PostgreSQL names
/// them), and what any other foreign-key violation means.
pub struct Constraints {
    named: &'static [(&'static str, Meaning)],
    /// Any other foreign key: a delete of a record others still refer to (409 with this
    /// detail); `None` leaves it a 500.
    still_referenced: Option<&'static str>,
}

impl Constraints {
    /// The problem `error` is for the caller.
    pub fn problem(&self, error: StorageError) -> AppError {
        let (name, foreign_key) = match (error.unique_violation(), error.foreign_key_violation()) {
            (Some(name), _) => (name, false),
            (None, Some(name)) => (name, true),
            (None, None) => return error.into(),
        };
        match self.named.iter().find(|(constraint, _)| *constraint == name).map(|(_, meaning)| meaning) {
            Some(Meaning::Taken { field, message }) => AppError::conflict(field, *message),
            Some(Meaning::Missing { field, code, message }) => AppError::field(field, code, *message),
            None => match self.still_referenced.filter(|_| foreign_key) {
                Some(detail) => AppError::new(ErrorCode::Conflict, detail),
                None => error.into(),
            },
        }
    }
}

const STILL_REFERENCED: Option<&str> = Some("The record is still referenced by other records");
pub const NO_SUCH_ASSIGNEE: Meaning =
    Meaning::Missing { field: "assignedToId", code: "exists", message: "No such user" };
pub const NO_SUCH_CLIENT: Meaning = Meaning::Missing { field: "clientId", code: "exists", message: "No such client" };

pub const CLIENTS: Constraints =
    Constraints { named: &[("clients_assigned_to_id_fkey", NO_SUCH_ASSIGNEE)], still_referenced: STILL_REFERENCED };

pub const CAMPAIGNS: Constraints =
    Constraints { named: &[("campaigns_client_id_fkey", NO_SUCH_CLIENT)], still_referenced: STILL_REFERENCED };

/// Duplicate emails and phones are found before the write (`409` naming the existing
/// lead); the unique indexes catch the races.
pub const LEADS: Constraints = Constraints {
    named: &[
        (
            "leads_email_key",
            Meaning::Taken {
                field: "email",
                message: "A lead with this email already exists (lead with the same email)",
            },
        ),
        (
            "leads_phone_key",
            Meaning::Taken {
                field: "phone",
                message: "A lead with this phone already exists (lead with the same phone number)",
            },
        ),
        ("leads_assigned_to_id_fkey", NO_SUCH_ASSIGNEE),
        ("leads_client_id_fkey", NO_SUCH_CLIENT),
        ("leads_converted_client_id_fkey", NO_SUCH_CLIENT),
    ],
    still_referenced: STILL_REFERENCED,
};

pub const USERS: Constraints = Constraints {
    named: &[
        ("users_username_key", Meaning::Taken { field: "username", message: "This username is already taken" }),
        ("users_email_key", Meaning::Taken { field: "email", message: "This email address is already in use" }),
    ],
    still_referenced: None,
};

const NO_SUCH_SPACE: Meaning = Meaning::Missing { field: "spaceId", code: "not_found", message: "no such task space" };

pub const TASKS: Constraints = Constraints {
    named: &[
        (
            "tasks_assigned_to_id_fkey",
            Meaning::Missing { field: "assignedToId", code: "not_found", message: "no such user" },
        ),
        ("tasks_space_id_fkey", NO_SUCH_SPACE),
        ("tasks_client_id_fkey", Meaning::Missing { field: "clientId", code: "not_found", message: "no such client" }),
        (
            "tasks_campaign_id_fkey",
            Meaning::Missing { field: "campaignId", code: "not_found", message: "no such campaign" },
        ),
    ],
    still_referenced: None,
};

pub const TASK_TEMPLATES: Constraints =
    Constraints { named: &[("task_templates_space_id_fkey", NO_SUCH_SPACE)], still_referenced: None };

pub const NO_SUCH_PARENT_SPACE: Meaning =
    Meaning::Missing { field: "parentSpaceId", code: "not_found", message: "no such task space" };

pub const TASK_SPACES: Constraints = Constraints {
    named: &[("task_spaces_parent_space_id_fkey", NO_SUCH_PARENT_SPACE)],
    still_referenced: Some("The space still holds tasks or spaces"),
};

impl Meaning {
    /// The problem itself, for the same mistake found before the write.
    pub fn problem(&self) -> AppError {
        match self {
            Meaning::Taken { field, message } => AppError::conflict(field, *message),
            Meaning::Missing { field, code, message } => AppError::field(field, code, *message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error};

    struct Violated(&'static str);

    impl DatabaseErrorInformation for Violated {
        fn message(&self) -> &str {
            "violated"
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            Some(self.0)
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn violation(kind: DatabaseErrorKind, name: &'static str) -> StorageError {
        StorageError::Query(Error::DatabaseError(kind, Box::new(Violated(name))))
    }

    fn field(error: &AppError) -> (ErrorCode, &str, &str) {
        (
            error.code,
            error.errors.first().map_or("", |e| e.field.as_str()),
            error.errors.first().map_or("", |e| e.code.as_str()),
        )
    }

    #[test]
    fn named_constraints_name_the_field() {
        let taken = LEADS.problem(violation(DatabaseErrorKind::UniqueViolation, "leads_phone_key"));
        assert_eq!(field(&taken), (ErrorCode::Conflict, "phone", "taken"));
        let missing = TASKS.problem(violation(DatabaseErrorKind::ForeignKeyViolation, "tasks_campaign_id_fkey"));
        assert_eq!(field(&missing), (ErrorCode::ValidationError, "campaignId", "not_found"));
    }

    #[test]
    fn other_references_are_conflicts_where_declared_and_the_rest_500s() {
        let referenced = TASK_SPACES.problem(violation(DatabaseErrorKind::ForeignKeyViolation, "tasks_space_id_fkey"));
        assert_eq!(
            (referenced.code, referenced.detail.as_str()),
            (ErrorCode::Conflict, "The space still holds tasks or spaces")
        );
        let undeclared = TASKS.problem(violation(DatabaseErrorKind::ForeignKeyViolation, "task_comments_user_id_fkey"));
        assert_eq!(undeclared.code, ErrorCode::DatabaseError);
        let unique = CLIENTS.problem(violation(DatabaseErrorKind::UniqueViolation, "clients_pkey"));
        assert_eq!(unique.code, ErrorCode::DatabaseError, "an unknown unique index is no conflict of the caller's");
    }
}
