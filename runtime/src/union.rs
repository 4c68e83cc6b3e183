//! Tagged unions whose variants leave the tag out.

use serde::{Serialize, Serializer};

/// Encodes a union variant as its payload's object with the tag property added (a payload of
/// `()` gives an object with the tag alone).
pub fn encode_with_tag<S: Serializer, T: Serialize + ?Sized>(
    serializer: S,
    tag: &str,
    value: &str,
    payload: &T,
) -> Result<S::Ok, S::Error> {
    let mut object = match serde_json::to_value(payload).map_err(serde::ser::Error::custom)? {
        serde_json::Value::Object(object) => object,
        serde_json::Value::Null => serde_json::Map::new(),
        _ => {
            return Err(serde::ser::Error::custom(format!(
                "variant `{value}` does not encode as an object"
            )));
        }
    };
    object.insert(tag.to_owned(), serde_json::Value::String(value.to_owned()));
    object.serialize(serializer)
}

/// Decodes a union variant from its object without the tag property (which the variant's type
/// does not have, and which must not land in its additional properties).
pub fn decode_without_tag<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    mut value: serde_json::Value,
    tag: &str,
) -> Result<T, E> {
    if let Some(object) = value.as_object_mut() {
        object.remove(tag);
    }
    serde_json::from_value(value).map_err(E::custom)
}

/// Decodes a tagged union's variant from the whole object (the variant's type has the tag).
pub fn decode_variant<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    value: serde_json::Value,
) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}
