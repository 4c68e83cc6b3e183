//! Cargo features per tag: with them, a crate built for a few tags of a
//! large API compiles only those operations and the types they reach.
//! An untagged operation belongs to a group named for its path (its first
//! literal segment after the prefix all routes share), which joins the tag
//! of the same name if there is one. Types reached from several groups
//! compile when any of them is on; a type no operation reaches compiles
//! when everything it names does.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::{DiGraph, NodeIndex};
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
    /// Per operation: on when any of its groups' features is.
    operations: Vec<Gate>,
    /// Per type: when it compiles.
    types: Vec<Gate>,
    /// Per shared error enum: on when an operation using it is.
    shared_errors: Vec<Gate>,
    /// Every feature, with the tag (or path segment) it stands for.
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
        let groups = Groups::of(api);
        let (features, by_group) = feature_names(&groups, prefix);
        let operations: Vec<BTreeSet<String>> = groups
            .per_operation
            .iter()
            .map(|names| names.iter().map(|g| by_group[g.as_str()].clone()).collect())
            .collect();
        // Types: the union of the gates of the operations that reach them.
        let mut reached: Vec<Option<BTreeSet<String>>> = vec![None; api.types.len()];
        for (op, gate) in api.operations.iter().zip(&operations) {
            let mut roots = Vec::new();
            let mut add = |ty: &TypeRef| ty.visit_named(&mut |id| roots.push(id));
            op.params.iter().for_each(|p| add(&p.ty));
            op.body.iter().for_each(|b| add(&b.ty));
            op.responses.iter().for_each(|r| add(&r.ty));
            for id in reach(api, roots) {
                reached[id.0]
                    .get_or_insert_with(BTreeSet::new)
                    .extend(gate.iter().cloned());
            }
        }
        // A type no operation reaches compiles when everything it reaches
        // does: the gates of the reached types it names, all of them.
        let types = unreached_gates(api, reached.into_iter().map(|r| r.map(Gate::any)).collect());
        let shared_errors = (0..api.error_enums.len())
            .map(|e| {
                let users = api.operations.iter().zip(&operations);
                Gate::any(
                    users
                        .filter(|(op, _)| op.error == Some(ErrorRef::Shared(e)))
                        .flat_map(|(_, gate)| gate.iter().cloned())
                        .collect(),
                )
            })
            .collect();
        let operations = operations.into_iter().map(Gate::any).collect();
        Gates {
            operations,
            types,
            shared_errors,
            features,
        }
    }

    /// `#[cfg(...)]` for an operation's items.
    pub fn operation(&self, index: usize) -> TokenStream {
        self.operations
            .get(index)
            .map(Gate::cfg)
            .unwrap_or_default()
    }

    /// `#[cfg(...)]` for items that only operations use: on when any
    /// operation is.
    pub fn any_operation(&self) -> TokenStream {
        let features = self.operations.iter().flat_map(|g| g.0.iter().flatten());
        match self.operations.iter().any(|g| g.0.is_empty()) {
            true => TokenStream::new(),
            false => Gate::any(features.cloned().collect()).cfg(),
        }
    }

    /// `#[cfg(...)]` for a type's items.
    pub fn type_gate(&self, id: TypeId) -> TokenStream {
        self.types.get(id.0).map(Gate::cfg).unwrap_or_default()
    }

    /// `#[cfg(...)]` for an item that `users` use (an import, a static):
    /// on when any of them compiles, so that it is never unused.
    pub fn used_by(&self, users: impl IntoIterator<Item = User>) -> TokenStream {
        let gates: Option<Vec<&Gate>> = users
            .into_iter()
            .map(|user| match user {
                User::Operation(index) => self.operations.get(index),
                User::Type(id) => self.types.get(id.0),
            })
            .collect();
        // A user without a gate (or features off): always on.
        gates
            .map(|gates| Gate::either_cfg(&gates))
            .unwrap_or_default()
    }

    /// `#[cfg(...)]` for a shared error enum.
    pub fn shared_error(&self, index: usize) -> TokenStream {
        self.shared_errors
            .get(index)
            .map(Gate::cfg)
            .unwrap_or_default()
    }
}

/// A feature name for every group: `<prefix>-<group>` made a Cargo name,
/// numbered when taken. A path group whose name a tag (or an earlier path
/// group) already has joins it. Returns every feature with the group it
/// stands for, and each group's feature.
fn feature_names<'a>(
    groups: &'a Groups,
    prefix: &str,
) -> (BTreeMap<String, String>, BTreeMap<&'a str, String>) {
    let mut features: BTreeMap<String, String> = BTreeMap::new();
    let mut by_group: BTreeMap<&str, String> = BTreeMap::new();
    let mut by_base: BTreeMap<String, String> = BTreeMap::new();
    let mut next_number: BTreeMap<String, usize> = BTreeMap::new();
    for (group, is_tag) in groups.in_order() {
        if by_group.contains_key(group) {
            continue;
        }
        let base = match prefix {
            "" => feature_name(group),
            prefix => format!("{prefix}-{}", feature_name(group)),
        };
        if let Some(name) = by_base.get(&base).filter(|_| !is_tag) {
            by_group.insert(group, name.clone());
            continue;
        }
        // Numbered from where the base's last number was: smaller ones are
        // taken for good (from 2 each time, thousands of tags that make
        // one name, `untitled`, were quadratic).
        let mut name = base.clone();
        let mut n = next_number.get(&base).copied().unwrap_or(2);
        while features.contains_key(&name) || RESERVED.contains(&name.as_str()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        next_number.insert(base.clone(), n);
        features.insert(name.clone(), group.to_string());
        by_base.entry(base).or_insert_with(|| name.clone());
        by_group.insert(group, name);
    }
    (features, by_group)
}

/// The group of each operation: its tags, or for an untagged one a path
/// group, the first literal segment of its route after the literal prefix
/// all routes share (`/v1/files/{id}` in a `/v1` API: `files`).
struct Groups {
    per_operation: Vec<Vec<String>>,
    /// Every tag, so that tags are named before path groups.
    tags: BTreeSet<String>,
}

impl Groups {
    fn of(api: &Api) -> Groups {
        let routes: Vec<Vec<&str>> = api
            .operations
            .iter()
            .map(|op| segments(&op.route))
            .collect();
        let prefix = common_literal_prefix(&routes);
        let per_operation = api
            .operations
            .iter()
            .zip(&routes)
            .map(|(op, route)| match op.tags.is_empty() {
                false => op.tags.clone(),
                true => vec![path_group(&route[prefix..], route)],
            })
            .collect();
        let tags = api
            .operations
            .iter()
            .flat_map(|op| op.tags.iter().cloned())
            .collect();
        Groups {
            per_operation,
            tags,
        }
    }

    /// Every group once with whether it is a tag: tags first, in the order
    /// operations name them, then path groups.
    fn in_order(&self) -> impl Iterator<Item = (&str, bool)> {
        let all = || self.per_operation.iter().flatten().map(String::as_str);
        let tags = all().filter(|g| self.tags.contains(*g)).map(|g| (g, true));
        let paths = all()
            .filter(|g| !self.tags.contains(*g))
            .map(|g| (g, false));
        tags.chain(paths)
    }
}

/// The segments of a route, without its query part; `{param}` segments
/// included, so prefixes stay aligned.
fn segments(route: &str) -> Vec<&str> {
    let path = route.split('?').next().unwrap_or_default();
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn is_literal(segment: &str) -> bool {
    !segment.contains('{')
}

/// How many leading literal segments every route shares.
fn common_literal_prefix(routes: &[Vec<&str>]) -> usize {
    let Some(first) = routes.first() else {
        return 0;
    };
    first
        .iter()
        .enumerate()
        .take_while(|(i, s)| is_literal(s) && routes.iter().all(|r| r.get(*i) == Some(*s)))
        .count()
}

/// The first literal segment after the shared prefix; else the route's last
/// literal one; else `untagged`.
fn path_group(rest: &[&str], route: &[&str]) -> String {
    let literal = |s: &&&str| is_literal(s);
    rest.iter()
        .find(literal)
        .or_else(|| route.iter().rev().find(literal))
        .map_or("untagged", |s| s)
        .to_string()
}

/// An item that uses a shared one.
#[derive(Clone, Copy, Debug)]
pub enum User {
    Operation(usize),
    Type(TypeId),
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
        match self.predicate() {
            Some(predicate) => quote!(#[cfg(#predicate)]),
            None => TokenStream::new(),
        }
    }

    /// The condition inside `cfg(...)`; `None` for always.
    fn predicate(&self) -> Option<TokenStream> {
        match self.0.as_slice() {
            [] => None,
            [one] => Some(predicate(one)),
            clauses => {
                let clauses = clauses.iter().map(predicate);
                Some(quote!(all(#(#clauses),*)))
            }
        }
    }

    /// `#[cfg(...)]` on when any of `gates` is: nothing when one of them
    /// is always on (or there are none). Gates of one clause merge into
    /// one `any`; a longer gate that this clause implies is left out.
    fn either_cfg(gates: &[&Gate]) -> TokenStream {
        if gates.iter().any(|g| g.0.is_empty()) {
            return TokenStream::new();
        }
        let single: BTreeSet<String> = gates
            .iter()
            .filter(|g| g.0.len() == 1)
            .flat_map(|g| g.0[0].iter().cloned())
            .collect();
        let mut longer: Vec<&Gate> = gates
            .iter()
            .copied()
            .filter(|g| g.0.len() > 1 && !g.0.iter().any(|c| c.is_subset(&single)))
            .collect();
        longer.sort_by(|a, b| a.0.cmp(&b.0));
        longer.dedup();
        let merged = (!single.is_empty()).then(|| Gate::any(single));
        let mut predicates = merged.iter().chain(longer).filter_map(Gate::predicate);
        match (predicates.next(), predicates.next()) {
            (None, _) => TokenStream::new(),
            (Some(one), None) => quote!(#[cfg(#one)]),
            (Some(first), Some(second)) => {
                quote!(#[cfg(any(#first, #second #(, #predicates)*))])
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
    let groups: Vec<Vec<usize>> = strongly_connected(named.len(), edges)
        .into_iter()
        .filter(|group| unreached[group[0]])
        .collect();
    for group in &groups {
        let parts: Vec<Gate> = group
            .iter()
            .flat_map(|&i| &named[i])
            .filter_map(|&child| gates[child].clone())
            .collect();
        let gate = Gate::all(&parts);
        for &i in group {
            gates[i] = Some(gate.clone());
        }
    }
    let mut gates: Vec<Gate> = gates.into_iter().map(Option::unwrap_or_default).collect();
    needed_by_users(&groups, &named, &mut gates);
    gates
}

/// An unreached type that names nothing gated is still only needed by the
/// types that name it (all unreached too: what an operation reaches, it
/// reaches whole): when every one of them is gated, it compiles when any
/// of their features is on. Users come before what they name, so the
/// groups are taken in reverse.
fn needed_by_users(groups: &[Vec<usize>], named: &[Vec<usize>], gates: &mut [Gate]) {
    let mut group_of = vec![usize::MAX; named.len()];
    for (n, group) in groups.iter().enumerate() {
        group.iter().for_each(|&i| group_of[i] = n);
    }
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
    for (user, children) in named.iter().enumerate() {
        for &child in children {
            let group = group_of[child];
            if group != usize::MAX && group_of[user] != group {
                users[group].push(user);
            }
        }
    }
    for (n, group) in groups.iter().enumerate().rev() {
        let gate = &gates[group[0]];
        if !gate.0.is_empty()
            || users[n].is_empty()
            || users[n].iter().any(|&u| gates[u].0.is_empty())
        {
            continue;
        }
        // Each user's gate implies each of its clauses: the disjunction of
        // one (the shortest) per user holds whenever a user compiles.
        let features = users[n]
            .iter()
            .filter_map(|&u| gates[u].0.iter().min_by_key(|clause| clause.len()))
            .flatten()
            .cloned();
        let gate = Gate::any(features.collect());
        for &i in group {
            gates[i] = gate.clone();
        }
    }
}

/// The strongly connected components of the graph `0..nodes` with `edges`,
/// each after every component it has an edge to (Tarjan's order; petgraph
/// walks iteratively, so deep chains do not overflow the stack).
fn strongly_connected<'a>(nodes: usize, edges: impl Fn(usize) -> &'a [usize]) -> Vec<Vec<usize>> {
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(nodes, nodes);
    let ids: Vec<NodeIndex> = (0..nodes).map(|_| graph.add_node(())).collect();
    for from in 0..nodes {
        for &to in edges(from) {
            graph.add_edge(ids[from], ids[to], ());
        }
    }
    petgraph::algo::tarjan_scc(&graph)
        .into_iter()
        .map(|group| group.into_iter().map(NodeIndex::index).collect())
        .collect()
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
        assert_eq!(gates.operations[0], runs);
    }

    fn gate(clauses: &[&[&str]]) -> Gate {
        Gate(
            clauses
                .iter()
                .map(|c| c.iter().map(|f| f.to_string()).collect())
                .collect(),
        )
    }

    #[test]
    fn an_item_its_users_share_is_on_when_any_of_them_is() {
        let either = |gates: &[Gate]| {
            let gates: Vec<&Gate> = gates.iter().collect();
            Gate::either_cfg(&gates).to_string().replace(' ', "")
        };
        // One clause each: one `any` of all their features.
        assert_eq!(
            either(&[gate(&[&["a"]]), gate(&[&["b", "c"]]), gate(&[&["a"]])]),
            r#"#[cfg(any(feature="a",feature="b",feature="c"))]"#
        );
        // A user that is always on makes the item always on.
        assert_eq!(either(&[gate(&[&["a"]]), gate(&[])]), "");
        assert_eq!(either(&[]), "");
        // A longer gate stays whole, unless a clause of it implies the rest.
        assert_eq!(
            either(&[gate(&[&["a"]]), gate(&[&["b"], &["c"]])]),
            r#"#[cfg(any(feature="a",all(feature="b",feature="c")))]"#
        );
        assert_eq!(
            either(&[gate(&[&["a"]]), gate(&[&["a"], &["c"]])]),
            r#"#[cfg(feature="a")]"#
        );
        assert_eq!(
            either(&[gate(&[&["b"], &["c"]]), gate(&[&["b"], &["c"]])]),
            r#"#[cfg(all(feature="b",feature="c"))]"#
        );
    }

    fn groups_of(routes: &[(&str, &[&str])]) -> Vec<Vec<String>> {
        let mut spec = String::from("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n");
        for (n, (route, tags)) in routes.iter().enumerate() {
            spec += &format!(
                "  \"{route}\":\n    get:\n      operationId: op{n}\n      tags: {tags:?}\n      \
                 responses: {{\"204\": {{description: ok}}}}\n"
            );
        }
        let loaded = crate::load::parse(std::path::Path::new("api.yaml"), spec.as_bytes()).unwrap();
        let (api, _) = crate::lower::lower(&loaded, "api").unwrap();
        let gates = Gates::of(&api, Some(""));
        let groups = Groups::of(&api);
        assert!(groups.per_operation.iter().flatten().all(|g| !g.is_empty()));
        gates
            .operations
            .iter()
            .map(|g| g.0.iter().flatten().cloned().collect())
            .collect()
    }

    #[test]
    fn tags_that_make_one_name_are_numbered_in_order_and_quickly() {
        // Tags without an ASCII letter or digit are all `untitled`; a
        // hundred thousand of them (hostile) numbered from 2 each time was
        // five billion look-ups.
        let count = 100_000;
        let tags: Vec<String> = (1..=count)
            .map(|mut n| {
                // `n` in base 6, written with six characters that are not ASCII.
                let mut tag = String::new();
                while n > 0 {
                    tag.push(['é', 'ü', 'ß', 'ø', '!', '~'][n % 6]);
                    n /= 6;
                }
                tag
            })
            .collect();
        let groups = Groups {
            per_operation: tags.iter().map(|t| vec![t.clone()]).collect(),
            tags: tags.iter().cloned().collect(),
        };
        let (features, by_group) = feature_names(&groups, "");
        assert_eq!(features.len(), count);
        assert_eq!(by_group[tags[0].as_str()], "untitled");
        assert_eq!(by_group[tags[1].as_str()], "untitled-2");
        assert_eq!(
            by_group[tags[count - 1].as_str()],
            format!("untitled-{count}")
        );
    }

    #[test]
    fn untagged_operations_are_grouped_by_path() {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // The shared `/v1` is skipped; `/v1/runs/latest` joins the tag `runs`;
        // a route of parameters only is `untagged`.
        let groups = groups_of(&[
            ("/v1/runs", &["runs"]),
            ("/v1/runs/latest", &[]),
            ("/v1/Health/{id}", &[]),
            ("/v1/{id}", &[]),
            ("/v1/files?beta=true", &[]),
        ]);
        assert_eq!(
            groups,
            vec![
                names(&["runs"]),
                names(&["runs"]),
                names(&["health"]),
                names(&["v1"]),
                names(&["files"])
            ]
        );
        // With nothing after the shared prefix, the last literal segment.
        assert_eq!(groups_of(&[("/api/status", &[])]), vec![names(&["status"])]);
        assert_eq!(
            groups_of(&[("/{a}", &[]), ("/{b}/x", &[])]),
            vec![names(&["untagged"]), names(&["x"])]
        );
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
