//! Short-lived HS256 access tokens, and the random opaque tokens (refresh, CSRF,
//! password reset) that are stored only as SHA-256 hashes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use jsonwebtoken::{errors::ErrorKind, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::Duration;

const ISSUER: &str = "marketingos";

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl: Duration,
}

impl JwtKeys {
    pub fn new(secret: &str, access_ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
            access_ttl,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub sub: String,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
}

impl AccessClaims {
    pub fn user_id(&self) -> i32 {
        self.sub.parse().unwrap_or(0)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
}

pub fn issue_access(keys: &JwtKeys, user_id: i32) -> Result<String, jsonwebtoken::errors::Error> {
    let now = Utc::now().timestamp();
    let claims = AccessClaims {
        sub: user_id.to_string(),
        iss: ISSUER.to_owned(),
        iat: now,
        exp: now + keys.access_ttl.as_secs() as i64,
    };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding)
}

pub fn decode_access(keys: &JwtKeys, token: &str) -> Result<AccessClaims, TokenError> {
    match jsonwebtoken::decode::<AccessClaims>(token, &keys.decoding, &keys.validation) {
        Ok(data) if data.claims.user_id() > 0 => Ok(data.claims),
        Ok(_) => Err(TokenError::Invalid),
        Err(e) if matches!(e.kind(), ErrorKind::ExpiredSignature) => Err(TokenError::Expired),
        Err(_) => Err(TokenError::Invalid),
    }
}

/// 256 random bits, URL-safe base64.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// How opaque tokens are stored: they carry full entropy, so a fast hash suffices.
pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ttl: u64) -> JwtKeys {
        JwtKeys::new("0123456789abcdef0123456789abcdef", Duration::from_secs(ttl))
    }

    #[test]
    fn access_tokens_round_trip() {
        let keys = keys(900);
        let token = issue_access(&keys, 42).unwrap();
        assert_eq!(decode_access(&keys, &token).unwrap().user_id(), 42);
    }

    #[test]
    fn tampered_foreign_and_expired_tokens_are_rejected() {
        let keys = keys(900);
        let token = issue_access(&keys, 42).unwrap();
        let other = JwtKeys::new("another-secret-another-secret-another", Duration::from_secs(900));
        assert_eq!(decode_access(&other, &token), Err(TokenError::Invalid));
        assert_eq!(decode_access(&keys, &format!("{token}x")), Err(TokenError::Invalid));
        assert_eq!(decode_access(&keys, "not.a.jwt"), Err(TokenError::Invalid));

        let now = Utc::now().timestamp();
        let stale = AccessClaims { sub: "42".into(), iss: ISSUER.into(), iat: now - 1000, exp: now - 60 };
        let expired = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &stale, &keys.encoding).unwrap();
        assert_eq!(decode_access(&keys, &expired), Err(TokenError::Expired));
    }

    #[test]
    fn random_tokens_are_unique_and_hashes_stable() {
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 43);
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
