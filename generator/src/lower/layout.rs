//! Enum variants much larger than their siblings are boxed, so that every
//! value of the enum does not take the room of the largest one (clippy's
//! `large_enum_variant`). Sizes are estimated from the IR the way rustc
//! lays the types out on 64-bit targets, closely enough to find the
//! outliers.

use crate::ir::{
    Api, FloatWidth, IntegerWidth, Presence, Response, TypeId, TypeKind, TypeRef, Union,
};

/// A variant is boxed when it is at least this much larger than the next
/// largest (clippy warns from 200 bytes; estimates err on the safe side).
const BOX_FROM_BYTES: usize = 128;

/// Sizes of the named types, computed once.
struct Sizes<'a> {
    api: &'a Api,
    known: Vec<Option<usize>>,
    in_progress: Vec<bool>,
}

impl Sizes<'_> {
    fn of(&mut self, ty: &TypeRef) -> usize {
        match ty {
            TypeRef::String | TypeRef::Array(_) => 24,
            TypeRef::Map(_) => 24,
            TypeRef::Bytes => 32,
            TypeRef::Json => 80,
            TypeRef::Integer(IntegerWidth::I32 | IntegerWidth::U32) => 4,
            TypeRef::Integer(_) => 8,
            TypeRef::Float(FloatWidth::F32) => 4,
            TypeRef::Float(FloatWidth::F64) => 8,
            TypeRef::Boolean => 1,
            TypeRef::DateTime => 12,
            TypeRef::Date => 4,
            TypeRef::Uuid => 16,
            TypeRef::Unit => 0,
            TypeRef::Tuple(items) => items.iter().map(|item| self.of(item)).sum(),
            TypeRef::Named(id) => self.named(*id),
        }
    }

    fn named(&mut self, id: TypeId) -> usize {
        if let Some(size) = self.known[id.0] {
            return size;
        }
        if self.in_progress[id.0] {
            // A cycle goes through a box somewhere.
            return 8;
        }
        self.in_progress[id.0] = true;
        let api = self.api;
        let size = match &api.def(id).kind {
            TypeKind::Struct(s) => {
                let fields: usize = s
                    .fields
                    .iter()
                    .map(|f| match (f.boxed, f.presence) {
                        (true, _) => 8,
                        (false, Presence::Required) => self.of(&f.ty),
                        (false, _) => self.of(&f.ty) + 8,
                    })
                    .sum();
                fields + if s.additional.is_some() { 24 } else { 0 }
            }
            TypeKind::Enum(_) => 32,
            TypeKind::Union(u) => {
                // As it will be laid out: with its own outliers boxed
                // (decided below from these same sizes), so that a type
                // holding it is not measured with its unboxed variants.
                let mut measured = self.variant_sizes(u);
                for index in outliers(measured.clone()) {
                    measured[index].1 = 8;
                }
                let largest = measured.iter().map(|&(_, size)| size).max().unwrap_or(0);
                largest.max(if u.tag.is_some() { 80 } else { 0 }) + 8
            }
            TypeKind::Alias(ty) => self.of(ty),
            TypeKind::Constrained(c) => self.of(&c.inner),
            TypeKind::External(_) => 24,
        };
        self.in_progress[id.0] = false;
        self.known[id.0] = Some(size);
        size
    }

    /// Each variant's index and size (a boxed one is a pointer).
    fn variant_sizes(&mut self, union: &Union) -> Vec<(usize, usize)> {
        union
            .variants
            .iter()
            .enumerate()
            .map(|(i, v)| (i, if v.boxed { 8 } else { self.of(&v.ty) }))
            .collect()
    }
}

/// Indices of the variants to box, largest first, until no variant stands
/// out.
fn outliers(mut sizes: Vec<(usize, usize)>) -> Vec<usize> {
    let mut boxed = Vec::new();
    loop {
        sizes.sort_by_key(|&(_, size)| std::cmp::Reverse(size));
        match sizes.as_slice() {
            [(index, largest), (_, second), ..] if largest - second >= BOX_FROM_BYTES => {
                boxed.push(*index);
                sizes[0].1 = 8;
            }
            _ => return boxed,
        }
    }
}

fn box_responses(sizes: &mut Sizes<'_>, responses: &[Response], success: bool) -> Vec<usize> {
    let measured: Vec<(usize, usize)> = responses
        .iter()
        .enumerate()
        .filter(|(_, r)| r.status.is_success() == success)
        .map(|(i, r)| (i, sizes.of(&r.ty)))
        .collect();
    outliers(measured)
}

/// Marks the outsized variants of unions and of success and error enums.
pub(super) fn box_large_variants(api: &mut Api) {
    let mut union_boxes = Vec::new();
    let mut response_boxes = Vec::new();
    let mut shared_boxes = Vec::new();
    {
        let mut sizes = Sizes {
            api,
            known: vec![None; api.types.len()],
            in_progress: vec![false; api.types.len()],
        };
        for (t, def) in api.types.iter().enumerate() {
            if let TypeKind::Union(u) = &def.kind {
                let measured = sizes.variant_sizes(u);
                union_boxes.extend(outliers(measured).into_iter().map(|i| (t, i)));
            }
        }
        for (o, op) in api.operations.iter().enumerate() {
            let mut boxes = box_responses(&mut sizes, &op.responses, true);
            if matches!(op.error, Some(crate::ir::ErrorRef::Own(_))) {
                boxes.extend(box_responses(&mut sizes, &op.responses, false));
            }
            response_boxes.extend(boxes.into_iter().map(|i| (o, i)));
        }
        for (e, shared) in api.error_enums.iter().enumerate() {
            let boxes = box_responses(&mut sizes, &shared.responses, false);
            shared_boxes.extend(boxes.into_iter().map(|i| (e, i)));
        }
    }
    for (t, i) in union_boxes {
        if let TypeKind::Union(u) = &mut api.types[t].kind {
            u.variants[i].boxed = true;
        }
    }
    for (o, i) in response_boxes {
        api.operations[o].responses[i].boxed = true;
    }
    for (e, i) in shared_boxes {
        api.error_enums[e].responses[i].boxed = true;
    }
}
