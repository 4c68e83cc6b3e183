//! Walks over every type reference of an API, and renumbering of type ids.

use super::*;

/// Calls `f` on every type reference in the API (not recursing into them).
pub fn visit_type_refs(api: &Api, f: &mut impl FnMut(&TypeRef)) {
    for def in &api.types {
        visit_def_refs(def, f);
    }
    for operation in &api.operations {
        operation.params.iter().for_each(|p| f(&p.ty));
        operation.body.iter().for_each(|b| f(&b.ty));
        operation.responses.iter().for_each(|r| f(&r.ty));
    }
}

/// Calls `f` on the type references a definition holds.
pub fn visit_def_refs(def: &TypeDef, f: &mut impl FnMut(&TypeRef)) {
    match &def.kind {
        TypeKind::Struct(s) => {
            s.fields.iter().for_each(|field| f(&field.ty));
            s.additional.iter().for_each(&mut *f);
        }
        TypeKind::Union(u) => u.variants.iter().for_each(|v| f(&v.ty)),
        TypeKind::Alias(ty) => f(ty),
        TypeKind::Constrained(c) => f(&c.inner),
        TypeKind::Enum(_) | TypeKind::External(_) => {}
    }
}

/// Rewrites every type id in the API with `f` (after types were dropped).
pub fn remap_type_ids(api: &mut Api, f: &impl Fn(TypeId) -> TypeId) {
    fn remap(ty: &mut TypeRef, f: &impl Fn(TypeId) -> TypeId) {
        match ty {
            TypeRef::Named(id) => *id = f(*id),
            TypeRef::Array(inner) | TypeRef::Map(inner) => remap(inner, f),
            TypeRef::Tuple(items) => items.iter_mut().for_each(|item| remap(item, f)),
            _ => {}
        }
    }
    for def in &mut api.types {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                s.fields
                    .iter_mut()
                    .for_each(|field| remap(&mut field.ty, f));
                s.additional.iter_mut().for_each(|ty| remap(ty, f));
            }
            TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| remap(&mut v.ty, f)),
            TypeKind::Alias(ty) => remap(ty, f),
            TypeKind::Constrained(c) => remap(&mut c.inner, f),
            TypeKind::Enum(_) | TypeKind::External(_) => {}
        }
    }
    for operation in &mut api.operations {
        operation
            .params
            .iter_mut()
            .for_each(|p| remap(&mut p.ty, f));
        operation.body.iter_mut().for_each(|b| remap(&mut b.ty, f));
        operation
            .responses
            .iter_mut()
            .for_each(|r| remap(&mut r.ty, f));
        if let Some(pagination) = &mut operation.pagination {
            remap(&mut pagination.item, f);
            if let NextPage::Cursor { token, .. } = &mut pagination.next {
                remap(token, f);
            }
        }
    }
    for shared in &mut api.error_enums {
        shared
            .responses
            .iter_mut()
            .for_each(|r| remap(&mut r.ty, f));
    }
}
