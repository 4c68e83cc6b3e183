//! The operation methods of `Client`: each takes the required parameters
//! (and a required body) and returns the operation's request builder.

use proc_macro2::TokenStream;
use quote::quote;

use super::Context;
use super::builders::{body_type, param_type, required_params};
use super::docs::{doc_attrs, own_line};
use super::{ident, type_ident};
use crate::ir::{Operation, Param, ParamLocation};

pub fn emit_methods(cx: &Context<'_>, range: std::ops::Range<usize>) -> TokenStream {
    let methods: Vec<TokenStream> = range
        .map(|i| method(cx, i, &cx.api.operations[i]))
        .collect();
    if methods.is_empty() {
        return TokenStream::new();
    }
    quote! {
        impl Client {
            #(#methods)*
        }
    }
}

fn method(cx: &Context<'_>, index: usize, op: &Operation) -> TokenStream {
    let name = ident(&op.rust_name);
    let builder = type_ident(&op.builder_name);
    let gate = cx.gates.operation(index);
    let required = required_params(op);
    let mut args = Vec::new();
    for param in &required {
        let arg = ident(&param.rust_name);
        let ty = param_type(cx, param);
        args.push(quote!(#arg: impl Into<#ty>));
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let ty = body_type(cx, body);
        args.push(quote!(body: impl Into<#ty>));
    }
    let builder_value = super::builders::builder_literal(op);
    let doc = method_doc(op, &required);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    // Each required parameter of the spec is an argument (`&self` counts).
    let allow_arity = (args.len() + 1 > super::models::CLIPPY_MAX_ARGUMENTS)
        .then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #gate
        #deprecated
        #allow_arity
        #[inline]
        pub fn #name(&self, #(#args),*) -> builder::#builder<'_> {
            #builder_value
        }
    }
}

fn method_doc(op: &Operation, required: &[&Param]) -> TokenStream {
    let route = super::docs::code(&format!("{} {}", op.method.as_str(), op.route));
    let mut arguments: Vec<String> = required.iter().map(|p| param_doc(p)).collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        arguments.push(format!(
            "- `body`: {}",
            one_line(body.doc.as_deref()).unwrap_or_else(|| "the request body".into())
        ));
    }
    let mut optional: Vec<String> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(param_doc)
        .collect();
    if op.body.as_ref().is_some_and(|b| !b.required) {
        optional.push("- `body`: the request body".into());
    }
    let mut sections = Vec::new();
    if !arguments.is_empty() {
        sections.push(format!("Arguments:\n{}", arguments.join("\n")));
    }
    if !optional.is_empty() {
        sections.push(format!(
            "Optional, set on the builder:\n{}",
            optional.join("\n")
        ));
    }
    let returns = format!("Returns a [`builder::{}`] to `.await`.", op.builder_name);
    let parts: Vec<Option<&str>> = [
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(route.as_str()),
    ]
    .into_iter()
    .chain(sections.iter().map(|s| Some(s.as_str())))
    .collect();
    let mut doc = doc_attrs(parts);
    doc.extend([own_line(""), own_line(&returns)]);
    doc
}

fn one_line(text: Option<&str>) -> Option<String> {
    let text = text?.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

pub(super) fn param_doc(param: &Param) -> String {
    let location = match param.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    match one_line(param.doc.as_deref()) {
        Some(d) => format!(
            "- `{}` ({location} {}): {d}",
            param.rust_name,
            super::docs::code(&param.wire_name)
        ),
        None => format!(
            "- `{}` ({location} {})",
            param.rust_name,
            super::docs::code(&param.wire_name)
        ),
    }
}
