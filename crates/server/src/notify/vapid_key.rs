//! The VAPID private key as the settings give it: base64url (as web-push tools print it)
//! or 64 hex digits (as `cargo xtask run` generates it). Apart from the sender so that the
//! configuration can check the key without depending on it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::SigningKey;

/// The key, `None` when it is not a P-256 private key.
pub fn signing_key(encoded: &str) -> Option<SigningKey> {
    let encoded = encoded.trim();
    let bytes = if encoded.len() == 64 && encoded.bytes().all(|b| b.is_ascii_hexdigit()) {
        hex::decode(encoded).ok()?
    } else {
        URL_SAFE_NO_PAD.decode(encoded.trim_end_matches('=')).ok()?
    };
    SigningKey::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_that_is_not_a_p256_scalar_is_refused() {
        assert!(signing_key("not base64!").is_none());
        assert!(signing_key(&URL_SAFE_NO_PAD.encode([0u8; 32])).is_none(), "zero is no private key");
        assert!(signing_key(&URL_SAFE_NO_PAD.encode([1u8; 33])).is_none(), "33 bytes");
        assert!(signing_key(&URL_SAFE_NO_PAD.encode([1u8; 32])).is_some());
        assert_eq!(signing_key(&"01".repeat(32)), signing_key(&URL_SAFE_NO_PAD.encode([1u8; 32])), "hex or base64url");
    }
}
