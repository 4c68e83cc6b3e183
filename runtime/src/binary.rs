//! Binary data (`format: binary`) inside a JSON value. JSON has no bytes, and
//! `Bytes` alone serializes as an array of numbers, which no server reading a
//! `type: string` property accepts: generated fields and variants that hold
//! bytes name [`binary_as_text`] in `#[serde(serialize_with)]`, which writes
//! the bytes as the string they are. (Decoding needs nothing: `Bytes` reads a
//! JSON string as its UTF-8 bytes.)

use std::collections::BTreeMap;

use bytes::Bytes;
use serde::ser::{Error as _, Serialize, Serializer};

use super::Nullable;

/// `serialize_with` for a field or variant holding binary data: the bytes as
/// a JSON string. Bytes that are not UTF-8 cannot be a JSON string; they are
/// an error, not silently altered.
pub fn binary_as_text<T: BinaryText + ?Sized, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.serialize_text(serializer)
}

/// A value that holds binary data, serialized with the bytes as strings:
/// `Bytes` and the options, nullables, lists and maps of it.
pub trait BinaryText {
    /// Serializes the value with every `Bytes` in it as a string.
    fn serialize_text<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

impl BinaryText for Bytes {
    fn serialize_text<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = std::str::from_utf8(self).map_err(|err| {
            S::Error::custom(format!(
                "binary data that is not UTF-8 cannot be sent as a JSON string ({err})"
            ))
        })?;
        serializer.serialize_str(text)
    }
}

impl<T: BinaryText> BinaryText for Option<T> {
    fn serialize_text<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&BinaryAsText(value)),
            None => serializer.serialize_none(),
        }
    }
}

impl<T: BinaryText> BinaryText for Nullable<T> {
    fn serialize_text<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // As `Nullable`'s own `Serialize`: absent is normally skipped by the field.
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
            Nullable::Value(value) => value.serialize_text(serializer),
        }
    }
}

impl<T: BinaryText> BinaryText for Vec<T> {
    fn serialize_text<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(BinaryAsText))
    }
}

impl<T: BinaryText> BinaryText for BTreeMap<String, T> {
    fn serialize_text<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(key, value)| (key, BinaryAsText(value))))
    }
}

/// A [`BinaryText`] value as a `Serialize` one: what generated code hands the
/// parameter encoders for a parameter that holds bytes.
pub struct BinaryAsText<'a, T: ?Sized>(pub &'a T);

impl<T: BinaryText + ?Sized> Serialize for BinaryAsText<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_text(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text<T: BinaryText>(value: &T) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(BinaryAsText(value))
    }

    #[test]
    fn bytes_are_written_as_the_string_they_are_at_any_depth() {
        let bytes = Bytes::from_static(b"%PDF-1.7");
        assert_eq!(text(&bytes).unwrap(), json!("%PDF-1.7"));
        assert_eq!(text(&Some(bytes.clone())).unwrap(), json!("%PDF-1.7"));
        assert_eq!(text(&None::<Bytes>).unwrap(), json!(null));
        assert_eq!(text(&Nullable::<Bytes>::Null).unwrap(), json!(null));
        assert_eq!(
            text(&Nullable::Value(bytes.clone())).unwrap(),
            json!("%PDF-1.7")
        );
        let list = vec![Bytes::from_static(b"a"), Bytes::from_static(b"b")];
        assert_eq!(text(&list).unwrap(), json!(["a", "b"]));
        let map = BTreeMap::from([("k".to_string(), vec![bytes])]);
        assert_eq!(text(&map).unwrap(), json!({"k": ["%PDF-1.7"]}));
        // What `Bytes` would write on its own.
        assert_eq!(
            serde_json::to_value(Bytes::from_static(b"ab")).unwrap(),
            json!([97, 98])
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_are_an_error_not_altered() {
        let err = text(&Bytes::from_static(&[0xff, 0xfe])).unwrap_err();
        assert!(err.to_string().contains("not UTF-8"), "{err}");
        let err = text(&vec![
            Bytes::from_static(b"ok"),
            Bytes::from_static(&[0xc3]),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("not UTF-8"), "{err}");
    }
}
