//! `pages()` and `items()` of paginated operations' request builders.

use proc_macro2::TokenStream;
use quote::quote;

use super::decode::{error_arg, success_type};
use super::{Context, ident, rust_type};
use crate::ir::{NextPage, Operation, ParamLocation, Presence};

/// What pagination adds to a builder.
pub struct PagingParts {
    pub methods: TokenStream,
}

/// Whether the builder keeps the next page's URL (from a `Link` header).
pub fn keeps_next_url(op: &Operation) -> bool {
    op.pagination
        .as_ref()
        .is_some_and(|p| matches!(p.next, NextPage::LinkHeader))
}

pub fn paging_parts(cx: &Context<'_>, op: &Operation) -> PagingParts {
    let Some(pagination) = &op.pagination else {
        return PagingParts {
            methods: TokenStream::new(),
        };
    };
    let page = success_type(cx, op);
    let error = error_arg(cx, op);
    let item = rust_type(cx.api, &pagination.item);
    let items = PageItems::of(cx, op, pagination);
    let items_of = items.owned();
    let advance = match &pagination.next {
        NextPage::Cursor {
            response_field,
            param,
            token_presence,
            reset_others,
            ..
        } => cursor_advance(op, response_field, param, *token_presence, *reset_others),
        NextPage::LinkHeader => quote! {
            |request, _, headers| {
                let url = runtime::next_link(headers)?;
                // A page that links to itself is the last.
                if request.next_url.as_ref() == Some(&url) {
                    return None;
                }
                let mut next = request.clone();
                next.next_url = Some(url);
                Some(next)
            }
        },
        NextPage::Offset { param, limit } => {
            offset_advance(cx, op, &items, param, limit.as_deref())
        }
        NextPage::PageNumber { param } => page_number_advance(&items, param),
    };
    let how = pagination.detected_by;
    let pages_doc = format!(
        " The pages of the list, each fetched when the stream reaches it (pagination found by: {how}). An error ends the stream after it is yielded."
    );
    let pages_doc = super::docs::doc_literal(&pages_doc);
    let methods = quote! {
        #[doc = #pages_doc]
        #[inline]
        pub fn pages(self) -> runtime::Pages<'a, Self, #page #error> {
            runtime::Pages::new(self, |request| request.send().with_response(), #advance)
        }

        /// The items of every page, in order; the next page is fetched only when the
        /// items before it are used up (so `take(n)` fetches no page it does not need).
        #[inline]
        pub fn items(self) -> runtime::Items<'a, #item #error> {
            self.pages().items(|page| #items_of)
        }
    };
    PagingParts { methods }
}

/// Where a page keeps its items: the body itself, or a field that may be
/// optional.
enum PageItems {
    Body,
    Field {
        field: proc_macro2::Ident,
        optional: bool,
    },
}

impl PageItems {
    fn of(cx: &Context<'_>, op: &Operation, pagination: &crate::ir::Pagination) -> Self {
        match &pagination.items_field {
            None => PageItems::Body,
            Some(field) => {
                let field = ident(field);
                let optional =
                    items_field_optional(cx, op, field.to_string().trim_start_matches("r#"));
                PageItems::Field { field, optional }
            }
        }
    }

    /// The items, taken out of `page`.
    fn owned(&self) -> TokenStream {
        match self {
            PageItems::Body => quote!(page),
            PageItems::Field {
                field,
                optional: true,
            } => quote!(page.#field.unwrap_or_default()),
            PageItems::Field {
                field,
                optional: false,
            } => quote!(page.#field),
        }
    }

    /// How many items `page` has.
    fn count(&self) -> TokenStream {
        match self {
            PageItems::Body => quote!(page.len()),
            PageItems::Field {
                field,
                optional: true,
            } => {
                quote!(page.#field.as_ref().map_or(0, Vec::len))
            }
            PageItems::Field {
                field,
                optional: false,
            } => quote!(page.#field.len()),
        }
    }

    /// Whether `page` has no items.
    fn empty(&self) -> TokenStream {
        match self {
            PageItems::Body => quote!(page.is_empty()),
            PageItems::Field {
                field,
                optional: true,
            } => {
                quote!(page.#field.as_ref().is_none_or(Vec::is_empty))
            }
            PageItems::Field {
                field,
                optional: false,
            } => quote!(page.#field.is_empty()),
        }
    }
}

/// The next request sends the page's token back; no token, or the same one
/// again, ends the list.
fn cursor_advance(
    op: &Operation,
    response_field: &str,
    param: &str,
    token_presence: Presence,
    reset_others: bool,
) -> TokenStream {
    let field = ident(response_field);
    let param_ident = ident(param);
    let token = match token_presence {
        Presence::Required => quote!(Some(page.#field.clone())),
        Presence::Optional | Presence::RequiredNullable => quote!(page.#field.clone()),
        Presence::OptionalNullable => quote!(page.#field.value().cloned()),
    };
    let resets = op
        .params
        .iter()
        .filter(|p| {
            reset_others
                && p.location == ParamLocation::Query
                && !p.required
                && p.rust_name != param
                && p.wire_name != "limit"
        })
        .map(|p| {
            let f = ident(&p.rust_name);
            quote!(next.#f = None;)
        });
    quote! {
        |request, page, _| {
            let token = #token?;
            // No token, or the one just used, ends the list.
            if request.#param_ident.as_ref() == Some(&token) || token.to_string().is_empty() {
                return None;
            }
            let mut next = request.clone();
            next.#param_ident = Some(token);
            #(#resets)*
            Some(next)
        }
    }
}

/// The offset advances by the page's item count; an empty page, or one
/// shorter than the limit asked for, ends the list.
fn offset_advance(
    cx: &Context<'_>,
    op: &Operation,
    items: &PageItems,
    param: &str,
    limit: Option<&str>,
) -> TokenStream {
    let param_ident = ident(param);
    let count = items.count();
    // The step is typed as the parameter: `+` alone cannot infer it.
    let step_type = op
        .params
        .iter()
        .find(|p| p.rust_name == param)
        .map_or_else(|| quote!(i64), |p| super::builders::param_type(cx, p));
    let short_page = limit.map(|limit| {
        let limit = ident(limit);
        quote! {
            if request.#limit.is_some_and(|limit| (count as u64) < limit as u64) {
                return None;
            }
        }
    });
    quote! {
        |request, page, _| {
            let count = #count;
            if count == 0 {
                return None;
            }
            #short_page
            let mut next = request.clone();
            let step: #step_type = count.try_into().ok()?;
            next.#param_ident = Some(next.#param_ident.unwrap_or_default() + step);
            Some(next)
        }
    }
}

/// The page number advances by one; an empty page ends the list.
fn page_number_advance(items: &PageItems, param: &str) -> TokenStream {
    let param_ident = ident(param);
    let empty = items.empty();
    quote! {
        |request, page, _| {
            if #empty {
                return None;
            }
            let mut next = request.clone();
            // An unset page number is the first page, page 1.
            next.#param_ident = Some(next.#param_ident.unwrap_or(1) + 1);
            Some(next)
        }
    }
}

fn items_field_optional(cx: &Context<'_>, op: &Operation, field: &str) -> bool {
    let Some(response) = op.successes().next() else {
        return false;
    };
    let Some(id) = response.ty.named() else {
        return false;
    };
    match &cx.api.def(id).kind {
        crate::ir::TypeKind::Struct(s) => s
            .fields
            .iter()
            .any(|f| f.rust_name == field && f.presence != Presence::Required),
        _ => false,
    }
}
