//! A plain JSON 3.0 document decoded straight from its text into
//! `openapiv3` types, its top-level members split out as raw text first
//! (which costs a fraction of decoding them):
//!
//! - `paths` is decoded here, entry by entry, into a map sized once.
//!   `openapiv3` reads it as a flattened struct: the whole object buffered
//!   and copied before decoding, and each path item (some 9 kB, with its
//!   eight optional operations inline) moved again every time the map
//!   doubled, into fresh pages.
//! - Past `LARGE_SPEC_BYTES`, `components` is scanned and decoded on a
//!   second thread while this one scans and decodes the rest. (Scanning
//!   everything here left the second thread idle a third of the time on
//!   progenitor-nexus: components 1.7 ms, the rest 3.5 ms.)
//!   (Finer parts, runs of schemas and path entries shared out by size, were
//!   measured and not kept: moving the decoded path items back into one map
//!   cost what the threads saved.)

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, PathItem, Paths, ReferenceOr};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::scan;

/// The typed document, or `None` for the general path: the document is
/// no plain OpenAPI 3.0 JSON document, has a key twice, or does not
/// decode (the general path locates the error). With `split`, `components`
/// is decoded on a second thread.
pub(super) fn decode(text: &str, split: bool) -> Option<OpenAPI> {
    let members = Members::of(text)?;
    let components = members.get("components").filter(|_| split);
    // Each thread scans what it decodes: the rest is the longer part.
    let decode_components = || components.map(scanned_components);
    let decode_rest = || {
        let mut findings = scan::Findings::default();
        let scanned = members
            .0
            .iter()
            .filter(|(key, _)| !(split && key == "components"));
        for (key, raw) in scanned {
            let mut value = serde_json::Deserializer::from_str(raw.get());
            scan::scan_member(key, &mut value, &mut findings).ok()?;
        }
        if !findings.is_plain_3_0() {
            return None;
        }
        let paths = members.get("paths").map(decode_paths);
        let rest = members.0.iter().filter(|(key, _)| match key.as_str() {
            "components" => !split,
            "paths" => paths.is_none(),
            _ => true,
        });
        // `paths` is required: a stand-in keeps the document decoding as a whole.
        let placeholder = paths.is_some().then_some("paths");
        let mut document =
            serde_json::from_str::<OpenAPI>(&object_text(rest, placeholder)?).ok()?;
        if let Some(paths) = paths {
            document.paths = paths?;
        }
        Some(document)
    };
    let (components, document) = match split {
        true => crate::parallel::join(decode_components, decode_rest),
        false => (None, decode_rest()),
    };
    let mut document = document?;
    if let Some(decoded) = components {
        document.components = Some(decoded?);
    }
    Some(document)
}

/// `components`, scanned on its own: `None` when a reference in it needs
/// a rewrite or a key is given twice (the general path then decodes the
/// document), or when it does not decode.
fn scanned_components(raw: &RawValue) -> Option<Components> {
    let mut findings = scan::Findings::default();
    let mut value = serde_json::Deserializer::from_str(raw.get());
    scan::scan_member("components", &mut value, &mut findings).ok()?;
    if !findings.decodes_as_it_is() {
        return None;
    }
    serde_json::from_str::<Components>(raw.get()).ok()
}

/// `paths` as `openapiv3` reads it: the entries whose key starts with `/`,
/// the extensions (`x-`), nothing else.
fn decode_paths(raw: &RawValue) -> Option<Paths> {
    let entries = Members::of(raw.get())?;
    let mut paths = IndexMap::with_capacity(entries.0.len());
    let mut extensions = IndexMap::new();
    for (key, raw) in entries.0 {
        if key.starts_with('/') {
            let item = serde_json::from_str::<ReferenceOr<PathItem>>(raw.get()).ok()?;
            paths.insert(key, item);
        } else if key.starts_with("x-") {
            extensions.insert(key, serde_json::from_str(raw.get()).ok()?);
        }
    }
    Some(Paths { paths, extensions })
}

/// The text of an object of these members, and of an empty object named
/// `placeholder`.
fn object_text<'e, 'a: 'e>(
    members: impl Iterator<Item = &'e (String, &'a RawValue)>,
    placeholder: Option<&str>,
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
    if let Some(key) = placeholder {
        if text.len() > 1 {
            text.push(',');
        }
        text.push_str(&serde_json::to_string(key).ok()?);
        text.push_str(":{}");
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
    fn the_parts_decode_what_the_whole_does() {
        let mut plain = 0;
        for (name, json) in fixtures_as_json() {
            let findings = scan::scan(&mut serde_json::Deserializer::from_str(&json)).unwrap();
            let whole = serde_json::from_str::<OpenAPI>(&json).ok();
            for split in [false, true] {
                let parts = decode(&json, split);
                if findings.is_plain_3_0() && whole.is_some() {
                    plain += 1;
                    assert_eq!(parts, whole, "{name} (split: {split})");
                } else {
                    assert_eq!(parts, None, "{name}: goes down the general path");
                }
            }
        }
        assert!(plain >= 6, "only {plain} fixtures took the fast path");
    }

    #[test]
    fn paths_keep_their_order_and_extensions_and_drop_other_keys() {
        let json = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/b":{"get":{"responses":{}}},"x-note":[1],"stray":{"get":1},"/a":{"summary":"s"}},"x-top":true}"##;
        let whole: OpenAPI = serde_json::from_str(json).unwrap();
        for split in [false, true] {
            let parts = decode(json, split).expect("a plain 3.0 document");
            assert_eq!(parts, whole);
            let keys: Vec<&String> = parts.paths.paths.keys().collect();
            assert_eq!(keys, ["/b", "/a"]);
            let ReferenceOr::Item(item) = &parts.paths.paths["/a"] else {
                panic!("a path item")
            };
            assert_eq!(item.summary.as_deref(), Some("s"));
            assert_eq!(parts.paths.extensions["x-note"], serde_json::json!([1]));
            assert_eq!(parts.extensions["x-top"], serde_json::json!(true));
        }
    }

    #[test]
    fn a_document_without_paths_or_with_a_bad_path_item_is_left_to_the_general_path() {
        let no_paths = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"}}"#;
        assert!(serde_json::from_str::<OpenAPI>(no_paths).is_err());
        let bad_item =
            r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":7}}}"#;
        assert!(serde_json::from_str::<OpenAPI>(bad_item).is_err());
        for split in [false, true] {
            assert_eq!(decode(no_paths, split), None);
            assert_eq!(decode(bad_item, split), None);
        }
    }

    /// Numbers a spec gives (defaults, bounds, examples) end up in generated
    /// code: serde_json's default float parser can miss their last bit.
    #[test]
    fn numbers_are_read_exactly_on_either_path() {
        let schema =
            r#"{"type":"number","default":0.46000000834465027,"minimum":-0.11379003524780275}"#;
        let default = |openapi: &OpenAPI| {
            let ReferenceOr::Item(schema) = &openapi.components.as_ref().unwrap().schemas["N"]
            else {
                panic!("a schema")
            };
            let default = schema.schema_data.default.as_ref().and_then(|d| d.as_f64());
            assert_eq!(default, Some(0.46000000834465027_f64));
        };
        let plain = format!(
            r#"{{"openapi":"3.0.3","info":{{"title":"t","version":"1"}},"paths":{{}},"components":{{"schemas":{{"N":{schema}}}}}}}"#
        );
        for split in [false, true] {
            default(&decode(&plain, split).expect("a plain 3.0 document"));
        }
        let general = plain.replace("3.0.3", "3.1.0");
        let loaded =
            super::super::parse(std::path::Path::new("n.json"), general.as_bytes()).unwrap();
        default(&loaded.openapi);
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
        let halves = decode(&json, true).expect("a plain 3.0 document");
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
        let inner =
            r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{},"/a":{}}}"#;
        for split in [false, true] {
            assert_eq!(decode(json, split), None);
            assert_eq!(decode(inner, split), None);
        }
    }

    #[test]
    fn a_reference_to_rewrite_in_either_half_goes_down_the_general_path() {
        let nested = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{"A":{"$ref":"#/components/schemas/B/properties/c"},"B":{"properties":{"c":{"type":"string"}}}}}}"##;
        assert_eq!(decode(nested, true), None);
        assert_eq!(decode(nested, false), None);
        let foreign = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"$ref":"#/components/schemas/A"}}}}},"components":{"schemas":{"A":{"type":"string"}}}}"##;
        assert_eq!(decode(foreign, true), None);
        assert_eq!(decode(foreign, false), None);
        // `components` is scanned on its own thread when split: what it
        // finds there sends the document down the general path too.
        let external = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{"A":{"$ref":"other.json#/A"}}}}"##;
        assert_eq!(decode(external, true), None);
        assert_eq!(decode(external, false), None);
        let twice = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{"A":{"type":"string"},"A":{"type":"integer"}}}}"##;
        assert_eq!(decode(twice, true), None);
        assert_eq!(decode(twice, false), None);
    }
}
