//! The `mock` module: one typed mock per operation (`runtime::mock`), so
//! that a test's canned success body has the operation's success type.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::builders::operation_static;
use super::rust_types::rust_type;
use super::{Context, Mocks};
use crate::ir::{MediaKind, Operation, Response, StatusMatch, TypeRef};

pub fn emit_mock_module(cx: &Context<'_>) -> TokenStream {
    let gate = match &cx.options.mocks {
        Mocks::None => return TokenStream::new(),
        Mocks::Always => TokenStream::new(),
        Mocks::Feature(feature) => quote!(#[cfg(feature = #feature)]),
    };
    let functions = cx
        .api
        .operations
        .iter()
        .enumerate()
        .map(|(index, op)| mock_function(cx, index, op));
    // The functions name the module's types; with none, nothing does. The
    // re-exports name `runtime` through `super`, so that they resolve with
    // no function compiled (no operations, or no tag feature on).
    let uses_models = (!cx.api.operations.is_empty()).then(|| {
        let gate = cx.gates.any_operation();
        quote!(#gate use super::*;)
    });
    quote! {
        /// Typed mocks of the operations, for tests: each function matches its operation's
        /// method and route on a [`runtime::mock::MockServer`]; `body` matches a request body
        /// of the operation's type, `path`, `query` and `header` the rest; `ok` answers with
        /// a value of the operation's (first) success type, `status` with any status.
        ///
        /// ```text
        /// let server = runtime::mock::MockServer::start().await;
        /// mock::some_operation().ok(&body).mount(&server).await;
        /// let client = Client::with_base_url(server.uri());
        /// ```
        #gate
        pub mod mock {
            #uses_models
            pub use super::runtime::mock::{MockServer, OperationMock};

            #(#functions)*
        }
    }
}

fn mock_function(cx: &Context<'_>, index: usize, op: &Operation) -> TokenStream {
    let gate = cx.gates.operation(index);
    let name = format_ident!("{}", op.rust_name);
    let operation = operation_static(op);
    let success = op.successes().next();
    let status = success.map_or(200, |r| status_code(r.status));
    let status_literal = proc_macro2::Literal::u16_unsuffixed(status);
    let (body, encoder) = success.map_or((quote!(()), quote!(empty)), |r| body_and_encoder(cx, r));
    // `body(&value)` matches a JSON request body of the operation's type.
    let request = match &op.body {
        Some(b) if b.media == MediaKind::Json => rust_type(cx.api, &b.ty),
        _ => quote!(()),
    };
    let doc = format!(
        " Mocks [`Client::{}`] ({}): `ok` answers `{status}`.",
        op.rust_name,
        super::docs::code(&format!("{} {}", op.method.as_str(), op.route)),
    );
    let doc = super::docs::doc_literal(&doc);
    quote! {
        #[doc = #doc]
        #gate
        pub fn #name() -> OperationMock<#body, #request> {
            OperationMock::new(&#operation, #status_literal, runtime::mock::#encoder)
        }
    }
}

/// The status a mock answers for a documented success (`2XX`: 200).
fn status_code(status: StatusMatch) -> u16 {
    match status {
        StatusMatch::Code(code) => code,
        StatusMatch::Range(first_digit) => first_digit * 100,
        StatusMatch::Default => 200,
    }
}

/// The type a test gives for the body, and the runtime function that
/// puts it on the wire.
fn body_and_encoder(cx: &Context<'_>, response: &Response) -> (TokenStream, TokenStream) {
    if response.ty == TypeRef::Unit {
        return (quote!(()), quote!(empty));
    }
    match &response.media {
        MediaKind::Json => (rust_type(cx.api, &response.ty), quote!(json)),
        MediaKind::Binary(_) => (quote!([u8]), quote!(bytes)),
        MediaKind::EventStream => (quote!(str), quote!(event_stream)),
        MediaKind::JsonLines(_) => (quote!(str), quote!(json_lines)),
        MediaKind::Text(_) | MediaKind::Form | MediaKind::Multipart => (quote!(str), quote!(text)),
    }
}
