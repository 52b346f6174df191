//! argon2id password hashing, off the async executor (each hash costs tens of ms and
//! 19 MiB). Concurrent hashes are capped at the core count: more would not finish sooner,
//! and unbounded blocking threads let a burst of sign-ins take gigabytes of memory.

use crate::error::AppError;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// A valid hash of a random password: verifying against it costs as much as a real
/// check, so unknown usernames cannot be told apart by response time.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2cHphPcfQb0hwZ3AHq7Ts1EBQ9hTFB2wIK3W9ZHw3tk";

pub fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

pub fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

fn hashing_slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
}

async fn on_hashing_slot<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    let _slot = hashing_slots().acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(work).await.map_err(AppError::internal)
}

pub async fn hash(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    on_hashing_slot(move || hash_blocking(&password))
        .await?
        .map_err(|e| AppError::internal(anyhow::anyhow!("password hashing failed: {e}")))
}

/// Checks `password` against `hash`, or against a dummy hash when there is no account.
pub async fn verify(password: &str, hash: Option<&str>) -> Result<bool, AppError> {
    let password = password.to_owned();
    let (hash, real) = match hash {
        Some(hash) => (hash.to_owned(), true),
        None => (DUMMY_HASH.to_owned(), false),
    };
    let matched = on_hashing_slot(move || verify_blocking(&password, &hash)).await?;
    Ok(real && matched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verifiable() {
        let a = hash_blocking("correct horse battery").unwrap();
        let b = hash_blocking("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify_blocking("correct horse battery", &a));
        assert!(!verify_blocking("wrong horse battery", &a));
        assert!(!verify_blocking("anything", "not a hash"));
    }

    #[test]
    fn dummy_hash_parses_so_unknown_users_cost_a_real_verification() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[tokio::test]
    async fn missing_account_never_verifies() {
        assert!(!verify("whatever", None).await.unwrap());
    }
}
