//! Error enums: each operation's documented error statuses become one enum;
//! operations with the same error responses (every operation that refers
//! to one set of `components/responses`, say) share one, which keeps the
//! generated crate quick to compile.

use indexmap::IndexMap;

use super::Lowerer;
use crate::ir::{ErrorEnum, ErrorRef, Operation, StatusMatch, TypeRef};
use crate::names::{pascal_ident, type_ident};

/// What makes two operations' error responses the same.
type Signature<'o> = Vec<(&'o str, &'o TypeRef, Option<&'o str>, StatusMatch)>;

fn signature(op: &Operation) -> Signature<'_> {
    op.errors()
        .map(|r| (r.variant.as_str(), &r.ty, r.doc.as_deref(), r.status))
        .collect()
}

impl Lowerer<'_> {
    /// Names every operation's error enum. The enum the most operations
    /// share is `ApiError` (the API's error); other shared ones are named
    /// after their first operation; the rest are each operation's own.
    pub(super) fn share_error_enums(&mut self, operations: &mut [Operation]) -> Vec<ErrorEnum> {
        let mut groups: IndexMap<Signature<'_>, Vec<usize>> = IndexMap::new();
        for (i, op) in operations.iter().enumerate() {
            let key = signature(op);
            if !key.is_empty() {
                groups.entry(key).or_default().push(i);
            }
        }
        let mut members: Vec<Vec<usize>> = groups.into_values().collect();
        // The largest shared group first (the first one seen among equals).
        let largest = members
            .iter()
            .enumerate()
            .filter(|(_, m)| m.len() > 1)
            .max_by(|(ia, a), (ib, b)| a.len().cmp(&b.len()).then(ib.cmp(ia)))
            .map(|(i, _)| i);
        if let Some(i) = largest {
            members.swap(0, i);
        }
        let mut shared = Vec::new();
        let mut refs: Vec<Option<ErrorRef>> = vec![None; operations.len()];
        for (n, group) in members.iter().enumerate() {
            let first = &operations[group[0]];
            if group.len() == 1 {
                let name = self
                    .type_names
                    .claim(&type_ident(&format!("{}Error", pascal_ident(&first.id))));
                refs[group[0]] = Some(ErrorRef::Own(name));
                continue;
            }
            let base = if n == 0 && largest.is_some() {
                "ApiError".to_string()
            } else {
                format!("{}Error", pascal_ident(&first.id))
            };
            let name = self.type_names.claim(&type_ident(&base));
            for &i in group {
                refs[i] = Some(ErrorRef::Shared(shared.len()));
            }
            shared.push(ErrorEnum {
                name,
                responses: first.errors().cloned().collect(),
                users: group
                    .iter()
                    .map(|&i| operations[i].rust_name.clone())
                    .collect(),
            });
        }
        for (op, error) in operations.iter_mut().zip(refs) {
            op.error = error;
        }
        shared
    }
}
