//! Recursive types: a struct that contains itself (directly, or through
//! other structs and unions, but not through a `Vec` or a map, which already
//! allocate) would have infinite size, so such fields are boxed.

use petgraph::graph::{DiGraph, NodeIndex};

use crate::ir::{TypeDef, TypeId, TypeKind};

/// Boxes every struct field and union variant whose type can reach the
/// containing type again through inline edges.
pub fn box_recursive_fields(types: &mut [TypeDef]) {
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(types.len(), types.len());
    let nodes: Vec<NodeIndex> = (0..types.len()).map(|_| graph.add_node(())).collect();
    for (i, def) in types.iter().enumerate() {
        for target in inline_targets(def) {
            graph.add_edge(nodes[i], nodes[target.0], ());
        }
    }
    // Tarjan's algorithm (iterative in petgraph: no recursion to overflow).
    let mut component = vec![0usize; types.len()];
    for (n, members) in petgraph::algo::tarjan_scc(&graph).into_iter().enumerate() {
        for member in members {
            component[member.index()] = n;
        }
    }
    // An edge closes a cycle when both ends are in one component (a
    // self-reference is a component of one with an edge to itself).
    for (i, def) in types.iter_mut().enumerate() {
        let closes =
            |target: Option<TypeId>| target.is_some_and(|t| component[t.0] == component[i]);
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    field.boxed = closes(field.ty.named());
                }
            }
            TypeKind::Union(u) => {
                for variant in &mut u.variants {
                    variant.boxed = closes(variant.ty.named());
                }
            }
            _ => {}
        }
    }
}

/// The named types a definition holds inline (not behind a Vec or a map).
fn inline_targets(def: &TypeDef) -> Vec<TypeId> {
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().filter_map(|f| f.ty.named()).collect(),
        TypeKind::Union(u) => u.variants.iter().filter_map(|v| v.ty.named()).collect(),
        TypeKind::Alias(ty) => ty.named().into_iter().collect(),
        TypeKind::Constrained(c) => c.inner.named().into_iter().collect(),
        TypeKind::Enum(_) | TypeKind::External(_) => Vec::new(),
    }
}
