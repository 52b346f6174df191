//! API key format: `mos_<prefix>_<secret>`. The prefix is stored in clear to find the
//! row; the whole key is stored only as a SHA-256 hash and compared in constant time.

use crate::auth::tokens::{random_token, sha256_hex};
use subtle::ConstantTimeEq;

const KEY_TAG: &str = "mos";
const PREFIX_LEN: usize = 12;

pub struct GeneratedKey {
    pub key: String,
    pub prefix: String,
    pub hash: String,
}

pub fn generate() -> GeneratedKey {
    let prefix: String =
        random_token().chars().filter(char::is_ascii_alphanumeric).take(PREFIX_LEN).collect::<String>().to_lowercase();
    let key = format!("{KEY_TAG}_{prefix}_{}", random_token());
    GeneratedKey { hash: sha256_hex(&key), prefix, key }
}

/// The lookup prefix of a well-formed key.
pub fn prefix_of(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(KEY_TAG)?.strip_prefix('_')?;
    let (prefix, secret) = rest.split_once('_')?;
    let well_formed =
        prefix.len() == PREFIX_LEN && prefix.chars().all(|c| c.is_ascii_alphanumeric()) && !secret.is_empty();
    well_formed.then_some(prefix)
}

pub fn matches(key: &str, stored_hash: &str) -> bool {
    sha256_hex(key).as_bytes().ct_eq(stored_hash.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_parse_and_verify() {
        let generated = generate();
        assert!(generated.key.starts_with("mos_"));
        assert_eq!(prefix_of(&generated.key), Some(generated.prefix.as_str()));
        assert!(matches(&generated.key, &generated.hash));
        assert!(!matches(&format!("{}x", generated.key), &generated.hash));
    }

    #[test]
    fn malformed_keys_have_no_prefix() {
        for bad in
            ["", "mos_", "mos_short_secret", "abc_abcdefghijkl_secret", "mos_abcdefghijkl_", "mos_abcdefgh!jkl_s"]
        {
            assert_eq!(prefix_of(bad), None, "{bad}");
        }
        assert_eq!(prefix_of("mos_abcdefghijkl_s3cret"), Some("abcdefghijkl"));
    }
}
