//! Short-lived HS256 access tokens, the CSRF token bound to a sign-in, and the random
//! opaque tokens (refresh, password reset, email links) that are stored only as SHA-256
//! hashes.

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
    /// Derived from the secret, so a CSRF token can never double as a JWT signature.
    csrf_key: [u8; 32],
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
            csrf_key: Sha256::new()
                .chain_update(b"marketingos csrf key\0")
                .chain_update(secret.as_bytes())
                .finalize()
                .into(),
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
    /// The sign-in (refresh-token family) this token belongs to; the CSRF token is bound
    /// to it. Absent from tokens issued before it existed, which then fail the CSRF check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
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

pub fn issue_access(keys: &JwtKeys, user_id: i32, session: &str) -> Result<String, jsonwebtoken::errors::Error> {
    let now = Utc::now().timestamp();
    let claims = AccessClaims {
        sub: user_id.to_string(),
        iss: ISSUER.to_owned(),
        iat: now,
        exp: now + keys.access_ttl.as_secs() as i64,
        sid: Some(session.to_owned()),
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

/// The CSRF token of a sign-in: HMAC-SHA256(server key, session id), URL-safe base64. A
/// cookie planted by someone else cannot match the victim's session; refreshing keeps
/// the family and therefore the token.
pub fn csrf_token(keys: &JwtKeys, session: &str) -> String {
    URL_SAFE_NO_PAD.encode(hmac_sha256(&keys.csrf_key, session.as_bytes()))
}

/// RFC 2104 HMAC over SHA-256 (the `hmac` crate, as the webhook signatures use it).
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    // HMAC takes keys of any length: `new_from_slice` cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// 256 random bits, URL-safe base64.
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes())
}

/// 32 bytes from the operating system's generator: the entropy of every token and secret.
pub fn random_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
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
        let token = issue_access(&keys, 42, "family").unwrap();
        let claims = decode_access(&keys, &token).unwrap();
        assert_eq!(claims.user_id(), 42);
        assert_eq!(claims.sid.as_deref(), Some("family"));
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 of RFC 4231.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // Test case 6: a key longer than the block is hashed first.
        let mac = hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(hex::encode(mac), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    #[test]
    fn csrf_tokens_are_bound_to_the_session_and_the_secret() {
        let keys = keys(900);
        assert_eq!(csrf_token(&keys, "a"), csrf_token(&keys, "a"));
        assert_ne!(csrf_token(&keys, "a"), csrf_token(&keys, "b"));
        let other = JwtKeys::new("another-secret-another-secret-another", Duration::from_secs(900));
        assert_ne!(csrf_token(&keys, "a"), csrf_token(&other, "a"));
        assert_eq!(csrf_token(&keys, "a").len(), 43);
    }

    #[test]
    fn tampered_foreign_and_expired_tokens_are_rejected() {
        let keys = keys(900);
        let token = issue_access(&keys, 42, "family").unwrap();
        let other = JwtKeys::new("another-secret-another-secret-another", Duration::from_secs(900));
        assert_eq!(decode_access(&other, &token), Err(TokenError::Invalid));
        assert_eq!(decode_access(&keys, &format!("{token}x")), Err(TokenError::Invalid));
        assert_eq!(decode_access(&keys, "not.a.jwt"), Err(TokenError::Invalid));

        let now = Utc::now().timestamp();
        let stale = AccessClaims { sub: "42".into(), iss: ISSUER.into(), iat: now - 1000, exp: now - 60, sid: None };
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
