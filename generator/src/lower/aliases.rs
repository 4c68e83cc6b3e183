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
