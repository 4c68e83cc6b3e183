//! Per-operation enums: the success enum (several success bodies) and the
//! error enum (one variant per documented error status), and the error
//! enums several operations share.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc_attrs;
use super::rust_types::maybe_boxed;
use super::{Context, rust_type, type_ident};
use crate::ir::{ErrorRef, Operation, Response, StatusMatch};

pub fn emit_operation_types(cx: &Context<'_>, range: std::ops::Range<usize>) -> TokenStream {
    let mut out = TokenStream::new();
    for i in range {
        out.extend(operation_enums(cx, i, &cx.api.operations[i]));
    }
    out
}

fn operation_enums(cx: &Context<'_>, index: usize, op: &Operation) -> TokenStream {
    let gate = cx.gates.operation(index);
    let method = &op.rust_name;
    let success = op.success_type.as_ref().map(|name| {
        let doc =
            format!(" Success bodies of [`Client::{method}`], one variant per documented status.");
        response_enum(cx, name, &doc, op.successes(), &gate)
    });
    let error = match &op.error {
        Some(ErrorRef::Own(name)) => {
            let doc = format!(
                " Error bodies of [`Client::{method}`], one variant per documented status."
            );
            Some(response_enum(cx, name, &doc, op.errors(), &gate))
        }
        _ => None,
    };
    quote!(#success #error)
}

/// The error enums several operations share, each defined once.
pub fn shared_error_enums(cx: &Context<'_>) -> TokenStream {
    let mut out = TokenStream::new();
    for (index, shared) in cx.api.error_enums.iter().enumerate() {
        let users = shared.users.len();
        let listed: Vec<String> = shared
            .users
            .iter()
            .take(3)
            .map(|u| format!("[`Client::{u}`]"))
            .collect();
        let more = if users > 3 {
            format!(" and {} more", users - 3)
        } else {
            String::new()
        };
        let doc = format!(
            " Error bodies of the {users} operations that document the same error responses ({}{more}), one variant per status.",
            listed.join(", ")
        );
        let gate = cx.gates.shared_error(index);
        out.extend(response_enum(
            cx,
            &shared.name,
            &doc,
            shared.responses.iter(),
            &gate,
        ));
    }
    out
}

fn response_enum<'r>(
    cx: &Context<'_>,
    name: &str,
    doc: &str,
    responses: impl Iterator<Item = &'r Response>,
    gate: &TokenStream,
) -> TokenStream {
    let name = type_ident(name);
    let variants = responses.map(|r| response_variant(cx, r));
    let doc = super::docs::doc_literal(doc);
    quote! {
        #[doc = #doc]
        #gate
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    }
}

fn response_variant(cx: &Context<'_>, response: &Response) -> TokenStream {
    let variant = format_ident!("{}", response.variant);
    let ty = maybe_boxed(rust_type(cx.api, &response.ty), response.boxed);
    let status = match response.status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(range) => format!("{range}XX"),
        StatusMatch::Default => "default".to_string(),
    };
    let text = format!(
        "`{status}`: {}",
        response.doc.as_deref().unwrap_or("").trim()
    );
    let doc = doc_attrs([Some(text.as_str())]);
    quote! {
        #doc
        #variant(#ty),
    }
}
