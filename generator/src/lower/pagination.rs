//! Which list operations page, and how: Dropshot's `x-dropshot-pagination`,
//! a `Link: rel="next"` header, a cursor field matched with a query
//! parameter, offset/limit, page numbers, or a rule given by the user.

use super::Lowerer;
use crate::ir::{
    Field, NextPage, Operation, Pagination, ParamLocation, Presence, TypeKind, TypeRef,
};

/// Response fields that carry the next page's token.
const NEXT_FIELDS: &[&str] = &[
    "next_page",
    "next_page_token",
    "nextPageToken",
    "next_cursor",
    "nextCursor",
    "next_token",
    "nextToken",
    "next_marker",
    "nextMarker",
    "next",
    "cursor",
];

/// Query parameters that take a page token.
const CURSOR_PARAMS: &[&str] = &[
    "page_token",
    "pageToken",
    "next_page_token",
    "cursor",
    "next_cursor",
    "next_token",
    "nextToken",
    "after",
    "starting_after",
    "marker",
    "continuation_token",
    "continuationToken",
];

/// Response fields that hold the items of a page.
const ITEM_FIELDS: &[&str] = &[
    "items", "data", "results", "values", "records", "entries", "elements",
];

/// A pagination rule given by the user, for APIs no heuristic recognizes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaginationRule {
    /// The operation it applies to; every operation that fits when `None`.
    pub operation_id: Option<String>,
    /// The response field with the items (the only array field by default).
    pub items_field: Option<String>,
    /// The response field with the next page's token.
    pub cursor_field: String,
    /// The query parameter that takes the token.
    pub cursor_param: String,
}

impl Lowerer<'_> {
    pub(super) fn detect_pagination(
        &self,
        op: &Operation,
        operation: &openapiv3::Operation,
    ) -> Option<Pagination> {
        if op.success_type.is_some() {
            return None;
        }
        let success = op.successes().next()?;
        for rule in &self.options.pagination {
            if rule.operation_id.as_deref().is_none_or(|id| id == op.id) {
                if let Some(found) = self.cursor(op, &success.ty, Some(rule), "rule") {
                    return Some(found);
                }
            }
        }
        if operation.extensions.contains_key("x-dropshot-pagination") {
            if let Some(found) = self.cursor(
                op,
                &success.ty,
                Some(&dropshot_rule()),
                "x-dropshot-pagination",
            ) {
                return Some(found);
            }
        }
        if success.headers.iter().any(|h| h == "link") {
            if let Some((items_field, item)) = self.items_of(&success.ty, None) {
                return Some(Pagination {
                    items_field,
                    item,
                    next: NextPage::LinkHeader,
                    detected_by: "Link header",
                });
            }
        }
        if let Some(found) = self.cursor(op, &success.ty, None, "cursor field and parameter") {
            return Some(found);
        }
        self.offset_or_page(op, &success.ty)
    }

    /// Cursor pagination: a next-token field in the page and a query
    /// parameter that takes it.
    fn cursor(
        &self,
        op: &Operation,
        body: &TypeRef,
        rule: Option<&PaginationRule>,
        detected_by: &'static str,
    ) -> Option<Pagination> {
        let fields = self.struct_fields(body)?;
        let field = fields.iter().find(|f| match rule {
            Some(rule) => f.wire_name == rule.cursor_field,
            None => NEXT_FIELDS.contains(&f.wire_name.as_str()),
        })?;
        let token_ty = field.ty.clone();
        if !matches!(token_ty, TypeRef::String | TypeRef::Integer(_)) {
            return None;
        }
        let param = op.params.iter().find(|p| {
            p.location == ParamLocation::Query
                && !p.required
                && match rule {
                    Some(rule) => p.wire_name == rule.cursor_param,
                    None => CURSOR_PARAMS.contains(&p.wire_name.as_str()),
                }
        })?;
        if param.ty != token_ty {
            return None;
        }
        let (items_field, item) =
            self.items_of(body, rule.and_then(|r| r.items_field.as_deref()))?;
        Some(Pagination {
            items_field,
            item,
            next: NextPage::Cursor {
                response_field: field.rust_name.clone(),
                param: param.rust_name.clone(),
                token: token_ty,
                token_presence: field.presence,
                reset_others: detected_by == "x-dropshot-pagination",
            },
            detected_by,
        })
    }

    /// Offset/limit, or page numbers, with the items in an array.
    fn offset_or_page(&self, op: &Operation, body: &TypeRef) -> Option<Pagination> {
        let query = |names: &[&str]| {
            op.params.iter().find(|p| {
                p.location == ParamLocation::Query
                    && !p.required
                    && matches!(p.ty, TypeRef::Integer(_))
                    && names.contains(&p.wire_name.as_str())
            })
        };
        let (items_field, item) = self.items_of(body, None)?;
        let limit = query(&[
            "limit",
            "page_size",
            "pageSize",
            "per_page",
            "perPage",
            "count",
        ]);
        if let Some(offset) = query(&["offset", "skip", "start"]) {
            return Some(Pagination {
                items_field,
                item,
                next: NextPage::Offset {
                    param: offset.rust_name.clone(),
                    limit: limit.map(|l| l.rust_name.clone()),
                },
                detected_by: "offset parameter",
            });
        }
        let page = query(&["page", "page_number", "pageNumber"])?;
        Some(Pagination {
            items_field,
            item,
            next: NextPage::PageNumber {
                param: page.rust_name.clone(),
            },
            detected_by: "page-number parameter",
        })
    }

    /// The items of a page: the body itself when it is an array, or its
    /// array field (the named one, one of the usual names, or the only one).
    fn items_of(&self, body: &TypeRef, named: Option<&str>) -> Option<(Option<String>, TypeRef)> {
        if let TypeRef::Array(item) = self.unalias(body) {
            return Some((None, (**item).clone()));
        }
        let fields = self.struct_fields(body)?;
        let arrays: Vec<&Field> = fields
            .iter()
            .filter(|f| f.presence == Presence::Required || f.presence == Presence::Optional)
            .filter(|f| matches!(self.unalias(&f.ty), TypeRef::Array(_)))
            .collect();
        let chosen = match named {
            Some(name) => arrays.iter().find(|f| f.wire_name == name),
            None => arrays
                .iter()
                .find(|f| ITEM_FIELDS.contains(&f.wire_name.as_str()))
                .or(if arrays.len() == 1 {
                    arrays.first()
                } else {
                    None
                }),
        }?;
        let TypeRef::Array(item) = self.unalias(&chosen.ty) else {
            return None;
        };
        Some((Some(chosen.rust_name.clone()), (**item).clone()))
    }

    /// Follows aliases to the type they name.
    fn unalias<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        let mut current = ty;
        for _ in 0..64 {
            let Some(id) = current.named() else { break };
            match self.types.get(id.0) {
                Some(Some(def)) => match &def.kind {
                    TypeKind::Alias(inner) => current = inner,
                    _ => break,
                },
                _ => break,
            }
        }
        current
    }

    fn struct_fields(&self, ty: &TypeRef) -> Option<&Vec<Field>> {
        let id = self.unalias(ty).named()?;
        match &self.types.get(id.0)?.as_ref()?.kind {
            TypeKind::Struct(s) => Some(&s.fields),
            _ => None,
        }
    }
}

fn dropshot_rule() -> PaginationRule {
    PaginationRule {
        operation_id: None,
        items_field: Some("items".into()),
        cursor_field: "next_page".into(),
        cursor_param: "page_token".into(),
    }
}
