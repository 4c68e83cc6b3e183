//! Cargo features per tag: with them, a crate built for a few tags of a
//! large API compiles only those operations and the types they reach.
//! Types reached from several tags compile when any of them is on; types an
//! untagged operation reaches always do; a type no operation reaches
//! compiles when everything it names does.

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
    /// Per type: when it compiles.
    types: Vec<Gate>,
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
        // A type no operation reaches compiles when everything it reaches
        // does: the gates of the reached types it names, all of them.
        let reached_gates: Vec<Option<Gate>> = reached
            .into_iter()
            .zip(&always)
            .map(|(gate, always)| match gate {
                _ if *always => Some(Gate::default()),
                Some(features) => Some(Gate::any(features)),
                None => None,
            })
            .collect();
        let types = unreached_gates(api, reached_gates);
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
        self.types.get(id.0).map(Gate::cfg).unwrap_or_default()
    }

    /// `#[cfg(...)]` for a shared error enum.
    pub fn shared_error(&self, index: usize) -> TokenStream {
        cfg(self.shared_errors.get(index))
    }
}

/// When an item compiles: every clause holds, a clause being any one of its
/// features. No clause: always.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gate(Vec<BTreeSet<String>>);

impl Gate {
    /// On when any of `features` is; always on for none.
    fn any(features: BTreeSet<String>) -> Gate {
        Gate::all(std::iter::once(&Gate(vec![features])))
    }

    /// On when every one of `gates` is. A clause that another one implies
    /// (a superset of it) is left out, so the `cfg` stays short.
    fn all<'a>(gates: impl IntoIterator<Item = &'a Gate>) -> Gate {
        let mut clauses: Vec<&BTreeSet<String>> = gates
            .into_iter()
            .flat_map(|g| &g.0)
            .filter(|c| !c.is_empty())
            .collect();
        clauses.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        clauses.dedup();
        let mut kept: Vec<BTreeSet<String>> = Vec::new();
        for clause in clauses {
            if !kept.iter().any(|k| k.is_subset(clause)) {
                kept.push(clause.clone());
            }
        }
        kept.sort();
        Gate(kept)
    }

    fn cfg(&self) -> TokenStream {
        match self.0.as_slice() {
            [] => TokenStream::new(),
            [one] => cfg(Some(one)),
            clauses => {
                let clauses = clauses.iter().map(predicate);
                quote!(#[cfg(all(#(#clauses),*))])
            }
        }
    }
}

/// `feature = "a"` or `any(feature = "a", ...)`.
fn predicate(features: &BTreeSet<String>) -> TokenStream {
    match features.iter().collect::<Vec<_>>().as_slice() {
        [one] => quote!(feature = #one),
        many => quote!(any(#(feature = #many),*)),
    }
}

fn cfg(features: Option<&BTreeSet<String>>) -> TokenStream {
    match features.map(|f| f.iter().collect::<Vec<_>>()).as_deref() {
        None | Some([]) => TokenStream::new(),
        Some([one]) => quote!(#[cfg(feature = #one)]),
        Some(many) => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// The gates of every type, given those of the reached ones (`None`: no
/// operation reaches it). An unreached type compiles when all that it
/// names does. Types naming each other in a cycle share one gate, so the
/// unreached types are taken a strongly connected group at a time, each
/// after the groups it names: linear in the size of the API.
fn unreached_gates(api: &Api, reached: Vec<Option<Gate>>) -> Vec<Gate> {
    let named: Vec<Vec<usize>> = (0..api.types.len())
        .map(|i| {
            let mut out = Vec::new();
            visit_def_refs(api.def(TypeId(i)), &mut |ty| {
                ty.visit_named(&mut |inner| out.push(inner.0))
            });
            out
        })
        .collect();
    let unreached: Vec<bool> = reached.iter().map(Option::is_none).collect();
    let mut gates = reached;
    let edges = |i: usize| -> &[usize] { if unreached[i] { &named[i] } else { &[] } };
    for group in strongly_connected(named.len(), edges) {
        if !unreached[group[0]] {
            continue;
        }
        let parts: Vec<Gate> = group
            .iter()
            .flat_map(|&i| &named[i])
            .filter_map(|&child| gates[child].clone())
            .collect();
        let gate = Gate::all(&parts);
        for &i in &group {
            gates[i] = Some(gate.clone());
        }
    }
    gates.into_iter().map(Option::unwrap_or_default).collect()
}

/// Tarjan's strongly connected components of the graph `0..nodes` with
/// `edges`, iteratively (a spec's chains can be deep): each component comes
/// after every component it has an edge to.
fn strongly_connected<'a>(nodes: usize, edges: impl Fn(usize) -> &'a [usize]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; nodes];
    let mut low = vec![0; nodes];
    let mut on_stack = vec![false; nodes];
    let mut stack = Vec::new();
    let mut groups = Vec::new();
    let mut next = 0;
    for root in 0..nodes {
        if index[root] != UNSEEN {
            continue;
        }
        // The depth-first walk as a stack of (node, edges of it taken).
        let mut calls = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(node, taken)) = calls.last() {
            if let Some(&child) = edges(node).get(taken) {
                calls.last_mut().expect("just read").1 += 1;
                if index[child] == UNSEEN {
                    index[child] = next;
                    low[child] = next;
                    next += 1;
                    stack.push(child);
                    on_stack[child] = true;
                    calls.push((child, 0));
                } else if on_stack[child] {
                    low[node] = low[node].min(index[child]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut group = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    group.push(member);
                    if member == node {
                        break;
                    }
                }
                groups.push(group);
            }
        }
    }
    groups
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
    fn a_type_no_operation_reaches_compiles_with_what_it_names() {
        let loaded = crate::load::parse(std::path::Path::new("api.yaml"), SPEC.as_bytes()).unwrap();
        let (api, _) = crate::lower::lower(&loaded, "api").unwrap();
        let gates = Gates::of(&api, Some(""));
        let gate = |name: &str| {
            let index = api.types.iter().position(|t| t.name == name).unwrap();
            gates.types[index].clone()
        };
        let runs = Gate::any(BTreeSet::from(["runs".to_string()]));
        // `RunEvent` is reached by no operation but names a `Run`: on with
        // `runs` (always on, it named a type `runs` turned off).
        assert_eq!(gate("RunEvent"), runs);
        assert_eq!(gate("Run"), runs);
        assert_eq!(gate("Step"), runs);
        assert_eq!(gates.operations[0], BTreeSet::from(["runs".to_string()]));
    }

    #[test]
    fn clauses_that_others_imply_are_left_out() {
        let set = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>();
        let gate = Gate::all(&[
            Gate::any(set(&["a", "b"])),
            Gate::any(set(&["a"])),
            Gate::any(set(&["c"])),
            Gate::default(),
            Gate::any(set(&["c"])),
        ]);
        assert_eq!(gate, Gate(vec![set(&["a"]), set(&["c"])]));
        assert_eq!(
            gate.cfg().to_string(),
            quote!(#[cfg(all(feature = "a", feature = "c"))]).to_string()
        );
        assert_eq!(Gate::all(&[]), Gate::default());
    }

    #[test]
    fn components_come_after_those_they_point_to() {
        // 0 -> 1 -> 2 -> 1, 3 alone, 4 -> 0
        let edges: Vec<Vec<usize>> = vec![vec![1], vec![2], vec![1], vec![], vec![0]];
        let groups = strongly_connected(edges.len(), |i| &edges[i]);
        let mut sorted: Vec<Vec<usize>> = groups
            .iter()
            .map(|g| {
                let mut g = g.clone();
                g.sort();
                g
            })
            .collect();
        assert_eq!(sorted.remove(0), vec![1, 2]);
        assert_eq!(sorted, vec![vec![0], vec![3], vec![4]]);
    }
}
