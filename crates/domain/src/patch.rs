//! Partial updates. A PATCH body tells three cases apart per optional field: absent
//! (leave it), `null` (clear it) and a value (set it), read as `Option<Option<T>>` with
//! `#[serde(default, with = "crate::patch::double_option")]`.

/// Serde for `Option<Option<T>>`: a present field is `Some`, so `null` is `Some(None)`.
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(value: &Option<Option<T>>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}
