//! A large JSON document decoded on two threads. Its members, and the
//! entries of its `paths`, are split out as raw text (a fraction of the
//! cost of decoding them) and shared out by size: `components` and the
//! first path entries on a second thread, the rest here. Each thread scans
//! its share for references that need a rewrite and decodes it; the
//! document is then put together in its order.

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, Paths};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::scan;

/// A byte of a path entry costs about this many bytes of `components`:
/// openapiv3 decodes every path item and parameter through serde's
/// buffered untagged enums (measured on the nexus specs: 148 kB of paths
/// 7 ms, 105 kB of components 1.7 ms).
const PATH_BYTE_COST: usize = 3;

/// The typed document, or `None` for the general path: the document is
/// no plain OpenAPI 3.0 JSON document, has a key twice, or does not
/// decode (the general path locates the error).
pub(super) fn decode(text: &str) -> Option<OpenAPI> {
    let members = Members::of(text)?;
    let paths = match members.get("paths") {
        Some(raw) => Members::of(raw.get())?,
        None => Members::default(),
    };
    let components = members.get("components");
    let (first, second) = paths.0.split_at(helper_share(components, &paths));
    let on_helper = || {
        let mut findings = scan::Findings::default();
        let components = match components {
            Some(raw) => {
                let mut value = serde_json::Deserializer::from_str(raw.get());
                scan::scan_member("components", &mut value, &mut findings).ok()?;
                Some(serde_json::from_str::<Components>(raw.get()).ok()?)
            }
            None => None,
        };
        let paths = decode_path_entries(first, &mut findings)?;
        findings.needs_no_rewrite().then_some((components, paths))
    };
    let here = || {
        let mut findings = scan::Findings::default();
        let document = decode_other_members(&members, &mut findings)?;
        let paths = decode_path_entries(second, &mut findings)?;
        findings.is_plain_3_0().then_some((document, paths))
    };
    let (on_helper, here) = crate::parallel::join(on_helper, here);
    let (components, mut paths) = on_helper?;
    let (mut document, rest) = here?;
    paths.paths.extend(rest.paths);
    paths.extensions.extend(rest.extensions);
    document.components = components;
    document.paths = paths;
    Some(document)
}

/// How many path entries go to the second thread with `components`: as
/// many as bring its share to half the cost.
fn helper_share(components: Option<&RawValue>, paths: &Members<'_>) -> usize {
    let cost = |raw: &RawValue| raw.get().len() * PATH_BYTE_COST;
    let total: usize = components.map_or(0, |raw| raw.get().len())
        + paths.0.iter().map(|(_, raw)| cost(raw)).sum::<usize>();
    let mut share = components.map_or(0, |raw| raw.get().len());
    paths
        .0
        .iter()
        .position(|(_, raw)| {
            let full = 2 * share >= total;
            share += cost(raw);
            full
        })
        .unwrap_or(paths.0.len())
}

/// The document without `components`, its `paths` left empty.
fn decode_other_members(members: &Members<'_>, findings: &mut scan::Findings) -> Option<OpenAPI> {
    let mut text = String::from("{");
    for (key, raw) in &members.0 {
        if key == "components" {
            continue;
        }
        let value = if key == "paths" {
            "{}"
        } else {
            let mut value = serde_json::Deserializer::from_str(raw.get());
            scan::scan_member(key, &mut value, findings).ok()?;
            raw.get()
        };
        if text.len() > 1 {
            text.push(',');
        }
        text.push_str(&serde_json::to_string(key).ok()?);
        text.push(':');
        text.push_str(value);
    }
    text.push('}');
    serde_json::from_str(&text).ok()
}

/// Path entries as openapiv3's `Paths` takes them: keys starting with `/`
/// are path items, `x-` extensions, and others are ignored.
fn decode_path_entries(
    entries: &[(String, &RawValue)],
    findings: &mut scan::Findings,
) -> Option<Paths> {
    let mut paths = Paths::default();
    for (key, raw) in entries {
        let mut value = serde_json::Deserializer::from_str(raw.get());
        scan::scan_path_entry(key, &mut value, findings).ok()?;
        if key.starts_with('/') {
            paths
                .paths
                .insert(key.clone(), serde_json::from_str(raw.get()).ok()?);
        } else if key.starts_with("x-") {
            paths
                .extensions
                .insert(key.clone(), serde_json::from_str(raw.get()).ok()?);
        }
    }
    Some(paths)
}

/// The members of a JSON object, in order, each as its raw text.
#[derive(Default)]
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
    fn path_entries_are_shared_out_in_order_with_extensions() {
        let mut json = String::from(
            r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"x-first":{"a":1},"#,
        );
        for i in 0..40 {
            json.push_str(&format!(
                r#""/items/{i}":{{"get":{{"operationId":"get{i}","responses":{{"200":{{"description":"ok"}}}}}}}},"#
            ));
        }
        json.push_str(
            r#""x-last":true,"other":1},"components":{"schemas":{"A":{"type":"string"}}}}"#,
        );
        let whole: OpenAPI = serde_json::from_str(&json).unwrap();
        let halves = decode(&json).expect("a plain 3.0 document");
        assert_eq!(halves, whole);
        let keys: Vec<&String> = halves.paths.paths.keys().collect();
        assert_eq!(keys.len(), 40);
        assert_eq!(keys[0], "/items/0");
        assert_eq!(keys[39], "/items/39");
        let shared = helper_share(
            Members::of(&json).unwrap().get("components"),
            &Members::of(Members::of(&json).unwrap().get("paths").unwrap().get()).unwrap(),
        );
        assert!(
            shared > 0 && shared < 42,
            "both threads get path entries ({shared})"
        );
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
