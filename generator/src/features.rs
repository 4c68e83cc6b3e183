//! Cargo features per tag: with them, a crate built for a few tags of a
//! large API compiles only those operations and the types they reach.
//! Types reached from several tags compile when any of them is on; types an
//! untagged operation reaches (or no operation does) always do.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, ErrorRef, TypeId, TypeRef, visit_def_refs};

/// Features other than tags that a generated crate has.
const RESERVED: &[&str] = &[
    "default",
    "mock",
    "std",
    "rustls",
    "rustls-aws-lc",
    "native-tls",
    "http2",
    "tracing",
    "chrono",
    "uuid",
];

/// Which features gate which items; empty when features per tag are off.
#[derive(Clone, Debug, Default)]
pub struct Gates {
    /// Per operation: the features (one per tag) that turn it on; empty:
    /// always on.
    operations: Vec<BTreeSet<String>>,
    /// Per type, likewise.
    types: Vec<BTreeSet<String>>,
    /// Per shared error enum, likewise.
    shared_errors: Vec<BTreeSet<String>>,
    /// Every feature, with its tag.
    pub features: BTreeMap<String, String>,
}

/// A Cargo feature name for a tag: lowercase words joined by `-`.
pub fn feature_name(tag: &str) -> String {
    let words: Vec<String> = tag
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut name = words.join("-");
    if name.is_empty() {
        name = "untitled".into();
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "tag-");
    }
    name
}

impl Gates {
    /// The gates of an API's items, with features named `<prefix>-<tag>`
    /// (or `<tag>` for an empty prefix); none without a prefix.
    pub fn of(api: &Api, prefix: Option<&str>) -> Gates {
        let Some(prefix) = prefix else {
            return Gates::default();
        };
        let mut features: BTreeMap<String, String> = BTreeMap::new();
        let mut by_tag: BTreeMap<&str, String> = BTreeMap::new();
        for tag in api.operations.iter().flat_map(|op| &op.tags) {
            if by_tag.contains_key(tag.as_str()) {
                continue;
            }
            let base = match prefix {
                "" => feature_name(tag),
                prefix => format!("{prefix}-{}", feature_name(tag)),
            };
            let mut name = base.clone();
            let mut n = 2;
            while features.contains_key(&name) || RESERVED.contains(&name.as_str()) {
                name = format!("{base}-{n}");
                n += 1;
            }
            features.insert(name.clone(), tag.clone());
            by_tag.insert(tag, name);
        }
        let operations: Vec<BTreeSet<String>> = api
            .operations
            .iter()
            .map(|op| op.tags.iter().map(|t| by_tag[t.as_str()].clone()).collect())
            .collect();
        // Types: the union of the gates of the operations that reach them;
        // reached by an ungated operation, or by none, means always on.
        let mut reached: Vec<Option<BTreeSet<String>>> = vec![None; api.types.len()];
        let mut always = vec![false; api.types.len()];
        for (op, gate) in api.operations.iter().zip(&operations) {
            let mut roots = Vec::new();
            let mut add = |ty: &TypeRef| ty.visit_named(&mut |id| roots.push(id));
            op.params.iter().for_each(|p| add(&p.ty));
            op.body.iter().for_each(|b| add(&b.ty));
            op.responses.iter().for_each(|r| add(&r.ty));
            for id in reach(api, roots) {
                if gate.is_empty() {
                    always[id.0] = true;
                } else {
                    reached[id.0]
                        .get_or_insert_with(BTreeSet::new)
                        .extend(gate.iter().cloned());
                }
            }
        }
        // A type no operation reaches is always on, and so is everything it
        // reaches (or it would name a type that a feature turned off).
        let unreached: Vec<TypeId> = (0..api.types.len())
            .filter(|&i| reached[i].is_none() && !always[i])
            .map(TypeId)
            .collect();
        for id in reach(api, unreached) {
            always[id.0] = true;
        }
        let types = reached
            .into_iter()
            .zip(always)
            .map(|(gate, always)| {
                if always {
                    BTreeSet::new()
                } else {
                    gate.unwrap_or_default()
                }
            })
            .collect();
        let shared_errors = (0..api.error_enums.len())
            .map(|e| {
                let users: Vec<&BTreeSet<String>> = api
                    .operations
                    .iter()
                    .zip(&operations)
                    .filter(|(op, _)| op.error == Some(ErrorRef::Shared(e)))
                    .map(|(_, gate)| gate)
                    .collect();
                if users.iter().any(|g| g.is_empty()) {
                    BTreeSet::new()
                } else {
                    users.into_iter().flatten().cloned().collect()
                }
            })
            .collect();
        Gates {
            operations,
            types,
            shared_errors,
            features,
        }
    }

    /// `#[cfg(...)]` for an operation's items.
    pub fn operation(&self, index: usize) -> TokenStream {
        cfg(self.operations.get(index))
    }

    /// `#[cfg(...)]` for a type's items.
    pub fn type_gate(&self, id: TypeId) -> TokenStream {
        cfg(self.types.get(id.0))
    }

    /// `#[cfg(...)]` for a shared error enum.
    pub fn shared_error(&self, index: usize) -> TokenStream {
        cfg(self.shared_errors.get(index))
    }
}

fn cfg(features: Option<&BTreeSet<String>>) -> TokenStream {
    match features.map(|f| f.iter().collect::<Vec<_>>()).as_deref() {
        None | Some([]) => TokenStream::new(),
        Some([one]) => quote!(#[cfg(feature = #one)]),
        Some(many) => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

fn reach(api: &Api, mut work: Vec<TypeId>) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    while let Some(id) = work.pop() {
        if seen.insert(id) {
            visit_def_refs(api.def(id), &mut |ty| {
                ty.visit_named(&mut |inner| work.push(inner))
            });
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /runs:
    get:
      operationId: listRuns
      tags: [runs]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Run"}
components:
  schemas:
    Run:
      type: object
      properties:
        step: {$ref: "#/components/schemas/Step"}
    Step:
      type: object
      properties:
        name: {type: string}
    RunEvent:
      description: Used by no operation, but it names a `Run`.
      type: object
      properties:
        data: {$ref: "#/components/schemas/Run"}
"##;

    #[test]
    fn what_an_always_on_type_reaches_is_always_on() {
        let loaded = crate::load::parse(std::path::Path::new("api.yaml"), SPEC.as_bytes()).unwrap();
        let (api, _) = crate::lower::lower(&loaded, "api").unwrap();
        let gates = Gates::of(&api, Some(""));
        let gate = |name: &str| {
            let index = api.types.iter().position(|t| t.name == name).unwrap();
            gates.types[index].clone()
        };
        // `RunEvent` is reached by no operation, so it is always on, and so
        // are `Run` and `Step`, which it names (they were gated by `runs`,
        // and a crate built without it did not compile).
        assert!(gate("RunEvent").is_empty());
        assert!(gate("Run").is_empty(), "{:?}", gate("Run"));
        assert!(gate("Step").is_empty());
        assert_eq!(gates.operations[0], BTreeSet::from(["runs".to_string()]));
    }
}
