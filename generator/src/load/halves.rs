//! A large JSON document decoded on two threads: `components` (usually
//! the larger part) on a second thread, while this one scans the whole
//! document and decodes the other members. The members are split out as
//! raw text first, which costs a fraction of decoding them. (Finer parts,
//! runs of schemas and path entries shared out by size, were measured and
//! not kept: moving the decoded path items back into one map, some 9 kB
//! each and into fresh pages, cost what the threads saved.)

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::scan;

/// The typed document, or `None` for the general path: the document is
/// no plain OpenAPI 3.0 JSON document, has a key twice, or does not
/// decode (the general path locates the error).
pub(super) fn decode(text: &str) -> Option<OpenAPI> {
    let members = Members::of(text)?;
    let components = members.get("components");
    let decode_components =
        || components.map(|raw| serde_json::from_str::<Components>(raw.get()).ok());
    let decode_rest = || {
        let mut findings = scan::Findings::default();
        for (key, raw) in &members.0 {
            let mut value = serde_json::Deserializer::from_str(raw.get());
            scan::scan_member(key, &mut value, &mut findings).ok()?;
        }
        if !findings.is_plain_3_0() {
            return None;
        }
        let rest = members.0.iter().filter(|(key, _)| key != "components");
        serde_json::from_str::<OpenAPI>(&object_text(rest)?).ok()
    };
    let (components, document) = crate::parallel::join(decode_components, decode_rest);
    let mut document = document?;
    document.components = match components {
        Some(decoded) => Some(decoded?),
        None => None,
    };
    Some(document)
}

/// The text of an object of these members.
fn object_text<'e, 'a: 'e>(
    members: impl Iterator<Item = &'e (String, &'a RawValue)>,
) -> Option<String> {
    let mut text = String::from("{");
    for (key, raw) in members {
        if text.len() > 1 {
            text.push(',');
        }
        text.push_str(&serde_json::to_string(key).ok()?);
        text.push(':');
        text.push_str(raw.get());
    }
    text.push('}');
    Some(text)
}

/// The members of a JSON object, in order, each as its raw text.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'a> Members<'a> {
    /// The members of the object `text` is; `None` when it is none or has a
    /// key twice (which the typed decoding of the whole would refuse).
    fn of(text: &'a str) -> Option<Self> {
        let members = serde_json::from_str::<Members<'a>>(text).ok()?;
        let mut keys: IndexMap<&str, ()> = IndexMap::with_capacity(members.0.len());
        let distinct = members
            .0
            .iter()
            .all(|(key, _)| keys.insert(key, ()).is_none());
        distinct.then_some(members)
    }

    fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, raw)| *raw)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
            type Value = Members<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visit(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each YAML fixture as JSON text.
    fn fixtures_as_json() -> Vec<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let text = std::fs::read_to_string(&path).unwrap();
                let value: super::super::yaml::JsonFromYaml = serde_yaml::from_str(&text).unwrap();
                found.push((path.display().to_string(), value.0.to_string()));
            }
        }
        assert!(found.len() > 5, "fixtures in {}", dir.display());
        found
    }

    #[test]
    fn the_halves_decode_what_the_whole_does() {
        let mut plain = 0;
        for (name, json) in fixtures_as_json() {
            let findings = scan::scan(&mut serde_json::Deserializer::from_str(&json)).unwrap();
            let whole = serde_json::from_str::<OpenAPI>(&json).ok();
            let halves = decode(&json);
            if findings.is_plain_3_0() && whole.is_some() {
                plain += 1;
                assert_eq!(halves, whole, "{name}");
            } else {
                assert_eq!(halves, None, "{name}: goes down the general path");
            }
        }
        assert!(plain >= 3, "only {plain} fixtures took the fast path");
    }

    #[test]
    fn the_halves_are_put_back_together_in_order() {
        let mut json = String::from(
            r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"x-first":{"a":1},"#,
        );
        let long = "d".repeat(1000);
        for i in 0..40 {
            json.push_str(&format!(
                r#""/items/{i}":{{"get":{{"operationId":"get{i}","description":"{long}","responses":{{"200":{{"description":"ok"}}}}}}}},"#
            ));
        }
        json.push_str(r#""x-last":true,"other":1},"components":{"schemas":{"#);
        let schemas: Vec<String> = (0..40)
            .map(|i| format!(r#""S{i}":{{"type":"string","description":"{long}"}}"#))
            .collect();
        json.push_str(&schemas.join(","));
        json.push_str(r#"},"responses":{"Gone":{"description":"gone"}},"x-ext":1}}"#);
        let whole: OpenAPI = serde_json::from_str(&json).unwrap();
        let halves = decode(&json).expect("a plain 3.0 document");
        assert_eq!(halves, whole);
        let keys: Vec<&String> = halves.paths.paths.keys().collect();
        assert_eq!(keys.len(), 40);
        assert_eq!(keys[0], "/items/0");
        assert_eq!(keys[39], "/items/39");
        assert_eq!(halves.paths.extensions.len(), 2);
        let components = halves.components.as_ref().unwrap();
        assert_eq!(components.schemas.keys().nth(39).unwrap(), "S39");
        assert!(components.responses.contains_key("Gone"));
    }

    #[test]
    fn a_key_given_twice_goes_down_the_general_path() {
        let json =
            r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"paths":{}}"#;
        assert!(serde_json::from_str::<OpenAPI>(json).is_err());
        assert_eq!(decode(json), None);
        let json =
            r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{},"/a":{}}}"#;
        assert_eq!(decode(json), None);
    }

    #[test]
    fn a_reference_to_rewrite_in_either_half_goes_down_the_general_path() {
        let nested = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{"A":{"$ref":"#/components/schemas/B/properties/c"},"B":{"properties":{"c":{"type":"string"}}}}}}"##;
        assert_eq!(decode(nested), None);
        let foreign = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"$ref":"#/components/schemas/A"}}}}},"components":{"schemas":{"A":{"type":"string"}}}}"##;
        assert_eq!(decode(foreign), None);
    }
}
