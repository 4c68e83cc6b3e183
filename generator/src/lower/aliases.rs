//! Aliases that only lead to each other (`A: {allOf: [$ref B]}`,
//! `B: {allOf: [$ref A]}`, `A: {oneOf: [$ref A]}`) name no type at all:
//! they are refused, with the cycle, before they become `type A = B;
//! type B = A;`.

use std::path::Path;

use crate::diagnostics::{Error, Result};
use crate::ir::{Api, TypeId, TypeKind, TypeRef};

/// The type an alias names directly (not inside a container, which would
/// give the cycle a base case: an empty list).
fn alias_target(api: &Api, id: TypeId) -> Option<TypeId> {
    match &api.def(id).kind {
        TypeKind::Alias(TypeRef::Named(target)) => Some(*target),
        _ => None,
    }
}

/// Walks every alias chain once (linear in the number of types).
pub(super) fn check_alias_cycles(api: &Api, file: &Path) -> Result<()> {
    check_direct_cycles(api, file)?;
    check_container_cycles(api, file)
}

/// The types an alias names anywhere in its type (`Vec<A>`, maps, tuples).
fn alias_parts(api: &Api, id: TypeId) -> Vec<TypeId> {
    fn collect(ty: &TypeRef, out: &mut Vec<TypeId>) {
        match ty {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Array(inner) | TypeRef::Map(inner) => collect(inner, out),
            TypeRef::Tuple(items) => items.iter().for_each(|item| collect(item, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let TypeKind::Alias(ty) = &api.def(id).kind {
        collect(ty, &mut out);
    }
    out
}

/// `A: {type: array, items: {$ref: A}}` describes values (`[]`, `[[]]`),
/// but a Rust `type` alias cannot contain itself, even inside a `Vec`:
/// refused, with the cycle, rather than written as code that does not
/// compile. A cycle through a struct, enum or union is fine (it is boxed).
fn check_container_cycles(api: &Api, file: &Path) -> Result<()> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    fn visit(
        api: &Api,
        id: TypeId,
        marks: &mut [Mark],
        path: &mut Vec<TypeId>,
    ) -> Option<Vec<TypeId>> {
        match marks[id.0] {
            Mark::Done => return None,
            Mark::OnPath => {
                let start = path.iter().position(|p| *p == id).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(id);
                return Some(cycle);
            }
            Mark::New => {}
        }
        marks[id.0] = Mark::OnPath;
        path.push(id);
        for part in alias_parts(api, id) {
            if let Some(cycle) = visit(api, part, marks, path) {
                return Some(cycle);
            }
        }
        path.pop();
        marks[id.0] = Mark::Done;
        None
    }
    let mut marks = vec![Mark::New; api.types.len()];
    for start in 0..api.types.len() {
        let mut path = Vec::new();
        if let Some(cycle) = visit(api, TypeId(start), &mut marks, &mut path) {
            let names: Vec<&str> = cycle.iter().map(|id| api.name(*id)).collect();
            return Err(Error::spec(
                file,
                api.def(cycle[0]).pointer.clone(),
                format!(
                    "these schemas contain each other only through lists or maps, which a Rust type alias cannot: {}; give the list an object (or a oneOf) to stand on",
                    names.join(" -> ")
                ),
            ));
        }
    }
    Ok(())
}

/// Aliases naming each other directly.
fn check_direct_cycles(api: &Api, file: &Path) -> Result<()> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut marks = vec![Mark::New; api.types.len()];
    for start in 0..api.types.len() {
        let mut path = Vec::new();
        let mut current = Some(TypeId(start));
        while let Some(id) = current {
            match marks[id.0] {
                Mark::Done => break,
                Mark::OnPath => {
                    let cycle_start = path.iter().position(|p| *p == id).unwrap_or(0);
                    let mut names: Vec<&str> =
                        path[cycle_start..].iter().map(|p| api.name(*p)).collect();
                    names.push(api.name(id));
                    return Err(Error::spec(
                        file,
                        api.def(id).pointer.clone(),
                        format!(
                            "these schemas only refer to each other, so they describe no value: {}",
                            names.join(" -> ")
                        ),
                    ));
                }
                Mark::New => {
                    marks[id.0] = Mark::OnPath;
                    path.push(id);
                    current = alias_target(api, id);
                }
            }
        }
        for id in path {
            marks[id.0] = Mark::Done;
        }
    }
    Ok(())
}
