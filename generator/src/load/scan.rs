//! One pass over a spec document that finds what the typed parse cannot
//! handle by itself: the version fields, `$ref`s that cross component kinds,
//! `$ref`s that point inside a component, and keys given twice in a mapping
//! (which the typed parse would take one of without a word).
//!
//! It is a serde visitor, so it runs over any self-describing input: the
//! raw JSON bytes (where it allocates almost nothing, which lets a plain
//! 3.0 JSON spec skip building a `serde_json::Value` tree), or a tree that
//! was built anyway (YAML, 3.1 rewrites).

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;

use crate::diagnostics::pointer_token;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// What the scan found.
#[derive(Debug, Default)]
pub struct Findings {
    /// The top-level `openapi` field, when it is a string.
    pub openapi: Option<String>,
    /// Whether there is a top-level `swagger` field (a Swagger 2.0 document).
    pub swagger: bool,
    /// Responses, parameters and request bodies that `$ref` a component of
    /// another kind, or a node elsewhere in the document; `openapiv3` only
    /// follows references to its own kind, so these are inlined. Each is
    /// (JSON pointer of the referring node, the reference, the component
    /// kind expected there).
    pub foreign_refs: Vec<(String, String, &'static str)>,
    /// `$ref`s anywhere that point inside a component or elsewhere in the
    /// document (such as `#/components/schemas/Tag/allOf/0`), in document
    /// order, possibly repeated.
    pub nested_refs: Vec<String>,
    /// Whether some `$ref` names another file.
    pub external_refs: bool,
    /// Whether some mapping may have a key twice (by hash: a collision only
    /// costs the detour through the general path, which says where).
    pub repeated_key: bool,
}

impl Findings {
    /// Whether the typed document, parsed as it is, is all lowering needs:
    /// an OpenAPI 3.0 document with no references to rewrite or resolve.
    pub fn is_plain_3_0(&self) -> bool {
        !self.swagger
            && self
                .openapi
                .as_deref()
                .is_some_and(|v| v.starts_with("3.0."))
            && self.decodes_as_it_is()
    }

    /// Whether no reference needs a rewrite before the typed decoding and
    /// no key is given twice (what a part of a document can tell on its
    /// own).
    pub fn decodes_as_it_is(&self) -> bool {
        self.foreign_refs.is_empty()
            && self.nested_refs.is_empty()
            && !self.external_refs
            && !self.repeated_key
    }
}

/// The keys of one mapping seen so far, by a hash of each: the first
/// sixteen in place, more in a set.
#[derive(Default)]
struct SeenKeys {
    first: [u64; 16],
    len: usize,
    more: std::collections::HashSet<u64>,
}

impl SeenKeys {
    /// Whether `key` (most likely) came before in this mapping.
    fn repeated(&mut self, key: &str) -> bool {
        // FNV-1a: keys are short, and a collision is harmless (see above).
        let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        if self.len < self.first.len() {
            let repeated = self.first[..self.len].contains(&hash);
            self.first[self.len] = hash;
            self.len += 1;
            return repeated;
        }
        if self.more.is_empty() {
            self.more.extend(self.first);
        }
        !self.more.insert(hash)
    }
}

/// Scans a whole document (a mapping).
pub fn scan<'de, D: Deserializer<'de>>(document: D) -> Result<Findings, D::Error> {
    let mut findings = Findings::default();
    document.deserialize_map(Document {
        findings: &mut findings,
    })?;
    Ok(findings)
}

/// Scans one top-level member of a document, adding to `findings`: the
/// members of a document scanned one by one find what the whole does.
pub fn scan_member<'de, D: Deserializer<'de>>(
    key: &str,
    value: D,
    findings: &mut Findings,
) -> Result<(), D::Error> {
    Member {
        key: Cow::Owned(key.to_string()),
        findings,
    }
    .deserialize(value)
}

/// The top level of a document: a mapping of members.
struct Document<'f> {
    findings: &'f mut Findings,
}

impl<'de> Visitor<'de> for Document<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an OpenAPI document (a mapping)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = SeenKeys::default();
        while let Some(key) = map.next_key_seed(Key)? {
            self.findings.repeated_key |= seen.repeated(&key);
            map.next_value_seed(Member {
                key,
                findings: self.findings,
            })?;
        }
        Ok(())
    }
}

/// One top-level member: the version fields, or a subtree to walk.
struct Member<'de, 'f> {
    key: Cow<'de, str>,
    findings: &'f mut Findings,
}

impl<'de> DeserializeSeed<'de> for Member<'de, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, value: D) -> Result<(), D::Error> {
        if self.key == "openapi" {
            // Its text when it is a string; otherwise the version check
            // reports it as missing.
            let version = serde_json::Value::deserialize(value)?;
            self.findings.openapi = version.as_str().map(str::to_string);
            return Ok(());
        }
        if self.key == "swagger" {
            self.findings.swagger = true;
        }
        let ref_value = self.key == "$ref";
        let context = if ref_value {
            Context::Walk
        } else {
            Context::Walk.child(&self.key)
        };
        let mut scanner = Scanner {
            path: vec![Segment::Key(self.key)],
            findings: self.findings,
        };
        Node {
            scanner: &mut scanner,
            context,
            ref_value,
        }
        .deserialize(value)
    }
}

struct Scanner<'de, 'f> {
    /// Keys and indices from the root to the node being visited.
    path: Vec<Segment<'de>>,
    findings: &'f mut Findings,
}

enum Segment<'de> {
    Key(Cow<'de, str>),
    Index(usize),
}

impl Scanner<'_, '_> {
    fn pointer(&self) -> String {
        let mut pointer = String::from("#");
        for segment in &self.path {
            pointer.push('/');
            match segment {
                Segment::Key(key) => pointer.push_str(&pointer_token(key)),
                Segment::Index(index) => pointer.push_str(&index.to_string()),
            }
        }
        pointer
    }
}

/// Where a node sits, as far as foreign references are concerned. Schemas
/// resolve their own references (nested refs), so their subtrees are not
/// looked at for foreign ones, nor are arrays other than `parameters`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Looking for `responses`, `parameters` and `requestBody` keys.
    Walk,
    /// The value of a `responses` key: each entry is a response.
    Responses,
    /// The value of a `parameters` key: each item is a parameter.
    Parameters,
    /// The value of an operation's `callbacks` key: each entry is a
    /// callback, which `openapiv3` cannot take as a `$ref` at all.
    Callbacks,
    /// A response, parameter or request body: its own `$ref` is checked
    /// against this component kind.
    Item(&'static str, Inside),
    /// Nothing here can be a foreign reference.
    Off,
}

/// What to look for inside an [`Context::Item`] after its own `$ref`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Inside {
    Walk,
    Off,
}

impl Context {
    fn child(self, key: &str) -> Context {
        match self {
            Context::Walk | Context::Item(_, Inside::Walk) => match key {
                "responses" => Context::Responses,
                "parameters" => Context::Parameters,
                "callbacks" => Context::Callbacks,
                "requestBody" => Context::Item("requestBodies", Inside::Walk),
                "schema" | "schemas" | "properties" | "items" | "allOf" | "oneOf" | "anyOf" => {
                    Context::Off
                }
                _ => Context::Walk,
            },
            Context::Responses => Context::Item("responses", Inside::Walk),
            Context::Callbacks => Context::Item("callbacks", Inside::Walk),
            // `parameters` as a map (not a list) is walked like any object.
            Context::Parameters => Context::Walk.child(key),
            Context::Item(_, Inside::Off) | Context::Off => Context::Off,
        }
    }

    fn element(self) -> Context {
        match self {
            Context::Parameters => Context::Item("parameters", Inside::Off),
            _ => Context::Off,
        }
    }
}

/// One node of the document, visited with its context.
struct Node<'s, 'de, 'f> {
    scanner: &'s mut Scanner<'de, 'f>,
    context: Context,
    /// This node is the value of a `$ref` key.
    ref_value: bool,
}

impl<'de> DeserializeSeed<'de> for Node<'_, 'de, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Node<'_, '_, '_> {
    fn reference(self, reference: &str) {
        if !self.ref_value {
            return;
        }
        if !reference.starts_with('#') {
            self.scanner.findings.external_refs = true;
            return;
        }
        // The `$ref` key is the last path segment; the referring node is
        // the object that holds it.
        if reference.starts_with("#/") && !super::refs::is_component_ref(reference) {
            self.scanner
                .findings
                .nested_refs
                .push(reference.to_string());
        }
        if let Context::Item(kind, _) = self.context {
            let own_kind = reference
                .strip_prefix("#/components/")
                .and_then(|rest| rest.strip_prefix(kind))
                .is_some_and(|rest| rest.starts_with('/'));
            if !own_kind || reference.matches('/').count() > 3 || kind == "callbacks" {
                let holder = self.scanner.path.pop();
                let pointer = self.scanner.pointer();
                self.scanner.path.extend(holder);
                self.scanner
                    .findings
                    .foreign_refs
                    .push((pointer, reference.to_string(), kind));
            }
        }
    }
}

impl<'de> Visitor<'de> for Node<'_, 'de, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an OpenAPI document")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_str<E>(self, value: &str) -> Result<(), E> {
        self.reference(value);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let context = self.context.element();
        let mut index = 0usize;
        loop {
            self.scanner.path.push(Segment::Index(index));
            let more = seq.next_element_seed(Node {
                scanner: self.scanner,
                context,
                ref_value: false,
            })?;
            self.scanner.path.pop();
            if more.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = SeenKeys::default();
        while let Some(key) = map.next_key_seed(Key)? {
            self.scanner.findings.repeated_key |= seen.repeated(&key);
            let context = self.context.child(&key);
            let ref_value = key == "$ref";
            self.scanner.path.push(Segment::Key(key));
            map.next_value_seed(Node {
                scanner: self.scanner,
                context: if ref_value { self.context } else { context },
                ref_value,
            })?;
            self.scanner.path.pop();
        }
        Ok(())
    }
}

/// A map key, borrowed from the input where it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(value))
    }
    fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_string()))
    }
    fn visit_string<E>(self, value: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value))
    }
    // YAML keys may be numbers or booleans (response codes such as `200`).
    fn visit_bool<E>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_string()))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_string()))
    }
    fn visit_u64<E>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_string()))
    }
    fn visit_f64<E>(self, value: f64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_json(text: &str) -> Findings {
        scan(&mut serde_json::Deserializer::from_str(text)).expect("scans")
    }

    #[test]
    fn a_key_given_twice_in_any_mapping_is_found() {
        let keys = |n: usize| (0..n).map(|i| format!(r#""k{i}": 1"#)).collect::<Vec<_>>();
        for n in [1, 15, 16, 17, 40] {
            let mut members = keys(n);
            let distinct = format!(r#"{{"openapi": "3.0.3", "x": {{{}}}}}"#, members.join(","));
            assert!(!scan_json(&distinct).repeated_key, "{n} distinct keys");
            members.push(r#""k0": 2"#.to_string());
            let repeated = format!(r#"{{"openapi": "3.0.3", "x": {{{}}}}}"#, members.join(","));
            assert!(
                scan_json(&repeated).repeated_key,
                "the first of {n} keys again"
            );
            assert!(!scan_json(&repeated).is_plain_3_0());
        }
        let top = r#"{"openapi": "3.0.3", "info": {}, "info": {}}"#;
        assert!(scan_json(top).repeated_key);
    }

    #[test]
    fn a_plain_document_needs_no_rewrite() {
        let findings = scan_json(
            r##"{"openapi": "3.0.3", "paths": {"/a": {"get": {
                "parameters": [{"$ref": "#/components/parameters/P"}],
                "requestBody": {"$ref": "#/components/requestBodies/B"},
                "responses": {"200": {"$ref": "#/components/responses/R"}}}}},
              "components": {"schemas": {"S": {"properties": {
                "responses": {"$ref": "#/components/schemas/T"}}}}}}"##,
        );
        assert_eq!(findings.openapi.as_deref(), Some("3.0.3"));
        assert!(findings.is_plain_3_0(), "{findings:?}");
    }

    #[test]
    fn foreign_and_nested_references_are_found_with_their_pointers() {
        let findings = scan_json(
            r##"{"openapi": "3.0.3", "paths": {"/a~b/{id}": {
                "parameters": [{"name": "x"}, {"$ref": "#/components/schemas/Id"}],
                "put": {
                  "requestBody": {"$ref": "#/components/responses/R"},
                  "responses": {
                    "200": {"$ref": "#/components/requestBodies/B"},
                    "404": {"$ref": "#/components/responses/NotFound"}}}}},
              "components": {"schemas": {
                "S": {"allOf": [{"$ref": "#/components/schemas/T/allOf/0"}]},
                "U": {"properties": {"requestBody": {"$ref": "#/components/schemas/V"}}}}}}"##,
        );
        assert_eq!(
            findings.foreign_refs,
            vec![
                (
                    "#/paths/~1a~0b~1{id}/parameters/1".to_string(),
                    "#/components/schemas/Id".to_string(),
                    "parameters"
                ),
                (
                    "#/paths/~1a~0b~1{id}/put/requestBody".to_string(),
                    "#/components/responses/R".to_string(),
                    "requestBodies"
                ),
                (
                    "#/paths/~1a~0b~1{id}/put/responses/200".to_string(),
                    "#/components/requestBodies/B".to_string(),
                    "responses"
                ),
            ]
        );
        assert_eq!(findings.nested_refs, vec!["#/components/schemas/T/allOf/0"]);
        assert!(!findings.is_plain_3_0());
    }

    #[test]
    fn versions_other_than_3_0_are_not_plain() {
        assert!(!scan_json(r#"{"openapi": "3.1.0"}"#).is_plain_3_0());
        assert!(!scan_json(r#"{"openapi": 3.0}"#).is_plain_3_0());
        assert!(!scan_json(r#"{"swagger": "2.0"}"#).is_plain_3_0());
        assert!(!scan_json(r#"{"info": {"openapi": "3.0.0"}}"#).is_plain_3_0());
    }

    #[test]
    fn a_tree_scans_like_its_text() {
        let text = r##"{"openapi": "3.0.0", "paths": {"/a": {"get": {
            "responses": {"200": {"$ref": "#/paths/~1b/get/responses/200"}}}}}}"##;
        let tree: serde_json::Value = serde_json::from_str(text).unwrap();
        let from_tree = scan(&tree).unwrap();
        let from_text = scan_json(text);
        assert_eq!(from_tree.foreign_refs, from_text.foreign_refs);
        assert_eq!(from_tree.nested_refs, from_text.nested_refs);
        assert_eq!(from_tree.foreign_refs.len(), 1);
    }
}
