//! YAML read straight into a `serde_json::Value`, as a JSON parser would
//! read the same document.
//!
//! Deserializing YAML into `serde_json::Value` (or `serde_yaml::Value`)
//! refuses integers beyond 64 bits, which JSON parsing reads as floats
//! (`maximum: 18446744073709552000` in real specs); here they become floats
//! too. Mapping keys that are numbers or booleans (`200:` in `responses`)
//! become their text, merge keys (`<<: *anchor`) are applied, and a key
//! repeated in one mapping is an error. JSON documents that take the tree
//! path are read with the same visitor.

use std::fmt;

use serde::de::{
    self, Deserialize, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use serde_json::{Map, Number, Value};

/// A YAML document as JSON.
pub struct JsonFromYaml(pub Value);

impl<'de> Deserialize<'de> for JsonFromYaml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(JsonFromYaml)
    }
}

struct ValueVisitor;

fn float<E: de::Error>(value: f64) -> Result<Value, E> {
    Number::from_f64(value)
        .map(Value::Number)
        .ok_or_else(|| E::custom(format!("{value} is not a JSON number")))
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        match i64::try_from(v) {
            Ok(v) => Ok(Value::from(v)),
            Err(_) => float(v as f64),
        }
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        match u64::try_from(v) {
            Ok(v) => Ok(Value::from(v)),
            Err(_) => float(v as f64),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        float(v)
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(JsonFromYaml(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        let mut merged = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            let JsonFromYaml(value) = map.next_value()?;
            // YAML and JSON leave duplicate keys undefined; parsers keep the
            // last, which silently drops what the author wrote first.
            if key != "<<" && object.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{key}` in one mapping"
                )));
            }
            if key == "<<" {
                merged.push(value);
            } else {
                object.insert(key, value);
            }
        }
        // Keys written in the mapping win over merged ones; earlier merged
        // mappings win over later ones (YAML merge key rules).
        for value in merged {
            let sources = match value {
                Value::Array(items) => items,
                other => vec![other],
            };
            for source in sources {
                let Value::Object(source) = source else {
                    return Err(de::Error::custom(
                        "a merge key (`<<`) must name a mapping or a list of mappings",
                    ));
                };
                for (key, value) in source {
                    object.entry(key).or_insert(value);
                }
            }
        }
        Ok(Value::Object(object))
    }

    /// A tagged value (`!Ref x`): the tag is dropped, the value kept.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, variant): (de::IgnoredAny, _) = data.variant()?;
        variant.newtype_variant::<JsonFromYaml>().map(|v| v.0)
    }
}

/// A mapping key as text: strings as they are, numbers and booleans as
/// written (`200`, `true`), null as `null`.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match deserializer.deserialize_any(ValueVisitor)? {
            Value::String(s) => Ok(Key(s)),
            Value::Null => Ok(Key("null".to_owned())),
            scalar @ (Value::Number(_) | Value::Bool(_)) => Ok(Key(scalar.to_string())),
            _ => Err(de::Error::custom("a mapping key must be a scalar")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::JsonFromYaml;
    use serde_json::json;

    fn read(text: &str) -> serde_json::Value {
        serde_yaml::from_str::<JsonFromYaml>(text).expect("YAML").0
    }

    #[test]
    fn integers_beyond_64_bits_become_floats_like_json_reads_them() {
        let yaml = read("min: -9223372036854776000\nmax: 18446744073709552000\nsmall: 5");
        let json: serde_json::Value = serde_json::from_str(
            r#"{"min": -9223372036854776000, "max": 18446744073709552000, "small": 5}"#,
        )
        .unwrap();
        assert_eq!(yaml, json);
    }

    #[test]
    fn duplicate_keys_are_errors_in_yaml_and_json() {
        let yaml = serde_yaml::from_str::<JsonFromYaml>("a: 1\nb: 2\na: 3\n")
            .err()
            .expect("an error");
        assert!(yaml.to_string().contains("duplicate key `a`"), "{yaml}");
        assert!(yaml.location().is_some());
        let json = serde_json::from_str::<JsonFromYaml>(r#"{"a": 1, "a": 2}"#)
            .err()
            .expect("an error");
        assert!(json.to_string().contains("duplicate key `a`"), "{json}");
    }

    #[test]
    fn scalar_keys_become_text_and_merge_keys_apply() {
        let yaml = read("base: &b {a: 1, b: 2}\nuse:\n  <<: *b\n  b: 3\n200: ok\ntrue: yes");
        assert_eq!(
            yaml,
            json!({"base": {"a": 1, "b": 2}, "use": {"b": 3, "a": 1}, "200": "ok", "true": "yes"})
        );
    }
}
