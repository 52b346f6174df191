//! Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291): the
//! payload is encrypted for the browser's key, and each request carries an ES256 JWT for
//! the push service's origin signed with our key (`VAPID_PRIVATE_KEY`).

use crate::config::WebPushKey;
use crate::notify::vapid_key::signing_key;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use std::time::Duration;
use storage::notifications::push::Subscription;

/// How long the push service keeps an undelivered message (a day, as a notification
/// older than that is better read in the app).
const TTL: Duration = Duration::from_secs(24 * 3600);
/// How long a VAPID token is valid (RFC 8292 allows at most a day).
const TOKEN_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// What became of one push.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    /// The push service no longer knows the subscription (404/410): forget it.
    Gone,
}

/// Sends pushes; built once from the configured key.
pub struct WebPush {
    key: SigningKey,
    /// base64url of the uncompressed public point: what browsers subscribe with.
    public_key: String,
    subject: String,
    client: reqwest::Client,
}

impl WebPush {
    pub fn from_config(config: Option<&WebPushKey>) -> Option<Self> {
        let config = config?;
        let key = signing_key(config.private_key.expose())?;
        let point = key.verifying_key().to_encoded_point(false);
        let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().ok()?;
        Some(Self {
            public_key: URL_SAFE_NO_PAD.encode(point.as_bytes()),
            key,
            subject: config.subject.clone(),
            client,
        })
    }

    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The `vapid t=…, k=…` authorization for a push service at `endpoint`.
    fn authorization(&self, endpoint: &url::Url, now: i64) -> Result<String, String> {
        let audience = endpoint.origin().ascii_serialization();
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({
            "aud": audience,
            "exp": now + TOKEN_LIFETIME.as_secs() as i64,
            "sub": self.subject,
        });
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{claims}");
        let signature: Signature = self.key.try_sign(signing_input.as_bytes()).map_err(|e| e.to_string())?;
        let token = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()));
        Ok(format!("vapid t={token}, k={}", self.public_key))
    }

    /// Encrypts `payload` for the subscription and posts it. `topic` (at most 32
    /// base64url characters) lets the push service replace an undelivered copy of the same
    /// message instead of delivering it twice.
    pub async fn send(&self, subscription: &Subscription, payload: &[u8], topic: &str) -> Result<Outcome, String> {
        let endpoint = url::Url::parse(&subscription.endpoint).map_err(|e| format!("invalid endpoint: {e}"))?;
        let browser_key = URL_SAFE_NO_PAD
            .decode(subscription.p256dh.trim_end_matches('='))
            .ok()
            .and_then(|bytes| p256::PublicKey::from_sec1_bytes(&bytes).ok())
            .ok_or("the subscription's p256dh is not a P-256 public key")?;
        let auth = URL_SAFE_NO_PAD
            .decode(subscription.auth.trim_end_matches('='))
            .ok()
            .filter(|bytes| bytes.len() == 16)
            .ok_or("the subscription's auth secret is not 16 bytes")?;
        let auth = web_push_native::Auth::clone_from_slice(&auth);
        let body = web_push_native::encrypt(payload.to_vec(), &browser_key, &auth).map_err(|e| e.to_string())?;
        let authorization = self.authorization(&endpoint, chrono::Utc::now().timestamp())?;
        let response = self
            .client
            .post(endpoint)
            .header("TTL", TTL.as_secs())
            .header("Content-Encoding", "aes128gcm")
            .header("Content-Type", "application/octet-stream")
            .header("Urgency", "normal")
            .header("Topic", topic)
            .header("Authorization", authorization)
            .body(body)
            .send()
            .await
            .map_err(|e| format!("push service unreachable: {e}"))?;
        match response.status().as_u16() {
            200..=299 => Ok(Outcome::Accepted),
            404 | 410 => Ok(Outcome::Gone),
            status => Err(format!("push service answered {status}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::VerifyingKey;

    fn web_push() -> WebPush {
        let key = URL_SAFE_NO_PAD.encode([7u8; 32]);
        WebPush::from_config(Some(&WebPushKey {
            private_key: Secret::new(key),
            subject: "mailto:ops@example.com".into(),
        }))
        .expect("a valid key")
    }

    #[test]
    fn the_vapid_token_is_an_es256_jwt_for_the_push_services_origin() {
        let push = web_push();
        let endpoint = url::Url::parse("https://push.example.net:8443/send/abc").unwrap();
        let authorization = push.authorization(&endpoint, 1_000).unwrap();
        let (token, key) = authorization.strip_prefix("vapid t=").unwrap().split_once(", k=").unwrap();
        assert_eq!(key, push.public_key());
        let (signing_input, signature) = token.rsplit_once('.').unwrap();
        let claims = signing_input.split('.').nth(1).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
        assert_eq!(claims["aud"], "https://push.example.net:8443");
        assert_eq!(claims["exp"], 1_000 + 12 * 3600);
        assert_eq!(claims["sub"], "mailto:ops@example.com");
        let verifying = VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(key).unwrap()).unwrap();
        let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
        assert!(verifying.verify(signing_input.as_bytes(), &signature).is_ok());
    }
}
