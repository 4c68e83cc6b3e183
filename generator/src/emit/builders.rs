//! One request builder per operation: the parameters (required ones from
//! the client method, optional ones by name), `send` (and its `with_response()`),
//! `.await`, and streams where the operation has them. Each builder comes
//! with its operation's `static` description and response decoder.
//!
//! The builder types live in the `builder` module (their names are the
//! operations', which could clash with schema names); their impls, the
//! statics and the decoders are items of the module itself, emitted in
//! chunks like everything else.
//!
//! Every function of an operation is `#[inline]`: such functions are
//! compiled to machine code only in the crate that calls them, so the
//! generated crate does not codegen (nor instantiate serde for) the
//! operations its user never calls. Measured on omicron-nexus: 18-21 s → 12 s.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::decode::{call_error, emit_decoder, error_arg, success_type};
use super::methods::param_doc;
use super::{Context, ident, rust_type, type_ident};
use crate::ir::{
    MediaKind, Method, Operation, Param, ParamLocation, PathPart, RequestBody, TypeRef,
};

/// The required parameters, in the order the client method takes them:
/// path parameters as the path first has them (a placeholder may appear
/// twice: `/accounts/{id}/members/{id}`), then the others as the spec lists
/// them.
pub fn required_params(op: &Operation) -> Vec<&Param> {
    let mut params: Vec<&Param> = Vec::new();
    for part in &op.path {
        let PathPart::Param(name) = part else {
            continue;
        };
        let param = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire_name == *name);
        if let Some(param) =
            param.filter(|param| !params.iter().any(|seen| std::ptr::eq(*seen, *param)))
        {
            params.push(param);
        }
    }
    params.extend(
        op.params
            .iter()
            .filter(|p| p.required && p.location != ParamLocation::Path),
    );
    params
}

/// The Rust type a builder keeps a parameter's value in.
pub fn param_type(cx: &Context<'_>, param: &Param) -> TokenStream {
    rust_type(cx.api, &param.ty)
}

/// The Rust type a builder keeps the body in: binary content as an
/// [`Upload`](runtime::Upload) (bytes, a stream or a file).
pub fn body_type(cx: &Context<'_>, body: &RequestBody) -> TokenStream {
    match (&body.media, &body.ty) {
        (MediaKind::Binary(_), TypeRef::Bytes) => quote!(runtime::Upload),
        (_, ty) => rust_type(cx.api, ty),
    }
}

/// The name of an operation's `static` description.
pub fn operation_static(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}_OPERATION", op.rust_name.to_ascii_uppercase())
}

/// The `builder` module with every builder type.
pub fn emit_builder_types(cx: &Context<'_>) -> TokenStream {
    let types = cx
        .api
        .operations
        .iter()
        .enumerate()
        .map(|(i, op)| builder_type(cx, i, op));
    let gate = cx.gates.any_operation();
    quote! {
        /// The request builders of the client's methods, one per operation.
        #gate
        pub mod builder {
            use super::*;
            #(#types)*
        }
    }
}

/// The fields a builder keeps: the client, each parameter, the body.
fn builder_fields(cx: &Context<'_>, op: &Operation) -> Vec<TokenStream> {
    let mut fields = vec![quote!(pub(super) client: &'a Client,)];
    for param in required_params(op) {
        let field = ident(&param.rust_name);
        let ty = param_type(cx, param);
        fields.push(quote!(pub(super) #field: #ty,));
    }
    for param in op.params.iter().filter(|p| !p.required) {
        let field = ident(&param.rust_name);
        let ty = param_type(cx, param);
        fields.push(quote!(pub(super) #field: Option<#ty>,));
    }
    if let Some(body) = &op.body {
        let ty = body_type(cx, body);
        fields.push(match body.required {
            true => quote!(pub(super) body: #ty,),
            false => quote!(pub(super) body: Option<#ty>,),
        });
    }
    if super::paging::keeps_next_url(op) {
        fields.push(quote!(pub(super) next_url: Option<String>,));
    }
    fields
}

/// The builder as the client method makes it: the required parameters
/// from the method's arguments (of the same names), nothing else set.
pub fn builder_literal(op: &Operation) -> TokenStream {
    let mut inits = vec![quote!(client: self,)];
    for param in required_params(op) {
        let field = ident(&param.rust_name);
        inits.push(quote!(#field: #field.into(),));
    }
    for param in op.params.iter().filter(|p| !p.required) {
        let field = ident(&param.rust_name);
        inits.push(quote!(#field: None,));
    }
    match &op.body {
        Some(body) if body.required => inits.push(quote!(body: body.into(),)),
        Some(_) => inits.push(quote!(body: None,)),
        None => {}
    }
    if super::paging::keeps_next_url(op) {
        inits.push(quote!(next_url: None,));
    }
    let name = type_ident(&op.builder_name);
    quote!(builder::#name { #(#inits)* })
}

/// A setter per optional parameter (and optional body).
fn setters(cx: &Context<'_>, op: &Operation) -> Vec<TokenStream> {
    let mut setters = Vec::new();
    for param in op.params.iter().filter(|p| !p.required) {
        let field = ident(&param.rust_name);
        let ty = param_type(cx, param);
        let doc = param_doc(param);
        let doc = super::docs::doc_attrs([Some(doc.trim_start_matches("- "))]);
        let deprecated = param.deprecated.then(|| quote!(#[deprecated]));
        setters.push(quote! {
            #doc
            #deprecated
            pub fn #field(mut self, value: impl Into<#ty>) -> Self {
                self.#field = Some(value.into());
                self
            }
        });
    }
    if let Some(body) = op.body.as_ref().filter(|body| !body.required) {
        let ty = body_type(cx, body);
        setters.push(quote! {
            /// The request body.
            pub fn body(mut self, value: impl Into<#ty>) -> Self {
                self.body = Some(value.into());
                self
            }
        });
    }
    setters
}

fn builder_type(cx: &Context<'_>, index: usize, op: &Operation) -> TokenStream {
    let gate = cx.gates.operation(index);
    let name = type_ident(&op.builder_name);
    let fields = builder_fields(cx, op);
    let has_setters = op.params.iter().any(|p| !p.required)
        || op.body.as_ref().is_some_and(|body| !body.required);
    let route = super::docs::code(&format!("{} {}", op.method.as_str(), op.route));
    let first = match has_setters {
        false => "",
        true => "set the optional parameters, then ",
    };
    let doc = format!(
        " A [`Client::{}`] call ({route}): {first}`.await` it for the body, or `.send().with_response().await` for its status and headers too.",
        op.rust_name
    );
    let doc = super::docs::doc_literal(&doc);
    quote! {
        #[doc = #doc]
        #gate
        #[derive(Clone, Debug)]
        #[must_use = "a request builder does nothing until it is sent or awaited"]
        pub struct #name<'a> {
            #(#fields)*
        }
    }
}

/// The impls, statics and decoders of the builders of some operations.
pub fn emit_builder_impls(cx: &Context<'_>, range: std::ops::Range<usize>) -> TokenStream {
    let mut out = TokenStream::new();
    for i in range {
        out.extend(builder_impls(cx, i, &cx.api.operations[i]));
    }
    out
}

fn builder_impls(cx: &Context<'_>, index: usize, op: &Operation) -> TokenStream {
    let gate = cx.gates.operation(index);
    let name = type_ident(&op.builder_name);
    let setters = setters(cx, op);
    let paging = super::paging::paging_parts(cx, op);
    let success = success_type(cx, op);
    let error = error_arg(cx, op);
    let call_error = call_error(cx, op);
    let decoder = cx.decoders.decoder(index, op);
    let streamed = streams_success(op);
    let call = if streamed {
        quote!(streamed)
    } else {
        quote!(new)
    };
    let send_stream = binary_success(op).then(|| {
        quote! {
            /// Sends the call and returns the success body as a stream of chunks, without
            /// reading it into memory (error bodies are still read and decoded).
            #[inline]
            pub fn send_stream(self) -> runtime::Call<'a, runtime::ByteStream #error> {
                runtime::Call::streamed(&self.client.core, self.request(), |response| {
                    runtime::stream_success(response, #decoder)
                })
            }
        }
    });
    let send_reconnecting = reconnecting_method(cx, op, &error, &decoder);
    let request = super::request::request_fn(cx, op, super::paging::keeps_next_url(op));
    let statics = operation_static_item(cx, op);
    let decode_fn = (!cx.decoders.is_shared(index)).then(|| {
        let decoder = emit_decoder(cx, op);
        quote!(#gate #decoder)
    });
    let paging_methods = paging.methods;
    let allow_deprecated = (op.deprecated || op.params.iter().any(|p| p.deprecated))
        .then(|| quote!(#[allow(deprecated)]));
    quote! {
        #gate
        #allow_deprecated
        impl<'a> builder::#name<'a> {
            #(#setters)*

            /// Sends the call; resolves to the body of the success response
            /// (`.with_response()` on it: with the response's status and headers too).
            #[inline]
            pub fn send(self) -> runtime::Call<'a, #success #error> {
                runtime::Call::#call(&self.client.core, self.request(), #decoder)
            }

            #send_stream
            #send_reconnecting
            #paging_methods
            #request
        }

        #gate
        impl<'a> std::future::IntoFuture for builder::#name<'a> {
            type Output = Result<#success, #call_error>;
            type IntoFuture = runtime::Call<'a, #success #error>;
            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }

        #gate
        #statics

        #decode_fn
    }
}

/// `send_reconnecting` for an event stream whose request may be sent again
/// (an idempotent method): the opt-in `EventSource` behaviour.
fn reconnecting_method(
    cx: &Context<'_>,
    op: &Operation,
    error: &TokenStream,
    decoder: &proc_macro2::Ident,
) -> Option<TokenStream> {
    let data = super::decode::event_data_type(cx, op).filter(|_| op.method.is_idempotent())?;
    Some(quote! {
        /// Sends the call and follows the event stream across dropped connections: after
        /// the server's `retry:` time (or the policy's), the request is sent again with
        /// `Last-Event-ID`, until the server ends the stream or `policy` gives up.
        #[inline]
        pub fn send_reconnecting(
            self,
            policy: runtime::Reconnect,
        ) -> runtime::ReconnectingEvents<'a, #data #error> {
            runtime::ReconnectingEvents::new(&self.client.core, self.request(), #decoder, policy)
        }
    })
}

/// Whether the success body is a stream (events or records).
pub fn streams_success(op: &Operation) -> bool {
    op.successes()
        .any(|r| matches!(r.media, MediaKind::EventStream | MediaKind::JsonLines(_)))
}

/// Whether the success body is binary or text (which `send_stream` can
/// hand over as chunks).
fn binary_success(op: &Operation) -> bool {
    op.success_type.is_none()
        && op.successes().any(|r| {
            matches!(
                (&r.media, &r.ty),
                (MediaKind::Binary(_), _)
                    | (_, TypeRef::Bytes)
                    | (MediaKind::Text(_), TypeRef::String)
            )
        })
}

fn operation_static_item(cx: &Context<'_>, op: &Operation) -> TokenStream {
    let ident = operation_static(op);
    let id = &op.id;
    let route = &op.route;
    let method = format_ident!(
        "{}",
        match op.method {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    );
    let alternatives = op.security.iter().map(|alternative| {
        let schemes = alternative.iter().filter_map(|name| {
            let scheme = cx.api.security_schemes.iter().find(|s| &s.name == name)?;
            let s = super::client::scheme_static_ident(scheme);
            Some(quote!(&#s))
        });
        quote!(&[#(#schemes),*])
    });
    let accept = match accept_header(op) {
        Some(accept) => quote!(Some(#accept)),
        None => quote!(None),
    };
    let doc = format!(" The {} operation.", super::docs::code(id));
    let doc = super::docs::doc_literal(&doc);
    quote! {
        #[doc = #doc]
        static #ident: runtime::Operation = runtime::Operation {
            id: #id,
            method: runtime::Method::#method,
            route: #route,
            security: &[#(#alternatives),*],
            accept: #accept,
        };
    }
}

fn accept_header(op: &Operation) -> Option<String> {
    let mut kinds: Vec<&str> = Vec::new();
    for response in &op.responses {
        if response.ty == TypeRef::Unit {
            continue;
        }
        let media = response.media.essence();
        if !kinds.contains(&media) {
            kinds.push(media);
        }
    }
    (!kinds.is_empty()).then(|| kinds.join(", "))
}
