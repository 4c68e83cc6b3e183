//! Recursive types: a struct that contains itself (directly, or through
//! other structs and unions, but not through a `Vec` or a map, which already
//! allocate) would have infinite size, so such fields are boxed.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// The named type a field holds inline (not behind a Vec or a map).
fn inline_target(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

/// Boxes every struct field and union variant whose type can reach the
/// containing type again through inline edges.
pub fn box_recursive_fields(types: &mut [TypeDef]) {
    let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for def in types.iter() {
        let targets: Vec<&str> = match &def.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .filter_map(|f| inline_target(&f.ty))
                .collect(),
            TypeKind::Union(u) => u
                .variants
                .iter()
                .filter_map(|v| inline_target(&v.ty))
                .collect(),
            TypeKind::Alias(ty) => inline_target(ty).into_iter().collect(),
            TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_) => Vec::new(),
        };
        edges.insert(&def.name, targets);
    }
    let component = strongly_connected_components(&edges);
    // An edge closes a cycle when both ends are in one component (a
    // self-reference is a component of one with an edge to itself).
    let reaches = |target: &str, container: &str| component.get(target) == component.get(container);
    let mut to_box: BTreeSet<(String, usize)> = BTreeSet::new();
    for def in types.iter() {
        if let TypeKind::Struct(s) = &def.kind {
            for (i, field) in s.fields.iter().enumerate() {
                if inline_target(&field.ty).is_some_and(|t| reaches(t, &def.name)) {
                    to_box.insert((def.name.clone(), i));
                }
            }
        }
        if let TypeKind::Union(u) = &def.kind {
            for (i, variant) in u.variants.iter().enumerate() {
                if inline_target(&variant.ty).is_some_and(|t| reaches(t, &def.name)) {
                    to_box.insert((def.name.clone(), i));
                }
            }
        }
    }
    for def in types.iter_mut() {
        let name = def.name.clone();
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for (i, field) in s.fields.iter_mut().enumerate() {
                    field.boxed = to_box.contains(&(name.clone(), i));
                }
            }
            TypeKind::Union(u) => {
                for (i, variant) in u.variants.iter_mut().enumerate() {
                    variant.boxed = to_box.contains(&(name.clone(), i));
                }
            }
            _ => {}
        }
    }
}

/// Tarjan's algorithm: maps each node to the id of its strongly connected
/// component, in one linear pass.
fn strongly_connected_components<'n>(
    edges: &BTreeMap<&'n str, Vec<&'n str>>,
) -> BTreeMap<&'n str, usize> {
    struct State<'n> {
        index: BTreeMap<&'n str, usize>,
        low: BTreeMap<&'n str, usize>,
        on_stack: BTreeSet<&'n str>,
        stack: Vec<&'n str>,
        component: BTreeMap<&'n str, usize>,
        next_index: usize,
        next_component: usize,
    }
    fn visit<'n>(node: &'n str, edges: &BTreeMap<&'n str, Vec<&'n str>>, st: &mut State<'n>) {
        st.index.insert(node, st.next_index);
        st.low.insert(node, st.next_index);
        st.next_index += 1;
        st.stack.push(node);
        st.on_stack.insert(node);
        for &next in edges.get(node).into_iter().flatten() {
            if !edges.contains_key(next) {
                continue;
            }
            if !st.index.contains_key(next) {
                visit(next, edges, st);
                let low = st.low[node].min(st.low[next]);
                st.low.insert(node, low);
            } else if st.on_stack.contains(next) {
                let low = st.low[node].min(st.index[next]);
                st.low.insert(node, low);
            }
        }
        if st.low[node] == st.index[node] {
            while let Some(member) = st.stack.pop() {
                st.on_stack.remove(member);
                st.component.insert(member, st.next_component);
                if member == node {
                    break;
                }
            }
            st.next_component += 1;
        }
    }
    let mut st = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        on_stack: BTreeSet::new(),
        stack: Vec::new(),
        component: BTreeMap::new(),
        next_index: 0,
        next_component: 0,
    };
    for &node in edges.keys() {
        if !st.index.contains_key(node) {
            visit(node, edges, &mut st);
        }
    }
    st.component
}
