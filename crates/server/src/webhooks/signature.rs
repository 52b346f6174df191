//! The `MarketingOS-Signature` header, Stripe's scheme: `t=<unix seconds>,v1=<hex>` where
//! `v1` is HMAC-SHA256, keyed with the endpoint's secret, of `"{t}.{body}"`. Receivers
//! recompute it over the raw body and refuse a `t` too far from their clock (replays).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header's value for `body` sent at `timestamp`.
pub fn header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", hex::encode(mac(secret, timestamp, body)))
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length: `new_from_slice` cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

/// A new endpoint secret: `whsec_` and 32 random bytes in hex.
pub fn new_secret() -> String {
    format!("whsec_{}", hex::encode(crate::auth::tokens::random_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // RFC 4231 test case 2 ("Jefe"), with the message split as `t.body`.
        let signed = header("Jefe", 0, b"what do ya want for nothing?");
        assert!(signed.starts_with("t=0,v1="), "{signed}");
        let mut whole = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        whole.update(b"0.what do ya want for nothing?");
        assert_eq!(signed, format!("t=0,v1={}", hex::encode(whole.finalize().into_bytes())));
        assert_ne!(header("Jefe", 1, b"x"), header("Jefe", 2, b"x"), "the timestamp is signed");
        assert_ne!(header("a", 1, b"x"), header("b", 1, b"x"));
    }

    #[test]
    fn secrets_are_random_and_recognisable() {
        let (one, two) = (new_secret(), new_secret());
        assert!(one.starts_with("whsec_") && one.len() == 6 + 64);
        assert_ne!(one, two);
    }
}
