//! Where each named type is used: decides serde derives, `Validate` impls
//! and what may grow without breaking users.

use std::collections::BTreeSet;

use super::{Api, TypeDef, TypeId, TypeKind, TypeRef, visit_def_refs};

/// Where a named type is used: in what the client sends, in what it
/// receives, or both.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Reachable from a request body or a parameter.
    pub sent: BTreeSet<TypeId>,
    /// Reachable from a response body.
    pub received: BTreeSet<TypeId>,
    /// Reachable from a type that no operation uses (which may be used
    /// either way, so it and everything in it must encode and decode).
    pub unattached: BTreeSet<TypeId>,
    /// Types with something to check before sending (a constraint of
    /// their own or in a type they contain); only types that are encoded:
    /// nothing validates what a server returns.
    pub validated: BTreeSet<TypeId>,
}

impl Usage {
    pub fn of(api: &Api) -> Usage {
        let mut usage = Usage::default();
        let mut sent = Vec::new();
        let mut received = Vec::new();
        for operation in &api.operations {
            for param in &operation.params {
                param.ty.visit_named(&mut |id| sent.push(id));
            }
            if let Some(body) = &operation.body {
                body.ty.visit_named(&mut |id| sent.push(id));
            }
            for response in &operation.responses {
                response.ty.visit_named(&mut |id| received.push(id));
            }
        }
        usage.sent = reach(&api.types, sent);
        usage.received = reach(&api.types, received);
        let roots = (0..api.types.len())
            .map(TypeId)
            .filter(|id| !usage.sent.contains(id) && !usage.received.contains(id))
            .collect();
        usage.unattached = reach(&api.types, roots);
        usage.validated = usage.validated_types(api);
        usage
    }

    /// Types that are encoded and have, or contain, something to check: a
    /// fixed point over the "contains" edges, found by walking them
    /// backwards from the types with constraints of their own.
    fn validated_types(&self, api: &Api) -> BTreeSet<TypeId> {
        let mut contained_by: Vec<Vec<TypeId>> = vec![Vec::new(); api.types.len()];
        let mut work = Vec::new();
        for (index, def) in api.types.iter().enumerate() {
            let id = TypeId(index);
            visit_def_refs(def, &mut |ty| {
                ty.visit_named(&mut |inner| contained_by[inner.0].push(id))
            });
            if has_own_checks(def) {
                work.push(id);
            }
        }
        let mut set = BTreeSet::new();
        while let Some(id) = work.pop() {
            if !self.encodes(id) || !set.insert(id) {
                continue;
            }
            work.extend(contained_by[id.0].iter().copied());
        }
        set
    }

    /// Whether values of the type are encoded: sent, or possibly (unattached).
    pub fn encodes(&self, id: TypeId) -> bool {
        self.sent.contains(&id) || self.unattached.contains(&id)
    }

    /// Whether values of the type are decoded: received, or possibly (unattached).
    pub fn decodes(&self, id: TypeId) -> bool {
        self.received.contains(&id) || self.unattached.contains(&id)
    }

    /// Types only ever decoded from responses.
    pub fn is_response_only(&self, id: TypeId) -> bool {
        self.received.contains(&id) && !self.sent.contains(&id)
    }
}

fn has_own_checks(def: &TypeDef) -> bool {
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().any(|f| !f.constraints.is_empty()),
        // Checked when made with `TryFrom`, and again before sending (a
        // decoded value has not been).
        TypeKind::Constrained(_) => true,
        TypeKind::Union(_) | TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::External(_) => {
            false
        }
    }
}

/// Every type reachable from `roots` (them included), without recursion.
fn reach(types: &[TypeDef], mut work: Vec<TypeId>) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    while let Some(id) = work.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Some(def) = types.get(id.0) {
            visit_def_refs(def, &mut |ty: &TypeRef| {
                ty.visit_named(&mut |inner| work.push(inner))
            });
        }
    }
    seen
}
